"""Returns to the supplier: overstock, warranty, wrong delivery, and goods rejected at a quality hold.

A return is one document: every line leaves stock as a ``return_to_supplier``
movement at the current average cost (``inventory.services``), in the
transaction that writes the document. The RMA number is the supplier's; the
expected credit defaults to the cost that left. A rejection at the quality
hold writes a return too and asks purchasing whether to order a replacement:
an emergency order when a backorder waits for the part, else a draft order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import services as core_services
from core.exceptions import DomainError
from core.roles import Role, user_access
from inventory import services as stock
from inventory.bounds import check_line_count
from inventory.demand.selectors import backorder_list
from inventory.models import (
    BackorderState,
    FreezeAction,
    Part,
    StockFreeze,
    StockFreezeSettlement,
    StockMovement,
    Warehouse,
)

from ..exceptions import IdempotencyConflict, InvalidTransition, NotPermitted, PurchasingError
from ..models import (
    OrderType,
    PurchaseOrder,
    QualityReject,
    Supplier,
    SupplierPart,
    SupplierReturn,
    SupplierReturnLine,
)
from ..models import SupplierReturnReason as Reason
from .orders import order_quantity_for_need, purchase_order_create
from .sourcing import backorder_order_emergency

RETURN_ROLES = (Role.CLERK, Role.PURCHASER, Role.MANAGER)
REPLACEMENT_ROLES = (Role.PURCHASER, Role.MANAGER)
CENTS = Decimal("0.01")


def _replay(key: str | None, supplier: Supplier, warehouse: Warehouse, reason: str) -> SupplierReturn | None:
    existing = SupplierReturn.objects.filter(idempotency_key=key).first() if key else None
    if existing is not None and (
        existing.supplier_id != supplier.pk or existing.warehouse_id != warehouse.pk or existing.reason != reason
    ):
        raise IdempotencyConflict(_("This idempotency key was already used for a different posting; send a new key."))
    return existing


def supplier_return_post(
    *,
    supplier: Supplier,
    warehouse: Warehouse,
    lines: Sequence[tuple[Part, Decimal]],
    reason: str,
    user,
    rma_number: str = "",
    expected_credit: Decimal | None = None,
    note: str = "",
    returned_at: datetime | None = None,
    idempotency_key: str | None = None,
    from_quarantine: bool = False,
) -> SupplierReturn:
    """Send stock back to a supplier under its RMA number, every line in one transaction.

    The goods leave at the current average cost; the expected credit defaults
    to that cost. Store checks are the caller's; the role is checked here.
    ``from_quarantine`` sends held stock (a freeze) instead of available stock.
    """
    if not user_access(user).has_any(RETURN_ROLES):
        raise NotPermitted(_("Only the counter, purchasing or a manager return goods to a supplier."))
    if reason not in Reason.values or reason == Reason.QUALITY:
        raise PurchasingError(_("Choose why the goods go back: overstock, warranty or wrong delivery."), field="reason")
    rma_number = (rma_number or "").strip()
    if not rma_number:
        raise PurchasingError(_("Enter the supplier's RMA number (its return authorisation)."), field="rma_number")
    if len(rma_number) > 40:
        raise PurchasingError(_("An RMA number has at most 40 characters."), field="rma_number")
    if expected_credit is not None:
        expected_credit = Decimal(expected_credit)
        if not expected_credit.is_finite() or expected_credit < 0 or expected_credit >= Decimal("1e10"):
            raise PurchasingError(_("The expected credit is zero or more."), field="expected_credit")
        expected_credit = expected_credit.quantize(CENTS, rounding=ROUND_HALF_UP)
    lines = list(lines)
    check_line_count(lines)
    if not lines:
        raise PurchasingError(_("Add at least one part to return."), field="lines")
    existing = _replay(idempotency_key, supplier, warehouse, reason)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            document = SupplierReturn.objects.create(
                supplier=supplier,
                warehouse=warehouse,
                reason=reason,
                rma_number=rma_number,
                note=(note or "").strip()[:200],
                created_by=user,
                created_at=returned_at or timezone.now(),
                idempotency_key=idempotency_key,
            )
            rows = []
            for index, (part, quantity) in enumerate(lines):
                movement = stock.stock_return_to_supplier(
                    part=part,
                    warehouse=warehouse,
                    quantity=quantity,
                    user=user,
                    document_ref=document.number,
                    reason=f"{Reason(reason).label} {rma_number}"[:200],
                    posted_at=returned_at,
                    from_quarantine=from_quarantine,
                    idempotency_key=f"{idempotency_key}#{index}" if idempotency_key else None,
                )
                rows.append(
                    SupplierReturnLine(
                        supplier_return=document,
                        part=part,
                        quantity=-movement.quantity,
                        value=-movement.value,
                        movement=movement,
                    )
                )
            SupplierReturnLine.objects.bulk_create(rows)
            cost = sum((row.value for row in rows), start=Decimal(0))
            document.expected_credit = (
                cost.quantize(CENTS, rounding=ROUND_HALF_UP) if expected_credit is None else expected_credit
            )
            document.save(update_fields=["expected_credit"])
            return document
    except (IntegrityError, DomainError):
        existing = _replay(idempotency_key, supplier, warehouse, reason)
        if existing is not None:
            return existing
        raise


def supplier_return_from_freeze(
    *,
    freeze: StockFreeze,
    supplier: Supplier,
    reason: str,
    rma_number: str,
    user,
    quantity: Decimal | None = None,
    note: str = "",
    idempotency_key: str | None = None,
) -> StockFreezeSettlement:
    """Send frozen stock back to its supplier: a return document from quarantine and the freeze's settlement, at once.

    The freeze's open quantity is checked under its lock before anything moves;
    the return then follows every rule of ``supplier_return_post``.
    """

    def post(amount: Decimal) -> tuple[StockMovement, str]:
        document = supplier_return_post(
            supplier=supplier,
            warehouse=freeze.warehouse,
            lines=[(freeze.part, amount)],
            reason=reason,
            user=user,
            rma_number=rma_number,
            note=note or freeze.reason,
            from_quarantine=True,
        )
        line = document.lines.select_related("movement").get()
        return line.movement, document.number

    return stock.stock_freeze_settle(
        freeze=freeze,
        action=FreezeAction.RETURN,
        user=user,
        quantity=quantity,
        note=note,
        post=post,
        idempotency_key=idempotency_key,
    )


def supplier_return_from_reject(*, reject: QualityReject, rma_number: str = "") -> SupplierReturn:
    """The return document of goods rejected at a quality hold; purchasing is asked about a replacement.

    Runs in the rejection's transaction: the reject's movement already took the
    goods out of quarantine, so the document only records it.
    """
    receipt = reject.receipt_line.receipt
    movement = reject.movement
    document = SupplierReturn.objects.create(
        supplier=reject.supplier,
        warehouse=receipt.warehouse,
        reason=Reason.QUALITY,
        rma_number=rma_number.strip()[:40],
        expected_credit=(-movement.value).quantize(CENTS, rounding=ROUND_HALF_UP),
        note=reject.reason[:200],
        quality_reject=reject,
        created_by=reject.rejected_by,
        created_at=reject.rejected_at,
    )
    SupplierReturnLine.objects.create(
        supplier_return=document, part=reject.part, quantity=reject.quantity, value=-movement.value, movement=movement
    )
    core_services.notify(
        users=core_services.users_with_role(Role.PURCHASER),
        message=gettext_noop(
            "%(part)s × %(quantity)s from %(supplier)s was rejected and goes back on %(number)s. Order a replacement?"
        ),
        params={
            "part": reject.part.number,
            "quantity": f"{reject.quantity.normalize():f}",
            "supplier": reject.supplier.code,
            "number": document.number,
        },
        link=reverse("suppliers:return-detail", args=[document.pk]),
        email_subject=gettext_noop("Rejected goods: order a replacement?"),
    )
    return document


def supplier_return_order_replacement(*, supplier_return: SupplierReturn, user) -> PurchaseOrder:
    """Order the rejected goods again: an emergency order when a backorder waits, else a draft stock order.

    Decided once per return; the order is a draft the purchaser approves and sends as usual.
    """
    if not user_access(user).has_any(REPLACEMENT_ROLES):
        raise NotPermitted(_("Only purchasing or a manager orders a replacement."))
    with transaction.atomic():
        document = (
            SupplierReturn.objects.select_for_update()
            .select_related("supplier", "warehouse")
            .get(pk=supplier_return.pk)
        )
        if document.replacement_decided_at is not None:
            raise InvalidTransition(
                _("The replacement for %(number)s has already been decided.") % {"number": document.number}
            )
        lines = list(document.lines.select_related("part"))
        order = None
        for line in lines:
            waiting = (
                backorder_list(warehouse_ids={document.warehouse_id}, state=BackorderState.OPEN)
                .filter(part_id=line.part_id)
                .first()
            )
            if waiting is not None:
                order = backorder_order_emergency(backorder=waiting, user=user)
                break
        if order is None:
            terms = {
                sp.part_id: sp
                for sp in SupplierPart.objects.filter(
                    supplier=document.supplier, part__in=[line.part_id for line in lines]
                ).exclude(purchase_unit="")
            }
            order = purchase_order_create(
                supplier=document.supplier,
                warehouse=document.warehouse,
                order_type=OrderType.STOCK,
                # the rejected pieces, in the supplier's purchase unit where it has one (whole boxes, rounded up)
                lines=[
                    (
                        line.part,
                        order_quantity_for_need(
                            need=line.quantity, part_is_whole=line.part.is_whole_unit, supplier_part=terms[line.part_id]
                        )
                        if line.part_id in terms
                        else line.quantity,
                        None,
                    )
                    for line in lines
                ],
                user=user,
                reference=document.number,
                notes=_("Replacement for %(number)s.") % {"number": document.number},
            )
        document.replacement_order = order
        document.replacement_decided_at = timezone.now()
        document.save(update_fields=["replacement_order", "replacement_decided_at"])
    return order


def supplier_return_decline_replacement(*, supplier_return: SupplierReturn, user) -> SupplierReturn:
    """No replacement is wanted: the question is answered and leaves the purchaser's list."""
    if not user_access(user).has_any(REPLACEMENT_ROLES):
        raise NotPermitted(_("Only purchasing or a manager decides on a replacement."))
    updated = SupplierReturn.objects.filter(pk=supplier_return.pk, replacement_decided_at__isnull=True).update(
        replacement_decided_at=timezone.now()
    )
    if not updated:
        raise InvalidTransition(
            _("The replacement for %(number)s has already been decided.") % {"number": supplier_return.number}
        )
    supplier_return.refresh_from_db()
    return supplier_return
