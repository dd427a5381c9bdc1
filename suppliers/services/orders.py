"""Purchase orders: creation, draft editing and the state machine.

Every transition is one function here. It locks the order row, checks that
the user's role may take the step and that the order's state allows it,
changes the state and records who and when. Quantities and prices change
only in draft. Refusals raise; nothing returns False.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from core import events
from core import services as core_services
from core.messages import Message
from core.roles import Role, user_access
from core.services.events import event_publish
from core.services.notifications import notification_unread_exists, notify, users_with_role
from core.services.outbox import outbox_enqueue
from inventory.bounds import MAX_COST, MAX_QUANTITY, check_line_count, too_large
from inventory.exceptions import InvalidQuantity
from inventory.models import Part, Warehouse
from inventory.quantities import COST_PLACES, has_quantity_places

from .. import rating_formulas
from ..exceptions import ApprovalRequired, InvalidTransition, NotPermitted, PurchasingError
from ..locks import lock_order_lines, lock_purchase_order, next_number
from ..models import (
    LineConfirmation,
    NoticeState,
    OrderState,
    OrderType,
    PurchaseOrder,
    PurchaseOrderLine,
    ShipmentNoticeLine,
    Supplier,
    SupplierPart,
    order_unit_is_whole,
)
from ..quantities import (
    QuantityCheck,
    check_order_quantity,
    fits_stock_places,
    purchase_quantity_for_need,
    to_stock_units,
)

ONE = Decimal(1)

PURCHASING = (Role.PURCHASER, Role.MANAGER)
# Stock orders are purchasing's; emergency orders may also come from the floor (backorders).
CREATE_ROLES: dict[str, tuple[str, ...]] = {
    OrderType.STOCK: (Role.PURCHASER, Role.MANAGER, Role.PLANNER),
    OrderType.EMERGENCY: (Role.PURCHASER, Role.MANAGER, Role.PLANNER, Role.CLERK, Role.WORKSHOP),
}

# action: (states it may start from, roles that may take it)
TRANSITIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "edit": ((OrderState.DRAFT,), (*PURCHASING, Role.PLANNER)),
    "approve": ((OrderState.DRAFT,), (Role.MANAGER,)),
    "send": ((OrderState.DRAFT,), PURCHASING),
    "confirm": ((OrderState.SENT,), (*PURCHASING, Role.SUPPLIER)),
    "cancel": ((OrderState.DRAFT, OrderState.SENT, OrderState.CONFIRMED), PURCHASING),
    "close": ((OrderState.PARTIALLY_RECEIVED, OrderState.RECEIVED), PURCHASING),
    "receive": (OrderState.open_for_receipt(), (Role.CLERK, Role.MANAGER)),
    "announce": (OrderState.open_for_receipt(), (*PURCHASING, Role.SUPPLIER)),
    "reconfirm": ((OrderState.CONFIRMED, OrderState.PARTIALLY_RECEIVED), (*PURCHASING, Role.SUPPLIER)),
}

_REFUSED_ACTION = {
    "edit": gettext_lazy("Your role may not edit purchase orders."),
    "approve": gettext_lazy("Your role may not approve purchase orders."),
    "send": gettext_lazy("Your role may not send purchase orders."),
    "confirm": gettext_lazy("Your role may not confirm purchase orders."),
    "cancel": gettext_lazy("Your role may not cancel purchase orders."),
    "close": gettext_lazy("Your role may not close purchase orders."),
    "receive": gettext_lazy("Your role may not receive against purchase orders."),
    "announce": gettext_lazy("Your role may not announce shipments against purchase orders."),
    "reconfirm": gettext_lazy("Your role may not change the confirmation of purchase orders."),
}
_REFUSED_CREATE = {
    "stock": gettext_lazy("Your role may not create stock orders."),
    "emergency": gettext_lazy("Your role may not create emergency orders."),
}


def approval_threshold() -> Decimal:
    """The value above which an order needs approval: the managers' setting, else the environment's."""
    from ..models import PurchasingSettings

    row = PurchasingSettings.objects.order_by("-id").values_list("approval_threshold", flat=True).first()
    if row is not None:
        return row
    return Decimal(str(getattr(settings, "PURCHASE_APPROVAL_THRESHOLD", "5000")))


def quantity_rule() -> str:
    return getattr(settings, "PURCHASE_QUANTITY_RULE", "warn")


def check_allowed(order: PurchaseOrder, action: str, user) -> None:
    """Refuse unless ``user`` may take ``action`` on ``order`` in its current state.

    A supplier user may only act on its own supplier's orders; the role check
    comes before the state check so that nobody learns about orders they may
    not touch.
    """
    states, roles = TRANSITIONS[action]
    access = user_access(user)
    if not access.has_any(roles):
        raise NotPermitted(str(_REFUSED_ACTION[action]))
    if not access.is_superuser and not access.is_internal:
        from ..selectors import supplier_for_user

        supplier = supplier_for_user(user)
        if supplier is None or supplier.pk != order.supplier_id:
            raise NotPermitted(_("This purchase order belongs to another supplier."))
    if order.state not in states:
        labels = [str(OrderState(s).label) for s in states]
        allowed = (
            labels[0]
            if len(labels) == 1
            # Translators: the last two of a list of order states, e.g. "sent, confirmed or partially received".
            else _("%(first)s or %(last)s") % {"first": _(", ").join(labels[:-1]), "last": labels[-1]}
        )
        raise InvalidTransition(
            _ONLY_IN_STATES[action] % {"order": order.number, "state": order.get_state_display(), "allowed": allowed}
        )


_ONLY_IN_STATES = {
    "edit": gettext_lazy("%(order)s is %(state)s; only a %(allowed)s order can be edited."),
    "approve": gettext_lazy("%(order)s is %(state)s; only a %(allowed)s order can be approved."),
    "send": gettext_lazy("%(order)s is %(state)s; only a %(allowed)s order can be sent."),
    "confirm": gettext_lazy("%(order)s is %(state)s; only a %(allowed)s order can be confirmed."),
    "cancel": gettext_lazy("%(order)s is %(state)s; only a %(allowed)s order can be cancelled."),
    "close": gettext_lazy("%(order)s is %(state)s; only a %(allowed)s order can be closed."),
    "receive": gettext_lazy("%(order)s is %(state)s; only a %(allowed)s order can be received."),
    "announce": gettext_lazy("%(order)s is %(state)s; only a %(allowed)s order can be announced against."),
    "reconfirm": gettext_lazy("%(order)s is %(state)s; only a %(allowed)s order can be re-confirmed."),
}


def _quantity(part: Part, quantity, *, field: str = "quantity") -> Decimal:
    try:
        quantity = Decimal(quantity)
    except (ArithmeticError, TypeError, ValueError):
        raise InvalidQuantity(_("Enter the quantity as a number."), field=field) from None
    if not quantity.is_finite() or quantity <= 0:
        raise InvalidQuantity(
            _("The quantity of %(part)s must be greater than zero.") % {"part": part.number}, field=field
        )
    if too_large(quantity, MAX_QUANTITY):
        raise InvalidQuantity(
            _("The quantity of %(part)s is too large (at most %(limit)s).")
            % {"part": part.number, "limit": format(MAX_QUANTITY, ",")},
            field=field,
        )
    if not has_quantity_places(quantity):
        raise InvalidQuantity(_("Quantities have at most three decimal places."), field=field)
    if part.is_whole_unit and quantity != quantity.to_integral_value():
        raise InvalidQuantity(
            _("%(part)s is ordered in whole %(unit)ss.") % {"part": part.number, "unit": part.get_unit_display()},
            field=field,
        )
    return quantity


def _price(part: Part, price, supplier_part: SupplierPart | None, supplier: Supplier) -> Decimal:
    if price is None:
        if supplier_part is None:
            raise PurchasingError(
                _("%(supplier)s has no price for %(part)s; enter a price or add the supplier part.")
                % {"supplier": supplier.code, "part": part.number},
                field="price",
            )
        return supplier_part.price
    try:
        price = Decimal(price)
    except (ArithmeticError, TypeError, ValueError):
        raise PurchasingError(_("Enter the price as a number."), field="price") from None
    if not price.is_finite() or price < 0:
        raise PurchasingError(_("The price of %(part)s cannot be negative.") % {"part": part.number}, field="price")
    if too_large(price, MAX_COST):
        raise PurchasingError(
            _("The price of %(part)s is too large (at most %(limit)s).")
            % {"part": part.number, "limit": format(MAX_COST, ",")},
            field="price",
        )
    if price != price.quantize(COST_PLACES):
        raise PurchasingError(_("Prices have at most four decimal places."), field="price")
    return price


@dataclass(frozen=True)
class _Unit:
    """The unit a line is ordered in: the supplier part's purchase unit (kept on the line), or the stock unit."""

    purchase_unit: str = ""
    factor: Decimal = ONE

    @classmethod
    def of(cls, row: SupplierPart | PurchaseOrderLine | None) -> _Unit:
        return cls() if row is None else cls(row.purchase_unit, row.purchase_factor)

    def name(self, part: Part) -> str:
        return self.purchase_unit or part.get_unit_display()


