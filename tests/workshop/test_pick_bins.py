"""The pick list by bin: lines along the pick route, the bins to take each from; picking takes from them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from inventory import services
from inventory.demand import selectors as demand_selectors
from inventory.demand import services as demand_services
from inventory.demand.selectors import PickBin
from inventory.models import BinMovement, BinStock, MovementKind, StockMovement
from inventory.selectors import bin_differences, ledger_differences

from ..factories import BinFactory, PartFactory

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def tomorrow():
    return timezone.localdate() + timedelta(days=1)


@pytest.fixture
def shelves(store):
    """Front of the route first: F-01 (route 1), then M-05 (route 5), then Z-09 (route 9)."""
    return {
        code: BinFactory(warehouse=store, code=code, route=route)
        for code, route in (("F-01", 1), ("M-05", 5), ("Z-09", 9))
    }


def _held(part) -> dict[str, Decimal]:
    rows = BinStock.objects.filter(part=part, quantity__gt=0).values_list("bin__code", "quantity")
    return {code or "-": quantity for code, quantity in rows}


def test_a_reservation_is_shown_and_picked_from_two_bins_in_the_order_rule(
    store, part, repair_order, workshop_user, make_user, receive, shelves, tomorrow
):
    # Given 2 of the part in Z-09 (its default bin) and 3 in F-01, and a reservation of 4
    services.stock_level_set_limits(part=part, warehouse=store, min_qty=0, max_qty=0, default_bin=shelves["Z-09"])
    receive(part, store, 2, "10.00")
    receive(part, store, 3, "10.00", bin=shelves["F-01"])
    reservation = demand_services.reservation_create(
        repair_order=repair_order, warehouse=store, booked_for=tomorrow, lines=[(part, Decimal(4))], user=workshop_user
    )

    # When the pick list of that day is read
    requests = list(demand_selectors.pick_list(warehouse_ids=[store.pk], day=tomorrow))
    picks = demand_selectors.pick_lines(requests)

    # Then it says: the default bin first, then along the route
    assert [(pick.line.part_id, pick.bins) for pick in picks[reservation.pk]] == [
        (part.pk, [PickBin("Z-09", Decimal(2), 9), PickBin("F-01", Decimal(2), 1)])
    ]

    # And picking takes exactly from those bins
    demand_services.workshop_request_pick(request=reservation, user=make_user(Role.CLERK, warehouses=[store]))
    issue = StockMovement.objects.get(kind=MovementKind.ISSUE)
    legs = list(BinMovement.objects.filter(movement=issue).order_by("id").values_list("bin__code", "quantity"))
    assert legs == [("Z-09", Decimal(-2)), ("F-01", Decimal(-2))]
    assert _held(part) == {"F-01": Decimal(1)}
    assert ledger_differences() == bin_differences() == []


def test_lines_go_along_the_route_and_issued_stock_shows_the_bins_it_left(
    store, repair_order, workshop_user, receive, shelves
):
    # Given three parts, one in each bin, requested in the reverse of the route's order
    parts = {code: PartFactory(number=f"P-{code}") for code in ("Z-09", "M-05", "F-01")}
    for code, part in parts.items():
        receive(part, store, 5, "2.00", bin=shelves[code])
    request = demand_services.workshop_request_submit(
        repair_order=repair_order,
        warehouse=store,
        lines=[(part, Decimal(2)) for part in parts.values()],
        user=workshop_user,
    )

    # When the pick list is read
    picks = demand_selectors.pick_lines([request])[request.pk]

    # Then the lines go F-01, M-05, Z-09, each from the bin its issue took it from
    assert [(pick.line.part.number, pick.bins) for pick in picks] == [
        ("P-F-01", [PickBin("F-01", Decimal(2), 1)]),
        ("P-M-05", [PickBin("M-05", Decimal(2), 5)]),
        ("P-Z-09", [PickBin("Z-09", Decimal(2), 9)]),
    ]


def test_the_pick_list_screen_shows_bins_in_a_bounded_number_of_statements(
    client, store, repair_order, workshop_user, make_user, receive, shelves, django_assert_max_num_queries
):
    for index in range(6):
        part = PartFactory(number=f"PB-{index}")
        receive(part, store, 3, "2.00", bin=shelves["M-05"])
        demand_services.workshop_request_submit(
            repair_order=repair_order, warehouse=store, lines=[(part, Decimal(1))], user=workshop_user
        )
    client.force_login(make_user(Role.CLERK, warehouses=[store]))

    with django_assert_max_num_queries(16):
        response = client.get(reverse("inventory:pick-list"))

    assert response.status_code == 200
    assert response.content.decode().count('<span class="bin">M-05</span> × 1') == 6
