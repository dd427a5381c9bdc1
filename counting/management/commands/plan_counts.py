"""Build the day's cycle count lists now (the Celery beat runs the same every morning)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.commands import LocalizedCommand
from counting import services


class Command(LocalizedCommand):
    help = gettext_lazy(
        "Build cycle count lists per warehouse for a day (default today); rerunning the same day adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help=gettext_lazy("The day to plan, YYYY-MM-DD (default: today)."))

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(_("--date must be YYYY-MM-DD: %(error)s") % {"error": error}) from error
        for result in services.count_plan_build_all(day=day):
            values = {"warehouse": result.warehouse.code, "day": day, "lines": result.lines}
            if result.count_list is None and result.lines == 0:
                self.stdout.write(_("%(warehouse)s: nothing due for %(day)s") % values)
            elif result.count_list is None:
                self.stdout.write(_("%(warehouse)s: no list for %(day)s") % values)
            elif result.created:
                self.stdout.write(
                    _("%(warehouse)s: count %(count)s with %(lines)s lines") % {**values, "count": result.count_list.pk}
                )
            else:
                self.stdout.write(
                    _("%(warehouse)s: count %(count)s already planned (%(lines)s lines)")
                    % {**values, "count": result.count_list.pk}
                )
