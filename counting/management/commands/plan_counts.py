"""Build the day's cycle count lists now (the Celery beat runs the same every morning)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from counting import services


class Command(BaseCommand):
    help = "Build cycle count lists per warehouse for a day (default today); rerunning the same day adds nothing."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to plan, YYYY-MM-DD (default: today).")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date must be YYYY-MM-DD: {error}") from error
        for result in services.count_plan_build_all(day=day):
            if result.count_list is None:
                state = "nothing due" if result.lines == 0 else ""
                self.stdout.write(f"{result.warehouse.code}: {state or 'no list'} for {day}")
            elif result.created:
                self.stdout.write(f"{result.warehouse.code}: count {result.count_list.pk} with {result.lines} lines")
            else:
                self.stdout.write(
                    f"{result.warehouse.code}: count {result.count_list.pk} already planned ({result.lines} lines)"
                )
