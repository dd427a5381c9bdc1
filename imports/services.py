"""The import pipeline: stream a file, check and apply it chunk by chunk in one transaction,
and roll everything back when any row is bad or when it is a dry run.

Applying while checking (inside the transaction) is what lets a later row
refer to an earlier one (a supersession to a part created above) and lets the
preview report exactly what the import would create, update or leave alone.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import events
from core.services.notifications import notify

from .models import ImportBatch, ImportKind, ImportStatus
from .readers import UnreadableRow, format_of, read_rows
from .resources import RESOURCES, ImportReport

CHUNK_SIZE = 2000
KEPT_ERRORS = 1000  # a batch stores this many problems; the command prints them all


class ImportFileError(ValueError):
    """The file itself cannot be read (not CSV/XLSX, broken, wrong columns)."""


def import_file(
    *,
    kind: str,
    stream: IO[bytes],
    file_name: str,
    user,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportReport:
    """Import one file of ``kind``; with any bad row nothing is kept, and a dry run keeps nothing either."""
    if kind not in RESOURCES:
        raise ImportFileError(
            _("Unknown import kind %(kind)s; use one of %(resources)s.")
            % {"kind": kind, "resources": ", ".join(RESOURCES)}
        )
    resource_class = RESOURCES[kind]
    report = ImportReport(kind=kind, dry_run=dry_run)
    try:
        header, rows = read_rows(stream, format_of(file_name))
    except (ValueError, zipfile.BadZipFile, UnicodeDecodeError, OSError, KeyError) as error:
        report.error(1, "", _("The file cannot be read: %(error)s") % {"error": error})
        return report
    columns = resource_class.column_names()
    for missing in [c for c in resource_class.required if c not in header]:
        report.error(1, missing, _("This column is missing from the header row."))
    for unknown in [c for c in header if c and c not in columns]:
        report.error(1, unknown, _("Unknown column; the columns are: %(columns)s.") % {"columns": ", ".join(columns)})
    if report.errors:
        return report
    label = f"IMPORT {file_name}"[:60]
    with transaction.atomic():
        resource = resource_class(user=user, report=report, header=header, label=label)
        chunk = []
        try:
            for row in rows:
                chunk.append(row)
                if len(chunk) >= chunk_size:
                    report.rows += len(chunk)
                    resource.process(chunk)
                    chunk = []
                    if progress:
                        progress(report.rows)
        except UnreadableRow as error:
            report.error(error.row, "", str(error))
        except (UnicodeDecodeError, ValueError) as error:
            report.error(
                report.rows + len(chunk) + 2,
                "",
                _("The file cannot be read past this row: %(error)s") % {"error": error},
            )
        if chunk:
            report.rows += len(chunk)
            resource.process(chunk)
            if progress:
                progress(report.rows)
        resource.finish()
        if report.errors or dry_run:
            transaction.set_rollback(True)
    report.imported = not report.errors and not dry_run
    return report


def _store(batch: ImportBatch, report: ImportReport) -> None:
    batch.rows, batch.created, batch.updated, batch.unchanged = (
        report.rows,
        report.created,
        report.updated,
        report.unchanged,
    )
    batch.error_count = len(report.errors)
    # In file order: the row checks and the checks across rows (supersessions) find problems in two passes.
    ordered = sorted(report.errors, key=lambda problem: problem.row)
    batch.errors = [{"row": p.row, "column": p.column, "message": p.message} for p in ordered[:KEPT_ERRORS]]


def import_batch_preview(*, kind: str, file_name: str, content: bytes, user) -> ImportBatch:
    """Dry-run an uploaded file and keep it with its preview, ready to be confirmed."""
    report = import_file(kind=kind, stream=io.BytesIO(content), file_name=file_name, user=user, dry_run=True)
    batch = ImportBatch(kind=kind, file_name=file_name[:200], content=content, uploaded_by=user)
    _store(batch, report)
    batch.status = ImportStatus.REFUSED if report.errors else ImportStatus.PREVIEWED
    batch.save()
    return batch


@transaction.atomic
def import_batch_confirm(*, batch: ImportBatch, user) -> ImportBatch:
    """Import a previewed file for real. Checked again: data may have changed since the preview."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.PREVIEWED:
        from inventory.exceptions import InvalidTransition

        raise InvalidTransition(
            _("This file is %(status)s; upload it again to import it.") % {"status": batch.get_status_display()}
        )
    report = import_file(
        kind=batch.kind, stream=io.BytesIO(bytes(batch.content)), file_name=batch.file_name, user=user, dry_run=False
    )
    _store(batch, report)
    batch.status = ImportStatus.IMPORTED if report.imported else ImportStatus.REFUSED
    batch.imported_at = timezone.now() if report.imported else None
    batch.save()
    notify(
        users=[user],
        kind=events.IMPORT_FINISHED,
        message=gettext_noop("Import of %(file)s (%(kind)s): %(status)s."),
        params={
            "file": batch.file_name,
            "kind": ImportKind(batch.kind).label,
            "status": ImportStatus(batch.status).label,
        },
        email_subject=gettext_noop("Import of %(file)s finished"),
        subject_params={"file": batch.file_name},
    )
    return batch
