"""The grouped menu: each role sees its screens in groups, and exactly one entry is current."""

from __future__ import annotations

import re

import pytest

from core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _current_entries(html: str) -> list[str]:
    nav = html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)" aria-current="page"', nav)


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/suppliers/orders/", "/suppliers/orders/"),
        ("/suppliers/", "/suppliers/"),
        ("/suppliers/ratings/", "/suppliers/ratings/"),
        ("/inventory/lookup/", "/inventory/lookup/"),
    ],
)
def test_exactly_one_entry_is_current(client, path, current):
    client.force_login(UserFactory(roles=[Role.MANAGER]))

    html = client.get(path).content.decode()

    assert _current_entries(html) == [current]


def test_the_start_page_marks_no_entry(client):
    client.force_login(UserFactory(roles=[Role.MANAGER]))

    assert _current_entries(client.get("/").content.decode()) == []


def test_a_managers_menu_is_grouped_and_the_admin_is_for_superusers_only(client):
    client.force_login(UserFactory(roles=[Role.MANAGER]))

    response = client.get("/suppliers/orders/")

    groups = [str(group["label"]) for group in response.context["nav_groups"]]
    assert groups == ["Stock", "Workshop", "Purchasing", "Planning", "Month-end", "Settings"]
    assert "/admin/" not in [item["url"] for item in response.context["nav_items"]]
    assert 'aria-label="Breadcrumb"' in response.content.decode()


def test_a_workshop_user_sees_only_the_workshop_and_stock_groups(client):
    client.force_login(UserFactory(roles=[Role.WORKSHOP]))

    response = client.get("/")

    assert [group["key"] for group in response.context["nav_groups"]] == ["stock", "workshop"]