def _order_quantity(part: Part, quantity, unit: _Unit, *, field: str = "quantity") -> Decimal:
    """A quantity in the order unit, checked: a fraction of a whole purchase unit (a box) is refused."""
    if not unit.purchase_unit:
        return _quantity(part, quantity, field=field)
    try:
        quantity = Decimal(quantity)
    except (ArithmeticError, TypeError, ValueError):
        raise InvalidQuantity(_("Enter the quantity as a number."), field=field) from None
    if not quantity.is_finite() or quantity <= 0:
        raise InvalidQuantity(
            _("The quantity of %(part)s must be greater than zero.") % {"part": part.number}, field=field
        )
    if too_large(quantity * unit.factor, MAX_QUANTITY):
        raise InvalidQuantity(
            _("The quantity of %(part)s is too large (at most %(max)s %(unit)s).")
            % {"part": part.number, "max": f"{MAX_QUANTITY:,}", "unit": part.unit},
            field=field,
        )
    if not has_quantity_places(quantity):
        raise InvalidQuantity(_("Quantities have at most three decimal places."), field=field)
    if (
        order_unit_is_whole(unit.purchase_unit, part_is_whole=part.is_whole_unit)
        and quantity != quantity.to_integral_value()
    ):
        raise InvalidQuantity(
            _("%(part)s is ordered in whole %(unit)s; enter a whole number.")
            % {"part": part.number, "unit": unit.purchase_unit},
            field=field,
        )
    stock_quantity = to_stock_units(quantity, unit.factor)
    if not fits_stock_places(stock_quantity) or (
        part.is_whole_unit and stock_quantity != stock_quantity.to_integral_value()
    ):
        raise InvalidQuantity(
            _("%(qty)s %(unit)s of %(part)s is %(stock)s %(stock_unit)s, not a quantity stock can hold.")
            % {
                "qty": f"{quantity.normalize():f}",
                "unit": unit.purchase_unit,
                "part": part.number,
                "stock": f"{stock_quantity.normalize():f}",
                "stock_unit": part.unit,
            },
            field=field,
        )
    return quantity


