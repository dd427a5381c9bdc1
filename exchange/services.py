"""Writes of the dealer exchange: offers, partners' requests, shipping them as sales.

Shipping moves stock out through inventory's ledger (``stock_issue`` with the document type
``exchange_sale``), in one transaction with the request's state, so a request is shipped whole or
not at all. A sale to a partner is not workshop demand: it writes no demand hit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.exceptions import DomainError, IdempotencyConflict, InvalidTransition, NotPermitted
from core.permissions import require_warehouse
from core.roles import Role, user_access
from core.services import notify, users_with_role
from inventory.document_types import EXCHANGE_SALE
from inventory.models import Part, StockLevel, Warehouse
from inventory.quantities import quantity_checked
from inventory.services import stock_issue

from . import pricing
from .models import (
    ExchangeRequest,
    ExchangeRequestLine,
    Offer,
    OfferState,
    PartnerDealer,
    RequestState,
)

OFFER_ROLES = {Role.PLANNER, Role.MANAGER}
SHIP_ROLES = {Role.CLERK, Role.MANAGER}
DECIDE_ROLES = {Role.PLANNER, Role.MANAGER, Role.CLERK}
MAX_LINES = 100


class ExchangeError(DomainError):
    """A refusal of the dealer exchange."""


def _require(user, roles: set[str], message: str) -> None:
    if not user_access(user).has_any(roles):
        raise NotPermitted(message)


def _positive(quantity, field: str = "quantity") -> Decimal:
    try:
        value = Decimal(str(quantity))
    except (InvalidOperation, ValueError):
        raise ExchangeError(_("Give the quantity as a number."), field=field) from None
    if not value.is_finite() or value <= 0:
        raise ExchangeError(_("The quantity must be more than zero."), field=field)
    if value != value.quantize(Decimal("0.001")):
        raise ExchangeError(_("A quantity has at most 3 decimals."), field=field)
    return value


@transaction.atomic
def offer_create(
    *,
    part: Part,
    warehouse: Warehouse,
    quantity,
    price_rule: str,
    rule_value,
    user,
    valid_until: date | None = None,
    note: str = "",
) -> Offer:
    """Offer stock of one part in one warehouse; an open offer of the same stock is replaced."""
    _require(user, OFFER_ROLES, _("Only a planner or a manager offers stock on the exchange."))
    quantity = quantity_checked(part, _positive(quantity))
    level = StockLevel.objects.select_for_update().filter(part=part, warehouse=warehouse).first()
    free = (level.on_hand - level.reserved - level.quarantined - level.backordered) if level else Decimal(0)
    if quantity > free:
        raise ExchangeError(
            _("Only %(free)s of %(part)s are free in %(warehouse)s; offer that much at most.")
            % {"free": f"{free.normalize():f}", "part": part.number, "warehouse": warehouse.code},
            field="quantity",
        )
    if valid_until is not None and valid_until < timezone.localdate():
        raise ExchangeError(_("An offer cannot end in the past."), field="valid_until")
    try:
        price = pricing.offer_price(
            rule=price_rule, value=Decimal(str(rule_value)), unit_cost=level.average_cost if level else Decimal(0)
        )
    except (pricing.PriceRuleError, InvalidOperation):
        raise ExchangeError(_("Choose a price rule and a value of zero or more."), field="rule_value") from None
    Offer.objects.filter(part=part, warehouse=warehouse, state=OfferState.OPEN).update(state=OfferState.WITHDRAWN)
    return Offer.objects.create(
        part=part,
        warehouse=warehouse,
        quantity=quantity,
        price_rule=price_rule,
        rule_value=rule_value,
        unit_price=price,
        valid_until=valid_until,
        note=note[:200],
        created_by=user,
    )


@transaction.atomic
def offer_withdraw(*, offer: Offer, user) -> Offer:
    _require(user, OFFER_ROLES, _("Only a planner or a manager withdraws an offer."))
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.state != OfferState.OPEN:
        raise InvalidTransition(_("This offer is no longer open."))
    offer.state = OfferState.WITHDRAWN
    offer.save(update_fields=["state"])
    return offer


def _requested_elsewhere(offer_ids: Iterable[int]) -> dict[int, Decimal]:
    """Quantities of open requests per offer: promised to a partner, not offered to another."""
    from django.db.models import Sum

    rows = (
        ExchangeRequestLine.objects.filter(offer_id__in=list(offer_ids), request__state=RequestState.REQUESTED)
        .values("offer_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["offer_id"]: row["total"] for row in rows}


def request_create(
    *,
    dealer: PartnerDealer,
    lines: Sequence[tuple[int, object]],
    user,
    reference: str = "",
    idempotency_key: str | None = None,
) -> ExchangeRequest:
    """A partner asks for offered quantities (``lines``: offer id, quantity) from one warehouse.

    A retry with the same idempotency key returns the first request; the same key with other lines
    is refused.
    """
    if not dealer.is_active:
        raise NotPermitted(_("This partner dealer is not active on the exchange."))
    if idempotency_key:
        earlier = ExchangeRequest.objects.filter(dealer=dealer, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return _same_request(earlier, lines)
    if not lines:
        raise ExchangeError(_("Ask for at least one offered part."), field="lines")
    if len(lines) > MAX_LINES:
        raise ExchangeError(_("A request has at most %(max)s lines.") % {"max": MAX_LINES}, field="lines")
    wanted: dict[int, Decimal] = {}
    for offer_id, quantity in lines:
        wanted[int(offer_id)] = wanted.get(int(offer_id), Decimal(0)) + _positive(quantity)
    try:
        with transaction.atomic():
            offers = {
                o.pk: o
                for o in Offer.objects.select_for_update().select_related("part", "warehouse").filter(pk__in=wanted)
            }
            missing = sorted(set(wanted) - set(offers))
            today = timezone.localdate()
            closed = [
                o for o in offers.values() if o.state != OfferState.OPEN or (o.valid_until and o.valid_until < today)
            ]
            if missing or closed:
                raise ExchangeError(_("An offer you asked for is no longer open; reload the offers."), field="lines")
            warehouses = {o.warehouse_id for o in offers.values()}
            if len(warehouses) != 1:
                raise ExchangeError(_("Ask for parts of one warehouse per request."), field="lines")
            promised = _requested_elsewhere(offers)
            for offer_id, quantity in wanted.items():
                offer = offers[offer_id]
                quantity_checked(offer.part, quantity, field="lines")
                left = offer.quantity - promised.get(offer_id, Decimal(0))
                if quantity > left:
                    raise ExchangeError(
                        _("Only %(left)s of %(part)s are still offered; ask for that much at most.")
                        % {"left": f"{max(left, Decimal(0)).normalize():f}", "part": offer.part.number},
                        field="lines",
                    )
            request = ExchangeRequest.objects.create(
                dealer=dealer,
                warehouse_id=warehouses.pop(),
                requested_by=user,
                reference=reference[:60],
                idempotency_key=idempotency_key or None,
            )
            ExchangeRequestLine.objects.bulk_create(
                [
                    ExchangeRequestLine(
                        request=request,
                        offer=offers[offer_id],
                        part=offers[offer_id].part,
                        quantity=quantity,
                        unit_price=offers[offer_id].unit_price,
                    )
                    for offer_id, quantity in wanted.items()
                ]
            )
            notify(
                users=users_with_role(Role.PLANNER),
                message=gettext_noop("%(dealer)s asks for %(lines)s offered parts on %(number)s."),
                params={"dealer": dealer.code, "lines": len(wanted), "number": request.number},
                link=f"/exchange/manage/requests/{request.pk}/",
            )
    except IntegrityError:
        # The same key raced in from another request: answer with the one that won.
        if idempotency_key:
            earlier = ExchangeRequest.objects.filter(dealer=dealer, idempotency_key=idempotency_key).first()
            if earlier is not None:
                return _same_request(earlier, lines)
        raise
    return request


def _same_request(earlier: ExchangeRequest, lines: Sequence[tuple[int, object]]) -> ExchangeRequest:
    asked: dict[int, Decimal] = {}
    for offer_id, quantity in lines:
        asked[int(offer_id)] = asked.get(int(offer_id), Decimal(0)) + Decimal(str(quantity))
    had = {line.offer_id: line.quantity for line in earlier.lines.all()}
    if asked != had:
        raise IdempotencyConflict(_("This idempotency key was already used for a different request; send a new key."))
    return earlier


@transaction.atomic
def request_ship(*, request: ExchangeRequest, user) -> ExchangeRequest:
    """Ship a request: each line leaves stock as an exchange sale; the offers shrink by what left."""
    _require(user, SHIP_ROLES, _("Only a clerk or a manager ships exchange requests."))
    request = ExchangeRequest.objects.select_for_update().select_related("warehouse", "dealer").get(pk=request.pk)
    if request.state != RequestState.REQUESTED:
        raise InvalidTransition(
            _("%(number)s is already %(state)s.") % {"number": request.number, "state": request.get_state_display()}
        )
    require_warehouse(user, request.warehouse)
    lines = list(request.lines.select_related("part", "offer").order_by("part_id", "pk"))
    for line in lines:
        stock_issue(
            part=line.part,
            warehouse=request.warehouse,
            quantity=line.quantity,
            user=user,
            document_type=EXCHANGE_SALE,
            document_ref=request.number,
        )
        Offer.objects.filter(pk=line.offer_id).update(quantity=F("quantity") - line.quantity)
    Offer.objects.filter(pk__in=[line.offer_id for line in lines], quantity__lte=0, state=OfferState.OPEN).update(
        state=OfferState.SOLD_OUT, quantity=0
    )
    request.state = RequestState.SHIPPED
    request.decided_by, request.decided_at = user, timezone.now()
    request.save(update_fields=["state", "decided_by", "decided_at"])
    notify(
        users=[link.user for link in request.dealer.users.select_related("user")],
        message=gettext_noop("%(number)s has been shipped; the delivery note goes with the parts."),
        params={"number": request.number},
        link=f"/exchange/requests/{request.pk}/",
    )
    return request


@transaction.atomic
def request_reject(*, request: ExchangeRequest, user, reason: str) -> ExchangeRequest:
    _require(user, DECIDE_ROLES, _("Only a planner, a clerk or a manager rejects exchange requests."))
    reason = (reason or "").strip()
    if not reason:
        raise ExchangeError(_("Say why the request is rejected; the partner reads it."), field="reason")
    request = ExchangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != RequestState.REQUESTED:
        raise InvalidTransition(
            _("%(number)s is already %(state)s.") % {"number": request.number, "state": request.get_state_display()}
        )
    request.state = RequestState.REJECTED
    request.reject_reason = reason[:200]
    request.decided_by, request.decided_at = user, timezone.now()
    request.save(update_fields=["state", "reject_reason", "decided_by", "decided_at"])
    return request
