"""A partner dealer asks for offered parts on a phone; a clerk ships them from the keyboard."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from exchange import services
from exchange.models import ExchangeRequest, RequestState
from inventory.models import StockLevel
from inventory.services import stock_receive
from tests.exchange.factories import PartnerDealerFactory, partner_user
from tests.factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_partner_asks_for_offered_parts_and_the_clerk_ships_them(sized_page, login, axe):
    warehouse = WarehouseFactory(code="CEN")
    part = PartFactory(number="OLD-BUMPER")
    manager = UserFactory(roles=[Role.MANAGER])
    stock_receive(part=part, warehouse=warehouse, quantity=Decimal(6), unit_cost=Decimal(50), user=manager)
    services.offer_create(part=part, warehouse=warehouse, quantity=Decimal(4), price_rule="percent_of_cost",
                          rule_value=Decimal(40), user=UserFactory(roles=[Role.PLANNER]))  # fmt: skip
    partner = partner_user(PartnerDealerFactory(name="Hsinchu Motors"))
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=warehouse)

    phone = sized_page("phone")
    login(phone, partner)
    phone.goto("/exchange/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("Quantity of OLD-BUMPER").fill("3")
    phone.keyboard.press("Control+Enter")
    phone.get_by_text("sent: the group confirms").wait_for()
    axe(phone)
    exchange_request = ExchangeRequest.objects.get()

    tablet = sized_page("tablet")
    login(tablet, clerk)
    tablet.goto(f"/exchange/manage/requests/{exchange_request.pk}/")
    tablet.get_by_role("button", name="Ship and post the sale").focus()
    tablet.keyboard.press("Enter")
    tablet.get_by_text("shipped: print the delivery note").wait_for()
    assert tablet.evaluate("document.documentElement.scrollWidth") <= 1024

    exchange_request.refresh_from_db()
    assert exchange_request.state == RequestState.SHIPPED
    assert StockLevel.objects.get(part=part, warehouse=warehouse).on_hand == Decimal(3)
    phone.goto(f"/exchange/requests/{exchange_request.pk}/")
    assert phone.get_by_role("link", name="Delivery note (PDF)").is_visible()
