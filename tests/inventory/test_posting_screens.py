"""Counter screens for scrap and adjustments, and a movement's own page with the manager's reversal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.roles import Role
from inventory import services
from inventory.models import MovementKind, StockLevel, StockMovement
from inventory.selectors import ledger_differences

from ..factories import PartFactory, WarehouseFactory

pytestmark = pytest.mark.services

D = Decimal


@pytest.fixture
def store(postgres):
    return WarehouseFactory(code="PS1")


@pytest.fixture
def clerk(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


@pytest.fixture
def part(store, clerk):
    part = PartFactory(number="SC-100")
    services.stock_receive(part=part, warehouse=store, quantity=D(10), unit_cost=D(4), user=clerk)
    return part


def _level(part, store) -> StockLevel:
    return StockLevel.objects.get(part=part, warehouse=store)


def test_the_clerk_scraps_by_scanning_and_a_double_submit_posts_once(client, clerk, store, part):
    client.force_login(clerk)
    page = client.get(reverse("inventory:scrap"))
    form = {
        "warehouse": store.pk,
        "part_number": "sc 100",
        "quantity": "2",
        "reason": "damaged",
        "note": "",
        "key": "k1",
    }

    posted = client.post(reverse("inventory:scrap"), form)
    again = client.post(reverse("inventory:scrap"), form)

    assert page.status_code == 200
    # the clerk's one warehouse is preselected: the first field to fill is the part
    assert f'<option value="{store.pk}" selected>' in page.content.decode()
    assert (posted.status_code, again.status_code) == (302, 302)
    movement = StockMovement.objects.get(kind=MovementKind.SCRAP)
    assert (movement.quantity, movement.value, movement.reason) == (D(-2), D(-8), "damaged")
    assert _level(part, store).on_hand == D(8)
    shown = client.get(posted["Location"]).content.decode()
    assert f"2 × SC-100 in PS1 posted at -8.0000 (movement {movement.pk})." in shown
    assert ledger_differences() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"part_number": "NOPE-1"}, "No part NOPE-1"),
        ({"quantity": "11"}, "Only 10 of SC-100 available"),
        ({"quantity": "0"}, "greater than or equal to 0.001"),
        ({"reason": "because"}, "Select a valid choice"),
    ],
)
def test_a_refused_scrap_shows_why_on_the_form_and_changes_nothing(client, clerk, store, part, change, message):
    client.force_login(clerk)
    before = StockMovement.objects.count()

    response = client.post(
        reverse("inventory:scrap"),
        {"warehouse": store.pk, "part_number": "SC-100", "quantity": "1", "reason": "damaged", "key": "k2"} | change,
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert StockMovement.objects.count() == before


def test_scrap_in_a_warehouse_outside_the_clerks_is_refused(client, clerk, part):
    elsewhere = WarehouseFactory(code="PS9")
    services.stock_receive(part=part, warehouse=elsewhere, quantity=D(1), unit_cost=D(4), user=clerk)
    client.force_login(clerk)

    response = client.post(
        reverse("inventory:scrap"),
        {"warehouse": elsewhere.pk, "part_number": "SC-100", "quantity": "1", "reason": "damaged", "key": "k3"},
    )

    assert response.status_code == 400  # not a choice the clerk is offered
    assert not StockMovement.objects.filter(kind=MovementKind.SCRAP).exists()


def test_the_planner_adjusts_up_and_down_and_a_clerk_may_not(client, make_user, store, part, clerk):
    planner = make_user(Role.PLANNER, warehouses=[store])
    client.force_login(planner)
    form = {"warehouse": store.pk, "part_number": "SC-100", "reason": "found", "note": "behind the shelf"}

    up = client.post(reverse("inventory:adjustment-new"), form | {"quantity": "3", "key": "a1"})
    zero = client.post(reverse("inventory:adjustment-new"), form | {"quantity": "0", "key": "a2"})
    down = client.post(
        reverse("inventory:adjustment-new"), form | {"quantity": "-1", "reason": "count difference", "key": "a3"}
    )
    client.force_login(clerk)
    refused = client.get(reverse("inventory:adjustment-new"))

    assert (up.status_code, zero.status_code, down.status_code, refused.status_code) == (302, 400, 302, 403)
    assert "other than zero" in zero.content.decode()
    reasons = list(
        StockMovement.objects.filter(kind=MovementKind.ADJUSTMENT).order_by("id").values_list("reason", "quantity")
    )
    assert reasons == [("found: behind the shelf", D(3)), ("count difference: behind the shelf", D(-1))]
    assert _level(part, store).on_hand == D(12)


def test_a_manager_reverses_a_movement_from_its_page_once(client, make_user, store, part, clerk):
    manager = make_user(Role.MANAGER)
    issue = services.stock_issue(part=part, warehouse=store, quantity=D(3), user=clerk, document_ref="RO-9")
    client.force_login(clerk)
    clerk_page = client.get(reverse("inventory:movement-detail", args=[issue.pk]))
    client.force_login(manager)
    page = client.get(reverse("inventory:movement-detail", args=[issue.pk]))

    no_reason = client.post(reverse("inventory:movement-detail", args=[issue.pk]), {"reason": "", "key": "r1"})
    done = client.post(reverse("inventory:movement-detail", args=[issue.pk]), {"reason": "wrong part", "key": "r2"})
    shown = client.get(done["Location"]).content.decode()
    twice = client.post(reverse("inventory:movement-detail", args=[issue.pk]), {"reason": "again", "key": "r3"})

    assert clerk_page.status_code == 200
    assert b'data-testid="reverse-movement"' not in clerk_page.content
    assert b'data-testid="reverse-movement"' in page.content
    assert b"RO-9" in page.content
    assert no_reason.status_code == 400
    assert done.status_code == 302
    reversal = StockMovement.objects.get(reverses=issue)
    assert (reversal.quantity, reversal.value) == (D(3), D(12))
    assert f"reversed by movement {reversal.pk}" in shown
    assert b'data-testid="reverse-movement"' not in client.get(done["Location"]).content
    assert twice.status_code == 400  # the page no longer offers it; a forged post is refused by the service
    assert StockMovement.objects.filter(reverses=issue).count() == 1
    assert _level(part, store).on_hand == D(10)


def test_a_clerk_posting_a_reversal_is_refused(client, store, part, clerk):
    issue = services.stock_issue(part=part, warehouse=store, quantity=D(1), user=clerk)
    client.force_login(clerk)

    response = client.post(reverse("inventory:movement-detail", args=[issue.pk]), {"reason": "x", "key": "r"})

    assert response.status_code == 302
    assert not StockMovement.objects.filter(reverses=issue).exists()


def test_an_unknown_movement_is_404(client, clerk):
    client.force_login(clerk)

    assert client.get(reverse("inventory:movement-detail", args=[10**9])).status_code == 404


def test_the_scrap_screen_reads_a_bounded_number_of_statements(
    client, clerk, store, part, django_assert_max_num_queries
):
    for n in range(5):
        services.stock_scrap(part=part, warehouse=store, quantity=D(1), user=clerk, reason=f"damaged {n}")
    client.force_login(clerk)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("inventory:scrap"))

    assert response.status_code == 200
    assert response.content.decode().count("damaged ") >= 5
