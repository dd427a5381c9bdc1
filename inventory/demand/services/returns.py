"""Returns against demand: unused parts back from a repair order, counter sales brought back.

Parts come back at the cost they left with (a share of the line's cost, and
the last unit of a line takes what is left of it, so a line returned in full
gives back exactly its cost). A return corrects the demand it came from: the
line's hit loses the returned sales and cost (cost of sales is net of
returns), and when the whole line has come back the hit is withdrawn — a
part returned unused was not demand, and hits are counted as lines.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from inventory.exceptions import IdempotencyConflict, InvalidQuantity, InvalidTransition, InventoryError
from inventory.models import (
    CounterSaleLine,
    CustomerReturn,
    DemandHit,
    MovementKind,
    ReturnCondition,
    WorkshopRequestLine,
    WorkshopReturn,
    WorkshopReturnReason,
)
from inventory.quantities import money
from inventory.services.returns import stock_return_in
from inventory.services.stock import _check_quantity, stock_scrap

ZERO = Decimal("0")
CENTS = Decimal("0.01")


def customer_return_window() -> timedelta:
    """How long after a counter sale its parts may be brought back (``COUNTER_RETURN_DAYS``)."""
    return timedelta(days=settings.COUNTER_RETURN_DAYS)


def _once(model, key: str | None, matches: Callable[[Any], bool], post: Callable[[], Any]) -> Any:
    """Post a return document once per idempotency key; a retry gets the first document back.

    The key is on the document (unique) and on its movement (unique): a
    concurrent second request waits on the line's lock, then is refused by
    the quantity left or by a constraint, and only then reads the first back.
    """

    def replay() -> Any:
        existing = model.objects.filter(idempotency_key=key).first() if key else None
        if existing is not None and not matches(existing):
            raise IdempotencyConflict(
                _("This idempotency key was already used for a different posting; send a new key.")
            )
        return existing

    existing = replay()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return post()
    except (IntegrityError, DomainError):
        existing = replay()
        if existing is not None:
            return existing
        raise


def _share(line: WorkshopRequestLine | CounterSaleLine, *, quantity: Decimal, issued: Decimal) -> Decimal:
    """The cost a return takes back: its share of the line's cost; the last units take the rest exactly."""
    left = line.cost_value - line.cost_returned
    if line.quantity_returned + quantity >= issued:
        return left
    return min(money(line.cost_value * quantity / issued), left)


def _take_back(
    line: WorkshopRequestLine | CounterSaleLine, *, quantity: Decimal, value: Decimal, issued: Decimal, waiting: Decimal
) -> bool:
    """Book a return on its (locked) line and correct the line's hit; True when the hit was withdrawn.

    The whole line is back when all that was issued has returned and nothing more waits on a backorder.
    """
    line.quantity_returned += quantity
    line.cost_returned += value
    whole_line = line.quantity_returned == issued and waiting == 0
    hit_id = line.hit_id
    if whole_line:
        line.hit = None
    line.save(update_fields=["quantity_returned", "cost_returned", "hit"])
    return _correct_hit(hit_id, sales=money(quantity * line.unit_price), cost=value, whole_line=whole_line)


def _correct_hit(hit_id: int | None, *, sales: Decimal, cost: Decimal, whole_line: bool) -> bool:
    """Take a return off the line's hit; withdraw the hit when the whole line came back. True if withdrawn."""
    if hit_id is None:
        return False
    hit = DemandHit.objects.select_for_update().get(pk=hit_id)
    if whole_line:
        hit.delete()
        return True
    hit.sales_value = max(hit.sales_value - sales, ZERO)
    hit.cost_value = max(hit.cost_value - cost, ZERO)
    hit.save(update_fields=["sales_value", "cost_value"])
    return False


