"""A manager adds a webhook subscription from the keyboard, sees its secret, and the page fits a tablet."""

from __future__ import annotations

import pytest

from core.roles import Role
from tests.factories import UserFactory
from webhooks.models import WebhookSubscription

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_adds_a_subscription_with_ctrl_enter(sized_page, login, axe):
    page = sized_page("tablet")
    login(page, UserFactory(roles=[Role.MANAGER]))
    page.goto("/webhooks/")
    axe(page)

    page.get_by_label("Name").fill("Dealer ERP")
    page.get_by_label("Target URL").fill("http://127.0.0.1:9/hooks")
    page.get_by_label("Stock changed").check()
    page.get_by_label("Name").focus()
    page.keyboard.press("Control+Enter")

    page.wait_for_url("**/webhooks/*/")
    subscription = WebhookSubscription.objects.get()
    assert (subscription.name, subscription.kinds) == ("Dealer ERP", ["stock.changed"])
    assert page.locator("[data-secret]").inner_text() == subscription.secret
    assert len(subscription.secret) == 64
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    page.reload()  # the "added" message is gone: the layout's message list is checked elsewhere
    axe(page)


def test_a_bad_target_is_shown_on_its_field_and_nothing_is_saved(page, login):
    login(page, UserFactory(roles=[Role.MANAGER]))
    page.goto("/webhooks/")

    page.get_by_label("Name").fill("Broken")
    page.get_by_label("Target URL").fill("ftp://partner.example/")
    page.get_by_label("Shipment announced").check()
    page.get_by_role("button", name="Add subscription").click()

    assert page.get_by_text("Give a full URL, such as https://partner.example/hooks/parts.").is_visible()
    assert WebhookSubscription.objects.count() == 0
