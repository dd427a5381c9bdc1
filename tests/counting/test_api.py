"""Counting API: blind lines, the count steps, manager decisions, accuracy; scope and query bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from counting import services
from counting.models import CountLineStatus
from inventory.models import MovementKind, StockLevel, StockMovement

from ..factories import UserFactory, WarehouseFactory
from .helpers import bin_in, stocked_part

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def world(db):
    warehouse = WarehouseFactory(code="CEN")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=warehouse)
    bin = bin_in(warehouse, "A-01")
    part = stocked_part(warehouse, clerk, quantity=654, unit_cost="1", bin=bin, number="API-1")
    return {
        "warehouse": warehouse,
        "clerk": clerk,
        "bin": bin,
        "part": part,
        "manager": UserFactory(roles=[Role.MANAGER]),
    }


def test_clerk_counts_blind_through_the_api_and_manager_approves(api_as, world):
    clerk, manager = api_as(world["clerk"]), api_as(world["manager"])

    created = clerk.post(
        "/api/v1/count-lists/", {"warehouse": world["warehouse"].pk, "bin": world["bin"].pk}, format="json"
    )
    assert created.status_code == 201
    count_id = created.data["id"]
    started = clerk.post(f"/api/v1/count-lists/{count_id}/start/", {"bin": world["bin"].pk}, format="json")
    assert started.status_code == 200
    line = started.data[0]
    assert "654" not in str(started.data)
    assert set(line) == {"id", "sequence", "part_number", "description", "unit", "bin", "status", "counted_qty"}

    entered = clerk.post(f"/api/v1/count-lines/{line['id']}/count/", {"quantity": "653"}, format="json")
    assert (entered.status_code, entered.data["status"]) == (200, CountLineStatus.TO_APPROVE)

    assert clerk.post(f"/api/v1/count-lines/{line['id']}/approve/", {"reason": "x"}, format="json").status_code == 403
    variances = manager.get("/api/v1/count-variances/")
    assert [(v["part_number"], v["expected_qty"], v["variance_qty"]) for v in variances.data["results"]] == [
        ("API-1", "654.000", "-1.000")
    ]
    approved = manager.post(f"/api/v1/count-lines/{line['id']}/approve/", {"reason": "lost"}, format="json")

    assert approved.status_code == 200
    assert approved.data["status"] == CountLineStatus.APPROVED
    movement = StockMovement.objects.get(kind=MovementKind.COUNT_CORRECTION)
    assert approved.data["movement"] == movement.pk
    assert StockLevel.objects.get(part=world["part"]).on_hand == Decimal(653)


def test_api_refusals_change_nothing(api_as, world):
    count_list = services.count_list_create_adhoc(warehouse=world["warehouse"], user=world["clerk"], bin=world["bin"])
    line = count_list.lines.get()
    stranger = UserFactory(roles=[Role.CLERK])
    stranger.warehouse_memberships.create(warehouse=WarehouseFactory(code="OTH"))

    assert (
        api_as(stranger).post(f"/api/v1/count-lines/{line.pk}/count/", {"quantity": "1"}, format="json").status_code
        == 404
    )
    bad = api_as(world["clerk"]).post(f"/api/v1/count-lines/{line.pk}/count/", {"quantity": "-1"}, format="json")
    assert bad.status_code == 400
    reject_early = api_as(world["manager"]).post(
        f"/api/v1/count-lines/{line.pk}/approve/", {"reason": "r"}, format="json"
    )
    assert reject_early.status_code == 409
    assert api_as(UserFactory(roles=[Role.WORKSHOP])).get("/api/v1/count-lists/").status_code == 403

    line.refresh_from_db()
    assert (line.status, line.counted_qty) == (CountLineStatus.PENDING, None)
    assert StockMovement.objects.filter(kind=MovementKind.COUNT_CORRECTION).count() == 0


def test_count_list_and_variance_endpoints_have_query_bounds(api_as, world, django_assert_max_num_queries):
    for index in range(6):
        part = stocked_part(
            world["warehouse"], world["clerk"], quantity=5, bin=bin_in(world["warehouse"], f"Q-{index}")
        )
        count_list = services.count_list_create_adhoc(warehouse=world["warehouse"], user=world["clerk"], part=part)
        services.count_line_enter(line=count_list.lines.get(), quantity=Decimal(4), user=world["clerk"])
    clerk, manager = api_as(world["clerk"]), api_as(world["manager"])

    with django_assert_max_num_queries(8):
        lists = clerk.get("/api/v1/count-lists/")
    with django_assert_max_num_queries(8):
        variances = manager.get("/api/v1/count-variances/")

    assert lists.data["count"] == 6
    assert variances.data["count"] == 6


def test_accuracy_endpoint(api_as, world):
    count_list = services.count_list_create_adhoc(warehouse=world["warehouse"], user=world["clerk"], bin=world["bin"])
    services.count_line_enter(line=count_list.lines.get(), quantity=Decimal(654), user=world["clerk"])
    today = timezone.localdate()
    response = api_as(world["manager"]).get(
        f"/api/v1/count-accuracy/?warehouse={world['warehouse'].pk}&year={today.year}&month={today.month}"
    )

    assert response.status_code == 200
    assert (response.data["lines_counted"], response.data["lines_without_variance"], response.data["accuracy"]) == (
        1,
        1,
        "1.0000",
    )
    assert api_as(world["manager"]).get("/api/v1/count-accuracy/?month=13").status_code == 400
