"""The fill-rate early warning: a warehouse whose running instant fill rate this month is below target."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from core import events
from core.roles import Role
from core.services.notifications import notify, users_with_role
from inventory.models import DemandHit
from inventory.months import month_begins

from .. import formulas
from .snapshot import DAILY_TARGET

# The first days of a month have too little demand to judge by; the warning starts after them.
QUIET_DAYS = 5


def fill_rate_warnings_send(*, today: date | None = None) -> list[str]:
    """Tell planners and managers of each warehouse whose instant fill rate from the 1st to yesterday
    (quantity supplied at once / quantity requested) is below the daily target; returns their codes.

    Sent every morning while the rate stays below, so the month can still be turned round.
    """
    today = today or timezone.localdate()
    if today.day <= QUIET_DAYS:
        return []
    start = month_begins(today.replace(day=1), settings.TIME_ZONE)
    end = datetime.combine(today, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    rows = (
        DemandHit.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .values("warehouse_id", "warehouse__code")
        .annotate(requested=Sum("quantity_requested"), supplied=Sum("quantity_supplied"))
        .order_by("warehouse__code")
    )
    warned = []
    people = [*users_with_role(Role.PLANNER), *users_with_role(Role.MANAGER)]
    for row in rows:
        rate = formulas.daily_instant_fill_rate(row["requested"], row["supplied"])
        if rate is None or rate >= float(DAILY_TARGET):
            continue
        code = row["warehouse__code"]
        warned.append(code)
        notify(
            users=people,
            kind=events.FILL_RATE_WARNING,
            message=gettext_noop(
                "%(warehouse)s: instant fill rate %(rate)s this month so far, below the %(target)s target; "
                "look at the parts not supplied at once."
            ),
            params={"warehouse": code, "rate": f"{rate:.0%}", "target": f"{DAILY_TARGET:.0%}"},
            link=reverse("kpis:dashboard"),
            email_subject=gettext_noop("Fill rate early warning for %(warehouse)s"),
            subject_params={"warehouse": code},
        )
    return warned
