"""Bulk receipts (opening balances): the ledger rules of stock_receive, in one transaction."""

from decimal import Decimal

import pytest

from inventory import services
from inventory.exceptions import InvalidQuantity
from inventory.models import StockLevel, StockMovement
from inventory.selectors import ledger_differences

from ..factories import BinFactory, PartFactory, WarehouseFactory

pytestmark = pytest.mark.usefixtures("postgres")
D = Decimal


def test_bulk_receipt_re_averages_per_line_sets_default_bins_and_verifies(manager):
    # given two warehouses, two parts and a bin
    cen, store = WarehouseFactory(code="CEN"), WarehouseFactory(code="ST1")
    filter_, pad = PartFactory(number="F-1"), PartFactory(number="P-1")
    shelf = BinFactory(warehouse=cen, code="A-01-1")

    # when three lines are received at once, two of them for the same level at different costs
    movements = services.stock_receive_bulk(
        lines=[
            (filter_, cen, D(4), D("10"), shelf),
            (pad, store, D(2), D("30"), None),
            (filter_, cen, D(1), D("15"), None),
        ],
        user=manager,
        document_type="opening_balance",
        document_ref="import #1",
    )

    # then each line is a receipt movement and the level's cost is the moving average (4×10 + 1×15) / 5
    assert [(m.kind, m.quantity, m.value) for m in movements] == [
        ("receipt", D(4), D("40.0000")),
        ("receipt", D(2), D("60.0000")),
        ("receipt", D(1), D("15.0000")),
    ]
    level = StockLevel.objects.get(part=filter_, warehouse=cen)
    assert (level.on_hand, level.value, level.average_cost) == (D(5), D("55.0000"), D("11.0000"))
    assert level.default_bin == shelf
    assert level.first_stocked_at is not None
    assert StockMovement.objects.filter(document_ref="import #1").count() == 3
    assert ledger_differences() == []


def test_one_refused_line_refuses_the_whole_bulk_receipt(manager):
    # given a warehouse and a whole-unit part
    cen = WarehouseFactory(code="CEN")
    part = PartFactory(number="F-2")

    # when one of two lines has a fractional quantity of a piece part
    with pytest.raises(InvalidQuantity, match="whole number"):
        services.stock_receive_bulk(
            lines=[(part, cen, D(3), D("5"), None), (part, cen, D("1.5"), D("5"), None)], user=manager
        )

    # then nothing was posted at all
    assert StockMovement.objects.count() == 0
    assert not StockLevel.objects.filter(on_hand__gt=0).exists()
