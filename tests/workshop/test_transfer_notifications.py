"""The people of each warehouse are told as a transfer order moves: requested, sent, arrived, arrived short."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import Notification
from core.roles import Role
from inventory.demand import services as demand_services

pytestmark = pytest.mark.usefixtures("postgres")


def _kinds(user):
    return list(Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


def test_each_step_of_a_transfer_tells_the_warehouse_that_acts_next(network, part, stocker, receive, make_user):
    regional, store = network["REG"], network["ST1"]
    at_regional = make_user(Role.CLERK, warehouses=[regional])
    at_store = make_user(Role.CLERK, warehouses=[store])
    receive(part, regional, 10, "7.50")

    transfer = demand_services.transfer_order_create(
        from_warehouse=regional, to_warehouse=store, lines=[(part, Decimal(6))], user=stocker
    )
    assert (_kinds(at_regional), _kinds(at_store)) == (["transfer.requested"], [])

    demand_services.transfer_order_send(transfer=transfer, user=stocker)
    assert (_kinds(at_regional), _kinds(at_store)) == (["transfer.requested"], ["transfer.sent"])

    line = transfer.lines.get()
    demand_services.transfer_order_receive(
        transfer=transfer, user=stocker, quantities={line.pk: (Decimal(5), Decimal(1))}, note="one broken"
    )
    assert _kinds(stocker) == ["transfer.received", "transfer.short"]
    short = Notification.objects.get(user=stocker, kind="transfer.short")
    assert short.message == f"{transfer.number} from REG arrived short: {part.number} × 1 missing (one broken)."
