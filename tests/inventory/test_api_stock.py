"""API: stock levels, limits, movements and every posting endpoint, including bad input.

A refused request answers 400 (bad input, with field errors), 403 (outside
the user's warehouses) or 409 (not enough stock, already reversed) and
writes nothing: the tests compare the ledger and the levels before and after.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.models import MovementKind, StockLevel, StockMovement
from inventory.selectors import ledger_differences

from ..factories import BinFactory, PartFactory, WarehouseFactory

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("posting_path")]


@pytest.fixture
def store(postgres):
    return WarehouseFactory(code="S1")


@pytest.fixture
def other_store(postgres):
    return WarehouseFactory(code="S2")


@pytest.fixture
def store_clerk(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


@pytest.fixture
def part(postgres):
    return PartFactory(number="OF-100")


@pytest.fixture
def stocked(part, store, store_clerk):
    """Ten units of the part in the store at 4.00."""
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(10), unit_cost=Decimal(4), user=store_clerk)
    return part


def _state() -> tuple:
    """Everything a posting could change: the ledger and every level."""
    levels = list(
        StockLevel.objects.order_by("pk").values_list(
            "part_id",
            "warehouse_id",
            "on_hand",
            "reserved",
            "quarantined",
            "value",
            "average_cost",
            "min_qty",
            "max_qty",
        )
    )
    return StockMovement.objects.count(), levels


def _level(part, warehouse) -> StockLevel:
    return StockLevel.objects.get(part=part, warehouse=warehouse)


# --- stock levels ------------------------------------------------------------------


def test_stock_levels_filter_by_warehouse_part_below_min_and_above_max(postgres, make_user, api_as, store, other_store):
    manager = make_user(Role.MANAGER)
    low, high, fine = PartFactory(number="LOW"), PartFactory(number="HIGH"), PartFactory(number="FINE")
    for p, qty in ((low, 1), (high, 9), (fine, 5)):
        services.stock_receive(part=p, warehouse=store, quantity=Decimal(qty), unit_cost=Decimal(1), user=manager)
        services.stock_level_set_limits(part=p, warehouse=store, min_qty=Decimal(2), max_qty=Decimal(6))
    services.stock_receive(part=low, warehouse=other_store, quantity=Decimal(3), unit_cost=Decimal(1), user=manager)
    client = api_as(make_user(Role.WORKSHOP))

    def numbers(**params):
        response = client.get("/api/v1/stock-levels/", params)
        assert response.status_code == 200
        return [(row["part"]["number"], row["warehouse"]) for row in response.json()["results"]]

    # warehouse by warehouse, parts in catalogue order (the order an index serves for deep pages)
    assert numbers() == [("LOW", "S1"), ("HIGH", "S1"), ("FINE", "S1"), ("LOW", "S2")]
    assert numbers(warehouse=other_store.pk) == [("LOW", "S2")]
    assert numbers(part=low.pk) == [("LOW", "S1"), ("LOW", "S2")]
    assert numbers(below_min="true") == [("LOW", "S1")]
    assert numbers(above_max="true") == [("HIGH", "S1")]


def test_stock_level_row_shows_availability_and_cost(api_as, stocked, store, store_clerk):
    services.stock_reserve(part=stocked, warehouse=store, quantity=Decimal(2))
    services.stock_quarantine(part=stocked, warehouse=store, quantity=Decimal(3))

    row = api_as(store_clerk).get("/api/v1/stock-levels/", {"part": stocked.pk}).json()["results"][0]

    assert row["on_hand"] == "10.000"
    assert row["reserved"] == "2.000"
    assert row["quarantined"] == "3.000"
    assert row["available"] == "5.000"
    assert row["value"] == "40.0000"
    assert row["average_cost"] == "4.0000"


@pytest.mark.parametrize("param", ["warehouse", "part"])
def test_stock_levels_refuse_non_numeric_ids(api_as, store_clerk, param):
    response = api_as(store_clerk).get("/api/v1/stock-levels/", {param: "abc"})

    assert response.status_code == 400
    assert response.json() == {param: ["Give a whole-number id."]}


def test_set_limits(postgres, make_user, api_as, part, store):
    planner = make_user(Role.PLANNER)

    response = api_as(planner).post(
        "/api/v1/stock-levels/limits/", {"part": part.pk, "warehouse": store.pk, "min_qty": "2", "max_qty": "8"}
    )

    assert response.status_code == 200
    assert (response.json()["min_qty"], response.json()["max_qty"]) == ("2.000", "8.000")
    level = _level(part, store)
    assert (level.min_qty, level.max_qty) == (Decimal(2), Decimal(8))


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"min_qty": "5", "max_qty": "2"}, "max_qty"),
        ({"min_qty": "-1", "max_qty": "2"}, "min_qty"),
        ({"min_qty": "1"}, "max_qty"),
        ({"min_qty": "1", "max_qty": "2", "warehouse": 999999}, "warehouse"),
    ],
)
def test_set_limits_refuses_bad_input_and_writes_nothing(postgres, make_user, api_as, stocked, store, payload, field):
    planner = make_user(Role.PLANNER)
    before = _state()

    response = api_as(planner).post(
        "/api/v1/stock-levels/limits/", {"part": stocked.pk, "warehouse": store.pk} | payload
    )

    assert response.status_code == 400
    assert field in response.json()
    assert _state() == before


# --- movements ----------------------------------------------------------------------


def test_movements_list_newest_first_and_filter(api_as, stocked, store, other_store, store_clerk, make_user):
    services.stock_issue(part=stocked, warehouse=store, quantity=Decimal(2), user=store_clerk, document_ref="RO-1")
    other = PartFactory(number="OTHER")
    manager = make_user(Role.MANAGER)
    services.stock_receive(part=other, warehouse=other_store, quantity=Decimal(1), unit_cost=Decimal(1), user=manager)
    client = api_as(store_clerk)

    def kinds(**params):
        response = client.get("/api/v1/movements/", params)
        assert response.status_code == 200
        return [(row["kind"], row["part"]["number"], row["warehouse"]) for row in response.json()["results"]]

    assert kinds() == [("receipt", "OTHER", "S2"), ("issue", "OF-100", "S1"), ("receipt", "OF-100", "S1")]
    assert kinds(part=stocked.pk) == [("issue", "OF-100", "S1"), ("receipt", "OF-100", "S1")]
    assert kinds(warehouse=other_store.pk) == [("receipt", "OTHER", "S2")]
    assert kinds(kind="issue") == [("issue", "OF-100", "S1")]
    assert kinds(document_ref="RO-1") == [("issue", "OF-100", "S1")]


@pytest.mark.parametrize(("param", "value"), [("kind", "bogus"), ("part", "999999"), ("posted_after", "yesterday")])
def test_movements_refuse_bad_filters(api_as, store_clerk, param, value):
    response = api_as(store_clerk).get("/api/v1/movements/", {param: value})

    assert response.status_code == 400
    assert param in response.json()


# --- receipts -----------------------------------------------------------------------


def test_receipt_posts_and_re_averages_cost(api_as, stocked, store, store_clerk):
    bin_ = BinFactory(warehouse=store, code="A-01")

    response = api_as(store_clerk).post(
        "/api/v1/stock/receipts/",
        {
            "part": stocked.pk,
            "warehouse": store.pk,
            "quantity": "10",
            "unit_cost": "6",
            "bin": bin_.pk,
            "document_ref": "PO-9",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["quantity"], body["unit_cost"], body["value"]) == (
        "receipt",
        "10.000",
        "6.0000",
        "60.0000",
    )
    assert (body["bin"], body["document_ref"], body["user"]) == ("A-01", "PO-9", store_clerk.username)
    level = _level(stocked, store)
    assert (level.on_hand, level.value, level.average_cost) == (Decimal(20), Decimal(100), Decimal(5))


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "part"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-2"}, "quantity"),
        ({"quantity": "1.5"}, "quantity"),  # whole pieces only
        ({"quantity": "abc"}, "quantity"),
        ({"unit_cost": "-1"}, "unit_cost"),
        ({"unit_cost": "1.12345"}, "unit_cost"),
        ({"part": 999999}, "part"),
        ({"warehouse": None}, "warehouse"),
        ({"bin": "other-warehouse"}, "bin"),
    ],
)
def test_receipt_refuses_bad_input_with_field_errors_and_writes_nothing(
    api_as, stocked, store, other_store, store_clerk, payload, field
):
    valid = {"part": stocked.pk, "warehouse": store.pk, "quantity": "1", "unit_cost": "2"}
    if payload.get("bin") == "other-warehouse":
        payload = {"bin": BinFactory(warehouse=other_store).pk}
    body = {} if payload == {} else valid | payload
    before = _state()

    response = api_as(store_clerk).post("/api/v1/stock/receipts/", body)

    assert response.status_code == 400
    assert field in response.json()
    assert _state() == before


def test_receipt_outside_own_warehouse_is_403_and_writes_nothing(api_as, part, other_store, store_clerk):
    before = _state()

    response = api_as(store_clerk).post(
        "/api/v1/stock/receipts/", {"part": part.pk, "warehouse": other_store.pk, "quantity": "1", "unit_cost": "2"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "warehouse_not_permitted"
    assert response.json()["detail"] == "You post only in your own warehouses; S2 is not one of them."
    assert _state() == before


def test_receipt_retried_with_the_same_idempotency_key_posts_once(api_as, part, store, store_clerk):
    client = api_as(store_clerk)
    body = {"part": part.pk, "warehouse": store.pk, "quantity": "3", "unit_cost": "2"}

    first = client.post("/api/v1/stock/receipts/", body, HTTP_IDEMPOTENCY_KEY="rcpt-1")
    retry = client.post("/api/v1/stock/receipts/", body, HTTP_IDEMPOTENCY_KEY="rcpt-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert StockMovement.objects.filter(part=part).count() == 1
    assert _level(part, store).on_hand == Decimal(3)


def test_idempotency_key_reused_for_a_different_posting_is_409(api_as, part, store, store_clerk):
    client = api_as(store_clerk)
    client.post(
        "/api/v1/stock/receipts/",
        {"part": part.pk, "warehouse": store.pk, "quantity": "3", "unit_cost": "2"},
        HTTP_IDEMPOTENCY_KEY="rcpt-2",
    )
    before = _state()

    response = client.post(
        "/api/v1/stock/receipts/",
        {"part": part.pk, "warehouse": store.pk, "quantity": "4", "unit_cost": "2"},
        HTTP_IDEMPOTENCY_KEY="rcpt-2",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_conflict"
    assert _state() == before


# --- issues ---------------------------------------------------------------------------


def test_issue_takes_stock_out_at_average_cost(api_as, stocked, store, store_clerk):
    response = api_as(store_clerk).post(
        "/api/v1/stock/issues/", {"part": stocked.pk, "warehouse": store.pk, "quantity": "3", "document_ref": "RO-5"}
    )

    assert response.status_code == 201
    assert (response.json()["quantity"], response.json()["value"]) == ("-3.000", "-12.0000")
    assert _level(stocked, store).on_hand == Decimal(7)


def test_issue_of_more_than_available_is_409_and_writes_nothing(api_as, stocked, store, store_clerk):
    services.stock_reserve(part=stocked, warehouse=store, quantity=Decimal(4))
    before = _state()

    response = api_as(store_clerk).post(
        "/api/v1/stock/issues/", {"part": stocked.pk, "warehouse": store.pk, "quantity": "7"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert response.json()["detail"] == (
        "Only 6 of OF-100 available in S1; 7 requested. Lower the quantity or source the rest elsewhere."
    )
    assert _state() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"quantity": "0"}, "quantity"), ({"quantity": "0.5"}, "quantity"), ({"part": None}, "part"), ({}, "warehouse")],
)
def test_issue_refuses_bad_input_and_writes_nothing(api_as, stocked, store, store_clerk, payload, field):
    body = {"part": stocked.pk, "quantity": "1"} | payload
    if payload:
        body["warehouse"] = store.pk
    before = _state()

    response = api_as(store_clerk).post("/api/v1/stock/issues/", body)

    assert response.status_code == 400
    assert field in response.json()
    assert _state() == before


def test_issue_outside_own_warehouse_is_403(api_as, stocked, other_store, store_clerk, make_user):
    services.stock_receive(
        part=stocked, warehouse=other_store, quantity=Decimal(5), unit_cost=Decimal(1), user=make_user(Role.MANAGER)
    )
    before = _state()

    response = api_as(store_clerk).post(
        "/api/v1/stock/issues/", {"part": stocked.pk, "warehouse": other_store.pk, "quantity": "1"}
    )

    assert response.status_code == 403
    assert _state() == before


def test_issue_retried_after_the_stock_is_gone_returns_the_first_result(api_as, stocked, store, store_clerk):
    client = api_as(store_clerk)
    body = {"part": stocked.pk, "warehouse": store.pk, "quantity": "10"}

    first = client.post("/api/v1/stock/issues/", body, HTTP_IDEMPOTENCY_KEY="iss-1")
    retry = client.post("/api/v1/stock/issues/", body, HTTP_IDEMPOTENCY_KEY="iss-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == 1
    assert _level(stocked, store).on_hand == 0


# --- transfers --------------------------------------------------------------------------


def test_transfer_posts_both_legs_at_the_same_cost(api_as, stocked, store, other_store, store_clerk):
    response = api_as(store_clerk).post(
        "/api/v1/stock/transfers/",
        {"part": stocked.pk, "from_warehouse": store.pk, "to_warehouse": other_store.pk, "quantity": "4"},
    )

    assert response.status_code == 201
    out, incoming = response.json()["transfer_out"], response.json()["transfer_in"]
    assert (out["kind"], out["warehouse"], out["other_warehouse"], out["quantity"], out["value"]) == (
        "transfer_out",
        "S1",
        "S2",
        "-4.000",
        "-16.0000",
    )
    assert (incoming["kind"], incoming["warehouse"], incoming["quantity"], incoming["value"]) == (
        "transfer_in",
        "S2",
        "4.000",
        "16.0000",
    )
    assert (_level(stocked, store).on_hand, _level(stocked, other_store).on_hand) == (Decimal(6), Decimal(4))
    assert _level(stocked, other_store).average_cost == Decimal(4)


def test_transfer_retried_with_the_same_key_posts_once(api_as, stocked, store, other_store, store_clerk):
    client = api_as(store_clerk)
    body = {"part": stocked.pk, "from_warehouse": store.pk, "to_warehouse": other_store.pk, "quantity": "4"}

    first = client.post("/api/v1/stock/transfers/", body, HTTP_IDEMPOTENCY_KEY="tr-1")
    retry = client.post("/api/v1/stock/transfers/", body, HTTP_IDEMPOTENCY_KEY="tr-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert StockMovement.objects.filter(kind=MovementKind.TRANSFER_OUT).count() == 1
    assert _level(stocked, store).on_hand == Decimal(6)


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"to_warehouse": "same"}, 400, "to_warehouse"),
        ({"quantity": "11"}, 409, "quantity"),
        ({"quantity": "-1"}, 400, "quantity"),
        ({"to_warehouse": 999999}, 400, "to_warehouse"),
        ({"bin": "source-bin"}, 400, "bin"),
    ],
)
def test_transfer_refusals_write_nothing(api_as, stocked, store, other_store, store_clerk, change, status, field):
    body = {"part": stocked.pk, "from_warehouse": store.pk, "to_warehouse": other_store.pk, "quantity": "4"}
    if change.get("to_warehouse") == "same":
        change = {"to_warehouse": store.pk}
    if change.get("bin") == "source-bin":
        change = {"bin": BinFactory(warehouse=store).pk}  # the bin must be at the destination
    before = _state()

    response = api_as(store_clerk).post("/api/v1/stock/transfers/", body | change)

    assert response.status_code == status
    assert field in response.json()
    assert _state() == before


def test_transfer_from_a_warehouse_the_clerk_does_not_work_in_is_403(api_as, part, store, other_store, store_clerk):
    before = _state()

    response = api_as(store_clerk).post(
        "/api/v1/stock/transfers/",
        {"part": part.pk, "from_warehouse": other_store.pk, "to_warehouse": store.pk, "quantity": "1"},
    )

    assert response.status_code == 403
    assert _state() == before


# --- adjustments ----------------------------------------------------------------------


def test_adjustment_up_and_down(postgres, make_user, api_as, stocked, store):
    planner = make_user(Role.PLANNER, warehouses=[store])
    client = api_as(planner)

    down = client.post(
        "/api/v1/stock/adjustments/",
        {"part": stocked.pk, "warehouse": store.pk, "quantity": "-2", "reason": "damaged in storage"},
    )
    up = client.post(
        "/api/v1/stock/adjustments/",
        {"part": stocked.pk, "warehouse": store.pk, "quantity": "4", "unit_cost": "7", "reason": "found"},
    )

    assert (down.status_code, up.status_code) == (201, 201)
    assert (down.json()["kind"], down.json()["value"], down.json()["reason"]) == (
        "adjustment",
        "-8.0000",
        "damaged in storage",
    )
    assert up.json()["value"] == "28.0000"
    level = _level(stocked, store)
    assert (level.on_hand, level.value, level.average_cost) == (Decimal(12), Decimal(60), Decimal(5))


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"quantity": "0"}, 400, "quantity"),
        ({"reason": ""}, 400, "reason"),
        ({"reason": "   "}, 400, "reason"),
        ({"quantity": "-11"}, 409, "quantity"),
        ({"quantity": "2.5"}, 400, "quantity"),
        ({"unit_cost": "-3"}, 400, "unit_cost"),
    ],
)
def test_adjustment_refusals_write_nothing(postgres, make_user, api_as, stocked, store, change, status, field):
    manager = make_user(Role.MANAGER)
    body = {"part": stocked.pk, "warehouse": store.pk, "quantity": "-1", "reason": "count"} | change
    before = _state()

    response = api_as(manager).post("/api/v1/stock/adjustments/", body)

    assert response.status_code == status
    assert field in response.json()
    assert _state() == before


def test_adjustment_outside_the_planners_warehouses_is_403(postgres, make_user, api_as, stocked, store, other_store):
    planner = make_user(Role.PLANNER, warehouses=[other_store])
    before = _state()

    response = api_as(planner).post(
        "/api/v1/stock/adjustments/", {"part": stocked.pk, "warehouse": store.pk, "quantity": "-1", "reason": "x"}
    )

    assert response.status_code == 403
    assert _state() == before


# --- reversals ------------------------------------------------------------------------


def test_reverse_posts_the_exact_opposite(postgres, make_user, api_as, stocked, store, store_clerk):
    issue = services.stock_issue(part=stocked, warehouse=store, quantity=Decimal(3), user=store_clerk)
    manager = make_user(Role.MANAGER)

    response = api_as(manager).post(f"/api/v1/movements/{issue.pk}/reverse/", {"reason": "wrong part picked"})

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["quantity"], body["value"], body["reverses"]) == ("issue", "3.000", "12.0000", issue.pk)
    assert (body["document_type"], body["document_ref"]) == ("reversal", str(issue.pk))
    assert _level(stocked, store).on_hand == Decimal(10)
    assert ledger_differences() == []


def test_reverse_twice_is_409_and_writes_nothing(postgres, make_user, api_as, stocked, store, store_clerk):
    issue = services.stock_issue(part=stocked, warehouse=store, quantity=Decimal(3), user=store_clerk)
    client = api_as(make_user(Role.MANAGER))
    client.post(f"/api/v1/movements/{issue.pk}/reverse/", {"reason": "first"})
    before = _state()

    response = client.post(f"/api/v1/movements/{issue.pk}/reverse/", {"reason": "again"})

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"Movement {issue.pk} has already been reversed.",
        "code": "already_reversed",
    }
    assert _state() == before


def test_reverse_retried_with_the_same_key_returns_the_first_reversal(
    postgres, make_user, api_as, stocked, store, store_clerk
):
    issue = services.stock_issue(part=stocked, warehouse=store, quantity=Decimal(3), user=store_clerk)
    client = api_as(make_user(Role.MANAGER))

    first = client.post(f"/api/v1/movements/{issue.pk}/reverse/", {"reason": "x"}, HTTP_IDEMPOTENCY_KEY="rev-1")
    retry = client.post(f"/api/v1/movements/{issue.pk}/reverse/", {"reason": "x"}, HTTP_IDEMPOTENCY_KEY="rev-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    assert StockMovement.objects.filter(reverses=issue).count() == 1


@pytest.mark.parametrize(("body", "status"), [({}, 400), ({"reason": ""}, 400)])
def test_reverse_needs_a_reason(postgres, make_user, api_as, stocked, body, status):
    movement = StockMovement.objects.get(part=stocked)
    before = _state()

    response = api_as(make_user(Role.MANAGER)).post(f"/api/v1/movements/{movement.pk}/reverse/", body)

    assert response.status_code == status
    assert "reason" in response.json()
    assert _state() == before


def test_reverse_of_a_transfer_or_of_a_reversal_is_refused(postgres, make_user, api_as, stocked, store, other_store):
    manager = make_user(Role.MANAGER)
    out, _ = services.stock_transfer(
        part=stocked, from_warehouse=store, to_warehouse=other_store, quantity=Decimal(1), user=manager
    )
    issue = services.stock_issue(part=stocked, warehouse=store, quantity=Decimal(1), user=manager)
    reversal = services.stock_movement_reverse(movement=issue, user=manager, reason="x")
    client = api_as(manager)
    before = _state()

    transfer = client.post(f"/api/v1/movements/{out.pk}/reverse/", {"reason": "x"})
    twice = client.post(f"/api/v1/movements/{reversal.pk}/reverse/", {"reason": "x"})

    assert transfer.status_code == 400
    assert transfer.json()["detail"] == "A transfer is undone by transferring the stock back, not by a reversal."
    assert twice.status_code == 409
    assert twice.json()["code"] == "already_reversed"
    assert _state() == before


def test_reverse_of_a_receipt_whose_stock_was_issued_is_409(postgres, make_user, api_as, part, store, store_clerk):
    receipt = services.stock_receive(
        part=part, warehouse=store, quantity=Decimal(5), unit_cost=Decimal(2), user=store_clerk
    )
    services.stock_issue(part=part, warehouse=store, quantity=Decimal(4), user=store_clerk)
    before = _state()

    response = api_as(make_user(Role.MANAGER)).post(f"/api/v1/movements/{receipt.pk}/reverse/", {"reason": "x"})

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert _state() == before


def test_reverse_unknown_movement_is_404(postgres, make_user, api_as):
    response = api_as(make_user(Role.MANAGER)).post("/api/v1/movements/999999/reverse/", {"reason": "x"})

    assert response.status_code == 404


# --- scrap ----------------------------------------------------------------------------


def test_scrap_writes_stock_off_at_average_cost_with_its_reason(api_as, stocked, store, store_clerk):
    response = api_as(store_clerk).post(
        "/api/v1/stock/scraps/", {"part": stocked.pk, "warehouse": store.pk, "quantity": "2", "reason": "crushed box"}
    )

    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["quantity"], response.json()["value"]) == (
        MovementKind.SCRAP,
        "-2.000",
        "-8.0000",
    )
    movement = StockMovement.objects.get(pk=response.json()["id"])
    assert (movement.reason, movement.user) == ("crushed box", store_clerk)
    assert (_level(stocked, store).on_hand, _level(stocked, store).value) == (Decimal(8), Decimal(32))
    assert ledger_differences() == []


def test_scrap_from_quarantine_takes_the_held_stock(api_as, stocked, store, store_clerk):
    services.stock_quarantine(part=stocked, warehouse=store, quantity=Decimal(3))

    response = api_as(store_clerk).post(
        "/api/v1/stock/scraps/",
        {"part": stocked.pk, "warehouse": store.pk, "quantity": "3", "reason": "rejected", "from_quarantine": True},
    )

    assert response.status_code == 201
    level = _level(stocked, store)
    assert (level.on_hand, level.quarantined, level.available) == (Decimal(7), Decimal(0), Decimal(7))


def test_scrap_retried_with_the_same_key_posts_once_and_a_changed_retry_is_409(api_as, stocked, store, store_clerk):
    client = api_as(store_clerk)
    body = {"part": stocked.pk, "warehouse": store.pk, "quantity": "1", "reason": "rust"}

    first = client.post("/api/v1/stock/scraps/", body, HTTP_IDEMPOTENCY_KEY="scrap-1")
    retry = client.post("/api/v1/stock/scraps/", body, HTTP_IDEMPOTENCY_KEY="scrap-1")
    before = _state()
    changed = client.post("/api/v1/stock/scraps/", body | {"quantity": "2"}, HTTP_IDEMPOTENCY_KEY="scrap-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert StockMovement.objects.filter(kind=MovementKind.SCRAP).count() == 1
    assert changed.status_code == 409
    assert _state() == before


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"reason": ""}, 400, "reason"),
        ({"reason": "   "}, 400, "reason"),
        ({"quantity": "0"}, 400, "quantity"),
        ({"quantity": "0.5"}, 400, "quantity"),
        ({"quantity": "11"}, 409, None),
        ({"part": 10**9}, 400, "part"),
    ],
)
def test_scrap_refusals_write_nothing(api_as, stocked, store, store_clerk, change, status, field):
    before = _state()

    response = api_as(store_clerk).post(
        "/api/v1/stock/scraps/",
        {"part": stocked.pk, "warehouse": store.pk, "quantity": "1", "reason": "dented"} | change,
    )

    assert response.status_code == status
    if field:
        assert field in response.json()
    assert _state() == before


def test_scrap_outside_the_clerks_warehouses_is_403(api_as, stocked, other_store, store_clerk):
    response = api_as(store_clerk).post(
        "/api/v1/stock/scraps/", {"part": stocked.pk, "warehouse": other_store.pk, "quantity": "1", "reason": "x"}
    )

    assert response.status_code == 403