def _line_fields(
    *, supplier: Supplier, part: Part, quantity, price, supplier_part: SupplierPart | None, unit: _Unit | None = None
) -> dict:
    """The fields of an order line for ``quantity`` and ``price`` in the order unit.

    The unit is the supplier part's purchase unit, or ``unit`` (a line's own,
    when it is edited). The supplier's minimum and pack size apply when the
    line is in the supplier part's current unit.
    """
    unit = unit if unit is not None else _Unit.of(supplier_part)
    quantity = _order_quantity(part, quantity, unit)
    price = _price(part, price, supplier_part, supplier)
    terms = supplier_part if supplier_part is not None and _Unit.of(supplier_part) == unit else None
    check = check_order_quantity(
        quantity,
        min_order_qty=terms.min_order_qty if terms else None,
        pack_size=terms.pack_size if terms else None,
        rule=quantity_rule(),
    )
    return {
        "part": part,
        "quantity": to_stock_units(check.quantity, unit.factor),
        "purchase_unit": unit.purchase_unit,
        "purchase_factor": unit.factor,
        "price": price,
        "warning": order_quantity_note(check),
        "supplier_part_number": supplier_part.supplier_part_number if supplier_part else "",
    }


def order_quantity_note(check: QuantityCheck) -> str:
    """The note on a line off the supplier's terms, in the language of the person ordering (kept on the line).

    The one wording of ``check_order_quantity``'s findings: the pure module says what is wrong as data.
    """

    def _figure(value) -> str:
        return f"{value.normalize():f}"

    if not check.problems or check.original is None:
        return ""
    said = {
        "moq": lambda figure: _("below the minimum order quantity of %(moq)s") % {"moq": _figure(figure)},
        "pack": lambda figure: _("not a multiple of the pack size %(pack)s") % {"pack": _figure(figure)},
        "whole": lambda figure: _("not a whole purchase unit"),
    }
    problems = _(" and ").join(said[code](figure) for code, figure in check.problems)
    if check.rounded:
        return _("Rounded from %(quantity)s to %(rounded)s (%(problems)s).") % {
            "quantity": _figure(check.original),
            "rounded": _figure(check.quantity),
            "problems": problems,
        }
    return _("Quantity %(quantity)s is %(problems)s.") % {"quantity": _figure(check.original), "problems": problems}


def _supplier_parts(supplier: Supplier, parts: Iterable[Part]) -> dict[int, SupplierPart]:
    return {sp.part_id: sp for sp in SupplierPart.objects.filter(supplier=supplier, part__in=list(parts))}


