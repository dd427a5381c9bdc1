"""The fill-rate early warning: after the first days of a month, a warehouse below target is announced."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from core.models import Notification
from core.roles import Role
from inventory.models import DemandHit
from kpis.services.warnings import fill_rate_warnings_send
from tests.factories import PartFactory, WarehouseFactory


def _hit(warehouse, day, requested, supplied):
    part = PartFactory()
    return DemandHit.objects.create(
        occurred_at=datetime(2026, 12, day, 10, tzinfo=ZoneInfo(settings.TIME_ZONE)),
        warehouse=warehouse,
        part=part,
        requested_part=part,
        source="workshop",
        quantity_requested=Decimal(requested),
        quantity_supplied=Decimal(supplied),
    )


def test_a_warehouse_below_target_is_announced_after_the_quiet_days(make_user):
    planner, clerk = make_user(Role.PLANNER), make_user(Role.CLERK)
    poor, good = WarehouseFactory(code="POOR"), WarehouseFactory(code="GOOD")
    _hit(poor, 2, 10, 8)
    _hit(poor, 6, 10, 8)  # 16 of 20: 80 %
    _hit(good, 3, 10, 10)
    _hit(poor, 8, 10, 0)  # today: not counted yet

    assert fill_rate_warnings_send(today=date(2026, 12, 5)) == []
    assert fill_rate_warnings_send(today=date(2026, 12, 8)) == ["POOR"]

    note = Notification.objects.get(kind="kpi.fill_rate_warning")
    assert note.user == planner
    assert note.message == (
        "POOR: instant fill rate 80% this month so far, below the 90% target; look at the parts not supplied at once."
    )
    assert not Notification.objects.filter(user=clerk).exists()
