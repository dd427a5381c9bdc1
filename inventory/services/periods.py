"""Closed months: the ledger refuses postings dated into them.

The month-end close locks a month (``period_close``); a manager may reopen it
(``period_reopen``), which is logged. Every posting asks ``posting_moment``
for the time it is posted at: a time in a closed month is refused, or, where
``LedgerSettings.late_postings_to_open_month`` allows it, moved to the first
instant of the open month with the date asked for kept on the movement.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import InventoryError, PeriodClosed
from ..models import ClosedPeriod, LedgerSettings, PeriodAction, PeriodEvent


def _first_instant(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def open_from() -> datetime | None:
    """The first instant that may be posted at (the start of the month after the last closed one)."""
    last = ClosedPeriod.objects.aggregate(last=Max("month"))["last"]
    return None if last is None else _first_instant(_next_month(last))


def posting_moment(posted_at: datetime | None) -> tuple[datetime, datetime | None]:
    """The time a posting is posted at and, when it was moved out of a closed month, the time asked for.

    A posting without a date is posted now, and now is never in a closed month
    (only months that are over are closed), so the common case costs no query.
    """
    if posted_at is None:
        return timezone.now(), None
    boundary = open_from()
    if boundary is None or posted_at >= boundary:
        return posted_at, None
    closed = timezone.localtime(posted_at)
    settings_row = LedgerSettings.objects.filter(pk=1).first()
    if settings_row is None or not settings_row.late_postings_to_open_month:
        raise PeriodClosed(
            _("%(closed)s is closed; date the posting on or after %(boundary)s, or ask a manager to reopen the month.")
            % {"closed": format(closed, "%Y-%m"), "boundary": format(timezone.localtime(boundary), "%Y-%m-%d")}
        )
    return boundary, posted_at


def late_reason(reason: str, intended_at: datetime | None) -> str:
    """The movement's reason, saying why it is not dated when asked (kept within the column's 200 characters)."""
    if intended_at is None:
        return reason
    note = f"Dated {timezone.localtime(intended_at):%Y-%m-%d} in a closed month; posted in the open month."
    return f"{reason} ({note})"[:200] if reason else note


def parse_month(text: str) -> date:
    """'2026-03' -> date(2026, 3, 1); a clear refusal otherwise."""
    try:
        year, number = (int(piece) for piece in text.strip().split("-"))
        return date(year, number, 1)
    except ValueError:
        raise InventoryError(
            _("'%(text)s' is not a month; write it as YYYY-MM, e.g. 2026-03.") % {"text": text}, field="month"
        ) from None


def _month(month: date) -> date:
    return date(month.year, month.month, 1)


@transaction.atomic
def period_close(*, month: date, user=None) -> ClosedPeriod:
    """Lock a month (the month-end close calls this when it publishes); closing it again is a no-op."""
    month = _month(month)
    period, created = ClosedPeriod.objects.get_or_create(
        month=month, defaults={"closed_at": timezone.now(), "closed_by": user}
    )
    if created:
        PeriodEvent.objects.create(month=month, action=PeriodAction.CLOSE, user=user, at=period.closed_at)
    return period


@transaction.atomic
def period_reopen(*, month: date, user, reason: str) -> int:
    """Unlock a closed month and every later one; return how many months were reopened.

    Postings may then be dated into them; closing the month again reruns the
    close and locks it again. Logged with the manager and the reason.
    """
    month = _month(month)
    if not reason.strip():
        raise InventoryError(_("Say why the month is reopened."), field="reason")
    periods = ClosedPeriod.objects.select_for_update().filter(month__gte=month)
    months = list(periods.values_list("month", flat=True))
    if month not in months:
        raise InventoryError(_("%(month)s is not closed.") % {"month": format(month, "%Y-%m")}, field="month")
    now = timezone.now()
    periods.delete()
    PeriodEvent.objects.bulk_create(
        [
            PeriodEvent(month=reopened, action=PeriodAction.REOPEN, user=user, at=now, reason=reason.strip()[:200])
            for reopened in sorted(months)
        ]
    )
    return len(months)


@transaction.atomic
def ledger_settings_update(*, late_postings_to_open_month: bool) -> LedgerSettings:
    """Change the ledger's settings (managers); the history keeps who changed them."""
    row, created = LedgerSettings.objects.select_for_update().get_or_create(
        pk=1, defaults={"late_postings_to_open_month": late_postings_to_open_month}
    )
    if not created and row.late_postings_to_open_month != late_postings_to_open_month:
        row.late_postings_to_open_month = late_postings_to_open_month
        row.save()
    return row
