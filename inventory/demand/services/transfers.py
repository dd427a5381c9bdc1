"""Transfer orders between warehouses: requested → picked and sent → received.

Sending posts the transfer-out leg (``stock_transfer_send``): the stock leaves
the source at its average cost and shows as in transit at the destination.
Receiving posts the transfer-in leg at exactly the unit cost the stock left
with, so cost moves with the stock. A receipt may be partial; a quantity that
never arrives is recorded as lost with a note (the documented discrepancy) and
leaves the in-transit figure without entering stock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import events
from core.roles import Role
from core.services.events import event_publish
from core.services.notifications import notify, users_with_role
from inventory.bounds import check_line_count
from inventory.exceptions import InvalidQuantity, InvalidTransition, InventoryError
from inventory.models import (
    Backorder,
    BackorderState,
    Part,
    TransferOrder,
    TransferOrderLine,
    TransferState,
    Warehouse,
)
from inventory.services.stock import _check_quantity, stock_transfer_receive, stock_transfer_send

from .requests import backorder_note_sourcing

ZERO = Decimal("0")


def transfer_order_create(
    *,
    from_warehouse: Warehouse,
    to_warehouse: Warehouse,
    lines: Iterable[tuple[Part, Decimal] | Sequence],
    user,
    backorder: Backorder | None = None,
    now: datetime | None = None,
) -> TransferOrder:
    """Ask another warehouse for stock. ``lines`` are ``(part, quantity)`` pairs."""
    if from_warehouse.pk == to_warehouse.pk:
        raise InventoryError(_("A transfer needs two different warehouses."), field="to_warehouse")
    checked = []
    lines = list(lines)
    check_line_count(lines)
    for index, (part, quantity) in enumerate(lines):
        checked.append((part, _check_quantity(part, quantity, field=f"lines[{index}].quantity")))
    if not checked:
        raise InvalidQuantity(_("Add at least one line."), field="lines")
    if len({part.pk for part, _ in checked}) != len(checked):
        raise InventoryError(_("Each part appears once on a transfer order."), field="lines")
    with transaction.atomic():
        transfer = TransferOrder.objects.create(
            from_warehouse=from_warehouse,
            to_warehouse=to_warehouse,
            backorder=backorder,
            created_by=user,
            created_at=now or timezone.now(),
        )
        TransferOrderLine.objects.bulk_create(
            [TransferOrderLine(transfer=transfer, part=part, quantity_requested=qty) for part, qty in checked]
        )
        notify(
            users=users_with_role(Role.CLERK, warehouse=from_warehouse),
            kind=events.TRANSFER_REQUESTED,
            message=gettext_noop("%(to)s asks %(from)s for %(count)s part(s) on %(transfer)s; pick and send them."),
            params={
                "to": to_warehouse.code,
                "from": from_warehouse.code,
                "count": len(checked),
                "transfer": transfer.number,
            },
            link=reverse("inventory:transfer-detail", args=[transfer.pk]),
            email_subject=gettext_noop("Transfer %(transfer)s requested"),
            subject_params={"transfer": transfer.number},
        )
    return transfer


def backorder_source_by_transfer(
    *, backorder: Backorder, from_warehouse: Warehouse, quantity: Decimal, user, now: datetime | None = None
) -> TransferOrder:
    """Accept a transfer proposal: a transfer order for the backorder's part to its warehouse.

    When the stock arrives the transfer-in fills the backorder (oldest first).
    """
    if backorder.state != BackorderState.OPEN:
        raise InvalidTransition(
            _("This backorder is %(state)s; nothing to source.") % {"state": backorder.get_state_display()}
        )
    quantity = _check_quantity(backorder.part, quantity)
    if quantity > backorder.open_quantity:
        raise InvalidQuantity(
            _("The backorder waits for %(open_quantity)s; transfer at most that.")
            % {"open_quantity": format(backorder.open_quantity.normalize(), "f")}
        )
    with transaction.atomic():
        transfer = transfer_order_create(
            from_warehouse=from_warehouse,
            to_warehouse=backorder.warehouse,
            lines=[(backorder.part, quantity)],
            user=user,
            backorder=backorder,
            now=now,
        )
        backorder_note_sourcing(
            backorder=backorder, note=f"Transfer {transfer.number} from {from_warehouse.code}: {quantity.normalize():f}"
        )
    return transfer


def _locked_transfer(transfer: TransferOrder) -> TransferOrder:
    return (
        TransferOrder.objects.select_for_update(of=("self",))
        .select_related("from_warehouse", "to_warehouse")
        .get(pk=transfer.pk)
    )


def transfer_order_send(
    *,
    transfer: TransferOrder,
    user,
    quantities: Mapping[int, Decimal] | None = None,
    now: datetime | None = None,
) -> TransferOrder:
    """Pick and send: post the transfer-out leg of every line (in transit at the destination).

    ``quantities`` maps line id to the quantity picked (default: as requested);
    a line picked short sends less, a line at zero is not sent. At least one
    line must go. Refused as a whole when the source lacks stock for any line.
    """
    quantities = quantities or {}
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        if transfer.state != TransferState.REQUESTED:
            raise InvalidTransition(
                _("%(transfer)s is %(state)s; only requested transfers are sent.")
                % {"transfer": transfer.number, "state": transfer.get_state_display()}
            )
        when = now or timezone.now()
        lines = list(transfer.lines.select_related("part").order_by("pk"))
        sent_any = False
        for line in lines:
            quantity = Decimal(quantities.get(line.pk, line.quantity_requested))
            if quantity < 0 or quantity > line.quantity_requested:
                raise InvalidQuantity(
                    _("Send between 0 and %(quantity_requested)s of %(part)s.")
                    % {"quantity_requested": format(line.quantity_requested.normalize(), "f"), "part": line.part.number}
                )
            if quantity == 0:
                continue
            movement = stock_transfer_send(
                part=line.part,
                from_warehouse=transfer.from_warehouse,
                to_warehouse=transfer.to_warehouse,
                quantity=quantity,
                user=user,
                document_ref=transfer.number,
                posted_at=when,
            )
            line.quantity_sent = quantity
            line.unit_cost = movement.unit_cost
            line.out_movement = movement
            sent_any = True
        if not sent_any:
            raise InvalidQuantity(_("Send at least one line, or cancel the transfer."))
        TransferOrderLine.objects.bulk_update(lines, ["quantity_sent", "unit_cost", "out_movement"])
        transfer.state = TransferState.SENT
        transfer.sent_at, transfer.sent_by = when, user
        transfer.save(update_fields=["state", "sent_at", "sent_by"])
        notify(
            users=users_with_role(Role.CLERK, warehouse=transfer.to_warehouse),
            kind=events.TRANSFER_SENT,
            message=gettext_noop("%(transfer)s left %(from)s; receive it when it arrives."),
            params={"transfer": transfer.number, "from": transfer.from_warehouse.code},
            link=reverse("inventory:transfer-detail", args=[transfer.pk]),
            email_subject=gettext_noop("Transfer %(transfer)s sent"),
            subject_params={"transfer": transfer.number},
        )
        event_publish(
            kind=events.TRANSFER_SENT,
            data=_transfer_data(
                transfer, [(line.part.number, line.quantity_sent) for line in lines if line.quantity_sent]
            ),
        )
    return transfer


def _transfer_data(transfer: TransferOrder, lines: list[tuple[str, Decimal]]) -> dict:
    """The body of the transfer events: the order, its warehouses and the lines concerned."""
    return {
        "transfer": transfer.number,
        "transfer_id": transfer.pk,
        "state": transfer.state,
        "from_warehouse": transfer.from_warehouse.code,
        "to_warehouse": transfer.to_warehouse.code,
        "lines": [{"part": part, "quantity": str(quantity)} for part, quantity in lines],
    }


def transfer_order_receive(
    *,
    transfer: TransferOrder,
    user,
    quantities: Mapping[int, tuple[Decimal, Decimal] | Decimal] | None = None,
    note: str = "",
    now: datetime | None = None,
) -> TransferOrder:
    """Receive what arrived: the transfer-in leg at the cost the stock left with.

    ``quantities`` maps line id to ``(received, lost)`` (or just ``received``);
    the default receives everything outstanding. ``lost`` is what will never
    arrive and needs a ``note``. Lines left outstanding keep the order partly
    received until a later receipt. A transfer-in on a level with open
    backorders fills them (oldest request first) in the same transaction.
    """
    quantities = quantities or {}
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        if transfer.state not in (TransferState.SENT, TransferState.PARTIAL):
            raise InvalidTransition(
                _("%(transfer)s is %(state)s; only sent transfers are received.")
                % {"transfer": transfer.number, "state": transfer.get_state_display()}
            )
        when = now or timezone.now()
        lines = list(transfer.lines.select_related("part").order_by("pk"))
        changed = []
        arrived: list[tuple[str, Decimal]] = []
        missing: list[tuple[str, Decimal]] = []
        for line in lines:
            outstanding = line.quantity_outstanding
            raw = quantities.get(line.pk, (outstanding, ZERO))
            received, lost = (raw, ZERO) if not isinstance(raw, tuple | list) else raw
            received, lost = Decimal(received), Decimal(lost)
            if received < 0 or lost < 0:
                raise InvalidQuantity(_("Quantities for %(part)s cannot be negative.") % {"part": line.part.number})
            if received + lost > outstanding:
                raise InvalidQuantity(
                    _("Only %(outstanding)s of %(part)s is still in transit on %(transfer)s.")
                    % {
                        "outstanding": format(outstanding.normalize(), "f"),
                        "part": line.part.number,
                        "transfer": transfer.number,
                    }
                )
            if received + lost == 0:
                continue
            if lost and not note.strip():
                raise InventoryError(_("Say what happened to the missing quantity."), field="note")
            stock_transfer_receive(
                part=line.part,
                from_warehouse=transfer.from_warehouse,
                to_warehouse=transfer.to_warehouse,
                quantity=received,
                unit_cost=line.unit_cost,
                user=user,
                lost_quantity=lost,
                document_ref=transfer.number,
                posted_at=when,
            )
            line.quantity_received += received
            line.quantity_lost += lost
            changed.append(line)
            arrived.append((line.part.number, received))
            if lost:
                missing.append((line.part.number, lost))
        if not changed:
            raise InvalidQuantity(_("Enter what arrived (or what is missing) for at least one line."))
        TransferOrderLine.objects.bulk_update(changed, ["quantity_received", "quantity_lost"])
        complete = all(line.quantity_outstanding == 0 for line in lines)
        transfer.state = TransferState.RECEIVED if complete else TransferState.PARTIAL
        transfer.received_at = when
        fields = ["state", "received_at"]
        if note.strip():
            transfer.discrepancy_note = "; ".join(filter(None, [transfer.discrepancy_note, note.strip()]))[:300]
            fields.append("discrepancy_note")
        transfer.save(update_fields=fields)
        event_publish(kind=events.TRANSFER_RECEIVED, data=_transfer_data(transfer, arrived))
        if transfer.created_by_id:
            notify(
                users=[transfer.created_by],
                kind=events.TRANSFER_RECEIVED,
                message=gettext_noop("%(transfer)s from %(from)s arrived at %(to)s."),
                params={
                    "transfer": transfer.number,
                    "from": transfer.from_warehouse.code,
                    "to": transfer.to_warehouse.code,
                },
                link=reverse("inventory:transfer-detail", args=[transfer.pk]),
                email_subject=gettext_noop("Transfer %(transfer)s arrived"),
                subject_params={"transfer": transfer.number},
            )
        if missing and transfer.created_by_id:
            parts = ", ".join(f"{part} × {quantity.normalize():f}" for part, quantity in missing)
            notify(
                users=[transfer.created_by],
                kind=events.TRANSFER_SHORT,
                message=gettext_noop("%(transfer)s from %(from)s arrived short: %(parts)s missing (%(note)s)."),
                params={
                    "transfer": transfer.number,
                    "from": transfer.from_warehouse.code,
                    "parts": parts,
                    "note": note.strip(),
                },
                link=reverse("inventory:transfer-detail", args=[transfer.pk]),
                email_subject=gettext_noop("%(transfer)s arrived short"),
                subject_params={"transfer": transfer.number},
            )
    return transfer


def transfer_order_cancel(*, transfer: TransferOrder, user) -> TransferOrder:
    """Withdraw a transfer request before anything was sent."""
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        if transfer.state != TransferState.REQUESTED:
            raise InvalidTransition(
                _("%(transfer)s is %(state)s; only requested transfers are cancelled.")
                % {"transfer": transfer.number, "state": transfer.get_state_display()}
            )
        transfer.state = TransferState.CANCELLED
        transfer.save(update_fields=["state"])
        if transfer.backorder_id:
            Backorder.objects.filter(pk=transfer.backorder_id).update(sourcing_note="")
    return transfer
