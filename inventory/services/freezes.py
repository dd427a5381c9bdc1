"""Freezes of stock already on the shelf: a suspect batch or a recall, then its release, scrap or return.

Freezing moves available stock into the level's ``quarantined`` bucket under
the level's lock: it stays on hand and keeps its value, but nobody can issue,
sell, reserve or transfer it. Purchasing and the planners are told. Each
decision on it (a ``StockFreezeSettlement``) takes a quantity out of the
freeze: released back to available, scrapped from quarantine, or returned to
the supplier from quarantine (``suppliers.services.returns`` posts that one
through ``stock_freeze_settle`` so the document and the settlement share one
transaction). Every call is idempotent on its key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import services as core_services
from core.events import QUALITY_HOLD
from core.exceptions import IdempotencyConflict, InvalidTransition, NotPermitted, WarehouseNotPermitted
from core.roles import FREEZE_ANYWHERE_ROLES, FREEZE_ROLES, POSTING_ROLES, Role, user_access

from ..exceptions import InsufficientStock, InvalidQuantity, InventoryError
from ..locks import lock_stock_levels
from ..models import FreezeAction, Part, StockFreeze, StockFreezeSettlement, StockLevel, StockMovement, Warehouse
from ..quantities import quantity_checked
from .stock import stock_scrap

ZERO = Decimal(0)

# Who takes each decision: scrapping follows the scrap posting's roles; a return is the supplier flow's.
SETTLE_ROLES = {
    FreezeAction.RELEASE: FREEZE_ROLES,
    FreezeAction.SCRAP: POSTING_ROLES["scrap"],
    FreezeAction.RETURN: {Role.CLERK, Role.PURCHASER, Role.MANAGER},
}


def freeze_may_act_in(user, warehouse_id: int) -> bool:
    """Clerks freeze and settle in their own warehouses; planners, purchasers and managers anywhere."""
    access = user_access(user)
    if not access.has_any(FREEZE_ROLES):
        return False
    return access.has_any(FREEZE_ANYWHERE_ROLES) or access.may_post_in(warehouse_id)


def _check_text(value: str, *, field: str, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InventoryError(_("Say why the stock is frozen (a suspect batch, a recall)."), field=field)
    if len(value) > limit:
        raise InventoryError(_("At most %(limit)s characters.") % {"limit": limit}, field=field)
    return value


def _replayed_freezes(key: str | None, part: Part, reason: str) -> list[StockFreeze] | None:
    if not key:
        return None
    # A network freeze keys its later warehouses "key#1", "key#2", …: the first key finds them all.
    found = list(
        StockFreeze.objects.filter(Q(idempotency_key=key) | Q(idempotency_key__startswith=f"{key}#")).order_by("pk")
    )
    if not found:
        return None
    if any(freeze.part_id != part.pk or freeze.reason != reason for freeze in found):
        raise IdempotencyConflict(_("This idempotency key was already used for a different posting; send a new key."))
    return found


def stock_freeze(
    *,
    part: Part,
    user,
    reason: str,
    warehouse: Warehouse | None = None,
    quantity: Decimal | None = None,
    reference: str = "",
    frozen_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> list[StockFreeze]:
    """Freeze a part's stock on the shelf: in one warehouse, or across the network when no warehouse is given.

    Without a quantity everything available is frozen. Across the network every
    warehouse with available stock gets a freeze of its own, under the same
    reference; only planners, purchasers and managers freeze across the network.
    The levels are locked in one ordered statement, so a freeze and a posting
    racing for the same units cannot both have them.
    """
    access = user_access(user)
    if not access.has_any(FREEZE_ROLES):
        raise NotPermitted(_("Only the counter, purchasing, planners or a manager freeze stock."))
    reason = _check_text(reason, field="reason", required=True, limit=200)
    reference = _check_text(reference, field="reference", required=False, limit=60)
    if warehouse is None:
        if not access.has_any(FREEZE_ANYWHERE_ROLES):
            raise WarehouseNotPermitted(
                _("Choose one of your warehouses; a network freeze is for planners, purchasing or a manager.")
            )
        if quantity is not None:
            raise InvalidQuantity(
                _("Across the network everything available is frozen; leave the quantity empty or choose a warehouse.")
            )
    elif not freeze_may_act_in(user, warehouse.pk):
        raise WarehouseNotPermitted(
            _("You do not work in %(warehouse)s; freeze stock in one of your warehouses.")
            % {"warehouse": warehouse.code}
        )
    if quantity is not None:
        quantity = quantity_checked(part, quantity)
    replayed = _replayed_freezes(idempotency_key, part, reason)
    if replayed is not None:
        return replayed
    now = frozen_at or timezone.now()
    try:
        with transaction.atomic():
            freezes = _freeze_levels(
                part=part,
                warehouse=warehouse,
                quantity=quantity,
                reason=reason,
                reference=reference,
                user=user,
                now=now,
                key=idempotency_key,
            )
            _tell(freezes, part=part, reason=reason, user=user)
            return freezes
    except IntegrityError:
        replayed = _replayed_freezes(idempotency_key, part, reason)
        if replayed is not None:
            return replayed
        raise


def _freeze_levels(*, part, warehouse, quantity, reason, reference, user, now, key) -> list[StockFreeze]:
    if warehouse is not None:
        pairs = [(part.pk, warehouse.pk)]
    else:
        pairs = list(
            StockLevel.objects.filter(part=part, on_hand__gt=0)
            .order_by("warehouse_id")
            .values_list("part_id", "warehouse_id")
        )
    levels = lock_stock_levels(pairs=pairs)
    frozen: list[tuple[StockLevel, Decimal]] = []
    for pair in pairs:
        level = levels[pair]
        amount = level.available if quantity is None else quantity
        if quantity is not None and quantity > level.available:
            raise InsufficientStock(
                part=part.number, warehouse=warehouse.code, available=level.available, requested=quantity
            )
        if amount > 0:
            frozen.append((level, amount))
    if not frozen:
        where = warehouse.code if warehouse is not None else _("the network")
        raise InsufficientStock(part=part.number, warehouse=where, available=ZERO, requested=quantity or ZERO)
    freezes = []
    for index, (level, amount) in enumerate(frozen):
        StockLevel.objects.filter(pk=level.pk).update(quarantined=level.quarantined + amount)
        freezes.append(
            StockFreeze(
                part=part,
                warehouse_id=level.warehouse_id,
                quantity=amount,
                open_quantity=amount,
                reason=reason,
                reference=reference,
                frozen_by=user,
                frozen_at=now,
                idempotency_key=(key if index == 0 else f"{key}#{index}") if key else None,
            )
        )
    return StockFreeze.objects.bulk_create(freezes)


def _tell(freezes: list[StockFreeze], *, part: Part, reason: str, user) -> None:
    """Purchasing and the planners hear of every freeze: they source around it and chase the supplier."""
    warehouses = dict(Warehouse.objects.filter(pk__in={f.warehouse_id for f in freezes}).values_list("pk", "code"))
    total = sum((freeze.quantity for freeze in freezes), start=ZERO)
    params = {
        "part": part.number,
        "quantity": f"{total.normalize():f}",
        "warehouses": ", ".join(sorted(warehouses.values())),
        "reason": reason,
    }
    link = (
        reverse("inventory:freeze-detail", args=[freezes[0].pk]) if len(freezes) == 1 else reverse("inventory:freezes")
    )
    recipients = {
        person.pk: person
        for role in (Role.PURCHASER, Role.PLANNER)
        for person in core_services.users_with_role(role)
        if person.pk != user.pk
    }
    core_services.notify(
        users=recipients.values(),
        message=gettext_noop(
            "%(part)s × %(quantity)s frozen in %(warehouses)s: %(reason)s. Decide: release, scrap or return."
        ),
        params=params,
        link=link,
        email_subject=gettext_noop("Stock frozen: %(part)s"),
        subject_params={"part": part.number},
        kind=QUALITY_HOLD,
    )


def stock_freeze_settle(
    *,
    freeze: StockFreeze,
    action: str,
    user,
    quantity: Decimal | None = None,
    note: str = "",
    post: Callable[[Decimal], tuple[StockMovement | None, str]] | None = None,
    settled_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> StockFreezeSettlement:
    """Take a quantity out of a freeze (all that is open when none is given) under the freeze's and level's locks.

    ``post`` moves the stock and returns its movement and document reference;
    a release needs none (the stock only goes back to available). Runs in one
    transaction with ``post``: a refusal anywhere changes nothing.
    """
    if action not in FreezeAction.values:
        raise InventoryError(_("Choose release, scrap or return."), field="action")
    if not user_access(user).has_any(SETTLE_ROLES[FreezeAction(action)]) or not freeze_may_act_in(
        user, freeze.warehouse_id
    ):
        raise NotPermitted(_REFUSED[FreezeAction(action)]())
    note = _check_text(note, field="note", required=False, limit=200)
    if quantity is not None:
        quantity = quantity_checked(freeze.part, quantity)
    replayed = _replayed_settlement(idempotency_key, freeze, action)
    if replayed is not None:
        return replayed
    try:
        with transaction.atomic():
            locked = StockFreeze.objects.select_for_update().get(pk=freeze.pk)
            if locked.closed_at is not None:
                raise InvalidTransition(
                    _("%(number)s is already settled; nothing of it is frozen.") % {"number": locked.number}
                )
            amount = locked.open_quantity if quantity is None else quantity
            if amount > locked.open_quantity:
                raise InvalidQuantity(
                    _("Only %(open)s of %(number)s is still frozen.")
                    % {"open": f"{locked.open_quantity.normalize():f}", "number": locked.number}
                )
            movement, document_ref = None, ""
            if action == FreezeAction.RELEASE:
                _release(locked, amount)
            else:
                if post is None:
                    raise ValueError("A scrap or return settles through the posting that moves the stock.")
                movement, document_ref = post(amount)
            locked.open_quantity -= amount
            now = settled_at or timezone.now()
            if locked.open_quantity == 0:
                locked.closed_at = now
            locked.save(update_fields=["open_quantity", "closed_at"])
            settlement = StockFreezeSettlement.objects.create(
                freeze=locked,
                action=action,
                quantity=amount,
                note=note,
                movement=movement,
                document_ref=document_ref,
                settled_by=user,
                settled_at=now,
                idempotency_key=idempotency_key,
            )
            freeze.open_quantity, freeze.closed_at = locked.open_quantity, locked.closed_at
            return settlement
    except IntegrityError:
        replayed = _replayed_settlement(idempotency_key, freeze, action)
        if replayed is not None:
            return replayed
        raise


_REFUSED = {
    FreezeAction.RELEASE: lambda: _("You cannot release frozen stock in this warehouse."),
    FreezeAction.SCRAP: lambda: _(
        "Your role cannot scrap frozen stock here; ask a clerk of the warehouse or a planner."
    ),
    FreezeAction.RETURN: lambda: _(
        "Your role cannot return frozen stock here; ask a clerk of the warehouse or purchasing."
    ),
}


def _replayed_settlement(key: str | None, freeze: StockFreeze, action: str) -> StockFreezeSettlement | None:
    existing = StockFreezeSettlement.objects.filter(idempotency_key=key).first() if key else None
    if existing is not None and (existing.freeze_id != freeze.pk or existing.action != action):
        raise IdempotencyConflict(_("This idempotency key was already used for a different posting; send a new key."))
    return existing


def _release(freeze: StockFreeze, amount: Decimal) -> None:
    level = lock_stock_levels(pairs=[(freeze.part_id, freeze.warehouse_id)])[(freeze.part_id, freeze.warehouse_id)]
    if amount > level.quarantined:
        # Held stock left by another road (a scrap from quarantine on the scrap screen): the freeze cannot give it back.
        raise InvalidQuantity(
            _("Only %(held)s of this part is still held in quarantine; settle the rest as scrapped or returned.")
            % {"held": f"{level.quarantined.normalize():f}"}
        )
    StockLevel.objects.filter(pk=level.pk).update(quarantined=level.quarantined - amount)


def stock_freeze_release(
    *, freeze: StockFreeze, user, quantity: Decimal | None = None, note: str = "", idempotency_key: str | None = None
) -> StockFreezeSettlement:
    """The stock passed inspection: back to available."""
    return stock_freeze_settle(
        freeze=freeze,
        action=FreezeAction.RELEASE,
        user=user,
        quantity=quantity,
        note=note,
        idempotency_key=idempotency_key,
    )


def stock_freeze_scrap(
    *, freeze: StockFreeze, user, reason: str, quantity: Decimal | None = None, idempotency_key: str | None = None
) -> StockFreezeSettlement:
    """Write frozen stock off from quarantine, at average cost, with the freeze's number in the ledger."""
    reason = (reason or "").strip()
    if not reason:
        raise InventoryError(_("Say why the frozen stock is scrapped."), field="reason")

    def post(amount: Decimal) -> tuple[StockMovement, str]:
        movement = stock_scrap(
            part=freeze.part,
            warehouse=freeze.warehouse,
            quantity=amount,
            user=user,
            reason=reason[:200],
            from_quarantine=True,
            document_ref=freeze.number,
        )
        return movement, freeze.number

    return stock_freeze_settle(
        freeze=freeze,
        action=FreezeAction.SCRAP,
        user=user,
        quantity=quantity,
        note=reason,
        post=post,
        idempotency_key=idempotency_key,
    )
