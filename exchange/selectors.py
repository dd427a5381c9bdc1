"""Reads of the dealer exchange. What a partner reads never carries a cost or internal stock."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from inventory import quantities
from inventory.models import StockLevel
from planning.models import MonthEndClass

from .models import ExchangeRequest, ExchangeRequestLine, Offer, OfferState, PartnerDealer, RequestState

ZERO = Decimal(0)


def partner_for_user(user) -> PartnerDealer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return PartnerDealer.objects.filter(users__user=user, is_active=True).first()


def open_offers() -> QuerySet[Offer]:
    """Open offers still valid, with ``left``: the quantity not yet promised to a partner's request."""
    promised = (
        ExchangeRequestLine.objects.filter(offer=OuterRef("pk"), request__state=RequestState.REQUESTED)
        .values("offer")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    today = timezone.localdate()
    qty = DecimalField(max_digits=14, decimal_places=3)
    return (
        Offer.objects.filter(state=OfferState.OPEN)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("part", "warehouse")
        .annotate(
            left=ExpressionWrapper(
                Greatest(F("quantity") - Coalesce(Subquery(promised, output_field=qty), Value(ZERO)), Value(ZERO)),
                output_field=qty,
            )
        )
        .filter(left__gt=0)
        .order_by("part__number_normalized", "warehouse__code")
    )


def partner_requests(*, dealer: PartnerDealer) -> QuerySet[ExchangeRequest]:
    return ExchangeRequest.objects.filter(dealer=dealer).select_related("warehouse").prefetch_related("lines__part")


def request_inbox(*, state: str | None = RequestState.REQUESTED) -> QuerySet[ExchangeRequest]:
    requests = ExchangeRequest.objects.select_related("dealer", "warehouse", "requested_by").prefetch_related(
        "lines__part"
    )
    return requests.filter(state=state) if state else requests


def offer_list(*, state: str | None = OfferState.OPEN) -> QuerySet[Offer]:
    offers = Offer.objects.select_related("part", "warehouse", "created_by")
    return offers.filter(state=state) if state else offers


@dataclass(frozen=True)
class Candidate:
    """Stock worth offering: dead (C0) stock or free stock above the maximum."""

    level: StockLevel
    class_code: str
    offerable: Decimal

    @property
    def value(self) -> Decimal:
        return self.offerable * self.level.average_cost


def offer_candidates(*, warehouse_id: int | None = None, limit: int = 200) -> list[Candidate]:
    """C0 stock (all its free stock) and surplus (free stock above the maximum, by the same rule as
    transfer-first sourcing), not offered yet, largest value first."""
    klass = MonthEndClass.objects.filter(part_id=OuterRef("part_id"), warehouse_id=OuterRef("warehouse_id")).values(
        "class_code"
    )[:1]
    offered = Offer.objects.filter(state=OfferState.OPEN).values("part_id", "warehouse_id")
    levels = (
        StockLevel.objects.filter(on_hand__gt=0)
        .annotate(class_code=Subquery(klass))
        .select_related("part", "warehouse")
    )
    if warehouse_id:
        levels = levels.filter(warehouse_id=warehouse_id)
    open_pairs = set(offered.values_list("part_id", "warehouse_id"))
    candidates = []
    for level in levels.filter(Q(class_code="C0") | Q(on_hand__gt=F("max_qty"), max_qty__gt=0)).iterator():
        if (level.part_id, level.warehouse_id) in open_pairs:
            continue
        free = quantities.free_stock(
            on_hand=level.on_hand, reserved=level.reserved, quarantined=level.quarantined, backordered=level.backordered
        )
        offerable = (
            free
            if level.class_code == "C0"
            else quantities.surplus(free=free, min_qty=level.min_qty, max_qty=level.max_qty)
        )
        if offerable > 0:
            candidates.append(Candidate(level=level, class_code=level.class_code or "", offerable=offerable))
    candidates.sort(key=lambda c: c.value, reverse=True)
    return candidates[:limit]


def disposed_value(*, start, end) -> Decimal:
    """Cost value of stock that left through the exchange between ``start`` and ``end``."""
    from inventory.document_types import EXCHANGE_SALE
    from inventory.models import StockMovement

    total = StockMovement.objects.filter(
        document_type=EXCHANGE_SALE, posted_at__gte=start, posted_at__lt=end
    ).aggregate(v=Sum("value"))["v"]
    return -(total or ZERO)
