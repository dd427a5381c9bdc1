"""Fixtures for workshop demand, backorders and transfers: a small network with stock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.demand import services as demand_services
from inventory.models import Echelon

from ..factories import NeighbourFactory, PartFactory, WarehouseFactory


@pytest.fixture
def network(db):
    """Central CEN → regional REG → stores ST1, ST2 (neighbours, ST2 one day away)."""
    central = WarehouseFactory(code="CEN", echelon=Echelon.CENTRAL)
    regional = WarehouseFactory(code="REG", echelon=Echelon.REGIONAL, parent=central)
    store = WarehouseFactory(code="ST1", echelon=Echelon.STORE, parent=regional)
    other = WarehouseFactory(code="ST2", echelon=Echelon.STORE, parent=regional)
    NeighbourFactory(warehouse=store, neighbour=other, transfer_lead_time_days=1)
    NeighbourFactory(warehouse=other, neighbour=store, transfer_lead_time_days=1)
    return {"CEN": central, "REG": regional, "ST1": store, "ST2": other}


@pytest.fixture
def store(network):
    return network["ST1"]


@pytest.fixture
def stocker(make_user):
    """A manager who puts stock in for the tests' givens."""
    return make_user(Role.MANAGER)


@pytest.fixture
def workshop_user(make_user, store):
    return make_user(Role.WORKSHOP, warehouses=[store])


@pytest.fixture
def receive(stocker):
    def do(part, warehouse, quantity, unit_cost="10.00", **kwargs):
        return services.stock_receive(
            part=part,
            warehouse=warehouse,
            quantity=Decimal(quantity),
            unit_cost=Decimal(unit_cost),
            user=stocker,
            **kwargs,
        )

    return do


@pytest.fixture
def repair_order(store):
    return demand_services.repair_order_open(number="RO-1001", warehouse=store, vehicle_ref="AB-123-CD")


@pytest.fixture
def part(db):
    return PartFactory(number="FLT-100", list_price=Decimal("25.00"))
