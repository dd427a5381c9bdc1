"""Every change of a level's minimum or maximum is kept, whoever or whatever made it, and shows in the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from core.services.access import user_access_set
from inventory import services
from inventory.models import LimitChange, LimitSource, StockLevel
from inventory.services.limits import stock_level_set_limits_bulk

from ..factories import PartFactory, WarehouseFactory

pytestmark = pytest.mark.services

D = Decimal


@pytest.fixture
def pair(postgres):
    return PartFactory(number="LC-1"), WarehouseFactory(code="LC")


def _changes() -> list[tuple]:
    return list(
        LimitChange.objects.order_by("id").values_list(
            "part__number", "warehouse__code", "min_before", "max_before", "min_after", "max_after", "source"
        )
    )


def test_a_planner_setting_limits_over_the_api_is_kept_with_the_figures_before_and_after(api_as, make_user, pair):
    planner = make_user(Role.PLANNER)
    part, warehouse = pair
    client = api_as(planner)
    body = {"part": part.pk, "warehouse": warehouse.pk, "min_qty": "2", "max_qty": "6"}

    first = client.post("/api/v1/stock-levels/limits/", body)
    again = client.post("/api/v1/stock-levels/limits/", body)
    second = client.post("/api/v1/stock-levels/limits/", body | {"max_qty": "8"})

    assert (first.status_code, again.status_code, second.status_code) == (200, 200, 200)
    # the repeated call changed nothing, so it left nothing to audit
    assert _changes() == [
        ("LC-1", "LC", D(0), D(0), D(2), D(6), LimitSource.PLANNER),
        ("LC-1", "LC", D(2), D(6), D(2), D(8), LimitSource.PLANNER),
    ]
    assert set(LimitChange.objects.values_list("changed_by__username", flat=True)) == {planner.username}


def test_refused_limits_keep_no_change(api_as, make_user, pair):
    part, warehouse = pair
    response = api_as(make_user(Role.PLANNER)).post(
        "/api/v1/stock-levels/limits/", {"part": part.pk, "warehouse": warehouse.pk, "min_qty": "5", "max_qty": "2"}
    )

    assert response.status_code == 400
    assert not LimitChange.objects.exists()


def test_the_set_based_writer_keeps_each_changed_pair_in_the_same_statement(postgres, django_assert_num_queries):
    warehouse = WarehouseFactory(code="BK")
    parts = [PartFactory(number=f"BK-{n}") for n in range(3)]
    stock_level_set_limits_bulk(limits=[(parts[0].pk, warehouse.pk, D(1), D(3))])
    LimitChange.objects.all().delete()

    # two statements whatever the number of pairs (create the missing levels; lock, log and update), inside
    # the savepoint of the service's transaction
    with django_assert_num_queries(4):
        written = stock_level_set_limits_bulk(
            limits=[(p.pk, warehouse.pk, D(1), D(3)) for p in parts]  # the first pair holds these already
        )

    assert written == 3
    assert _changes() == [
        ("BK-1", "BK", D(0), D(0), D(1), D(3), LimitSource.PLANNING_RUN),
        ("BK-2", "BK", D(0), D(0), D(1), D(3), LimitSource.PLANNING_RUN),
    ]
    assert StockLevel.objects.filter(warehouse=warehouse, min_qty=1, max_qty=3).count() == 3


def test_an_import_of_parameters_keeps_its_user_and_source(postgres, make_user, pair):
    part, warehouse = pair
    planner = make_user(Role.PLANNER)

    services.stock_level_set_parameters_bulk(parameters=[(part, warehouse, D(4), D(9), None)], user=planner)
    services.stock_level_set_parameters_bulk(parameters=[(part, warehouse, D(4), D(9), None)], user=planner)

    assert _changes() == [("LC-1", "LC", D(0), D(0), D(4), D(9), LimitSource.IMPORT)]
    assert LimitChange.objects.get().changed_by == planner


def test_the_audit_trail_shows_limit_and_access_changes(api_as, make_user, pair):
    manager, clerk = make_user(Role.MANAGER), make_user(Role.CLERK)
    part, warehouse = pair
    services.stock_level_set_limits(part=part, warehouse=warehouse, min_qty=D(2), max_qty=D(6), user=manager)
    user_access_set(user_id=clerk.pk, by=manager, roles=[Role.CLERK, Role.WORKSHOP], warehouse_ids=[warehouse.pk])
    client = api_as(manager)

    limits = client.get("/api/v1/audit/", {"area": "stock.limits"}).json()["results"]
    access = client.get("/api/v1/audit/", {"area": "users.access"}).json()["results"]
    everything = client.get("/api/v1/audit/").json()["results"]

    assert [(row["object"], row["user"], row["action"], row["detail"]) for row in limits] == [
        ("LC-1 @ LC", manager.username, "planner", "min 0 → 2, max 0 → 6")
    ]
    assert [(row["object"], row["user"], row["detail"]) for row in access] == [
        (clerk.username, manager.username, f"{' '.join(sorted([Role.CLERK, Role.WORKSHOP]))} @ LC")
    ]
    assert {"Minimum and maximum", "User roles and warehouses"} <= {row["area"] for row in everything}


def test_a_role_whose_group_was_never_made_is_given_all_the_same(postgres, make_user):
    from django.contrib.auth.models import Group

    from core.roles import user_access

    manager, newcomer = make_user(Role.MANAGER), make_user(None)
    Group.objects.filter(name=Role.PLANNER).delete()

    user_access_set(user_id=newcomer.pk, by=manager, roles=[Role.PLANNER], warehouse_ids=[])

    assert sorted(user_access(type(newcomer).objects.get(pk=newcomer.pk)).roles) == [Role.PLANNER]
