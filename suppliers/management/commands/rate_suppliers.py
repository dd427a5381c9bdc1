"""python manage.py rate_suppliers YYYY-MM — rate every supplier for that month (replaces an earlier run)."""

from __future__ import annotations

import re
from datetime import date

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.commands import LocalizedCommand
from suppliers.services.rating import supplier_rating_compute


class Command(LocalizedCommand):
    help = gettext_lazy("Compute the supplier rating for one month (YYYY-MM). Rerunning a month replaces its result.")

    def add_arguments(self, parser):
        parser.add_argument("month", help=gettext_lazy("The month to rate, e.g. 2026-03"))

    def handle(self, *args, **options):
        raw = options["month"]
        if not re.fullmatch(r"\d{4}-\d{2}", raw):
            raise CommandError(_("Give the month as YYYY-MM, not %(value)s.") % {"value": repr(raw)})
        try:
            month = date.fromisoformat(f"{raw}-01")
        except ValueError as error:
            raise CommandError(_("%(value)s is not a month: %(error)s") % {"value": raw, "error": error}) from None
        ratings = supplier_rating_compute(month=month)
        for rating in ratings:
            self.stdout.write(
                _("%(supplier)s: score %(score)s grade %(grade)s")
                % {
                    "supplier": rating.supplier.code,
                    "score": rating.score if rating.score is not None else "-",
                    "grade": rating.grade or "-",
                }
            )
        self.stdout.write(
            self.style.SUCCESS(_("Rated %(count)s supplier(s) for %(month)s.") % {"count": len(ratings), "month": raw})
        )
