"""Refusals of the close (order, parallel runs, months not over), the command, beat and the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kpis import services, tasks
from kpis.exceptions import CloseAlreadyRunning, MonthNotOver, MonthOutOfOrder
from kpis.models import MonthClose, PartClass, Snapshot, Target

from .handmade import MARCH, build_handmade_month

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def month():
    return build_handmade_month()


def test_a_month_not_over_is_refused(month):
    with pytest.raises(MonthNotOver, match="is not over yet"):
        services.month_close_start(month=date(2099, 1, 1))
    assert MonthClose.objects.count() == 0


def test_months_are_closed_in_order(month):
    # given March closed
    services.month_close_run(month=MARCH)

    # and a hit in April, which is not closed
    from inventory.models import DemandHit

    from .handmade import at, hit

    hit(month["parts"]["A1"], month["cen"], at(2026, 4, 10), 1, 1)

    # when May is asked for, then it is refused
    with pytest.raises(MonthOutOfOrder, match="Close 2026-04 first"):
        services.month_close_start(month=date(2026, 5, 1))

    # and nothing was queued
    assert MonthClose.objects.count() == 1
    assert DemandHit.objects.filter(occurred_at__gte=at(2026, 4, 1)).count() == 1


def test_a_month_after_an_empty_gap_may_be_closed(month):
    services.month_close_run(month=MARCH)
    # April and May hold no data: June follows March directly
    run = services.month_close_run(month=date(2026, 6, 1))
    assert (run.state, run.is_published) == ("done", True)


def test_the_first_close_may_be_any_month_and_earlier_months_with_data_are_then_refused(month):
    services.month_close_run(month=MARCH)
    with pytest.raises(MonthOutOfOrder, match="Close 2024-12 first"):
        services.month_close_start(month=date(2026, 2, 1))


def test_closing_a_month_twice_in_parallel_is_refused(month):
    # given a queued close of March
    first = services.month_close_start(month=MARCH)

    # when another close of March is asked for
    with pytest.raises(CloseAlreadyRunning, match="2026-03 is being closed already"):
        services.month_close_start(month=MARCH)

    # then only the first run exists, untouched
    assert list(MonthClose.objects.values_list("pk", "state")) == [(first.pk, "queued")]


def test_command_closes_a_month_printing_progress(month):
    out = StringIO()
    call_command("close_month", "2026-03", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:4] == [
        " 25 %  demand history",
        " 50 %  month-end stock value",
        " 75 %  classification",
        "100 %  done",
    ]
    assert lines[4].startswith("Closed 2026-03 (run #")
    assert MonthClose.objects.get().is_published


def test_command_refuses_a_badly_written_month(month):
    with pytest.raises(CommandError, match="write it as YYYY-MM"):
        call_command("close_month", "March")
    assert MonthClose.objects.count() == 0


def test_beat_task_queues_the_previous_month(month, django_capture_on_commit_callbacks, monkeypatch):
    # given today is 1 April 2026
    monkeypatch.setattr(services.close, "previous_month", lambda today=None: MARCH)
    monkeypatch.setattr("kpis.services.previous_month", lambda today=None: MARCH)

    # when beat fires (Celery runs inline in tests once the run is committed)
    with django_capture_on_commit_callbacks(execute=True):
        message = tasks.close_previous_month()

    # then March is closed and published
    run = MonthClose.objects.get()
    assert message == f"queued close of 2026-03 as run #{run.pk}"
    assert (run.state, run.is_published, run.progress) == ("done", True, 100)
    assert PartClass.objects.filter(run=run).count() == 7


def test_a_warehouse_target_overrides_the_default(month):
    # given a looser dead-stock target for the central warehouse only
    Target.objects.create(kpi="dead_stock", class_key="", warehouse=month["cen"], upper=Decimal("0.60"))

    run = services.month_close_run(month=MARCH)

    cen = Snapshot.objects.get(run=run, warehouse=month["cen"], kpi="dead_stock", class_key="")
    network = Snapshot.objects.get(run=run, warehouse=None, kpi="dead_stock", class_key="")
    assert (cen.status, cen.target_upper) == ("met", Decimal("0.600000"))
    assert (network.status, network.target_upper) == ("missed", Decimal("0.100000"))


def test_fill_rate_in_sql_matches_the_poisson_formula(month):
    # the close's SQL Poisson sum against scipy, for stock 0..45 and λ up to 10
    from kpis import formulas
    from kpis.services.close import LN_FACTORIALS, POISSON_CDF_SQL, POISSON_TERMS

    expression = POISSON_CDF_SQL.format(lam="%(lam)s::float8", available="%(stock)s::numeric", terms=POISSON_TERMS)
    cases = [(stock, lam) for stock in (0, 1, 3, 7, 12, 25, 39, 40, 45) for lam in (0, 0.1, 0.9, 2.5, 6.0, 10.0)]
    with connection.cursor() as cursor:
        for stock, lam in cases:
            cursor.execute(f"SELECT {expression}", {"lam": lam, "stock": stock, "ln_factorials": LN_FACTORIALS})
            assert cursor.fetchone()[0] == pytest.approx(formulas.poisson_fill_rate(stock, lam), abs=1e-9), (
                stock,
                lam,
            )


def test_emergency_order_ratio_from_purchase_order_lines(month):
    if "suppliers_purchaseorderline" not in connection.introspection.table_names():
        pytest.skip("purchasing is not migrated in this tree")
    from suppliers.models import Supplier

    from ..suppliers.factories import PurchaseOrderFactory, PurchaseOrderLineFactory
    from .handmade import at

    supplier = Supplier.objects.create(code="S1", name="Supplier one")
    parts = month["parts"]

    def order(number, order_type, lines, state="sent"):
        po = PurchaseOrderFactory(
            number=number,
            supplier=supplier,
            warehouse=month["cen"],
            order_type=order_type,
            state=state,
            created_at=at(2026, 3, 10),
            created_by=month["user"],
        )
        for line_no, (name, quantity, price) in enumerate(lines, start=1):
            PurchaseOrderLineFactory(
                order=po, line_no=line_no, part=parts[name], quantity=Decimal(quantity), price=Decimal(price)
            )

    # given in March: a stock order (A1 10 @ 10, B1 4 @ 5), an emergency order (A1 1 @ 10, C1 1 @ 20),
    # and a cancelled emergency order, which does not count
    order("PO-1", "stock", [("A1", 10, 10), ("B1", 4, 5)])
    order("PO-2", "emergency", [("A1", 1, 10), ("C1", 1, 20)])
    order("PO-3", "emergency", [("D1", 1, 40)], state="cancelled")

    run = services.month_close_run(month=MARCH)

    cen = {(row.kpi, row.class_key): row for row in Snapshot.objects.filter(run=run, warehouse=month["cen"])}
    # 2 of 4 lines; value 30 of 150; A: 1 of 2 lines; B 0 of 1; C 1 of 1; A lines among emergency 1 of 2
    assert float(cen[("emergency_lines", "")].value) == 0.5
    assert float(cen[("emergency_value", "")].value) == pytest.approx(30 / 150)
    assert float(cen[("emergency_lines", "A")].value) == 0.5
    assert float(cen[("emergency_lines", "B")].value) == 0
    assert float(cen[("emergency_lines", "C")].value) == 1
    assert float(cen[("emergency_a_share", "")].value) == 0.5
    assert (cen[("emergency_lines", "")].status, cen[("emergency_lines", "C")].status) == ("missed", "met")
    # by value per class: A 10 of 110, B 0 of 20, C 20 of 20; each against the lines' targets
    assert float(cen[("emergency_value", "A")].value) == pytest.approx(10 / 110, abs=1e-6)
    assert float(cen[("emergency_value", "B")].value) == 0
    assert float(cen[("emergency_value", "C")].value) == 1
    assert [cen[("emergency_value", key)].status for key in ("", "A", "B", "C")] == ["met", "missed", "near", "met"]


# --- API -------------------------------------------------------------------------------


def test_api_lists_snapshots_of_a_warehouse_with_a_query_bound(month, api_as, make_user, django_assert_max_num_queries):
    services.month_close_run(month=MARCH)
    client = api_as(make_user("planner"))

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/kpis/snapshots/", {"month": "2026-03", "warehouse": "CEN", "kpi": "dead_stock"})

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "month": "2026-03",
            "warehouse": "CEN",
            "kpi": "dead_stock",
            "class_key": "",
            "value": "0.531915",
            "target_lower": None,
            "target_upper": "0.100000",
            "status": "missed",
        }
    ]


def test_api_lists_network_snapshots(month, api_as, make_user):
    services.month_close_run(month=MARCH)
    response = api_as(make_user("manager")).get(
        "/api/v1/kpis/snapshots/", {"warehouse": "network", "kpi": "repair_orders"}
    )
    assert [(row["warehouse"], row["value"]) for row in response.json()["results"]] == [(None, "4.000000")]


def test_api_lists_classes_and_class_changes(month, api_as, make_user, django_assert_max_num_queries):
    services.month_close_run(month=MARCH)
    client = api_as(make_user("planner"))

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/kpis/classes/", {"month": "2026-03", "warehouse": "CEN"})

    assert [(row["part"], row["abc_class"], row["xyz_class"]) for row in response.json()["results"]] == [
        ("A1", "A", "X"),
        ("B1", "B", "Z"),
        ("C1", "C", "Z"),
        ("D1", "C0", ""),
        ("N1", "NA", "Z"),
        ("N2", "NC", ""),
    ]
    services.month_close_run(month=date(2026, 4, 1))
    changed = client.get("/api/v1/kpis/classes/", {"month": "2026-04", "changed": "true"}).json()["results"]
    assert [(row["part"], row["previous_class"], row["abc_class"]) for row in changed] == [
        ("A1", "A", "B"),
        ("N1", "NA", "NB"),
    ]


def test_api_refuses_other_roles(month, api_as, make_user):
    client = api_as(make_user("clerk"))
    assert client.get("/api/v1/kpis/snapshots/").status_code == 403
    assert client.get("/api/v1/kpis/classes/").status_code == 403
    assert client.get("/api/v1/kpis/targets/").status_code == 403
    assert client.post("/api/v1/kpis/close-runs/", {"month": "2026-03"}).status_code == 403
    assert MonthClose.objects.count() == 0


def test_api_manager_sets_a_warehouse_target(month, api_as, make_user):
    client = api_as(make_user("manager"))
    response = client.post(
        "/api/v1/kpis/targets/",
        {"kpi": "fill_rate", "class_key": "A", "warehouse": "ST1", "lower": "0.97", "near_band": "0.02"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": response.json()["id"],
        "kpi": "fill_rate",
        "class_key": "A",
        "warehouse": "ST1",
        "lower": "0.970000",
        "upper": None,
        "near_band": "0.020000",
    }
    assert Target.objects.filter(kpi="fill_rate", class_key="A").count() == 2


def test_api_refuses_a_target_with_lower_above_upper(month, api_as, make_user):
    client = api_as(make_user("manager"))
    before = list(Target.objects.values_list("kpi", "class_key", "lower", "upper"))
    response = client.post("/api/v1/kpis/targets/", {"kpi": "turnover", "lower": "5", "upper": "4"})
    assert response.status_code == 400
    assert response.json()["detail"] == "The lower bound 5.000000 is above the upper bound 4.000000."
    assert list(Target.objects.values_list("kpi", "class_key", "lower", "upper")) == before


def test_api_planner_may_read_targets_but_not_set_them(month, api_as, make_user, django_assert_max_num_queries):
    client = api_as(make_user("planner"))
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/kpis/targets/")
    # the defaults of DOMAIN.md (28 + 8 of its KPIs first left out), and none for negative month-end stock
    assert response.json()["count"] == 37
    assert client.post("/api/v1/kpis/targets/", {"kpi": "turnover", "lower": "1"}).status_code == 403


def test_api_manager_queues_a_close_and_reads_the_run(month, api_as, make_user, django_capture_on_commit_callbacks):
    client = api_as(make_user("manager"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/kpis/close-runs/", {"month": "2026-03"})
    assert response.status_code == 202
    run_id = response.json()["id"]
    assert response.json()["state"] == "queued"
    detail = client.get(f"/api/v1/kpis/close-runs/{run_id}/").json()
    assert (detail["state"], detail["progress"], detail["is_published"]) == ("done", 100, True)


def test_api_refuses_a_second_close_of_the_same_month(month, api_as, make_user):
    services.month_close_start(month=MARCH)
    response = api_as(make_user("manager")).post("/api/v1/kpis/close-runs/", {"month": "2026-03"})
    assert response.status_code == 409
    assert response.json()["detail"].startswith("2026-03 is being closed already; wait for that run to finish")
    assert MonthClose.objects.count() == 1


def test_two_closes_started_at_once_in_threads_leave_one_run(postgres_tx):
    # given a month with data, and two requests arriving together on separate connections
    import threading

    from django.db import connections

    build_handmade_month()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start() -> None:
        try:
            barrier.wait()
            services.month_close_start(month=MARCH)
            outcomes.append("queued")
        except CloseAlreadyRunning:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one is queued, the other refused, and one run exists
    assert sorted(outcomes) == ["queued", "refused"]
    assert MonthClose.objects.filter(month=MARCH).count() == 1


def test_admin_pages_of_the_month_end_open(month, client, django_user_model):
    services.month_close_run(month=MARCH)
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests-1")
    client.force_login(admin)
    for name in ("target", "classthresholds", "monthclose", "snapshot", "partclass"):
        assert client.get(f"/admin/kpis/{name}/").status_code == 200, name
    target = Target.objects.get(kpi="dead_stock", class_key="", warehouse=None)
    assert client.get(f"/admin/kpis/target/{target.pk}/change/").status_code == 200


def test_an_issue_reversed_a_year_later_does_not_break_the_close(month):
    # given a part issued in March 2025 and the issue reversed in March 2026: March 2026's 12-month
    # window holds only the reversal (net issued −3), and four hits make it a B part with a fill rate
    from unittest import mock

    from inventory import services as inventory_services

    from ..factories import PartFactory
    from .handmade import at, hit

    part = PartFactory(number="R1")
    user, cen = month["user"], month["cen"]
    inventory_services.stock_receive(
        part=part, warehouse=cen, quantity=Decimal(3), unit_cost=Decimal(4), user=user, posted_at=at(2025, 2, 10)
    )
    issue = inventory_services.stock_issue(
        part=part, warehouse=cen, quantity=Decimal(3), user=user, posted_at=at(2025, 3, 10)
    )
    for day in (2, 3, 4, 5):
        hit(part, cen, at(2026, 3, day), 1, 0)
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 3, 12)):
        inventory_services.stock_movement_reverse(movement=issue, user=user, reason="booked in error")

    # when March is closed, then it finishes and the part's demand is zero, not negative
    run = services.month_close_run(month=MARCH)
    assert (run.state, run.is_published) == ("done", True)
    graded = PartClass.objects.get(run=run, part=part)
    assert (graded.abc_class, graded.issued_12m, graded.on_hand, graded.fill_rate) == (
        "B",
        Decimal(0),
        Decimal(3),
        Decimal(1),
    )


def test_every_kpi_domain_md_gives_a_target_has_a_default_one():
    # DOMAIN.md's targets, the ratio by value taking those of the ratio by lines, new parts their grades'
    defaults = {(t.kpi, t.class_key): (t.lower, t.upper) for t in Target.objects.filter(warehouse=None)}
    D = Decimal
    expected = {
        ("fill_rate", ""): (D("0.92"), None),
        ("fill_rate", "A"): (D("0.95"), None),
        ("fill_rate", "B"): (D("0.90"), None),
        ("fill_rate", "NA"): (D("0.95"), None),
        ("fill_rate", "NB"): (D("0.90"), None),
        ("turnover", ""): (D(3), D(4)),
        ("turnover", "A"): (D(4), D(5)),
        ("turnover", "B"): (D(3), D(4)),
        ("emergency_lines", ""): (None, D("0.30")),
        ("emergency_lines", "A"): (None, D("0.05")),
        ("emergency_lines", "B"): (D("0.05"), D("0.25")),
        ("emergency_lines", "C"): (D("0.85"), D(1)),
        ("emergency_value", ""): (None, D("0.30")),
        ("emergency_value", "A"): (None, D("0.05")),
        ("emergency_value", "B"): (D("0.05"), D("0.25")),
        ("emergency_value", "C"): (D("0.85"), D(1)),
        ("emergency_a_share", ""): (None, D("0.05")),
        ("instant_fill", ""): (D("0.90"), None),
        ("first_pick", ""): (D("0.90"), None),
        ("target_achievement", ""): (D("0.90"), None),
        ("dead_stock", ""): (None, D("0.10")),
        ("zero_stock", "A"): (None, D("0.01")),
        ("zero_stock", "B"): (None, D("0.10")),
        ("zero_stock", "NA"): (None, D("0.08")),
        ("zero_stock", "NB"): (None, D("0.15")),
        ("below_min", "A"): (None, D("0.05")),
        ("below_min", "B"): (None, D("0.20")),
        ("below_min", "NA"): (None, D("0.10")),
        ("below_min", "NB"): (None, D("0.25")),
        ("over_max", "A"): (None, D("0.10")),
        ("over_max", "B"): (None, D("0.15")),
        ("over_max", "NA"): (None, D("0.15")),
        ("over_max", "NB"): (None, D("0.20")),
        ("c_value_growth", ""): (None, D("0.03")),
        ("nc_share_new", ""): (None, D("0.20")),
        ("nc_share_all", ""): (None, D("0.02")),
    }
    assert {key: defaults.get(key) for key in expected} == expected