def order_quantity_for_need(*, need: Decimal, part_is_whole: bool, supplier_part: SupplierPart | None) -> Decimal:
    """What to order from a supplier part, in its purchase unit, to cover ``need`` stock units.

    Rounded up to whole purchase units, the supplier's minimum and whole
    packs: a need of 13 pieces from a box of 10 orders 2 boxes. Without a
    supplier part the need itself is ordered, in stock units.
    """
    if supplier_part is None:
        return need
    return purchase_quantity_for_need(
        need,
        factor=supplier_part.purchase_factor,
        min_order_qty=supplier_part.min_order_qty,
        pack_size=supplier_part.pack_size,
        whole=order_unit_is_whole(supplier_part.purchase_unit, part_is_whole=part_is_whole),
    )


@transaction.atomic
def purchase_order_create(
    *,
    supplier: Supplier,
    warehouse: Warehouse,
    order_type: str,
    lines: Sequence[tuple[Part, Decimal, Decimal | None]],
    user,
    expected_date: date | None = None,
    created_at: datetime | None = None,
    reference: str = "",
    notes: str = "",
) -> PurchaseOrder:
    """Create a draft order; a price of None takes the supplier part's price.

    Quantities and prices are in the supplier's purchase unit when the
    supplier part has one (2 boxes at 12.50 a box), else in the part's stock
    unit; the line keeps the unit and its factor as ordered. A need in stock
    units becomes a purchase quantity through ``order_quantity_for_need``.
    The same part twice is merged into one line. Lines below the supplier's
    minimum order quantity or off its pack size are rounded up or carry a
    warning, as ``PURCHASE_QUANTITY_RULE`` says. The number (PO-YYYY-NNNNNN)
    comes from a locked per-year counter, so numbers are gap-free per year.
    """
    if order_type not in OrderType.values:
        raise PurchasingError(
            _("Unknown order type %(order_type)s; use stock or emergency.") % {"order_type": repr(order_type)},
            field="order_type",
        )
    if not user_access(user).has_any(CREATE_ROLES[order_type]):
        raise NotPermitted(str(_REFUSED_CREATE[OrderType(order_type).value]))
    if not supplier.is_active:
        raise PurchasingError(
            _("Supplier %(supplier)s is inactive; choose another supplier.") % {"supplier": supplier.code},
            field="supplier",
        )
    check_line_count(lines)
    created_at = created_at or timezone.now()
    supplier_parts = _supplier_parts(supplier, [part for part, *_ in lines])
    merged: dict[int, dict] = {}
    for part, quantity, price in lines:
        unit = _Unit.of(supplier_parts.get(part.pk))
        if part.pk in merged:
            merged[part.pk]["quantity"] += _order_quantity(part, quantity, unit)
            continue
        merged[part.pk] = {"part": part, "quantity": _order_quantity(part, quantity, unit), "price": price}
    year = timezone.localtime(created_at).year
    number = f"PO-{year}-{next_number(f'PO-{year}'):06d}"
    order = PurchaseOrder.objects.create(
        number=number,
        supplier=supplier,
        warehouse=warehouse,
        order_type=order_type,
        expected_date=expected_date,
        created_at=created_at,
        created_by=user,
        reference=reference[:60],
        notes=notes,
    )
    PurchaseOrderLine.objects.bulk_create(
        [
            PurchaseOrderLine(
                order=order,
                line_no=index,
                **_line_fields(
                    supplier=supplier,
                    part=item["part"],
                    quantity=item["quantity"],
                    price=item["price"],
                    supplier_part=supplier_parts.get(item["part"].pk),
                ),
            )
            for index, item in enumerate(merged.values(), start=1)
        ]
    )
    return order


def _clear_approval(order: PurchaseOrder) -> None:
    # Changed lines change the value; the manager approves what is sent, not an earlier version.
    if order.approved_at is not None:
        order.approved_at = None
        order.approved_by = None
        order.save(update_fields=["approved_at", "approved_by"])


@transaction.atomic
def purchase_order_update(
    *, order: PurchaseOrder, user, expected_date: date | None = None, notes: str | None = None
) -> PurchaseOrder:
    """Change a draft's header (expected date, notes)."""
    order = lock_purchase_order(order.pk)
    check_allowed(order, "edit", user)
    order.expected_date = expected_date
    fields = ["expected_date"]
    if notes is not None:
        order.notes = notes
        fields.append("notes")
    order.save(update_fields=fields)
    return order


