"""API: parts (list, search, create, change, supersede, lookup), warehouses and bins."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.models import Echelon, Part

from ..factories import BinFactory, NeighbourFactory, PartFactory, WarehouseFactory

pytestmark = pytest.mark.services


@pytest.fixture
def planner_api(postgres, make_user, api_as):
    return api_as(make_user(Role.PLANNER))


def _part_rows() -> list[tuple]:
    return list(Part.objects.order_by("pk").values_list("number", "description", "list_price", "superseded_by_id"))


# --- parts: list and search ------------------------------------------------------


def test_part_list_is_paginated_and_ordered_by_number(planner_api):
    PartFactory(number="B-2")
    PartFactory(number="A-1")

    response = planner_api.get("/api/v1/parts/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["number"] for row in body["results"]] == ["A-1", "B-2"]
    assert body["results"][0]["current"]["number"] == "A-1"


def test_part_search_by_number_ignores_spaces_dashes_and_case(planner_api):
    wanted = PartFactory(number="1122333", description="Oil filter")
    PartFactory(number="9988", description="Air filter")

    response = planner_api.get("/api/v1/parts/", {"q": "11-22 333"})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]


def test_part_search_by_description_text(planner_api):
    PartFactory(number="1", description="Brake pad set front")
    PartFactory(number="2", description="Wiper blade")

    response = planner_api.get("/api/v1/parts/", {"q": "brake pad"})

    assert [row["number"] for row in response.json()["results"]] == ["1"]


def test_part_list_filters_category_and_hides_inactive(planner_api):
    PartFactory(number="F1", category="Filters")
    PartFactory(number="B1", category="Brakes")
    PartFactory(number="F2", category="Filters", is_active=False)

    active = planner_api.get("/api/v1/parts/", {"category": "filters"})
    everything = planner_api.get("/api/v1/parts/", {"category": "filters", "include_inactive": "true"})

    assert [row["number"] for row in active.json()["results"]] == ["F1"]
    assert [row["number"] for row in everything.json()["results"]] == ["F1", "F2"]


def test_part_list_resolves_supersession_to_the_end_of_the_chain(planner_api):
    newest = PartFactory(number="C")
    newer = PartFactory(number="B", superseded_by=newest)
    PartFactory(number="A", superseded_by=newer)

    response = planner_api.get("/api/v1/parts/")

    rows = {row["number"]: row for row in response.json()["results"]}
    assert rows["A"]["superseded_by"]["number"] == "B"
    assert rows["A"]["current"]["number"] == "C"
    assert rows["B"]["current"]["number"] == "C"
    assert rows["C"]["current"]["number"] == "C"


def test_part_detail_shows_the_serving_part(planner_api):
    newer = PartFactory(number="NEW")
    old = PartFactory(number="OLD", superseded_by=newer)

    response = planner_api.get(f"/api/v1/parts/{old.pk}/")

    assert response.status_code == 200
    assert response.json()["current"] == {"id": newer.pk, "number": "NEW", "description": newer.description}


# --- parts: create and change ------------------------------------------------------


def test_create_part_normalises_the_lookup_number(planner_api):
    response = planner_api.post(
        "/api/v1/parts/",
        {"number": " 11-22 333 ", "description": "Oil filter", "unit": "PCS", "list_price": "12.50"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["number"] == "11-22 333"
    assert body["number_normalized"] == "1122333"
    part = Part.objects.get(pk=body["id"])
    assert part.list_price == Decimal("12.50")
    assert part.history.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "number"),
        ({"number": "X1", "description": "d"}, "list_price"),
        ({"number": "X1", "description": "d", "list_price": "-1"}, "list_price"),
        ({"number": "X1", "description": "d", "list_price": "1", "unit": "BOX"}, "unit"),
        ({"number": "--", "description": "d", "list_price": "1"}, "number"),
        ({"number": "11 22-333", "description": "d", "list_price": "1"}, "number"),  # same as 1122333
    ],
)
def test_create_part_refuses_bad_input_with_field_errors_and_writes_nothing(planner_api, payload, field):
    PartFactory(number="1122333")
    before = _part_rows()

    response = planner_api.post("/api/v1/parts/", payload)

    assert response.status_code == 400
    assert field in response.json()
    assert _part_rows() == before


def test_patch_part_changes_fields_and_keeps_history(planner_api):
    part = PartFactory(number="P1", list_price=Decimal("10.00"))

    response = planner_api.patch(f"/api/v1/parts/{part.pk}/", {"list_price": "11.20", "description": "Renamed"})

    assert response.status_code == 200
    part.refresh_from_db()
    assert (part.list_price, part.description) == (Decimal("11.20"), "Renamed")
    assert [h.list_price for h in part.history.order_by("history_date")] == [Decimal("10.00"), Decimal("11.20")]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"list_price": "-1"}, "list_price"),
        ({"number": "..."}, "number"),
        ({"number": "p-2"}, "number"),  # clashes with P2
        ({"unit": "XX"}, "unit"),
    ],
)
def test_patch_part_refuses_bad_input_and_writes_nothing(planner_api, payload, field):
    part = PartFactory(number="P1")
    PartFactory(number="P2")
    before = _part_rows()

    response = planner_api.patch(f"/api/v1/parts/{part.pk}/", payload)

    assert response.status_code == 400
    assert field in response.json()
    assert _part_rows() == before


def test_patch_unknown_part_is_404(planner_api):
    assert planner_api.patch("/api/v1/parts/999999/", {"description": "x"}).status_code == 404


# --- parts: supersession ------------------------------------------------------------


def test_supersede_points_a_part_to_its_replacement(planner_api):
    old, new = PartFactory(number="OLD"), PartFactory(number="NEW")

    response = planner_api.post(f"/api/v1/parts/{old.pk}/supersede/", {"superseded_by": new.pk})

    assert response.status_code == 200
    assert response.json()["current"]["number"] == "NEW"
    old.refresh_from_db()
    assert old.superseded_by_id == new.pk


def test_supersede_with_null_clears_it(planner_api):
    new = PartFactory(number="NEW")
    old = PartFactory(number="OLD", superseded_by=new)

    response = planner_api.post(f"/api/v1/parts/{old.pk}/supersede/", {"superseded_by": None})

    assert response.status_code == 200
    old.refresh_from_db()
    assert old.superseded_by_id is None


def test_supersede_refuses_a_cycle_and_writes_nothing(planner_api):
    c = PartFactory(number="C")
    b = PartFactory(number="B", superseded_by=c)
    a = PartFactory(number="A", superseded_by=b)
    before = _part_rows()

    response = planner_api.post(f"/api/v1/parts/{c.pk}/supersede/", {"superseded_by": a.pk})

    assert response.status_code == 400
    assert response.json()["code"] == "supersession_cycle"
    assert response.json()["superseded_by"] == ["A already leads back to C; a supersession chain cannot loop."]
    assert _part_rows() == before


@pytest.mark.parametrize("target", ["self", 999999, "text"])
def test_supersede_refuses_self_and_unknown_parts(planner_api, target):
    part = PartFactory()
    before = _part_rows()

    response = planner_api.post(
        f"/api/v1/parts/{part.pk}/supersede/", {"superseded_by": part.pk if target == "self" else target}
    )

    assert response.status_code == 400
    assert "superseded_by" in response.json()
    assert _part_rows() == before


def test_supersede_unknown_part_is_404(planner_api):
    assert planner_api.post("/api/v1/parts/999999/supersede/", {"superseded_by": None}).status_code == 404


# --- lookup -----------------------------------------------------------------------


def test_lookup_shows_availability_everywhere_for_the_serving_part(postgres, make_user, api_as):
    central = WarehouseFactory(code="CEN", echelon=Echelon.CENTRAL)
    store = WarehouseFactory(code="S1", echelon=Echelon.STORE, parent=central)
    clerk = make_user(Role.CLERK, warehouses=[store])
    new = PartFactory(number="NEW-1")
    old = PartFactory(number="OLD-1", superseded_by=new)
    services.stock_receive(part=new, warehouse=store, quantity=Decimal(4), unit_cost=Decimal(5), user=clerk)
    services.stock_reserve(part=new, warehouse=store, quantity=Decimal(1))

    response = api_as(clerk).get("/api/v1/parts/lookup/", {"number": "old 1"})

    assert response.status_code == 200
    body = response.json()
    assert body["requested"]["number"] == "OLD-1"
    assert body["serving"]["number"] == "NEW-1"
    assert [p["number"] for p in body["chain"]] == ["OLD-1", "NEW-1"]
    assert body["total_available"] == "3.000"
    assert [(r["warehouse"], r["on_hand"], r["available"]) for r in body["rows"]] == [
        ("CEN", "0.000", "0.000"),
        ("S1", "4.000", "3.000"),
    ]
    assert old.pk == body["requested"]["id"]


def test_lookup_of_unknown_number_is_404_and_missing_number_is_400(planner_api):
    unknown = planner_api.get("/api/v1/parts/lookup/", {"number": "NOPE"})
    missing = planner_api.get("/api/v1/parts/lookup/")

    assert unknown.status_code == 404
    assert missing.status_code == 400
    assert missing.json() == {"number": ["Give a part number to look up."]}


# --- warehouses and bins ----------------------------------------------------------------


def test_warehouses_list_parent_and_neighbours(planner_api):
    central = WarehouseFactory(code="CEN", echelon=Echelon.CENTRAL)
    north = WarehouseFactory(code="NOR", echelon=Echelon.REGIONAL, parent=central)
    south = WarehouseFactory(code="SOU", echelon=Echelon.REGIONAL, parent=central)
    NeighbourFactory(warehouse=north, neighbour=south, transfer_lead_time_days=2)

    response = planner_api.get("/api/v1/warehouses/")
    detail = planner_api.get(f"/api/v1/warehouses/{north.pk}/")
    regional = planner_api.get("/api/v1/warehouses/", {"echelon": "regional"})

    assert response.status_code == 200
    assert [w["code"] for w in response.json()["results"]] == ["CEN", "NOR", "SOU"]
    assert detail.json()["parent"] == "CEN"
    assert detail.json()["neighbours"] == [{"code": "SOU", "transfer_lead_time_days": 2}]
    assert [w["code"] for w in regional.json()["results"]] == ["NOR", "SOU"]


def test_unknown_warehouse_is_404(planner_api):
    assert planner_api.get("/api/v1/warehouses/999999/").status_code == 404


def test_bins_filter_by_warehouse(planner_api):
    one, two = WarehouseFactory(code="ONE"), WarehouseFactory(code="TWO")
    BinFactory(warehouse=one, code="A-01")
    BinFactory(warehouse=two, code="B-01")

    response = planner_api.get("/api/v1/bins/", {"warehouse": one.pk})

    assert response.status_code == 200
    assert [(b["warehouse"], b["code"]) for b in response.json()["results"]] == [("ONE", "A-01")]
