"""The shell every screen shares: the grouped menu, shortcuts, and no sideways scroll on a tablet or phone."""

from __future__ import annotations

import pytest

from core.roles import Role
from tests.factories import UserFactory, WarehouseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_the_managers_menu_fits_one_line_and_opens_a_group(sized_page, login, axe, size):
    page = sized_page(size)
    login(page, UserFactory(roles=[Role.MANAGER]))

    page.goto("/suppliers/orders/")

    header = page.locator("header.topbar").bounding_box()
    assert header["height"] < 70  # one line: brand, the groups and the user's links
    assert _page_width(page) <= page.viewport_size["width"]
    page.locator(".mainnav summary", has_text="Stock").click()
    assert page.get_by_role("link", name="Stock lookup").is_visible()
    page.keyboard.press("Escape")
    assert not page.get_by_role("link", name="Stock lookup").is_visible()
    axe(page)


def test_on_a_phone_the_menu_collapses_behind_a_button(sized_page, login):
    page = sized_page("phone")
    warehouse = WarehouseFactory()
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=warehouse)
    login(page, clerk)

    page.goto("/inventory/lookup/")

    assert not page.get_by_role("link", name="Movements").is_visible()
    page.locator(".menu-toggle > summary").click()
    page.locator(".mainnav summary", has_text="Stock").click()
    assert page.get_by_role("link", name="Movements").is_visible()
    assert _page_width(page) <= 390


def test_slash_goes_to_the_search_and_question_mark_shows_the_shortcuts(page, login):
    warehouse = WarehouseFactory()
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=warehouse)
    login(page, clerk)
    page.goto("/inventory/lookup/")
    page.evaluate("document.activeElement && document.activeElement.blur()")

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.tagName") == "INPUT"

    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("?")
    assert page.locator("dialog#shortcuts").is_visible()