def workshop_return_post(
    *,
    line: WorkshopRequestLine,
    quantity: Decimal,
    reason: str,
    user,
    note: str = "",
    returned_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> WorkshopReturn:
    """Unused parts come back from the repair order, into the stock of the request's store.

    Only what was handed over (picked) and not yet returned can come back.
    Damaged parts come back quarantined: on hand, not available, waiting to be
    scrapped or returned to the supplier. Role and store checks are the caller's.
    """
    if reason not in WorkshopReturnReason.values:
        raise InventoryError(_("Choose why the parts come back."), field="reason")
    quantity = _check_quantity(line.part, quantity)
    note = (note or "").strip()[:200]

    def matches(existing: WorkshopReturn) -> bool:
        return existing.line_id == line.pk and existing.quantity == quantity and existing.reason == reason

    def post() -> WorkshopReturn:
        # The document's row first, then the stock level (the ledger's lock order).
        locked = (
            WorkshopRequestLine.objects.select_for_update(of=("self",))
            .select_related("part", "request__warehouse", "request__repair_order")
            .get(pk=line.pk)
        )
        request = locked.request
        returnable = locked.quantity_picked - locked.quantity_returned
        if quantity > returnable:
            raise InvalidQuantity(
                _(
                    "Only %(returnable)s of %(part)s on %(request)s were handed over and not returned; "
                    "lower the quantity."
                )
                % {"returnable": f"{returnable.normalize():f}", "part": locked.part.number, "request": request.number}
            )
        when = returned_at or timezone.now()
        issued = locked.quantity_supplied + locked.quantity_filled
        value = _share(locked, quantity=quantity, issued=issued)
        movement = stock_return_in(
            kind=MovementKind.WORKSHOP_RETURN,
            part=locked.part,
            warehouse=request.warehouse,
            quantity=quantity,
            value=value,
            user=user,
            document_type="workshop_return",
            document_ref=request.number,
            reason=_ledger_text(WorkshopReturnReason(reason).label),
            quarantine=reason == WorkshopReturnReason.DAMAGED,
            posted_at=returned_at,
            idempotency_key=idempotency_key,
        )
        waiting = locked.quantity_backordered - locked.quantity_filled
        withdrawn = _take_back(locked, quantity=quantity, value=value, issued=issued, waiting=waiting)
        return WorkshopReturn.objects.create(
            line=locked,
            warehouse=request.warehouse,
            part=locked.part,
            quantity=quantity,
            value=value,
            reason=reason,
            note=note,
            hit_withdrawn=withdrawn,
            movement=movement,
            returned_by=user,
            returned_at=when,
            idempotency_key=idempotency_key,
        )

    return _once(WorkshopReturn, idempotency_key, matches, post)


def customer_return_post(
    *,
    line: CounterSaleLine,
    quantity: Decimal,
    condition: str,
    user,
    note: str = "",
    returned_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> CustomerReturn:
    """A counter customer brings parts back within the return window.

    As-new parts go back to stock at the cost they left with; damaged ones come
    back and are scrapped at once (both in the ledger, so the scrap rate sees
    them). ``refund`` is the selling price of what came back, for the cashier.
    """
    if condition not in ReturnCondition.values:
        raise InventoryError(_("Say whether the parts are as new or damaged."), field="condition")
    quantity = _check_quantity(line.part, quantity)
    note = (note or "").strip()[:200]

    def matches(existing: CustomerReturn) -> bool:
        return existing.line_id == line.pk and existing.quantity == quantity and existing.condition == condition

    def post() -> CustomerReturn:
        locked = (
            CounterSaleLine.objects.select_for_update(of=("self",))
            .select_related("part", "sale__warehouse")
            .get(pk=line.pk)
        )
        sale = locked.sale
        when = returned_at or timezone.now()
        if when - sale.occurred_at > customer_return_window():
            raise InvalidTransition(
                _("%(sale)s is older than %(days)s days: it can no longer be returned at the counter.")
                % {"sale": sale.number, "days": settings.COUNTER_RETURN_DAYS}
            )
        returnable = locked.quantity_supplied - locked.quantity_returned
        if quantity > returnable:
            raise InvalidQuantity(
                _("Only %(returnable)s of %(part)s on %(sale)s were sold and not returned; lower the quantity.")
                % {"returnable": f"{returnable.normalize():f}", "part": locked.part.number, "sale": sale.number}
            )
        value = _share(locked, quantity=quantity, issued=locked.quantity_supplied)
        damaged = condition == ReturnCondition.DAMAGED
        movement = stock_return_in(
            kind=MovementKind.CUSTOMER_RETURN,
            part=locked.part,
            warehouse=sale.warehouse,
            quantity=quantity,
            value=value,
            user=user,
            document_type="customer_return",
            document_ref=sale.number,
            reason=_ledger_text(ReturnCondition(condition).label),
            quarantine=damaged,
            posted_at=returned_at,
            idempotency_key=idempotency_key,
        )
        scrap = None
        if damaged:
            scrap = stock_scrap(
                part=locked.part,
                warehouse=sale.warehouse,
                quantity=quantity,
                user=user,
                reason=_("Damaged customer return on %(sale)s") % {"sale": sale.number},
                from_quarantine=True,
                document_ref=sale.number,
                posted_at=returned_at,
                idempotency_key=f"{idempotency_key}#scrap" if idempotency_key else None,
            )
        withdrawn = _take_back(locked, quantity=quantity, value=value, issued=locked.quantity_supplied, waiting=ZERO)
        refund = (quantity * locked.unit_price).quantize(CENTS, rounding=ROUND_HALF_UP)
        return CustomerReturn.objects.create(
            line=locked,
            warehouse=sale.warehouse,
            part=locked.part,
            quantity=quantity,
            value=value,
            refund=refund,
            condition=condition,
            note=note,
            hit_withdrawn=withdrawn,
            movement=movement,
            scrap_movement=scrap,
            returned_by=user,
            returned_at=when,
            idempotency_key=idempotency_key,
        )

    return _once(CustomerReturn, idempotency_key, matches, post)


def _ledger_text(label) -> str:
    """A choice's label as the ledger keeps it: in the source language, whoever posts."""
    with translation.override(None):
        return str(label)
