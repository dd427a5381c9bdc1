"""Import a large CSV or XLSX file from the shell, streaming, with a progress bar.

python manage.py import_data parts parts.csv [--dry-run] [--user NAME]
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from core.commands import LocalizedCommand
from imports.resources import RESOURCES
from imports.services import import_file


def _count_lines(path: str) -> int | None:
    if not path.lower().endswith(".csv"):
        return None
    with open(path, "rb") as handle:
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)


class Command(LocalizedCommand):
    help = gettext_lazy(
        "Import KIND from FILE (CSV or XLSX). Any bad row refuses the whole file; a re-import changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help=gettext_lazy("Check and count, keep nothing."))
        parser.add_argument(
            "--user", help=gettext_lazy("Username the movements are posted as (default: the first superuser).")
        )
        parser.add_argument("--no-progress", action="store_true", help=gettext_lazy("Print no progress bar."))

    def handle(self, *args, **options):
        User = get_user_model()
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("No user %(user)s.") % {"user": options["user"]})
        else:
            user = User.objects.filter(is_superuser=True).order_by("pk").first()
            if user is None:
                raise CommandError(_("Name the user to post as with --user (there is no superuser)."))
        path = options["file"]
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below, after streaming
        except OSError as error:
            raise CommandError(_("Cannot open %(path)s: %(error)s") % {"path": path, "error": error}) from error
        bar = tqdm(total=_count_lines(path), unit=_("rows"), disable=options["no_progress"], file=self.stderr._out)
        done = 0

        def progress(rows: int) -> None:
            nonlocal done
            bar.update(rows - done)
            done = rows

        try:
            report = import_file(
                kind=options["kind"],
                stream=stream,
                file_name=path,
                user=user,
                dry_run=options["dry_run"],
                progress=progress,
            )
        finally:
            stream.close()
            bar.close()
        for problem in report.errors:
            self.stderr.write(str(problem))
        if report.errors:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
