"""The ABC × XYZ matrix, the problem parts and "no target", as screens and API, on the hand-made month."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from inventory import services as inventory_services
from kpis import services

from ..factories import PartFactory
from .handmade import MARCH, at, build_handmade_month

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def closed():
    data = build_handmade_month()
    old = PartFactory(number="OLD-1")
    inventory_services.stock_receive(
        part=old,
        warehouse=data["cen"],
        quantity=Decimal(2),
        unit_cost=Decimal(8),
        user=data["user"],
        posted_at=at(2023, 6, 1),
    )
    data["old"] = old
    data["run"] = services.month_close_run(month=MARCH)
    return data


@pytest.fixture
def planner_client(client, make_user):
    client.force_login(make_user("planner"))
    return client


def test_matrix_counts_items_per_abc_and_xyz_cell(closed, planner_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        response = planner_client.get(reverse("kpis:matrix"), {"month": "2026-03", "warehouse": closed["cen"].pk})

    assert response.status_code == 200
    cells = {(cell.abc, cell.xyz): cell.items for row in response.context["matrix"] for cell in row if cell.items}
    # CEN: A1 AX, B1 BZ, C1 CZ, D1 and OLD-1 C0 without demand, N1 NA Z, N2 NC without demand
    assert cells == {("A", "X"): 1, ("B", "Z"): 1, ("C", "Z"): 1, ("C0", ""): 2, ("NA", "Z"): 1, ("NC", ""): 1}
    html = response.content.decode()
    assert reverse("kpis:matrix-cell") + f"?month=2026-03&basis=hits&abc=C0&xyz=&warehouse={closed['cen'].pk}" in html


def test_matrix_by_value_ranks_on_cost_of_sales(closed, planner_client):
    response = planner_client.get(reverse("kpis:matrix"), {"month": "2026-03", "basis": "value"})

    cells = {(cell.abc, cell.xyz): cell.items for row in response.context["matrix"] for cell in row if cell.items}
    # network: CEN A1 A, B1 and C1 B, N1 C; ST1 A1 A; no sales: C without demand
    assert cells == {("A", "X"): 1, ("A", "Z"): 1, ("B", "Z"): 2, ("C", "Z"): 1, ("C", ""): 3}


def test_matrix_cell_lists_its_parts(closed, planner_client):
    response = planner_client.get(
        reverse("kpis:matrix-cell"), {"month": "2026-03", "basis": "hits", "abc": "C0", "xyz": ""}
    )

    assert response.status_code == 200
    assert sorted(row.part.number for row in response.context["rows"]) == ["D1", "OLD-1"]


@pytest.mark.parametrize("query", [{"basis": "cost"}, {"abc": "Q", "xyz": "X"}, {"abc": "A", "xyz": "W"}])
def test_a_matrix_cell_that_does_not_exist_is_not_found(closed, planner_client, query):
    response = planner_client.get(reverse("kpis:matrix-cell"), {"month": "2026-03", "abc": "A", "xyz": "X"} | query)
    assert response.status_code == 404


def test_problem_parts_screen_links_each_problem_to_where_it_is_cleared(
    closed, planner_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(11):
        response = planner_client.get(reverse("kpis:problems"), {"month": "2026-03"})

    assert response.status_code == 200
    rows = {row.part.number: row.fixes for row in response.context["rows"]}
    cen = closed["cen"].pk
    assert rows == {
        "N1": [("min/max contradicts the class", "Set min/max to fit the class", "/planning/forecast/?number=N1")],
        "OLD-1": [
            (
                "stock without a movement in 24 months",
                "Scrap, return or transfer the stock",
                f"/inventory/stock/?q=OLD-1&warehouse={cen}",
            )
        ],
    }
    counts = {code: count for code, _label, count in response.context["counts"]}
    assert counts == {"negative_stock": 0, "no_cost": 0, "no_movement": 1, "superseded": 0, "limits": 1}


def test_problem_parts_filter_by_problem(closed, planner_client):
    response = planner_client.get(reverse("kpis:problems"), {"month": "2026-03", "problem": "limits"})
    assert [row.part.number for row in response.context["rows"]] == ["N1"]


def test_a_kpi_without_a_target_says_so(closed, planner_client):
    response = planner_client.get(reverse("kpis:dashboard"), {"month": "2026-03", "warehouse": closed["cen"].pk})

    html = response.content.decode()
    card = html[html.index('data-kpi="sales_per_ro"') :]
    card = card[: card.index("data-kpi=", 10)]
    assert 'data-status="none"' in card
    assert '<span class="kpi-target">no target</span>' in card


def test_api_matrix_and_problems(closed, api_as, make_user, django_assert_max_num_queries):
    client = api_as(make_user("planner"))

    with django_assert_max_num_queries(8):
        matrix = client.get("/api/v1/kpis/matrix/", {"month": "2026-03", "warehouse": "CEN", "basis": "value"})
    with django_assert_max_num_queries(8):
        problems = client.get("/api/v1/kpis/problems/", {"month": "2026-03", "problem": "no_movement"})

    assert matrix.status_code == 200
    cells = {(c["abc"], c["xyz"]): c["items"] for c in matrix.json()["cells"] if c["items"]}
    assert cells == {("A", "X"): 1, ("B", "Z"): 2, ("C", "Z"): 1, ("C", ""): 3}
    assert problems.status_code == 200
    assert [(row["part"], row["problems"]) for row in problems.json()["results"]] == [("OLD-1", ["no_movement"])]


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/kpis/matrix/", {"basis": "cost"}, "basis"),
        ("/api/v1/kpis/matrix/", {"month": "March"}, "month"),
        ("/api/v1/kpis/problems/", {"problem": "bad"}, "problem"),
        ("/api/v1/kpis/problems/", {"warehouse": "NOPE"}, "warehouse"),
    ],
)
def test_api_refuses_bad_input_with_field_errors(closed, api_as, make_user, path, query, field):
    response = api_as(make_user("planner")).get(path, query)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("name", ["kpis:matrix", "kpis:matrix-cell", "kpis:problems"])
def test_screens_refuse_roles_without_access(closed, client, make_user, name):
    client.force_login(make_user("clerk"))
    assert client.get(reverse(name), {"month": "2026-03"}).status_code == 403
