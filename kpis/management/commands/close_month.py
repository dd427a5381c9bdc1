"""python manage.py close_month YYYY-MM: run the month-end close here, printing each step."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.commands import LocalizedCommand
from kpis import services
from kpis.exceptions import KpiError
from kpis.models import MonthClose


class Command(LocalizedCommand):
    help = gettext_lazy(
        "Close a month (demand history, month-end stock, classification, KPI snapshot) in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("month", help=gettext_lazy("The month to close, as YYYY-MM."))
        parser.add_argument(
            "--takeover",
            action="store_true",
            help=gettext_lazy(
                "Mark a run of this month that is still active (its worker died) as failed, then close anew."
            ),
        )

    def handle(self, *args, month: str, takeover: bool = False, **options):
        def progress(run: MonthClose) -> None:
            self.stdout.write(f"{run.progress:3d} %  {run.step}")

        if takeover:
            taken = services.month_close_takeover(month=services.parse_month(month))
            self.stdout.write(_("took over %(count)s abandoned run(s)") % {"count": taken})
        try:
            run = services.month_close_run(month=services.parse_month(month), progress=progress)
        except KpiError as error:
            raise CommandError(error.message) from None
        elapsed = (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                _("Closed %(month)s (run #%(run)s) in %(seconds)s s.")
                % {"month": f"{run.month:%Y-%m}", "run": run.pk, "seconds": f"{elapsed:.1f}"}
            )
        )