@transaction.atomic
def purchase_order_line_add(
    *, order: PurchaseOrder, part: Part, quantity: Decimal, user, price: Decimal | None = None
) -> PurchaseOrderLine:
    """Add a part to a draft (or add to its quantity when it is already there), in the order unit."""
    order = lock_purchase_order(order.pk)
    check_allowed(order, "edit", user)
    lines = lock_order_lines(order.pk)
    supplier_part = SupplierPart.objects.filter(supplier=order.supplier, part=part).first()
    existing = next((line for line in lines.values() if line.part_id == part.pk), None)
    if existing is not None:
        unit = _Unit.of(existing)
        total = existing.purchase_quantity + _order_quantity(part, quantity, unit)
        fields = _line_fields(
            supplier=order.supplier,
            part=part,
            quantity=total,
            price=existing.price if price is None else price,
            supplier_part=supplier_part,
            unit=unit,
        )
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        line = existing
    else:
        check_line_count([*lines.values(), part])
        line = PurchaseOrderLine.objects.create(
            order=order,
            line_no=max((line.line_no for line in lines.values()), default=0) + 1,
            **_line_fields(
                supplier=order.supplier, part=part, quantity=quantity, price=price, supplier_part=supplier_part
            ),
        )
    _clear_approval(order)
    return line


@transaction.atomic
def purchase_order_line_update(
    *,
    line: PurchaseOrderLine,
    user,
    quantity: Decimal | None = None,
    price: Decimal | None = None,
    promised_date: date | None = None,
) -> PurchaseOrderLine:
    """Change a draft line's quantity, price (both in the line's order unit) or promised date."""
    order = lock_purchase_order(line.order_id)
    check_allowed(order, "edit", user)
    line = lock_order_lines(order.pk)[line.pk]
    supplier_part = SupplierPart.objects.filter(supplier=order.supplier, part=line.part).first()
    fields = _line_fields(
        supplier=order.supplier,
        part=line.part,
        quantity=line.purchase_quantity if quantity is None else quantity,
        price=line.price if price is None else price,
        supplier_part=supplier_part,
        unit=_Unit.of(line),
    )
    for name, value in fields.items():
        setattr(line, name, value)
    if promised_date is not None:
        line.promised_date = promised_date
    line.save()
    _clear_approval(order)
    return line


@transaction.atomic
def purchase_order_line_remove(*, line: PurchaseOrderLine, user) -> None:
    """Take a line off a draft."""
    order = lock_purchase_order(line.order_id)
    check_allowed(order, "edit", user)
    PurchaseOrderLine.objects.filter(pk=line.pk).delete()
    _clear_approval(order)


@transaction.atomic
def purchase_order_approve(*, order: PurchaseOrder, user, approved_at: datetime | None = None) -> PurchaseOrder:
    """A manager approves a draft, which lets an order above the value threshold be sent."""
    order = lock_purchase_order(order.pk)
    check_allowed(order, "approve", user)
    if not order.lines.exists():
        raise PurchasingError(_("%(order)s has no lines to approve.") % {"order": order.number})
    order.approved_at = approved_at or timezone.now()
    order.approved_by = user
    order.save(update_fields=["approved_at", "approved_by"])
    return order


def purchase_order_send(*, order: PurchaseOrder, user, sent_at: datetime | None = None) -> PurchaseOrder:
    """Send a draft to the supplier: the PO is mailed after commit (a Celery task).

    An order worth more than ``PURCHASE_APPROVAL_THRESHOLD`` needs a manager's
    approval first: the send is refused and the managers are asked (once per
    order while the request is unread).
    """
    try:
        return _send(order=order, user=user, sent_at=sent_at)
    except ApprovalRequired:
        _ask_for_approval(order, user)
        raise


@transaction.atomic
def _ask_for_approval(order: PurchaseOrder, user) -> None:
    link = reverse("suppliers:po-detail", args=[order.pk])
    if notification_unread_exists(kind=events.PURCHASE_ORDER_APPROVAL_NEEDED, link=link):
        return
    notify(
        users=users_with_role(Role.MANAGER),
        kind=events.PURCHASE_ORDER_APPROVAL_NEEDED,
        message=gettext_noop("%(order)s (%(supplier)s) waits for your approval before %(user)s can send it."),
        params={"order": order.number, "supplier": order.supplier.code, "user": str(user)},
        link=link,
        email_subject=gettext_noop("%(order)s waits for your approval"),
        subject_params={"order": order.number},
    )


