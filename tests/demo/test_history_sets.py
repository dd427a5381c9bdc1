"""The set-based demo history writes the database the services write, and a full load has every figure it shows."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Model

from core.models import Notification
from core.roles import Role
from counting.models import CountList
from demo.builders.history_sets import Place, bin_legs
from inventory import services
from inventory.models import (
    Backorder,
    BinMovement,
    BinStock,
    ClosedPeriod,
    CounterSale,
    CounterSaleLine,
    DemandHit,
    MovementKind,
    Part,
    RepairOrder,
    StockLevel,
    StockMovement,
    TransferOrder,
    TransferOrderLine,
    TransferState,
    WorkshopRequest,
    WorkshopRequestLine,
)
from inventory.selectors import bin_differences, ledger_broken_links, ledger_differences
from inventory.services.stock import _bin_legs, _Line
from kpis.models import MonthClose
from planning.models import ReplenishmentRun, RunState
from suppliers.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    NumberSequence,
    OrderState,
    PurchaseOrder,
    PurchaseOrderLine,
    QualityReject,
    SupplierRating,
    SupplierReturn,
    SupplierReturnLine,
)
from suppliers.selectors import purchase_order_value
from suppliers.services.orders import approval_threshold

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.services

TODAY = date(2026, 12, 3)
# Every table the history writes; fields stamped with the moment of the load (not the history's) left out.
WRITTEN: tuple[type[Model], ...] = (
    StockLevel,
    StockMovement,
    BinStock,
    BinMovement,
    DemandHit,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrder.history.model,
    PurchaseOrderLine.history.model,
    GoodsReceipt,
    GoodsReceiptLine,
    QualityReject,
    SupplierReturn,
    SupplierReturnLine,
    TransferOrder,
    TransferOrderLine,
    RepairOrder,
    WorkshopRequest,
    WorkshopRequestLine,
    Backorder,
    CounterSale,
    CounterSaleLine,
    Notification,
    NumberSequence,
    Part,
)
STAMPED = {"history_date", "created_at"}


def _rows(model: type[Model]) -> list[tuple]:
    stamped = (Notification, Part, PurchaseOrder.history.model, PurchaseOrderLine.history.model)
    left_out = STAMPED if model in stamped else {"history_date"}
    if model is NumberSequence:
        left_out = {"id"}  # the services' get-or-create of a counter uses up ids; its prefix is its key
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in left_out]
    order = "prefix" if model is NumberSequence else "pk"
    return list(model._default_manager.order_by(order).values_list(*fields))


def _load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", parts=100, months=4, seed=11, today=TODAY, no_close=True, stdout=out, **options)
    return out.getvalue()


def _empty() -> None:
    """Every table empty and every id sequence back at one, as in a new database."""
    call_command("flush", interactive=False, verbosity=0)


def test_the_set_based_history_writes_the_rows_the_services_write(postgres_tx):
    # given the same small demo posted document by document through the services
    _empty()
    _load(per_posting=True)
    posted = {model.__name__: _rows(model) for model in WRITTEN}
    assert posted["QualityReject"]
    assert posted["SupplierReturn"]
    assert posted["Backorder"]
    assert posted["CounterSale"]
    assert any(row[4] for row in posted["TransferOrder"])  # backorder_id: one for a backorder
    # lines ordered in a purchase unit (boxes) and received at the exact value of the boxes
    boxed = PurchaseOrderLine.objects.exclude(purchase_unit="")
    assert boxed.exists()
    assert GoodsReceiptLine.objects.filter(po_line__in=boxed).exists()
    # stock put into bins and taken out of them, a bin emptied (its row kept at zero)
    assert BinMovement.objects.filter(quantity__lt=0, movement__isnull=False).exists()
    assert BinStock.objects.filter(quantity=0).exists()

    # when it is loaded again with the set-based history
    _empty()
    output = _load()

    # then every row is the same, ids, costs and hash chains included, and the ledger verifies
    assert "written with COPY" in output
    for model in WRITTEN:
        assert _rows(model) == posted[model.__name__], model.__name__
    assert ledger_differences() == []
    assert ledger_broken_links() == []
    assert bin_differences() == []


def test_a_small_demo_written_set_based_verifies_and_opens_on_every_month_and_todays_work(postgres):
    # given an empty database
    # when a small demo is loaded the default way (the history set-based)
    out = io.StringIO()
    call_command("load_demo", parts=60, months=6, seed=7, today=TODAY, stdout=out)

    # then the ledger verifies: every level equals its movements and every hash chain holds
    call_command("verify_ledger", stdout=io.StringIO())
    assert "written with COPY" in out.getvalue()
    # every finished month is closed and rated, oldest first
    months = [date(2026, month, 1) for month in range(6, 12)]
    closed = list(MonthClose.objects.filter(is_published=True).order_by("month").values_list("month", flat=True))
    assert closed == months
    assert list(ClosedPeriod.objects.order_by("month").values_list("month", flat=True)) == months
    rated = SupplierRating.objects.values_list("month", flat=True).distinct().order_by("month")
    assert list(rated) == months
    # today's work waits: a finished replenishment run with proposals, a count list half entered,
    # a stock order above the limit in draft for the manager, and notes for the people who act on them
    run = ReplenishmentRun.objects.get()
    assert run.state == RunState.DONE
    assert run.proposals > 0
    started = CountList.objects.filter(lines__counted_qty__isnull=False).distinct().get()
    assert started.lines.filter(counted_qty__isnull=True).exists()
    draft = PurchaseOrder.objects.get(state=OrderState.DRAFT)
    assert purchase_order_value(draft) > approval_threshold()
    assert draft.approved_at is None
    unread = Notification.objects.filter(read_at__isnull=True)
    assert unread.filter(user__username="manager").exists()
    assert unread.filter(user__username="purchaser").exists()
    # the history's receipts, transfers and requests are there to look at
    assert GoodsReceipt.objects.count() > 100
    assert TransferOrder.objects.filter(state=TransferState.REQUESTED).exists()  # today's, to pick and send
    assert WorkshopRequest.objects.exists()
    assert CounterSale.objects.exists()


def test_the_bin_legs_in_memory_are_the_services_legs(postgres):
    # given a level holding stock in no bin, in its default bin and in two bins along the route
    user, part, store = UserFactory(roles=[Role.MANAGER]), PartFactory(), WarehouseFactory()
    first, default, later = (
        BinFactory(warehouse=store, code=code, route=route) for code, route in [("B", 1), ("C", 5), ("A", 2)]
    )
    for quantity, bin in [(4, None), (3, later), (2, first)]:
        services.stock_receive(
            part=part, warehouse=store, quantity=Decimal(quantity), unit_cost=Decimal(1), user=user, bin=bin
        )
    level = services.stock_level_set_limits(
        part=part, warehouse=store, min_qty=Decimal(0), max_qty=Decimal(0), default_bin=default
    )
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(1), unit_cost=Decimal(1), user=user)
    level.refresh_from_db()
    held = {row.bin_id: Place(row.quantity, pk=row.pk) for row in BinStock.objects.filter(part=part, warehouse=store)}
    routes = {row.pk: (row.route, row.code) for row in (first, default, later)}

    # when stock is put in and taken out, in memory and by the services' rule
    def legs(quantity: int, bin=None) -> tuple[list, list]:
        line = _Line(MovementKind.ISSUE if quantity < 0 else MovementKind.RECEIPT, level, Decimal(quantity), bin=bin)
        return bin_legs(level, Decimal(quantity), bin, held=held, routes=routes), _bin_legs([line])[0]

    # then the legs are the same: the default bin, then along the route, the stock in no bin last
    in_memory, posted = legs(-8)
    assert in_memory == posted == [(default.pk, -1), (first.pk, -2), (later.pk, -3), (None, -2)]
    in_memory, posted = legs(-2, bin=later)
    assert in_memory == posted == [(later.pk, -2)]
    in_memory, posted = legs(5)
    assert in_memory == posted == [(default.pk, 5)]
    in_memory, posted = legs(5, bin=first)
    assert in_memory == posted == [(first.pk, 5)]
