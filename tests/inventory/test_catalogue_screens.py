"""The catalogue in the app: find parts as you type, and planners create and change them with history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.roles import Role
from inventory.models import Part

from ..factories import PartFactory

pytestmark = pytest.mark.django_db

FORM = {
    "number": "CT-100",
    "description": "Oil filter",
    "unit": "PCS",
    "category": "filters",
    "list_price": "12.50",
    "is_critical": "on",
    "is_active": "on",
    "superseded_by": "",
}


@pytest.fixture
def planner(client, make_user):
    user = make_user(Role.PLANNER)
    client.force_login(user)
    return user


def test_the_list_searches_filters_sorts_pages_and_exports(client, make_user, django_assert_max_num_queries):
    PartFactory(number="CT-1", description="Brake disc", category="brakes")
    PartFactory(number="CT-2", description="Brake pad", category="brakes", is_critical=True)
    PartFactory(number="XY-3", description="Wiper", category="body")
    client.force_login(make_user(Role.WORKSHOP))

    with django_assert_max_num_queries(10):
        found = client.get(reverse("inventory:parts"), {"q": "brake", "sort": "-number"})
    critical = client.get(reverse("inventory:parts"), {"category": "brakes", "critical": "yes"})
    export = client.get(reverse("inventory:parts"), {"q": "ct", "format": "csv"})

    text = found.content.decode()
    assert text.index("CT-2") < text.index("CT-1")
    assert "XY-3" not in text
    assert "New part" not in text  # the workshop reads the catalogue, it does not edit it
    assert "CT-1" not in critical.content.decode().split('id="part-table"')[1]
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[0].startswith("number,description,unit")
    assert len(rows) == 3


def test_a_planner_creates_a_part_and_a_bad_one_is_refused_on_the_form(client, planner):
    created = client.post(reverse("inventory:part-new"), FORM)
    clash = client.post(reverse("inventory:part-new"), FORM | {"number": "ct 100"})
    no_digits = client.post(reverse("inventory:part-new"), FORM | {"number": "--"})

    part = Part.objects.get()
    assert created["Location"] == reverse("inventory:part-detail", args=[part.pk])
    assert (part.description, part.list_price, part.is_critical) == ("Oil filter", Decimal("12.50"), True)
    assert clash.status_code == 400
    assert "already exists" in clash.content.decode()
    assert no_digits.status_code == 400
    assert Part.objects.count() == 1


def test_a_planner_changes_a_part_supersedes_it_and_the_change_is_kept_with_who(client, planner):
    old, new = PartFactory(number="OLD-1"), PartFactory(number="NEW-1")
    url = reverse("inventory:part-detail", args=[old.pk])

    saved = client.post(url, FORM | {"number": "OLD-1", "description": "Renamed", "superseded_by": "new 1"})
    loop = client.post(
        reverse("inventory:part-detail", args=[new.pk]), FORM | {"number": "NEW-1", "superseded_by": "OLD-1"}
    )
    page = client.get(url)

    old.refresh_from_db()
    assert saved.status_code == 302
    assert (old.description, old.superseded_by) == ("Renamed", new)
    assert loop.status_code == 400
    assert "cannot loop" in loop.content.decode()
    text = page.content.decode()
    assert planner.username in text.split('id="part-changes"')[1]
    assert "description" in text.split('id="part-changes"')[1]


def test_only_planners_and_managers_change_parts(client, make_user):
    part = PartFactory(number="RO-1")
    client.force_login(make_user(Role.CLERK))

    page = client.get(reverse("inventory:part-detail", args=[part.pk]))
    refused = client.post(reverse("inventory:part-detail", args=[part.pk]), FORM | {"number": "RO-1"})

    assert page.status_code == 200
    assert 'id="part-form"' not in page.content.decode()
    assert refused.status_code == 302
    part.refresh_from_db()
    assert part.description != "Oil filter"
    assert client.get(reverse("inventory:part-new")).status_code == 403