@transaction.atomic
def _send(*, order: PurchaseOrder, user, sent_at: datetime | None) -> PurchaseOrder:
    from ..selectors import purchase_order_value

    order = lock_purchase_order(order.pk)
    check_allowed(order, "send", user)
    if not order.lines.exists():
        raise PurchasingError(_("%(order)s has no lines; add at least one before sending.") % {"order": order.number})
    if not order.supplier.is_active:
        raise PurchasingError(
            _("Supplier %(supplier)s is inactive; the order cannot be sent.") % {"supplier": order.supplier.code}
        )
    value = purchase_order_value(order)
    threshold = approval_threshold()
    if value > threshold and order.approved_at is None:
        raise ApprovalRequired(
            _(
                "%(order)s is worth %(value)s, above the approval limit of "
                "%(threshold)s; a manager must approve it before it is sent."
            )
            % {"order": order.number, "value": format(value, ".2f"), "threshold": format(threshold, ".2f")}
        )
    order.state = OrderState.SENT
    order.sent_at = sent_at or timezone.now()
    order.sent_by = user
    order.save(update_fields=["state", "sent_at", "sent_by"])
    if order.supplier.email:
        # Through the outbox: a broker outage delays the mail, never loses it or fails the send.
        outbox_enqueue(task_name="suppliers.tasks.send_purchase_order_email", kwargs={"order_id": order.pk})
    event_publish(
        kind=events.PURCHASE_ORDER_SENT, data=lambda: purchase_order_event_data(order), supplier_id=order.supplier_id
    )
    return order


def _in_order_unit(quantity: Decimal, line: PurchaseOrderLine) -> str:
    return f"{(quantity / line.purchase_factor).normalize():f}"


def _check_confirmed_quantity(target: PurchaseOrderLine, confirmed_quantity) -> Decimal:
    """A confirmed quantity in the line's order unit (boxes), checked; returned in stock units like the line's."""
    try:
        confirmed_quantity = Decimal(confirmed_quantity)
    except (ArithmeticError, TypeError, ValueError):
        raise InvalidQuantity(_("Enter the confirmed quantity as a number."), field="confirmed_quantity") from None
    if not confirmed_quantity.is_finite() or confirmed_quantity < 0 or confirmed_quantity > target.purchase_quantity:
        raise InvalidQuantity(
            _("Line %(no)s: confirm between 0 and the ordered %(qty)s.")
            % {"no": target.line_no, "qty": f"{target.purchase_quantity.normalize():f}"},
            field="confirmed_quantity",
        )
    if not has_quantity_places(confirmed_quantity):
        raise InvalidQuantity(_("Quantities have at most three decimal places."), field="confirmed_quantity")
    if target.order_unit_is_whole and confirmed_quantity != confirmed_quantity.to_integral_value():
        raise InvalidQuantity(
            _("Line %(no)s is ordered in whole %(unit)s; confirm a whole number.")
            % {"no": target.line_no, "unit": target.order_unit},
            field="confirmed_quantity",
        )
    return to_stock_units(confirmed_quantity, target.purchase_factor)


def _record_confirmation(
    *, line: PurchaseOrderLine, previous: tuple, reason: str, confirmed_at: datetime, user, cutoff_days: int
) -> LineConfirmation:
    """Keep the line's history and the date the rating holds the supplier to."""
    entry = LineConfirmation.objects.create(
        po_line=line,
        promised_date=line.promised_date,
        confirmed_quantity=line.confirmed_quantity,
        previous_date=previous[0],
        previous_quantity=previous[1],
        reason=reason[:200],
        confirmed_at=confirmed_at,
        confirmed_by=user,
    )
    history = [
        (timezone.localdate(made), promised)
        for made, promised in line.confirmations.order_by("confirmed_at", "id").values_list(
            "confirmed_at", "promised_date"
        )
    ]
    line.rated_due_date = rating_formulas.rated_due_date(history, cutoff_days=cutoff_days)
    line.save(update_fields=["rated_due_date"])
    return entry


