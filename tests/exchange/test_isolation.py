"""A partner dealer sees the offers and its own requests, nothing internal and nothing of another partner."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from core.roles import Role
from exchange import services
from inventory.services import stock_receive
from tests.factories import PartFactory, WarehouseFactory
from tests.test_access_matrix import ROUTES, SUPPLIER_ALLOWED

from .factories import PartnerDealerFactory, partner_user

pytestmark = pytest.mark.usefixtures("postgres")
PARTNER_ALLOWED_PREFIXES = ("exchange:portal", "exchange:note", "exchange-offers", "exchange-request")
PARTNER_ALLOWED = SUPPLIER_ALLOWED


@pytest.fixture
def market(make_user):
    warehouse = WarehouseFactory(code="CEN")
    part = PartFactory(number="DEAD-1")
    manager = make_user(Role.MANAGER)
    stock_receive(part=part, warehouse=warehouse, quantity=Decimal(5), unit_cost=Decimal("12.3456"), user=manager)
    offer = services.offer_create(part=part, warehouse=warehouse, quantity=Decimal(5), price_rule="percent_of_cost",
                                  rule_value=Decimal(70), user=make_user(Role.PLANNER))  # fmt: skip
    mine, theirs = PartnerDealerFactory(), PartnerDealerFactory()
    me, them = partner_user(mine), partner_user(theirs)
    their_request = services.request_create(dealer=theirs, lines=[(offer.pk, 1)], user=them, reference="THEIRS-9")
    return {"offer": offer, "me": me, "them": them, "their_request": their_request, "manager": manager}


@pytest.mark.parametrize(
    ("name", "url"),
    [r for r in ROUTES if r[0] not in PARTNER_ALLOWED and not r[0].startswith(PARTNER_ALLOWED_PREFIXES)],
)
def test_a_partner_reaches_no_internal_route(db, name, url):
    from tests.factories import UserFactory

    client = APIClient()
    client.force_login(UserFactory(roles=[Role.PARTNER]))
    for response in (client.get(url), client.post(url, {}, format="json")):
        assert response.status_code in {401, 403, 404, 405}, f"{url} ({name}) answered {response.status_code}"


def test_the_partner_reads_prices_and_quantities_but_never_a_cost(client, market):
    client.force_login(market["me"])

    page = client.get("/exchange/").content.decode()
    api = APIClient()
    api.force_login(market["me"])
    offers = api.get("/api/v1/exchange/offers/").json()

    assert "8.64" in page  # 70 % of 12.3456
    assert "12.3456" not in page
    assert "12.35" not in page
    [offer] = offers["results"]
    assert set(offer) == {"id", "part_number", "description", "warehouse", "quantity", "unit_price", "valid_until"}
    assert offer["quantity"] == "4.000"  # one is promised to the other partner
    assert "12.34" not in json.dumps(offers)


def test_another_partners_request_is_not_found_anywhere(client, market):
    theirs = market["their_request"]
    client.force_login(market["me"])
    api = APIClient()
    api.force_login(market["me"])

    assert client.get(f"/exchange/requests/{theirs.pk}/").status_code == 404
    assert api.get(f"/api/v1/exchange/requests/{theirs.pk}/").status_code == 404
    assert api.get("/api/v1/exchange/requests/").json()["results"] == []
    assert "THEIRS-9" not in client.get("/exchange/").content.decode()
    services.request_ship(request=theirs, user=market["manager"])
    assert client.get(f"/exchange/notes/{theirs.pk}.pdf").status_code == 404
    client.force_login(market["them"])
    note = client.get(f"/exchange/notes/{theirs.pk}.pdf")
    assert (note.status_code, note["Content-Type"]) == (200, "application/pdf")


def test_the_api_makes_a_request_once_per_idempotency_key_and_refuses_bad_input(market):
    api = APIClient()
    api.force_login(market["me"])
    body = {"lines": [{"offer": market["offer"].pk, "quantity": "2"}], "reference": "MINE-1"}

    first = api.post("/api/v1/exchange/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    again = api.post("/api/v1/exchange/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    too_many = api.post("/api/v1/exchange/requests/", {"lines": [{"offer": market["offer"].pk, "quantity": "9"}]},
                        format="json")  # fmt: skip
    empty = api.post("/api/v1/exchange/requests/", {"lines": []}, format="json")

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["lines"][0]["unit_price"] == "8.64"
    assert too_many.status_code == 400
    assert "still offered" in json.dumps(too_many.json())
    assert empty.status_code == 400
    assert "lines" in json.dumps(empty.json())


def test_a_partner_cannot_ship_or_offer(market):
    api = APIClient()
    api.force_login(market["me"])

    assert api.post(f"/api/v1/exchange/requests/{market['their_request'].pk}/ship/").status_code == 403
    offer = {"part": "DEAD-1", "warehouse": "CEN", "quantity": "1", "price_rule": "fixed", "rule_value": "1"}
    assert api.post("/api/v1/exchange/offers/", offer, format="json").status_code == 403


def test_the_start_page_sends_a_partner_to_the_exchange(client, market):
    client.force_login(market["me"])

    assert client.get("/")["Location"] == "/exchange/"
