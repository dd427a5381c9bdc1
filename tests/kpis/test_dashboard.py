"""Dashboard, drill-downs with export, class changes and the close button, on the hand-made month."""

from __future__ import annotations

import csv
import io
from datetime import date
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse

from kpis import services
from kpis.models import MonthClose

from .handmade import MARCH, build_handmade_month

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def closed():
    data = build_handmade_month()
    data["run"] = services.month_close_run(month=MARCH)
    return data


@pytest.fixture
def planner_client(client, make_user):
    client.force_login(make_user("planner"))
    return client


def test_dashboard_shows_cards_against_targets_within_a_query_bound(
    closed, planner_client, django_assert_max_num_queries
):
    # when a planner opens the dashboard for the central warehouse
    with django_assert_max_num_queries(15):
        response = planner_client.get(reverse("kpis:dashboard"), {"month": "2026-03", "warehouse": closed["cen"].pk})

    # then the dead stock card is red with its value and target, and links to the parts behind it
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kpi="dead_stock" data-class="" data-status="missed"' in html
    assert "53.2 %" in html  # 200 / 376
    assert "target ≤ 10.0 %" in html
    drill = reverse("kpis:drilldown", args=["dead_stock"]) + f"?month=2026-03&amp;warehouse={closed['cen'].pk}"
    assert drill in html
    # the trend data goes to the chart through json_script, with no inline code
    assert 'id="kpi-trends"' in html
    assert "vendor/chart-4.6.1.umd.min.js" in html
    assert "<script>" not in html


def test_dashboard_shows_class_distribution_and_warehouses_side_by_side(closed, planner_client):
    response = planner_client.get(reverse("kpis:dashboard"), {"month": "2026-03"})

    context = response.context
    distribution = {row.class_key: (row.items, row.value) for row in context["distribution"]}
    assert distribution == {
        "A": (1, 60.0),
        "B": (1, 25.0),
        "C": (2, 60.0),
        "C0": (1, 200.0),
        "NA": (1, 21.0),
        "NB": (0, 0.0),
        "NC": (1, 10.0),
    }
    sales = next(row for row in context["comparison"] if row["kpi"] == "sales_per_ro")
    assert [float(cell.value) for cell in sales["cells"]] == pytest.approx([68 / 3, 25, 93 / 4], abs=1e-6)
    assert context["trends"]["labels"][-1] == "2026-03"
    assert len(context["trends"]["labels"]) == 24


def test_dashboard_refuses_roles_without_access(closed, client, make_user):
    client.force_login(make_user("clerk"))
    assert client.get(reverse("kpis:dashboard")).status_code == 403


def test_dashboard_before_any_close_says_so(db, postgres, planner_client):
    response = planner_client.get(reverse("kpis:dashboard"))
    assert response.status_code == 200
    assert "No month has been closed yet." in response.content.decode()


def test_drilldown_lists_the_dead_parts_by_value(closed, planner_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = planner_client.get(
            reverse("kpis:drilldown", args=["dead_stock"]), {"month": "2026-03", "warehouse": closed["cen"].pk}
        )
    assert [row.part.number for row in response.context["rows"]] == ["D1"]
    assert 'data-part="D1"' in response.content.decode()


def test_drilldown_of_below_minimum_b_parts(closed, planner_client):
    response = planner_client.get(reverse("kpis:drilldown", args=["below_min"]), {"month": "2026-03", "class": "B"})
    assert [(row.part.number, row.warehouse.code) for row in response.context["rows"]] == [("B1", "CEN")]


def test_drilldown_sorts_by_a_chosen_column(closed, planner_client):
    # the parts behind turnover, by value ascending and descending
    url = reverse("kpis:drilldown", args=["turnover"])
    ascending = planner_client.get(url, {"month": "2026-03", "sort": "value"})
    descending = planner_client.get(url, {"month": "2026-03", "sort": "-value"})
    assert [row.part.number for row in ascending.context["rows"]] == ["N2", "N1", "B1", "A1", "C1", "D1"]
    assert [row.part.number for row in descending.context["rows"]] == ["D1", "A1", "C1", "B1", "N1", "N2"]


def test_drilldown_of_first_pick_lists_parts_short_at_once(closed, planner_client):
    response = planner_client.get(reverse("kpis:drilldown", args=["first_pick"]), {"month": "2026-03"})
    assert [(row.part.number, row.warehouse.code, float(row.shortfall)) for row in response.context["rows"]] == [
        ("A1", "ST1", 4.0),
        ("C1", "CEN", 2.0),
    ]


def test_drilldown_exports_csv(closed, planner_client):
    response = planner_client.get(
        reverse("kpis:drilldown", args=["over_max"]), {"month": "2026-03", "class": "A", "export": "csv"}
    )
    assert response["Content-Disposition"] == 'attachment; filename="over_max-A-2026-03.csv"'
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:4] == ["part", "description", "warehouse", "class"]
    assert [(row[0], row[2], row[11]) for row in rows[1:]] == [("A1", "CEN", "20.0000")]


