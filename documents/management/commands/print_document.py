"""Print one document (purchase order, pick list, receipt slip, delivery note, count sheet, return note) to PDF."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.commands import LocalizedCommand
from documents.documents import KINDS, document_pdf
from documents.selectors import DocumentNotFound


class Command(LocalizedCommand):
    help = gettext_lazy(
        "po NUMBER | picklist WR-NUMBER or WAREHOUSE:YYYY-MM-DD | receipt NUMBER | transfer TO-NUMBER | "
        "count LIST-ID | return RMA-NUMBER"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("number")
        parser.add_argument("--output", required=True, help=gettext_lazy("The PDF file to write."))

    def handle(self, *args, **options):
        try:
            pdf = document_pdf(kind=options["kind"], number=options["number"])
        except DocumentNotFound:
            raise CommandError(
                _("No %(kind)s %(number)s.") % {"kind": options["kind"], "number": repr(options["number"])}
            ) from None
        Path(options["output"]).write_bytes(pdf)
        self.stdout.write(
            _("%(kind)s %(number)s written to %(file)s")
            % {"kind": options["kind"], "number": options["number"], "file": options["output"]}
        )
