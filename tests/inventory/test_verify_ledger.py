"""``manage.py verify_ledger``: silent success on a true ledger, a listed failure on a corrupted level."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.roles import Role
from inventory import services
from inventory.management.commands.verify_ledger import Command
from inventory.models import StockLevel
from inventory.selectors import LedgerDifference, ledger_differences

from ..factories import PartFactory, UserFactory, WarehouseFactory

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

    assert out.getvalue() == "Ledger verified: every stock level equals its movements and every hash chain holds.\n"


def test_verify_ledger_fails_listing_a_corrupted_level(stocked):
    part, store = stocked
    StockLevel.objects.filter(part=part, warehouse=store).update(on_hand=Decimal(4), value=Decimal("9.5"))
    err = StringIO()

    with pytest.raises(CommandError, match=r"1 stock level\(s\) disagree with the ledger; 0 hash chain\(s\) broken\."):
        call_command("verify_ledger", stderr=err)

    assert err.getvalue() == "VL-1 @ S1: on hand 4.000 vs ledger 3.000; value 9.5000 vs ledger 9.0000\n"
    assert ledger_differences() == [LedgerDifference("VL-1", "S1", Decimal(4), Decimal(3), Decimal("9.5"), Decimal(9))]


def test_verify_ledger_exits_non_zero_from_the_command_line(stocked):
    part, store = stocked
    StockLevel.objects.filter(part=part, warehouse=store).update(value=Decimal(1))

    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "verify_ledger"])

    assert exited.value.code == 1