def test_drilldown_exports_xlsx(closed, planner_client):
    response = planner_client.get(
        reverse("kpis:drilldown", args=["dead_stock"]), {"month": "2026-03", "export": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "part"
    assert [(row[0], row[2], row[3]) for row in rows[1:]] == [("D1", "CEN", "C0")]


def test_drilldown_of_a_kpi_without_parts_is_not_found(closed, planner_client):
    assert planner_client.get(reverse("kpis:drilldown", args=["sales_per_ro"])).status_code == 404


def test_class_changes_list_parts_that_moved(closed, planner_client, django_assert_max_num_queries):
    # given April closed too: A1's April 2025 hit leaves the window (11 hits: A to B), and N1, new for
    # 4 months now, scales its 3 hits to 9 a year (NA to NB)
    services.month_close_run(month=date(2026, 4, 1))

    # when the planner lists April's class changes
    with django_assert_max_num_queries(9):
        response = planner_client.get(reverse("kpis:class-changes"), {"month": "2026-04"})

    # then exactly those two show, with the class before and after
    assert [
        (row.part.number, row.warehouse.code, row.previous_class, row.abc_class) for row in response.context["rows"]
    ] == [("A1", "CEN", "A", "B"), ("N1", "CEN", "NA", "NB")]


def test_manager_queues_the_close_and_sees_its_progress(db, postgres, client, make_user):
    # given a hand-made month and a manager
    build_handmade_month()
    manager = make_user("manager")
    client.force_login(manager)

    # when the manager presses the button (Celery runs inline in tests, after commit)
    with mock.patch("kpis.tasks.enqueue_close") as enqueue:
        response = client.post(reverse("kpis:close"), {"month": "2026-03"})
    run = MonthClose.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("kpis:close-progress", args=[run.pk])
    assert (run.state, run.requested_by) == ("queued", manager)

    # then the progress fragment polls while the run is active
    fragment = client.get(reverse("kpis:close-progress", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert 'data-state="queued"' in fragment

    # and, the chain having run, shows the result without polling
    for step in services.STEPS:
        services.month_close_step(run_id=run.pk, step=step)
    fragment = client.get(reverse("kpis:close-progress", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="done"' in fragment
    assert "hx-trigger" not in fragment
    enqueue.assert_not_called()  # on_commit never fires inside the test transaction


def test_planner_cannot_press_the_close_button(db, postgres, client, make_user):
    client.force_login(make_user("planner"))
    response = client.post(reverse("kpis:close"), {"month": "2026-03"})
    assert response.status_code == 403
    assert MonthClose.objects.count() == 0


def test_cards_show_the_change_against_last_month(planner_client, django_assert_max_num_queries):
    # given February and March closed
    data = build_handmade_month()
    services.month_close_run(month=date(2026, 2, 1))
    services.month_close_run(month=MARCH)

    with django_assert_max_num_queries(15):
        response = planner_client.get(reverse("kpis:dashboard"), {"month": "2026-03", "warehouse": data["cen"].pk})

    # then the dead stock card says how far it moved since February, in percentage points
    cards = {card.kpi: card for _key, _title, group in response.context["groups"] for card in group}
    dead = cards["dead_stock"]
    assert dead.previous.month == date(2026, 2, 1)
    expected = float(dead.main.value) - float(dead.previous.value)
    assert dead.change == pytest.approx(expected)
    html = response.content.decode()
    sign = "+" if expected > 0 else "−"
    assert f"{sign}{abs(expected) * 100:.1f} pts against February" in html
    # and the groups come in the order a manager reads them (nothing was counted or forecast: no accuracy group)
    assert [key for key, _title, _cards in response.context["groups"]] == ["service", "stock", "purchasing"]
