"""``manage.py verify_ledger``: silent success on a true ledger, a listed failure on a corrupted level."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from core.roles import Role
from inventory import services
from inventory.management.commands.verify_ledger import Command
from inventory.models import BinMovement, BinStock, StockLevel
from inventory.selectors import BinDifference, LedgerDifference, bin_differences, ledger_differences

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.services


@pytest.fixture
def stocked(postgres):
    user = UserFactory(roles=[Role.MANAGER])
    part, store = PartFactory(number="VL-1"), WarehouseFactory(code="S1")
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(5), unit_cost=Decimal(3), user=user)
    services.stock_issue(part=part, warehouse=store, quantity=Decimal(2), user=user)
    return part, store


def test_verify_ledger_passes_on_clean_data(stocked):
    out = StringIO()

    call_command("verify_ledger", stdout=out)

    assert out.getvalue() == (
        "Ledger verified: every stock level equals its movements and its bins, every bin its entries, "
        "and every hash chain holds.\n"
    )


def test_verify_ledger_fails_listing_a_corrupted_level(stocked):
    part, store = stocked
    StockLevel.objects.filter(part=part, warehouse=store).update(on_hand=Decimal(4), value=Decimal("9.5"))
    err = StringIO()

    with pytest.raises(
        CommandError,
        match=r"1 stock level\(s\) disagree with the ledger; 0 hash chain\(s\) broken; 1 bin figure\(s\) disagree\.",
    ):
        call_command("verify_ledger", stderr=err)

    assert err.getvalue() == (
        "VL-1 @ S1: on hand 4.000 vs ledger 3.000; value 9.5000 vs ledger 9.0000\n"
        "VL-1 @ S1: on hand 4.000 vs its bins 3.000\n"
    )
    assert ledger_differences() == [LedgerDifference("VL-1", "S1", Decimal(4), Decimal(3), Decimal("9.5"), Decimal(9))]


def test_verify_ledger_exits_non_zero_from_the_command_line(stocked):
    part, store = stocked
    StockLevel.objects.filter(part=part, warehouse=store).update(value=Decimal(1))

    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "verify_ledger"])

    assert exited.value.code == 1


def test_verify_ledger_lists_a_bin_that_is_not_its_entries(stocked):
    part, store = stocked
    BinStock.objects.filter(part=part, warehouse=store).update(quantity=Decimal(2))
    err = StringIO()

    with pytest.raises(
        CommandError, match=r"^0 stock level\(s\) .*; 0 hash chain\(s\) broken; 2 bin figure\(s\) disagree\.$"
    ):
        call_command("verify_ledger", stderr=err)

    assert bin_differences() == [
        BinDifference("VL-1", "S1", "", Decimal(3), Decimal(2)),
        BinDifference("VL-1", "S1", "-", Decimal(2), Decimal(3)),
    ]
    assert err.getvalue() == "VL-1 @ S1: on hand 3.000 vs its bins 2.000\nVL-1 @ S1 bin -: 2.000 vs its entries 3.000\n"


def test_verify_ledger_lists_a_movement_whose_bin_entries_do_not_add_up(stocked):
    part, store = stocked
    bin = BinFactory(warehouse=store, code="A-01")
    receipt_entry = BinMovement.objects.get(part=part, quantity=Decimal(5))
    with connection.cursor() as cursor:  # the bins' ledger is append-only: tamper with the trigger off
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE inventory_binmovement DISABLE TRIGGER inventory_binmovement_append_only")
        cursor.execute("UPDATE inventory_binmovement SET quantity = 4 WHERE id = %s", [receipt_entry.pk])
        cursor.execute("ALTER TABLE inventory_binmovement ENABLE TRIGGER inventory_binmovement_append_only")
    BinMovement.objects.create(part=part, warehouse=store, bin=bin, quantity=Decimal(1))
    BinStock.objects.filter(part=part, warehouse=store).update(quantity=Decimal(2))
    BinStock.objects.create(part=part, warehouse=store, bin=bin, quantity=Decimal(1))

    assert bin_differences() == [
        BinDifference(f"movement {receipt_entry.movement_id}", "", "", Decimal(5), Decimal(4)),
    ]


def test_the_bins_ledger_refuses_edits_and_deletes(stocked):
    entry = BinMovement.objects.first()

    with pytest.raises(IntegrityError, match="inventory_binmovement is append-only: UPDATE"), transaction.atomic():
        BinMovement.objects.filter(pk=entry.pk).update(quantity=Decimal(1))
    with pytest.raises(IntegrityError, match="inventory_binmovement is append-only: DELETE"), transaction.atomic():
        BinMovement.objects.filter(pk=entry.pk).delete()