@transaction.atomic
def purchase_order_confirm(
    *,
    order: PurchaseOrder,
    user,
    lines: Sequence[tuple[PurchaseOrderLine, date | None, Decimal | None]] = (),
    confirmed_at: datetime | None = None,
) -> PurchaseOrder:
    """The supplier (or purchasing for it) confirms a sent order, optionally with per-line dates and quantities.

    ``lines`` are (order line, promised date, confirmed quantity); a confirmed
    quantity above the ordered one is refused, a lower one is recorded (the
    line stays open for the ordered quantity until purchasing closes it).
    Each confirmed line starts its confirmation history.
    """
    from .rating import rating_weights_current

    check_line_count(lines)
    order = lock_purchase_order(order.pk)
    check_allowed(order, "confirm", user)
    confirmed_at = confirmed_at or timezone.now()
    locked = lock_order_lines(order.pk)
    cutoff = rating_weights_current().reconfirm_cutoff_days
    for line, promised_date, confirmed_quantity in lines:
        target = locked.get(line.pk)
        if target is None:
            raise PurchasingError(
                _("Line %(line)s is not on %(order)s.") % {"line": line.pk, "order": order.number}, field="lines"
            )
        previous = (target.promised_date, target.confirmed_quantity)
        if confirmed_quantity is not None:
            target.confirmed_quantity = _check_confirmed_quantity(target, confirmed_quantity)
        if promised_date is not None:
            target.promised_date = promised_date
        target.save(update_fields=["confirmed_quantity", "promised_date"])
        if promised_date is not None or confirmed_quantity is not None:
            _record_confirmation(
                line=target, previous=previous, reason="", confirmed_at=confirmed_at, user=user, cutoff_days=cutoff
            )
    order.state = OrderState.CONFIRMED
    order.confirmed_at = confirmed_at
    order.confirmed_by = user
    order.save(update_fields=["state", "confirmed_at", "confirmed_by"])
    event_publish(
        kind=events.PURCHASE_ORDER_CONFIRMED,
        data=lambda: purchase_order_event_data(order),
        supplier_id=order.supplier_id,
    )
    short = [
        line
        for line in locked.values()
        if line.confirmed_quantity is not None and line.confirmed_quantity < line.quantity
    ]
    if short:
        short_lines = ", ".join(
            f"{line.line_no}: {Decimal(line.purchase_confirmed or 0).normalize():f} "
            f"of {line.purchase_quantity.normalize():f}"
            for line in sorted(short, key=lambda line: line.line_no)
        )
        notify(
            users=[order.created_by],
            kind=events.PURCHASE_ORDER_CONFIRMED_SHORT,
            message=gettext_noop(
                "%(order)s (%(supplier)s) confirmed short on line %(lines)s; "
                "order the rest elsewhere or close the lines."
            ),
            params={"order": order.number, "supplier": order.supplier.code, "lines": short_lines},
            link=reverse("suppliers:po-detail", args=[order.pk]),
            email_subject=gettext_noop("%(order)s confirmed short"),
            subject_params={"order": order.number},
        )
    elif order.created_by_id != user.pk:
        notify(
            users=[order.created_by],
            kind=events.PURCHASE_ORDER_CONFIRMED,
            message=gettext_noop("%(order)s (%(supplier)s) is confirmed."),
            params={"order": order.number, "supplier": order.supplier.code},
            link=reverse("suppliers:po-detail", args=[order.pk]),
            email_subject=gettext_noop("%(order)s confirmed"),
            subject_params={"order": order.number},
        )
    return order


def purchase_order_event_data(order: PurchaseOrder) -> dict:
    """The body of the purchase order events: what a supplier's or dealer's system needs to match the order."""
    return {
        "order": order.number,
        "order_id": order.pk,
        "state": order.state,
        "supplier": order.supplier.code,
        "warehouse": order.warehouse.code,
        "lines": [
            {
                "line_no": line.line_no,
                "part": line.part.number,
                "quantity": str(line.quantity),
                "confirmed_quantity": None if line.confirmed_quantity is None else str(line.confirmed_quantity),
                "purchase_unit": line.purchase_unit,
                "purchase_factor": str(line.purchase_factor),
                "purchase_quantity": str(line.purchase_quantity),
                "price": str(line.price),
                "promised_date": line.promised_date.isoformat() if line.promised_date else None,
            }
            for line in order.lines.select_related("part").order_by("line_no")
        ],
    }


