from decimal import Decimal

from inventory import services
from inventory.selectors import ledger_differences

from ..factories import PartFactory


def test_receive_then_issue_keeps_ledger(postgres, warehouse, clerk):
    part = PartFactory()
    services.stock_receive(part=part, warehouse=warehouse, quantity=Decimal(3), unit_cost=Decimal("10"), user=clerk)
    services.stock_receive(part=part, warehouse=warehouse, quantity=Decimal(1), unit_cost=Decimal("14"), user=clerk)
    movement = services.stock_issue(part=part, warehouse=warehouse, quantity=Decimal(2), user=clerk)
    level = part.stock_levels.get()
    assert level.average_cost == Decimal("11.0000")
    assert movement.value == Decimal("-22.0000")
    assert level.on_hand == Decimal(2)
    assert level.value == Decimal("22.0000")
    assert ledger_differences() == []
