"""Monthly supplier rating: on-time delivery, quantity fill rate, quality rejects, lead time.

Definitions, for a supplier and a month (dates are local dates):

* a **due line** is an order line (order sent or later, not cancelled) whose
  due date — the promised date, else the order's expected date — falls in
  the month;
* **on time**: the line's receipts that arrived on or before the due date
  cover the ordered quantity; on-time rate = on-time lines / due lines;
* **fill rate** = Σ min(delivered by month end, ordered) / Σ ordered over due lines;
* **reject rate** = quantity rejected / quantity received, over receipt lines
  that arrived in the month;
* **lead time** per planned receipt line arrived in the month = days from
  the order being sent to the goods arriving; mean and population spread;
* **response speed** over orders confirmed in the month: hours from sent to
  confirmed, each scored 1 up to ``response_full_hours``, 0 from
  ``response_zero_hours``, linear between; the mean of those scores;
* **notice accuracy** = shipping-notice lines received exactly as announced /
  notice lines, over notices whose receipt arrived in the month.

A line's due date is the date the rating holds the supplier to
(``rated_due_date``: the last promised date confirmed before the cut-off),
else its promised date, else the order's expected date.

Rerunning a month deletes its rows and writes them again in one
transaction, so nothing is ever doubled.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from .. import rating_formulas as f
from ..models import (
    GoodsReceiptLine,
    HoldState,
    OrderState,
    PurchaseOrder,
    PurchaseOrderLine,
    RatingWeights,
    ShipmentNoticeLine,
    SupplierRating,
)

ZERO = Decimal("0")


def rating_weights_current() -> RatingWeights:
    """The weights in force (the newest row; created with the defaults on first use)."""
    weights = RatingWeights.objects.order_by("-id").first()
    return weights or RatingWeights.objects.create()


def month_bounds(month: date) -> tuple[date, date, datetime, datetime]:
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    return first, last, start, end


@transaction.atomic
def supplier_rating_compute(*, month: date) -> list[SupplierRating]:
    """Rate every supplier with activity in ``month``; replaces the month's earlier result."""
    first, last, start, end = month_bounds(month)
    weights = rating_weights_current()

    due_lines = list(
        PurchaseOrderLine.objects.exclude(order__state__in=(OrderState.DRAFT, OrderState.CANCELLED))
        .annotate(
            due=Coalesce("rated_due_date", "promised_date", "order__expected_date"),
            supplier_id=F("order__supplier_id"),
        )
        .filter(due__gte=first, due__lte=last)
        .values("pk", "supplier_id", "quantity", "due")
    )
    arrivals: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for row in GoodsReceiptLine.objects.filter(
        po_line_id__in=[line["pk"] for line in due_lines], receipt__arrived_at__lt=end
    ).values("po_line_id", "quantity", "receipt__arrived_at"):
        arrivals[row["po_line_id"]].append((timezone.localdate(row["receipt__arrived_at"]), row["quantity"]))

    stats: dict[int, dict] = defaultdict(
        lambda: {
            "due": 0,
            "on_time": 0,
            "ordered": ZERO,
            "delivered": ZERO,
            "received": ZERO,
            "rejected": ZERO,
            "lead_days": [],
            "response_hours": [],
            "notice_lines": 0,
            "notice_exact": 0,
        }
    )
    for line in due_lines:
        s = stats[line["supplier_id"]]
        got = arrivals[line["pk"]]
        by_due = sum((q for day, q in got if day <= line["due"]), ZERO)
        by_month_end = sum((q for _, q in got), ZERO)
        s["due"] += 1
        s["on_time"] += by_due >= line["quantity"]
        s["ordered"] += line["quantity"]
        s["delivered"] += min(by_month_end, line["quantity"])

    for row in GoodsReceiptLine.objects.filter(receipt__arrived_at__gte=start, receipt__arrived_at__lt=end).values(
        "quantity",
        "hold_state",
        "po_line_id",
        "receipt__arrived_at",
        "receipt__purchase_order__supplier_id",
        "receipt__purchase_order__sent_at",
    ):
        s = stats[row["receipt__purchase_order__supplier_id"]]
        s["received"] += row["quantity"]
        if row["hold_state"] == HoldState.REJECTED:
            s["rejected"] += row["quantity"]
        sent_at = row["receipt__purchase_order__sent_at"]
        if row["po_line_id"] and sent_at:
            days = (timezone.localdate(row["receipt__arrived_at"]) - timezone.localdate(sent_at)).days
            s["lead_days"].append(max(days, 0))

    for supplier_id, sent_at, confirmed_at in PurchaseOrder.objects.filter(
        confirmed_at__gte=start, confirmed_at__lt=end, sent_at__isnull=False
    ).values_list("supplier_id", "sent_at", "confirmed_at"):
        if confirmed_at is None or sent_at is None:  # filtered out above; the ORM's types cannot say so
            continue
        hours = Decimal(max((confirmed_at - sent_at).total_seconds(), 0)) / 3600
        stats[supplier_id]["response_hours"].append(hours)

    for supplier_id, announced, received in ShipmentNoticeLine.objects.filter(
        notice__receipt__arrived_at__gte=start, notice__receipt__arrived_at__lt=end
    ).values_list("notice__supplier_id", "quantity_announced", "quantity_received"):
        stats[supplier_id]["notice_lines"] += 1
        stats[supplier_id]["notice_exact"] += announced == received

    SupplierRating.objects.filter(month=first).delete()
    now = timezone.now()
    ratings = []
    for supplier_id, s in sorted(stats.items()):
        on_time = f.share(s["on_time"], s["due"])
        fill = f.share(s["delivered"], s["ordered"])
        reject = f.share(s["rejected"], s["received"])
        mean, spread = f.mean_and_spread(s["lead_days"])
        response = f.response_speed(
            s["response_hours"], full_hours=weights.response_full_hours, zero_hours=weights.response_zero_hours
        )
        notice_accuracy = f.share(s["notice_exact"], s["notice_lines"])
        score = f.weighted_score(
            [
                (on_time, weights.on_time_weight),
                (fill, weights.fill_rate_weight),
                (None if reject is None else 1 - reject, weights.quality_weight),
                (f.lead_time_reliability(mean, spread), weights.lead_time_weight),
                (response, weights.response_weight),
                (notice_accuracy, weights.notice_weight),
            ]
        )
        ratings.append(
            SupplierRating(
                supplier_id=supplier_id,
                month=first,
                lines_due=s["due"],
                lines_on_time=s["on_time"],
                on_time_rate=on_time,
                quantity_ordered=s["ordered"],
                quantity_delivered=s["delivered"],
                fill_rate=fill,
                quantity_received=s["received"],
                quantity_rejected=s["rejected"],
                reject_rate=reject,
                lead_time_mean_days=mean,
                lead_time_stddev_days=spread,
                orders_confirmed=len(s["response_hours"]),
                response_hours_mean=f.mean_and_spread(s["response_hours"])[0],
                response_speed=response,
                notice_lines=s["notice_lines"],
                notice_lines_exact=s["notice_exact"],
                notice_accuracy=notice_accuracy,
                score=score,
                grade=f.grade(score, a_min=weights.grade_a_min, b_min=weights.grade_b_min, c_min=weights.grade_c_min),
                computed_at=now,
            )
        )
    return SupplierRating.objects.bulk_create(ratings)


def previous_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
