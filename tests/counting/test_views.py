"""Counting screens: blind entry, permissions, query-count bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.roles import Role
from counting import services
from counting.models import CountLine, CountLineStatus, CountList
from inventory.models import MovementKind, StockLevel, StockMovement

from ..factories import UserFactory, WarehouseFactory
from .helpers import bin_in, stocked_part

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def setup(db):
    warehouse = WarehouseFactory(code="CEN")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=warehouse)
    bin = bin_in(warehouse, "A-01")
    part = stocked_part(warehouse, clerk, quantity=987, unit_cost="1", bin=bin, number="BL-1")
    count_list = services.count_list_create_adhoc(warehouse=warehouse, user=clerk, bin=bin)
    return warehouse, clerk, bin, part, count_list


def test_count_list_page_shows_counts_in_bounded_queries(client, setup, django_assert_max_num_queries):
    warehouse, clerk, _bin, _part, _count_list = setup
    for index in range(5):
        extra = stocked_part(warehouse, clerk, quantity=1, bin=bin_in(warehouse, f"Z-{index}"))
        services.count_list_create_adhoc(warehouse=warehouse, user=clerk, part=extra)
    client.force_login(clerk)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("counting:list"))

    assert response.status_code == 200
    assert len(response.context["count_lists"]) == 6


def test_bin_entry_is_blind_and_saves_counts(client, setup, django_assert_max_num_queries):
    _warehouse, clerk, bin, part, count_list = setup
    client.force_login(clerk)
    url = reverse("counting:bin", kwargs={"pk": count_list.pk, "bin_key": bin.pk})

    # when the clerk opens the bin and starts it
    client.post(url, {"action": "start"})
    with django_assert_max_num_queries(12):
        page = client.get(url)

    # then the page never carries the system quantity
    html = page.content.decode()
    assert "987" not in html
    assert f'data-part="{part.number_normalized}"' in html

    # when the clerk saves a count equal to the stock
    line = count_list.lines.get()
    response = client.post(url, {"action": "save", f"qty-{line.pk}": "987"}, follow=True)

    line.refresh_from_db()
    assert line.status == CountLineStatus.MATCHED
    assert "1 count saved." in response.content.decode()


def test_bin_entry_reports_a_bad_number_and_saves_nothing(client, setup):
    _warehouse, clerk, bin, part, count_list = setup
    client.force_login(clerk)
    line = count_list.lines.get()
    url = reverse("counting:bin", kwargs={"pk": count_list.pk, "bin_key": bin.pk})

    response = client.post(url, {"action": "save", f"qty-{line.pk}": "ten"}, follow=True)

    assert f"{part.number}: “ten” is not a number." in response.content.decode()
    line.refresh_from_db()
    assert (line.status, line.counted_qty) == (CountLineStatus.PENDING, None)


def test_a_clerk_of_another_warehouse_cannot_open_the_count(client, setup):
    _warehouse, _clerk, bin, _part, count_list = setup
    stranger = UserFactory(roles=[Role.CLERK])
    stranger.warehouse_memberships.create(warehouse=WarehouseFactory(code="OTH"))
    client.force_login(stranger)

    response = client.get(reverse("counting:bin", kwargs={"pk": count_list.pk, "bin_key": bin.pk}))

    assert response.status_code == 404


def test_variances_are_for_managers_and_approval_posts(client, setup, django_assert_max_num_queries):
    warehouse, clerk, _bin, part, count_list = setup
    line = services.count_line_enter(line=count_list.lines.get(), quantity=Decimal(986), user=clerk)
    manager = UserFactory(roles=[Role.MANAGER])

    client.force_login(clerk)
    assert client.get(reverse("counting:variances")).status_code == 403
    assert (
        client.post(reverse("counting:decide", args=[line.pk]), {"decision": "approve", "reason": "x"}).status_code
        == 403
    )

    client.force_login(manager)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("counting:variances"))
    assert [row.pk for row in page.context["lines"]] == [line.pk]
    assert page.context["lines"][0].expected_qty == Decimal(987)

    client.post(reverse("counting:decide", args=[line.pk]), {"decision": "approve", "reason": "dropped"})

    line.refresh_from_db()
    assert line.status == CountLineStatus.APPROVED
    assert StockMovement.objects.get(kind=MovementKind.COUNT_CORRECTION).quantity == Decimal(-1)
    assert StockLevel.objects.get(part=part, warehouse=warehouse).on_hand == Decimal(986)


def test_adhoc_count_from_the_screen_and_accuracy_page(client, setup):
    warehouse, clerk, _bin, _part, _count_list = setup
    other = stocked_part(warehouse, clerk, quantity=1, number="AD-1")
    client.force_login(clerk)

    response = client.post(
        reverse("counting:adhoc"), {"warehouse": warehouse.pk, "part_number": "ad1", "bin_code": "", "note": ""}
    )

    created = CountList.objects.latest("pk")
    assert response.status_code == 302
    assert response.url == reverse("counting:detail", args=[created.pk])
    assert list(CountLine.objects.filter(count_list=created).values_list("part_id", flat=True)) == [other.pk]
    assert client.get(reverse("counting:detail", args=[created.pk])).status_code == 200
    assert client.get(reverse("counting:accuracy") + "?year=2026&month=13").status_code == 200


def test_workshop_users_have_no_counting_screens(client, setup):
    client.force_login(UserFactory(roles=[Role.WORKSHOP]))

    assert client.get(reverse("counting:list")).status_code == 403