@transaction.atomic
def purchase_order_reconfirm(
    *,
    order: PurchaseOrder,
    user,
    lines: Sequence[tuple[PurchaseOrderLine, date | None, Decimal | None]],
    reason: str,
    changed_at: datetime | None = None,
) -> list[LineConfirmation]:
    """The supplier changes a confirmed date or quantity, with a reason, until the line ships.

    A line is shipped once a shipping notice announces it or it is fully
    received; after that its confirmation stays. Every change is kept on the
    line's history and the purchaser who sent the order is told. The rating
    holds the supplier to the last date confirmed before the cut-off
    (``RatingWeights.reconfirm_cutoff_days`` before the date replaced).
    """
    from .notices import order_purchaser
    from .rating import rating_weights_current

    reason = (reason or "").strip()
    if not reason:
        raise PurchasingError(_("Say why the date or quantity changes."), field="reason")
    check_line_count(lines)
    order = lock_purchase_order(order.pk)
    check_allowed(order, "reconfirm", user)
    changed_at = changed_at or timezone.now()
    locked = lock_order_lines(order.pk)
    shipped = set(
        ShipmentNoticeLine.objects.filter(
            po_line__order=order, notice__state=NoticeState.ANNOUNCED, quantity_announced__gt=0
        ).values_list("po_line_id", flat=True)
    )
    cutoff = rating_weights_current().reconfirm_cutoff_days
    entries = []
    changes = []
    for line, promised_date, confirmed_quantity in lines:
        target = locked.get(line.pk)
        if target is None:
            raise PurchasingError(
                _("Line %(line)s is not on %(order)s.") % {"line": line.pk, "order": order.number}, field="lines"
            )
        previous = (target.promised_date, target.confirmed_quantity)
        if confirmed_quantity is not None:
            confirmed_quantity = _check_confirmed_quantity(target, confirmed_quantity)
        new = (
            previous[0] if promised_date is None else promised_date,
            previous[1] if confirmed_quantity is None else confirmed_quantity,
        )
        if new == previous:
            continue
        if target.pk in shipped or target.quantity_received >= target.quantity:
            raise InvalidTransition(
                _("Line %(no)s (%(part)s) has shipped; its confirmation can no longer change.")
                % {"no": target.line_no, "part": target.part.number}
            )
        if new[1] is not None and new[1] < target.quantity_received:
            raise InvalidQuantity(
                _("Line %(no)s: %(qty)s already arrived; confirm at least that.")
                % {"no": target.line_no, "qty": f"{target.purchase_received.normalize():f}"},
                field="confirmed_quantity",
            )
        target.promised_date, target.confirmed_quantity = new
        target.save(update_fields=["promised_date", "confirmed_quantity"])
        entries.append(
            _record_confirmation(
                line=target, previous=previous, reason=reason, confirmed_at=changed_at, user=user, cutoff_days=cutoff
            )
        )
        changes.append(
            Message(
                gettext_noop("line %(no)s %(part)s: %(old_date)s → %(new_date)s, %(old_qty)s → %(new_qty)s"),
                {
                    "no": target.line_no,
                    "part": target.part.number,
                    "old_date": str(previous[0] or "–"),
                    "new_date": str(new[0] or "–"),
                    "old_qty": "–"
                    if previous[1] is None
                    else f"{(previous[1] / target.purchase_factor).normalize():f}",
                    "new_qty": "–" if new[1] is None else f"{(new[1] / target.purchase_factor).normalize():f}",
                },
            )
        )
    if not entries:
        raise PurchasingError(_("Nothing changed; change a date or a quantity."), field="lines")
    core_services.notify(
        users=order_purchaser(order),
        kind=events.PURCHASE_ORDER_DELAY_ANNOUNCED,
        message=gettext_noop("%(supplier)s changed its confirmation of %(order)s (%(reason)s): %(changes)s."),
        params={
            "supplier": order.supplier.code,
            "order": order.number,
            "reason": reason,
            "changes": changes,
        },
        link=reverse("suppliers:po-detail", args=[order.pk]),
        email_subject=gettext_noop("%(order)s: confirmation changed by %(supplier)s"),
        subject_params={"order": order.number, "supplier": order.supplier.code},
    )
    return entries


@transaction.atomic
def purchase_order_cancel(
    *, order: PurchaseOrder, user, reason: str, cancelled_at: datetime | None = None
) -> PurchaseOrder:
    """Cancel an order that has not received anything; the reason is required."""
    if not (reason or "").strip():
        raise PurchasingError(_("Say why the order is cancelled."), field="reason")
    order = lock_purchase_order(order.pk)
    check_allowed(order, "cancel", user)
    if order.lines.filter(quantity_received__gt=0).exists():
        raise InvalidTransition(
            _("%(order)s has received goods; close it instead of cancelling.") % {"order": order.number}
        )
    order.state = OrderState.CANCELLED
    order.cancelled_at = cancelled_at or timezone.now()
    order.cancelled_by = user
    order.cancel_reason = reason.strip()[:200]
    order.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason"])
    return order


@transaction.atomic
def purchase_order_close(*, order: PurchaseOrder, user, closed_at: datetime | None = None) -> PurchaseOrder:
    """Close a received order, or a partially received one whose rest will not come (short close)."""
    order = lock_purchase_order(order.pk)
    check_allowed(order, "close", user)
    order.state = OrderState.CLOSED
    order.closed_at = closed_at or timezone.now()
    order.closed_by = user
    order.save(update_fields=["state", "closed_at", "closed_by"])
    return order
