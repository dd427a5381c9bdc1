"""Issue to a repair order: the service, the API's idempotency key, the screen and its slip."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.exceptions import IdempotencyConflict
from core.roles import Role
from documents.documents import issue_slip
from inventory import services
from inventory.demand import services as demand
from inventory.models import (
    Backorder,
    DemandHit,
    MovementKind,
    RepairOrder,
    StockLevel,
    StockMovement,
    WorkshopRequest,
)
from inventory.selectors import ledger_differences

from ..factories import BinFactory, PartFactory

pytestmark = pytest.mark.usefixtures("postgres")

D = Decimal


@pytest.fixture
def clerk(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


@pytest.fixture
def parts(store, stocker):
    """An old number superseded by a new one (5 on the shelf), a filter with 1, a plug with none."""
    old = PartFactory(number="BP-OLD", description="Brake pads (old)", list_price=D("30.00"))
    new = PartFactory(number="BP-NEW", description="Brake pads", list_price=D("32.00"))
    services.part_supersede(part=old, new_part=new)
    filter_ = PartFactory(number="OF-200", description="Oil filter", list_price=D("9.00"))
    plug = PartFactory(number="SP-300", description="Spark plug", list_price=D("4.00"))
    services.stock_receive(part=new, warehouse=store, quantity=D(5), unit_cost=D(20), user=stocker)
    services.stock_receive(part=filter_, warehouse=store, quantity=D(1), unit_cost=D(5), user=stocker)
    shelf = BinFactory(warehouse=store, code="A-01-02")
    StockLevel.objects.filter(part=new, warehouse=store).update(default_bin=shelf)
    return {"old": old, "new": new, "filter": filter_, "plug": plug}


def _state(store):
    return (
        WorkshopRequest.objects.count(),
        RepairOrder.objects.count(),
        StockMovement.objects.filter(kind=MovementKind.ISSUE).count(),
        Backorder.objects.count(),
        DemandHit.objects.count(),
        list(StockLevel.objects.filter(warehouse=store).order_by("pk").values_list("on_hand", "backordered")),
    )


# --- the service ------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_issues_once_even_after_the_order_closed(store, clerk, parts):
    lines = [(parts["old"], D(2)), (parts["filter"], D(3))]
    first = demand.repair_order_issue(number="RO-7", warehouse=store, lines=lines, user=clerk, idempotency_key="k1")
    demand.repair_order_close(repair_order=first.repair_order)

    again = demand.repair_order_issue(
        number="RO-7", warehouse=store, lines=list(reversed(lines)), user=clerk, idempotency_key="k1"
    )

    assert again.pk == first.pk
    assert WorkshopRequest.objects.count() == 1
    assert StockLevel.objects.get(part=parts["new"], warehouse=store).on_hand == D(3)
    backorder = Backorder.objects.get()
    assert (backorder.part, backorder.quantity) == (parts["filter"], D(2))
    assert StockLevel.objects.get(part=parts["filter"], warehouse=store).backordered == D(2)


@pytest.mark.parametrize(
    "change",
    [
        {"number": "RO-8"},
        {"lines": "quantity"},
        {"lines": "part"},
    ],
)
def test_the_same_key_for_a_different_issue_is_a_conflict_and_changes_nothing(store, clerk, parts, change):
    lines = [(parts["old"], D(1))]
    demand.repair_order_issue(number="RO-7", warehouse=store, lines=lines, user=clerk, idempotency_key="k2")
    before = _state(store)
    changed_lines = {"quantity": [(parts["old"], D(2))], "part": [(parts["filter"], D(1))]}.get(change.get("lines"))

    with pytest.raises(IdempotencyConflict):
        demand.repair_order_issue(
            number=change.get("number", "RO-7"),
            warehouse=store,
            lines=changed_lines or lines,
            user=clerk,
            idempotency_key="k2",
        )

    assert _state(store) == before


def test_a_reservation_key_never_replays_as_an_issue(store, clerk, parts, repair_order):
    demand.reservation_create(
        repair_order=repair_order,
        warehouse=store,
        booked_for=timezone.localdate(),
        lines=[(parts["old"], D(1))],
        user=clerk,
        idempotency_key="k3",
    )

    with pytest.raises(IdempotencyConflict):
        demand.repair_order_issue(
            number=repair_order.number, warehouse=store, lines=[(parts["old"], D(1))], user=clerk, idempotency_key="k3"
        )


# --- the API ------------------------------------------------------------------------------------


def _post(api, store, lines, number="RO-API", key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(
        "/api/v1/workshop-requests/",
        {"warehouse": store.pk, "repair_order": number, "lines": lines},
        format="json",
        **headers,
    )


def test_the_api_retry_with_the_key_posts_once_and_a_changed_retry_is_409(api_as, store, clerk, parts):
    api = api_as(clerk)
    lines = [{"part": "bp old", "quantity": "2"}, {"part": "OF-200", "quantity": "3"}]

    first = _post(api, store, lines, key="wr-1")
    again = _post(api, store, lines, key="wr-1")
    before = _state(store)
    changed = _post(api, store, [{"part": "OF-200", "quantity": "1"}], key="wr-1")

    assert first.status_code == again.status_code == 201, first.json()
    assert first.json()["id"] == again.json()["id"]
    assert changed.status_code == 409
    assert changed.json()["code"] == "idempotency_conflict"
    assert _state(store) == before
    assert WorkshopRequest.objects.get().idempotency_key == "wr-1"
    assert StockLevel.objects.get(part=parts["new"], warehouse=store).on_hand == D(3)


def test_bad_input_is_a_400_and_changes_nothing(api_as, store, clerk, parts):
    api = api_as(clerk)
    before = _state(store)

    unknown = _post(api, store, [{"part": "NOPE-1", "quantity": "1"}], key="wr-2")
    negative = _post(api, store, [{"part": "OF-200", "quantity": "-1"}], key="wr-3")
    no_order = _post(api, store, [{"part": "OF-200", "quantity": "1"}], number="", key="wr-4")
    long_key = _post(api, store, [{"part": "OF-200", "quantity": "1"}], key="x" * 101)

    assert [r.status_code for r in (unknown, negative, no_order, long_key)] == [400, 400, 400, 400]
    assert "No part numbered 'NOPE-1'" in str(unknown.json())
    assert "Idempotency-Key" in long_key.json()
    assert _state(store) == before


def test_another_store_is_refused_and_changes_nothing(api_as, network, clerk, parts, receive):
    other = network["ST2"]
    receive(parts["filter"], other, 4)
    before = _state(other)

    response = _post(api_as(clerk), other, [{"part": "OF-200", "quantity": "1"}], key="wr-5")

    assert response.status_code == 403
    assert response.json()["code"] == "warehouse_not_permitted"
    assert _state(other) == before


# --- the screen ---------------------------------------------------------------------------------


def _form(store, number="RO-900", key="f1", **lines):
    data = {"warehouse": store.pk, "repair_order": number, "key": key}
    for index in range(8):
        data |= {f"part-{index}": "", f"qty-{index}": ""}
    return data | lines


THREE_LINES = {"part-0": "bp-old", "qty-0": "2", "part-1": "OF-200", "qty-1": "3", "part-2": "SP-300", "qty-2": ""}


def test_the_clerk_issues_three_lines_once_and_sees_what_was_issued_from_where_and_backordered(
    client, clerk, store, parts, django_assert_max_num_queries
):
    client.force_login(clerk)
    page = client.get(reverse("inventory:issue"))

    # Each of the two lines that take stock out reads its bins under the level's lock.
    with django_assert_max_num_queries(42):
        issued = client.post(reverse("inventory:issue"), _form(store, **THREE_LINES))
    again = client.post(reverse("inventory:issue"), _form(store, **THREE_LINES))
    # the page reads which bins the issue took each part from: one statement of the bins' ledger
    with django_assert_max_num_queries(7):
        result = client.get(issued["Location"])

    assert f'<option value="{store.pk}" selected>' in page.content.decode()
    request = WorkshopRequest.objects.get()
    assert issued["Location"] == again["Location"] == reverse("inventory:issue-detail", args=[request.pk])
    assert request.repair_order.number == "RO-900"
    assert request.idempotency_key == "issue-form-f1"
    rows = list(request.lines.order_by("pk").values_list("part__number", "quantity_supplied", "quantity_backordered"))
    assert rows == [("BP-NEW", D(2), D(0)), ("OF-200", D(1), D(2)), ("SP-300", D(0), D(1))]
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == 2
    text = result.content.decode()
    assert f"{request.number} issued to repair order RO-900" in text
    assert "asked for BP-OLD (superseded)" in text
    assert "<td>A-01-02</td>" in text
    assert "Back-ordered, issued first when stock arrives: OF-200 × 2, SP-300 × 1." in text
    assert f'href="/documents/issue/{request.number}.pdf"' in text
    assert ledger_differences() == []


def test_an_existing_open_repair_order_takes_the_issue(client, clerk, store, parts, repair_order):
    client.force_login(clerk)

    client.post(reverse("inventory:issue"), _form(store, number="RO-1001", **{"part-0": "OF-200"}))

    assert RepairOrder.objects.count() == 1
    assert WorkshopRequest.objects.get().repair_order == repair_order


def test_a_refused_issue_is_shown_on_the_form_and_changes_nothing(client, clerk, store, parts, network):
    client.force_login(clerk)
    closed = demand.repair_order_open(number="RO-CLOSED", warehouse=store)
    demand.repair_order_close(repair_order=closed)
    demand.repair_order_open(number="RO-ELSEWHERE", warehouse=network["ST2"])
    before = _state(store)

    unknown = client.post(reverse("inventory:issue"), _form(store, **{"part-0": "NOPE-1"}))
    empty = client.post(reverse("inventory:issue"), _form(store))
    fraction = client.post(reverse("inventory:issue"), _form(store, key="f2", **{"part-0": "OF-200", "qty-0": "0.5"}))
    shut = client.post(reverse("inventory:issue"), _form(store, "RO-CLOSED", key="f3", **{"part-0": "OF-200"}))
    foreign = client.post(reverse("inventory:issue"), _form(store, "RO-ELSEWHERE", key="f4", **{"part-0": "OF-200"}))
    scope = client.post(reverse("inventory:issue"), _form(network["ST2"], key="f5", **{"part-0": "OF-200"}))

    assert [r.status_code for r in (unknown, empty, fraction, shut, foreign, scope)] == [400] * 6
    assert "No part NOPE-1" in unknown.content.decode()
    assert "Scan or type at least one part." in empty.content.decode()
    assert "Repair order RO-CLOSED is closed" in shut.content.decode()
    assert "belongs to another store" in foreign.content.decode()
    assert "Select a valid choice" in scope.content.decode()
    assert _state(store) == before


def test_roles_and_warehouse_scope_of_the_screen(client, make_user, store, parts, clerk, network):
    client.force_login(clerk)
    client.post(reverse("inventory:issue"), _form(store, **{"part-0": "OF-200"}))
    issued = WorkshopRequest.objects.get()
    detail = reverse("inventory:issue-detail", args=[issued.pk])

    client.force_login(make_user(Role.PURCHASER, warehouses=[store]))
    assert client.get(reverse("inventory:issue")).status_code == 403
    client.force_login(make_user(Role.CLERK, warehouses=[network["ST2"]]))
    assert client.get(detail).status_code == 403
    workshop = make_user(Role.WORKSHOP, warehouses=[store])
    client.force_login(workshop)
    assert client.get(reverse("inventory:issue")).status_code == 200
    assert client.get(detail).status_code == 403  # not one the workshop raised
    assert client.get(f"/documents/issue/{issued.number}.pdf").status_code == 404
    assert client.get(f"/documents/sale/{issued.number}.pdf").status_code == 403


def test_the_workshop_issues_and_prints_its_own_slip(client, make_user, store, parts):
    workshop = make_user(Role.WORKSHOP, warehouses=[store])
    client.force_login(workshop)

    client.post(reverse("inventory:issue"), _form(store, **{"part-0": "OF-200"}))
    issued = WorkshopRequest.objects.get()
    slip = client.get(f"/documents/issue/{issued.number}.pdf")

    assert slip.status_code == 200
    assert slip["Content-Type"] == "application/pdf"
    assert slip.content.startswith(b"%PDF")


def test_the_issue_slip_reads_back(store, clerk, parts):
    issued = demand.repair_order_issue(
        number="RO-SLIP",
        warehouse=store,
        lines=[(parts["old"], D(2)), (parts["filter"], D(3))],
        user=clerk,
        vehicle_ref="AB-123-CD",
    )

    slip = issue_slip(number=issued.number)

    assert slip.number == issued.number
    assert dict(slip.fields)["Repair order"] == "RO-SLIP"
    assert dict(slip.fields)["Vehicle"] == "AB-123-CD"
    assert slip.rows == [
        ["BP-NEW", "Brake pads for BP-OLD", "A-01-02", "2 PCS", "2 PCS", ""],
        ["OF-200", "Oil filter", "", "3 PCS", "1 PCS", "2 PCS"],
    ]
    assert slip.notes == ["Backordered, issued when stock arrives: OF-200 × 2."]


def test_the_clerk_and_the_workshop_find_the_screen_from_home_and_the_menu(client, make_user, store):
    for role, shown in ((Role.CLERK, True), (Role.WORKSHOP, True), (Role.PURCHASER, False)):
        client.force_login(make_user(role, warehouses=[store]))

        home = client.get("/").content.decode()

        assert ('data-testid="home-issue"' in home) is shown, role
        assert ('href="/inventory/issue/"' in home) is shown, role


def test_the_issue_shows_each_bin_a_part_was_taken_from(store, stocker, parts):
    from inventory.demand import selectors as demand_selectors

    # given 2 more brake pads put away in a second bin, after the 5 lying in no bin
    second = BinFactory(warehouse=store, code="B-07")
    services.stock_receive(part=parts["new"], warehouse=store, quantity=D(2), unit_cost=D(20), user=stocker, bin=second)

    # when 6 are issued: the 2 in B-07 first, then 4 of the 5 in no bin (shown at the default bin A-01-02)
    issued = demand.repair_order_issue(number="RO-BINS", warehouse=store, lines=[(parts["new"], D(6))], user=stocker)

    # then the issue names both places with their quantities, and the filter its default bin
    assert demand_selectors.issue_bins(request=issued)[parts["new"].pk] == "B-07 × 2, A-01-02 × 4"
