"""Replenishment from a supplier that sells in boxes: the need is rounded up to whole boxes, the order is in boxes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from planning import services
from planning.models import ReplenishmentProposal, StockingParameter
from suppliers.models import PurchaseOrder

from ..factories import PartFactory, WarehouseFactory
from .builders import make_supplier, make_supplier_part
from .factories import ReplenishmentRunFactory

pytestmark = pytest.mark.usefixtures("postgres")

D = Decimal


def _short_by_13(part, warehouse):
    # no stock, reorder point 5, max 13: 13 pieces short
    StockingParameter.objects.create(
        part=part,
        warehouse=warehouse,
        service_level=D("0.9"),
        lead_time_days=7,
        reorder_point=D(5),
        min_qty=D(5),
        max_qty=D(13),
        forecast_per_month=D(4),
    )


def _boxes_of_ten(part, *, price="12.5000", moq="1"):
    supplier_part = make_supplier_part(make_supplier("BOX"), part, price=price, moq=moq)
    supplier_part.purchase_unit, supplier_part.purchase_factor = "box", D(10)
    supplier_part.save()
    return supplier_part


def test_a_need_of_13_pieces_proposes_2_boxes_and_the_order_is_2_boxes(make_user):
    # given a part 13 pieces short, sold in boxes of 10 at 12.50 a box
    part, store = PartFactory(), WarehouseFactory()
    _short_by_13(part, store)
    box = _boxes_of_ten(part)
    run = ReplenishmentRunFactory()

    # when the run proposes cover
    services.proposals_build(run=run)

    # then it proposes 20 pieces (2 boxes) at 1.25 a piece, and says why
    proposal = ReplenishmentProposal.objects.get(run=run)
    assert (proposal.supplier_id, proposal.quantity, proposal.unit_price) == (box.supplier_id, D(20), D("1.2500"))
    assert "rounded from 13 to 2 box of 10" in proposal.reason

    # and when purchasing approves it, the draft order has 2 boxes at 12.50 a box
    services.proposals_approve(items=[(proposal.pk, None)], user=make_user(Role.PURCHASER))
    line = PurchaseOrder.objects.get().lines.get()
    assert (line.purchase_unit, line.purchase_quantity, line.quantity, line.price, line.value) == (
        "box",
        D(2),
        D("20.000"),
        D("12.5000"),
        D("25.0000"),
    )


def test_an_approved_quantity_edited_to_pieces_is_rounded_up_to_whole_boxes(make_user):
    part, store = PartFactory(), WarehouseFactory()
    _short_by_13(part, store)
    _boxes_of_ten(part)
    run = ReplenishmentRunFactory()
    services.proposals_build(run=run)
    proposal = ReplenishmentProposal.objects.get(run=run)

    # the purchaser types 31 pieces: 4 boxes are ordered
    services.proposals_approve(items=[(proposal.pk, D(31))], user=make_user(Role.PURCHASER))

    line = PurchaseOrder.objects.get().lines.get()
    assert (line.purchase_quantity, line.quantity) == (D(4), D("40.000"))


def test_the_minimum_order_in_boxes_applies(make_user):
    part, store = PartFactory(), WarehouseFactory()
    _short_by_13(part, store)
    _boxes_of_ten(part, moq="3")
    run = ReplenishmentRunFactory()

    services.proposals_build(run=run)

    assert ReplenishmentProposal.objects.get(run=run).quantity == D(30)
