"""Freezes of stock on the shelf: freezing, release and scrap, their screens and API, and the races they join."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.events import QUALITY_HOLD
from core.exceptions import IdempotencyConflict, InvalidTransition, NotPermitted, WarehouseNotPermitted
from core.models import Notification
from core.roles import Role
from inventory import services
from inventory.exceptions import InsufficientStock, InvalidQuantity
from inventory.models import MovementKind, StockFreeze, StockFreezeSettlement, StockLevel, StockMovement
from inventory.selectors import ledger_differences

from ..concurrency import run_at_once
from ..factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("posting_path")]

D = Decimal


@pytest.fixture
def store(postgres):
    return WarehouseFactory(code="FZ1")


@pytest.fixture
def other(postgres):
    return WarehouseFactory(code="FZ2")


@pytest.fixture
def clerk(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


@pytest.fixture
def planner(make_user):
    return make_user(Role.PLANNER)


@pytest.fixture
def purchaser(make_user):
    return make_user(Role.PURCHASER)


@pytest.fixture
def part(store, other, make_user):
    part = PartFactory(number="FZ-100")
    manager = make_user(Role.MANAGER)
    services.stock_receive(part=part, warehouse=store, quantity=D(10), unit_cost=D(4), user=manager)
    services.stock_receive(part=part, warehouse=other, quantity=D(6), unit_cost=D(5), user=manager)
    return part


def _level(part, warehouse) -> StockLevel:
    return StockLevel.objects.get(part=part, warehouse=warehouse)


# --- the service ---------------------------------------------------------------------


def test_a_freeze_takes_stock_out_of_available_keeps_it_on_hand_and_tells_purchasing_and_planners(
    clerk, planner, purchaser, store, part
):
    [freeze] = services.stock_freeze(part=part, warehouse=store, quantity=D(4), reason="suspect batch", user=clerk)

    level = _level(part, store)
    assert (level.on_hand, level.quarantined, level.available, level.value) == (D(10), D(4), D(6), D(40))
    assert (freeze.quantity, freeze.open_quantity, freeze.is_open) == (D(4), D(4), True)
    assert freeze.number == f"FRZ-{freeze.pk:06d}"
    told = Notification.objects.filter(kind=QUALITY_HOLD).values_list("user_id", "link")
    assert set(told) == {
        (planner.pk, reverse("inventory:freeze-detail", args=[freeze.pk])),
        (purchaser.pk, reverse("inventory:freeze-detail", args=[freeze.pk])),
    }
    assert not StockMovement.objects.filter(kind=MovementKind.SCRAP).exists()


def test_frozen_stock_cannot_be_issued(clerk, store, part):
    services.stock_freeze(part=part, warehouse=store, reason="recall R-7", user=clerk)

    with pytest.raises(InsufficientStock):
        services.stock_issue(part=part, warehouse=store, quantity=D(1), user=clerk)
    assert _level(part, store).quarantined == D(10)


def test_a_network_freeze_holds_every_warehouse_under_one_reference(planner, store, other, part):
    freezes = services.stock_freeze(part=part, reason="recall", reference="R-2026-11", user=planner)

    assert sorted((f.warehouse_id, f.quantity, f.reference) for f in freezes) == sorted(
        [(store.pk, D(10), "R-2026-11"), (other.pk, D(6), "R-2026-11")]
    )
    assert _level(part, store).available == 0
    assert _level(part, other).available == 0


def test_a_clerk_freezes_only_in_own_warehouses_and_never_across_the_network(clerk, other, part):
    with pytest.raises(WarehouseNotPermitted):
        services.stock_freeze(part=part, warehouse=other, reason="suspect", user=clerk)
    with pytest.raises(WarehouseNotPermitted):
        services.stock_freeze(part=part, reason="suspect", user=clerk)
    assert not StockFreeze.objects.exists()


def test_refusals_change_nothing(clerk, make_user, store, part):
    with pytest.raises(InsufficientStock):
        services.stock_freeze(part=part, warehouse=store, quantity=D(11), reason="suspect", user=clerk)
    with pytest.raises(InvalidQuantity):
        services.stock_freeze(part=part, warehouse=store, quantity=D("0.5"), reason="suspect", user=clerk)
    with pytest.raises(Exception, match="Say why"):
        services.stock_freeze(part=part, warehouse=store, quantity=D(1), reason="  ", user=clerk)
    with pytest.raises(NotPermitted):
        services.stock_freeze(part=part, warehouse=store, reason="suspect", user=make_user(Role.WORKSHOP))

    assert _level(part, store).quarantined == 0
    assert not StockFreeze.objects.exists()


def test_release_in_parts_then_the_freeze_closes(clerk, store, part):
    [freeze] = services.stock_freeze(part=part, warehouse=store, quantity=D(5), reason="suspect", user=clerk)

    first = services.stock_freeze_release(freeze=freeze, quantity=D(2), note="sample passed", user=clerk)
    rest = services.stock_freeze_release(freeze=freeze, user=clerk)

    freeze.refresh_from_db()
    assert (first.quantity, rest.quantity) == (D(2), D(3))
    assert freeze.open_quantity == 0
    assert freeze.closed_at is not None
    assert _level(part, store).quarantined == 0
    with pytest.raises(InvalidTransition):
        services.stock_freeze_release(freeze=freeze, user=clerk)


def test_scrap_writes_frozen_stock_off_from_quarantine_at_average_cost(clerk, store, part):
    [freeze] = services.stock_freeze(part=part, warehouse=store, quantity=D(3), reason="suspect", user=clerk)

    settlement = services.stock_freeze_scrap(freeze=freeze, quantity=D(2), reason="cracked housings", user=clerk)

    movement = settlement.movement
    assert (movement.kind, movement.quantity, movement.value) == (MovementKind.SCRAP, D(-2), D(-8))
    assert movement.document_ref == freeze.number
    level = _level(part, store)
    assert (level.on_hand, level.quarantined, level.available) == (D(8), D(1), D(7))
    assert ledger_differences() == []


def test_settling_more_than_is_frozen_is_refused_and_changes_nothing(clerk, store, part):
    [freeze] = services.stock_freeze(part=part, warehouse=store, quantity=D(3), reason="suspect", user=clerk)

    with pytest.raises(InvalidQuantity, match="Only 3"):
        services.stock_freeze_scrap(freeze=freeze, quantity=D(4), reason="cracked", user=clerk)

    assert _level(part, store).on_hand == D(10)
    assert not StockFreezeSettlement.objects.exists()


def test_retries_post_once_and_a_changed_retry_is_a_conflict(clerk, store, part):
    first = services.stock_freeze(
        part=part, warehouse=store, quantity=D(2), reason="x", user=clerk, idempotency_key="f1"
    )
    again = services.stock_freeze(
        part=part, warehouse=store, quantity=D(2), reason="x", user=clerk, idempotency_key="f1"
    )
    settled = services.stock_freeze_scrap(freeze=first[0], reason="bad", user=clerk, idempotency_key="s1")
    settled_again = services.stock_freeze_scrap(freeze=first[0], reason="bad", user=clerk, idempotency_key="s1")

    assert [f.pk for f in again] == [f.pk for f in first]
    assert settled_again.pk == settled.pk
    assert StockMovement.objects.filter(kind=MovementKind.SCRAP).count() == 1
    with pytest.raises(IdempotencyConflict):
        services.stock_freeze(
            part=part, warehouse=store, quantity=D(2), reason="other", user=clerk, idempotency_key="f1"
        )


def test_a_freeze_and_an_issue_racing_for_the_last_units_never_both_get_them(postgres_tx):
    clerk = UserFactory(roles=[Role.CLERK, Role.MANAGER])
    part, warehouse = PartFactory(), WarehouseFactory()
    services.stock_receive(part=part, warehouse=warehouse, quantity=D(3), unit_cost=D(2), user=clerk)

    results, errors = run_at_once(
        [
            lambda: services.stock_freeze(part=part, warehouse=warehouse, quantity=D(3), reason="recall", user=clerk),
            lambda: services.stock_issue(part=part, warehouse=warehouse, quantity=D(2), user=clerk),
        ]
    )

    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], InsufficientStock)
    level = StockLevel.objects.get(part=part, warehouse=warehouse)
    assert level.on_hand - level.quarantined - level.reserved >= 0
    assert (level.quarantined == D(3)) != (level.on_hand == D(1))
    assert ledger_differences() == []


# --- the screens ---------------------------------------------------------------------


def test_the_clerk_freezes_on_the_screen_with_own_warehouse_preselected_and_a_double_submit_freezes_once(
    client, clerk, store, part
):
    client.force_login(clerk)
    page = client.get(reverse("inventory:freeze-new"))
    form = {"scope": store.pk, "part_number": "fz 100", "quantity": "4", "reason": "suspect batch", "key": "k1"}

    posted = client.post(reverse("inventory:freeze-new"), form)
    again = client.post(reverse("inventory:freeze-new"), form)

    assert page.status_code == 200
    assert f'<option value="{store.pk}" selected>' in page.content.decode()
    assert "Whole network" not in page.content.decode()
    freeze = StockFreeze.objects.get()
    assert posted.status_code == again.status_code == 302
    assert posted["Location"] == reverse("inventory:freeze-detail", args=[freeze.pk])
    assert _level(part, store).quarantined == D(4)


def test_a_refused_freeze_is_shown_on_the_form_and_changes_nothing(client, clerk, store, part):
    client.force_login(clerk)
    form = {"scope": store.pk, "part_number": "FZ-100", "quantity": "40", "reason": "suspect", "key": "k2"}

    response = client.post(reverse("inventory:freeze-new"), form)

    assert response.status_code == 400
    assert "Only 10 of FZ-100 available in FZ1" in response.content.decode()
    assert not StockFreeze.objects.exists()


def test_the_list_filters_sorts_pages_and_exports(client, planner, store, other, part, django_assert_max_num_queries):
    services.stock_freeze(part=part, reason="recall", reference="R-9", user=planner)
    client.force_login(planner)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("inventory:freezes"), {"warehouse": other.pk, "sort": "-open"})
    export = client.get(reverse("inventory:freezes"), {"format": "csv"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "FZ-100" in text
    assert "R-9" in text
    assert text.count("freezes/") >= 1
    rows = b"".join(export.streaming_content).decode().strip().splitlines()
    assert len(rows) == 3  # header and one freeze per warehouse


def test_release_and_scrap_on_the_freeze_page(client, clerk, store, part):
    [freeze] = services.stock_freeze(part=part, warehouse=store, quantity=D(5), reason="suspect", user=clerk)
    client.force_login(clerk)
    url = reverse("inventory:freeze-detail", args=[freeze.pk])

    page = client.get(url)
    released = client.post(url, {"action": "release", "quantity": "2", "note": "passed", "key": "r1"})
    scrapped = client.post(url, {"action": "scrap", "quantity": "", "reason": "cracked", "key": "s1"})
    after = client.get(url)

    assert page.status_code == 200
    assert 'data-testid="freeze-release"' in page.content.decode()
    assert released.status_code == scrapped.status_code == 302
    level = _level(part, store)
    assert (level.on_hand, level.quarantined) == (D(7), D(0))
    text = after.content.decode()
    assert "freeze-release" not in text  # settled: no more decisions
    assert "Nothing of it is frozen any more." in text


def test_a_refused_decision_is_shown_on_the_page_and_changes_nothing(client, clerk, store, part):
    [freeze] = services.stock_freeze(part=part, warehouse=store, quantity=D(2), reason="suspect", user=clerk)
    client.force_login(clerk)

    response = client.post(
        reverse("inventory:freeze-detail", args=[freeze.pk]),
        {"action": "scrap", "quantity": "3", "reason": "x", "key": "k"},
    )

    assert response.status_code == 400
    assert f"Only 2 of {freeze.number} is still frozen." in response.content.decode()
    assert _level(part, store).on_hand == D(10)


def test_a_clerk_of_another_warehouse_sees_the_freeze_but_cannot_settle_it(
    client, make_user, clerk, store, other, part
):
    [freeze] = services.stock_freeze(part=part, warehouse=store, quantity=D(2), reason="suspect", user=clerk)
    stranger = make_user(Role.CLERK, warehouses=[other])
    client.force_login(stranger)
    url = reverse("inventory:freeze-detail", args=[freeze.pk])

    page = client.get(url)
    refused = client.post(url, {"action": "release", "quantity": "", "note": "", "key": "k"})

    assert page.status_code == 200
    assert "freeze-release" not in page.content.decode()
    assert refused.status_code == 302
    assert _level(part, store).quarantined == D(2)


# --- the API -------------------------------------------------------------------------


def test_api_freezes_lists_releases_and_scraps_with_idempotency(api_as, planner, store, part):
    api = api_as(planner)

    created = api.post(
        "/api/v1/stock/freezes/",
        {"part": part.pk, "warehouse": store.pk, "quantity": "3", "reason": "recall"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="api-f1",
    )
    replay = api.post(
        "/api/v1/stock/freezes/",
        {"part": part.pk, "warehouse": store.pk, "quantity": "3", "reason": "recall"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="api-f1",
    )
    pk = created.json()[0]["id"]
    listed = api.get("/api/v1/stock/freezes/", {"warehouse": store.pk})
    released = api.post(f"/api/v1/stock/freezes/{pk}/release/", {"quantity": "1"}, format="json")
    scrapped = api.post(f"/api/v1/stock/freezes/{pk}/scrap/", {"reason": "cracked"}, format="json")
    detail = api.get(f"/api/v1/stock/freezes/{pk}/")

    assert created.status_code == replay.status_code == 201
    assert replay.json()[0]["id"] == pk
    assert listed.json()["results"][0]["number"] == f"FRZ-{pk:06d}"
    assert released.status_code == scrapped.status_code == 201, scrapped.content
    body = detail.json()
    assert body["open_quantity"] == "0.000"
    assert body["closed_at"] is not None
    assert [s["action"] for s in body["settlements"]] == ["release", "scrap"]
    assert ledger_differences() == []


def test_api_bad_input_is_a_400_with_field_errors_and_changes_nothing(api_as, planner, store, part):
    api = api_as(planner)

    missing = api.post("/api/v1/stock/freezes/", {"part": part.pk, "warehouse": store.pk}, format="json")
    negative = api.post("/api/v1/stock/freezes/", {"part": part.pk, "quantity": "-1", "reason": "x"}, format="json")
    network_quantity = api.post(
        "/api/v1/stock/freezes/", {"part": part.pk, "quantity": "1", "reason": "x"}, format="json"
    )
    unknown = api.post("/api/v1/stock/freezes/999999/release/", {}, format="json")

    assert missing.status_code == 400
    assert "reason" in missing.json()
    assert negative.status_code == 400
    assert "quantity" in negative.json()
    assert network_quantity.status_code == 400
    assert "quantity" in network_quantity.json()
    assert unknown.status_code == 404
    assert not StockFreeze.objects.exists()


def test_api_roles(api_as, make_user, store, part):
    workshop = api_as(make_user(Role.WORKSHOP, warehouses=[store]))
    supplier = api_as(make_user(Role.SUPPLIER))

    assert workshop.post("/api/v1/stock/freezes/", {"part": part.pk, "reason": "x"}, format="json").status_code == 403
    assert workshop.get("/api/v1/stock/freezes/").status_code == 200
    assert supplier.get("/api/v1/stock/freezes/").status_code == 403


def test_the_start_page_counts_open_freezes_and_links_to_them(client, clerk, purchaser, make_user, store, other, part):
    services.stock_freeze(part=part, warehouse=store, quantity=D(1), reason="suspect", user=clerk)
    stranger = make_user(Role.CLERK, warehouses=[other])

    def waiting(user):
        client.force_login(user)
        items = {str(item.label): (item.count, item.url) for item in client.get("/").context["waiting"]}
        return items.get("Frozen stock waiting for a decision")

    assert waiting(purchaser) == (1, reverse("inventory:freezes"))
    assert waiting(clerk) == (1, reverse("inventory:freezes"))
    assert waiting(stranger) is None  # nothing frozen in the stranger's warehouse: left off the page
