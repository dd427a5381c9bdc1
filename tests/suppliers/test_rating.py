"""Supplier rating on a hand-made month with a known answer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from suppliers import rating_formulas as f
from suppliers import services
from suppliers.models import RatingWeights, SupplierRating
from suppliers.tasks import rate_suppliers_monthly

from ..factories import PartFactory
from .factories import SupplierFactory

pytestmark = pytest.mark.usefixtures("postgres")
BERLIN = ZoneInfo("Europe/Berlin")


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=BERLIN)


def _order(supplier, warehouse, purchaser, *, qty, sent, promised=None, expected=None):
    part = PartFactory()
    order = services.purchase_order_create(
        supplier=supplier,
        warehouse=warehouse,
        order_type="stock",
        lines=[(part, Decimal(qty), Decimal("2.00"))],
        user=purchaser,
        expected_date=expected,
        created_at=at(sent, 8),
    )
    if promised:
        services.purchase_order_line_update(line=order.lines.get(), user=purchaser, promised_date=promised)
    services.purchase_order_send(order=order, user=purchaser, sent_at=at(sent))
    return order


def _receive(order, clerk, qty, day, hold=False):
    return services.goods_receipt_post(
        order=order,
        lines=[(order.lines.get(), Decimal(qty), None, hold)],
        user=clerk,
        arrived_at=at(day),
        posted_at=at(day, 10),
    )


@pytest.fixture
def march(warehouse, clerk, purchaser):
    """March 2026 for supplier ACME:

    * line 1: 10 promised 10 March, all 10 arrive 8 March (on time; lead time 16 days);
    * line 2: 20 promised 15 March, 12 arrive 14 March and 8 on 20 March (late; 13 and 19 days);
    * line 3: 10 expected 25 March (no promised date), 5 arrive 24 March on hold and are rejected (19 days).
    """
    acme = SupplierFactory(code="ACME")
    SupplierFactory(code="IDLE")  # no activity: no rating row
    o1 = _order(acme, warehouse, purchaser, qty=10, sent="2026-02-20", promised=date(2026, 3, 10))
    o2 = _order(acme, warehouse, purchaser, qty=20, sent="2026-03-01", promised=date(2026, 3, 15))
    o3 = _order(acme, warehouse, purchaser, qty=10, sent="2026-03-05", expected=date(2026, 3, 25))
    _receive(o1, clerk, 10, "2026-03-08")
    _receive(o2, clerk, 12, "2026-03-14")
    _receive(o2, clerk, 8, "2026-03-20")
    held = _receive(o3, clerk, 5, "2026-03-24", hold=True).lines.get()
    services.goods_receipt_line_reject(line=held, user=purchaser, reason="Corroded", rejected_at=at("2026-03-26"))
    return acme


def test_rating_of_a_known_month(march):
    # when March is rated with the default weights (0.4 / 0.3 / 0.2 / 0.1)
    ratings = services.supplier_rating_compute(month=date(2026, 3, 1))

    # then only ACME is rated, with the hand-computed figures
    assert len(ratings) == 1
    r = SupplierRating.objects.get()
    assert r.supplier == march
    assert r.month == date(2026, 3, 1)
    assert (r.lines_due, r.lines_on_time, r.on_time_rate) == (3, 1, Decimal("0.3333"))
    # fill: (10 + 20 + 5) / (10 + 20 + 10)
    assert (r.quantity_ordered, r.quantity_delivered, r.fill_rate) == (
        Decimal("40.000"),
        Decimal("35.000"),
        Decimal("0.8750"),
    )
    # rejects: 5 of the 35 received in March
    assert (r.quantity_received, r.quantity_rejected, r.reject_rate) == (
        Decimal("35.000"),
        Decimal("5.000"),
        Decimal("0.1429"),
    )
    # lead times 16, 13, 19, 19 days: mean 16.75, population spread √6.1875 = 2.49
    assert (r.lead_time_mean_days, r.lead_time_stddev_days) == (Decimal("16.75"), Decimal("2.49"))
    # score = 0.4·0.3333 + 0.3·0.875 + 0.2·(1 − 0.1429) + 0.1·(1 − 2.49/16.75 = 0.8513) = 0.6524
    assert r.score == Decimal("0.6524")
    assert r.grade == "D"


def test_rerun_replaces_and_weights_are_editable(march):
    services.supplier_rating_compute(month=date(2026, 3, 1))
    RatingWeights.objects.create(
        on_time_weight=Decimal("0"),
        fill_rate_weight=Decimal("1"),
        quality_weight=Decimal("0"),
        lead_time_weight=Decimal("0"),
    )

    services.supplier_rating_compute(month=date(2026, 3, 17))

    r = SupplierRating.objects.get()
    assert (r.score, r.grade) == (Decimal("0.8750"), "B")


def test_command_and_task_rate_a_month(march):
    out = StringIO()
    call_command("rate_suppliers", "2026-03", stdout=out)
    call_command("rate_suppliers", "2026-03", stdout=out)
    assert "ACME: score 0.6524 grade D" in out.getvalue()
    assert SupplierRating.objects.count() == 1
    assert rate_suppliers_monthly(month="2026-02") == 0  # nothing was due or received in February
    assert SupplierRating.objects.count() == 1
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("rate_suppliers", "March")


def test_formulas():
    assert f.share(Decimal(1), Decimal(3)) == Decimal("0.3333")
    assert f.share(Decimal(1), Decimal(0)) is None
    assert f.mean_and_spread([]) == (None, None)
    assert f.mean_and_spread([5, 5]) == (Decimal("5.00"), Decimal("0.00"))
    assert f.lead_time_reliability(Decimal(10), Decimal(20)) == Decimal(0)
    assert f.weighted_score([(None, Decimal(1)), (Decimal("0.5"), Decimal(2))]) == Decimal("0.5000")
    assert f.weighted_score([(None, Decimal(1))]) is None
    limits = {"a_min": Decimal("0.95"), "b_min": Decimal("0.85"), "c_min": Decimal("0.70")}
    assert [f.grade(Decimal(x), **limits) for x in ("0.95", "0.85", "0.7", "0.69")] == ["A", "B", "C", "D"]
    assert f.grade(None, **limits) == ""


def test_response_speed_is_scored_linearly_between_full_and_zero_hours():
    assert f.response_score(24, full_hours=24, zero_hours=168) == Decimal(1)
    assert f.response_score(96, full_hours=24, zero_hours=168) == Decimal("0.5000")
    assert f.response_score(200, full_hours=24, zero_hours=168) == Decimal(0)
    assert f.response_speed([2, 96], full_hours=24, zero_hours=168) == Decimal("0.7500")
    assert f.response_speed([], full_hours=24, zero_hours=168) is None


@given(
    hours=st.lists(st.decimals(min_value=0, max_value=10_000, places=2), max_size=20),
    full=st.integers(min_value=0, max_value=100),
    span=st.integers(min_value=1, max_value=500),
)
def test_response_speed_stays_a_share(hours, full, span):
    speed = f.response_speed(hours, full_hours=full, zero_hours=full + span)
    assert speed is None if not hours else Decimal(0) <= speed <= Decimal(1)


def test_rated_due_date_ignores_changes_inside_the_cutoff():
    history = [(date(2026, 12, 1), date(2026, 12, 20)), (date(2026, 12, 18), date(2027, 1, 5))]
    assert f.rated_due_date(history, cutoff_days=7) == date(2026, 12, 20)
    assert f.rated_due_date(history, cutoff_days=2) == date(2027, 1, 5)
    assert f.rated_due_date([(date(2026, 12, 1), None)], cutoff_days=7) is None


def test_rating_counts_response_speed_and_notice_accuracy(make_order, clerk, purchaser):
    # given an order sent on 1 April 08:00 and confirmed 96 hours later (score 0.5),
    # and a notice of two lines of which one arrived as announced
    tz = ZoneInfo("Europe/Berlin")
    supplier = SupplierFactory(code="FAST")
    order = make_order(state="draft", supplier=supplier, lines=[(10, "1.00"), (5, "1.00")])
    services.purchase_order_send(order=order, user=purchaser, sent_at=datetime(2026, 4, 1, 8, tzinfo=tz))
    services.purchase_order_confirm(order=order, user=purchaser, confirmed_at=datetime(2026, 4, 5, 8, tzinfo=tz))
    first, second = order.lines.order_by("line_no")
    notice = services.shipment_notice_announce(
        order=order,
        user=purchaser,
        delivery_note="N-1",
        expected_arrival=date(2026, 4, 9),
        lines=[(first, Decimal(10)), (second, Decimal(5))],
        announced_at=datetime(2026, 4, 6, 8, tzinfo=tz),
    )
    arrived = datetime(2026, 4, 9, 8, tzinfo=tz)
    services.goods_receipt_post(
        order=order,
        lines=[(first, Decimal(10), None, False), (second, Decimal(4), None, False)],
        user=clerk,
        shipment_notice=notice,
        arrived_at=arrived,
        posted_at=arrived,
    )

    # when April is rated
    (rating,) = services.supplier_rating_compute(month=date(2026, 4, 1))

    # then: response 0.5, notice accuracy 1 / 2, reject rate 0, lead time 8 days each (reliability 1)
    assert (rating.orders_confirmed, rating.response_hours_mean, rating.response_speed) == (
        1,
        Decimal("96.00"),
        Decimal("0.5000"),
    )
    assert (rating.notice_lines, rating.notice_lines_exact, rating.notice_accuracy) == (2, 1, Decimal("0.5000"))
    # score = (0.2·1 + 0.1·1 + 0.1·0.5 + 0.1·0.5) / 0.5 = 0.8 (no line due in April: on-time and fill left out)
    assert rating.score == Decimal("0.8000")
