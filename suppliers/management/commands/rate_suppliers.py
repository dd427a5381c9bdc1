"""python manage.py rate_suppliers YYYY-MM — rate every supplier for that month (replaces an earlier run)."""

from __future__ import annotations

import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from suppliers.services.rating import supplier_rating_compute


class Command(BaseCommand):
    help = "Compute the supplier rating for one month (YYYY-MM). Rerunning a month replaces its result."

    def add_arguments(self, parser):
        parser.add_argument("month", help="The month to rate, e.g. 2026-03")

    def handle(self, *args, **options):
        raw = options["month"]
        if not re.fullmatch(r"\d{4}-\d{2}", raw):
            raise CommandError(f"Give the month as YYYY-MM, not {raw!r}.")
        try:
            month = date.fromisoformat(f"{raw}-01")
        except ValueError as error:
            raise CommandError(f"{raw} is not a month: {error}") from None
        ratings = supplier_rating_compute(month=month)
        for rating in ratings:
            self.stdout.write(
                f"{rating.supplier.code}: score {rating.score if rating.score is not None else '-'} "
                f"grade {rating.grade or '-'}"
            )
        self.stdout.write(self.style.SUCCESS(f"Rated {len(ratings)} supplier(s) for {raw}."))
