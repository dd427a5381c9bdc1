"""The bin-move screen: scan part and bins, Ctrl+Enter moves, a refusal is shown and changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.roles import Role
from inventory import services
from inventory.models import BinMove, BinStock
from inventory.selectors import bin_differences, ledger_differences

from ..factories import BinFactory, PartFactory, WarehouseFactory

pytestmark = pytest.mark.services

D = Decimal


@pytest.fixture
def store(postgres):
    return WarehouseFactory(code="BS1")


@pytest.fixture
def shelves(store):
    return BinFactory(warehouse=store, code="A-01"), BinFactory(warehouse=store, code="B-01")


@pytest.fixture
def clerk(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


@pytest.fixture
def part(store, shelves, clerk):
    part = PartFactory(number="BM-200")
    services.stock_receive(part=part, warehouse=store, quantity=D(5), unit_cost=D(4), user=clerk, bin=shelves[0])
    return part


def _held() -> list[tuple[str, Decimal]]:
    return sorted(BinStock.objects.filter(quantity__gt=0).values_list("bin__code", "quantity"))


def test_the_clerk_moves_by_scanning_labels_and_a_double_submit_moves_once(client, clerk, store, part):
    client.force_login(clerk)
    page = client.get(reverse("inventory:bin-move"))
    form = {
        "warehouse": store.pk,
        "part_number": "bm 200",
        "from_bin": "BIN:BS1:A-01",
        "to_bin": "b-01",
        "quantity": "3",
        "note": "",
        "key": "k1",
    }

    posted = client.post(reverse("inventory:bin-move"), form)
    again = client.post(reverse("inventory:bin-move"), form)

    assert page.status_code == 200
    assert f'<option value="{store.pk}" selected>' in page.content.decode()
    assert (posted.status_code, again.status_code) == (302, 302)
    move = BinMove.objects.get()
    assert _held() == [("A-01", D(2)), ("B-01", D(3))]
    shown = client.get(posted["Location"]).content.decode()
    assert f"{move.number}: 3 × BM-200 moved from A-01 to B-01 in BS1." in shown
    assert ledger_differences() == bin_differences() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"part_number": "NOPE-1"}, "No part NOPE-1"),
        ({"quantity": "6"}, "Only 5 of BM-200 available in BS1/A-01"),
        ({"to_bin": "Z-99"}, "No bin Z-99 in BS1."),
        ({"to_bin": "BIN:XX:B-01"}, "That label is a bin of XX, not of this warehouse."),
        ({"to_bin": "A-01"}, "Choose a different bin to move to."),
        ({"from_bin": ""}, "Only 0 of BM-200 available in BS1 (no bin)"),
        ({"quantity": "0"}, "greater than or equal to 0.001"),
    ],
)
def test_a_refused_bin_move_shows_why_on_the_form_and_changes_nothing(client, clerk, store, part, change, message):
    client.force_login(clerk)
    before = _held()

    response = client.post(
        reverse("inventory:bin-move"),
        {"warehouse": store.pk, "part_number": "BM-200", "from_bin": "A-01", "to_bin": "B-01", "quantity": "1"}
        | {"key": "k2"}
        | change,
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert (BinMove.objects.count(), _held()) == (0, before)


def test_a_bin_move_in_a_warehouse_outside_the_clerks_is_refused(client, clerk, part):
    elsewhere = WarehouseFactory(code="BS9")
    BinFactory(warehouse=elsewhere, code="A-01")
    BinFactory(warehouse=elsewhere, code="B-01")
    client.force_login(clerk)

    response = client.post(
        reverse("inventory:bin-move"),
        {"warehouse": elsewhere.pk, "part_number": "BM-200", "from_bin": "A-01", "to_bin": "B-01", "quantity": "1"}
        | {"key": "k3"},
    )

    assert response.status_code == 400
    assert BinMove.objects.count() == 0


def test_the_bin_move_screen_reads_a_bounded_number_of_statements(
    client, clerk, store, shelves, part, django_assert_max_num_queries
):
    for n in range(5):
        source, target = (shelves[0], shelves[1]) if n % 2 == 0 else (shelves[1], shelves[0])
        services.stock_bin_move(
            part=part, warehouse=store, from_bin=source, to_bin=target, quantity=D(1), user=clerk, note=f"tidy {n}"
        )
    client.force_login(clerk)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("inventory:bin-move"))

    assert response.status_code == 200
    assert response.content.decode().count("BMV-") == 5
