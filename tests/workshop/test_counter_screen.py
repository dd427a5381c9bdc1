"""The counter sale on a screen: scan, sell once, see and print exactly what was sold."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.roles import Role
from documents.documents import counter_sale_receipt
from inventory import services
from inventory.demand import services as demand
from inventory.models import CounterSale, DemandHit, MovementKind, StockLevel, StockMovement

from ..factories import PartFactory, WarehouseFactory

pytestmark = pytest.mark.services

D = Decimal


@pytest.fixture
def store(postgres):
    return WarehouseFactory(code="CT1")


@pytest.fixture
def clerk(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


@pytest.fixture
def parts(store, clerk):
    old = PartFactory(number="CS-OLD", list_price=D("12.00"))
    new = PartFactory(number="CS-NEW", list_price=D("15.00"))
    services.part_supersede(part=old, new_part=new)
    filter_ = PartFactory(number="CS-FLT", list_price=D("8.50"))
    services.stock_receive(part=new, warehouse=store, quantity=D(5), unit_cost=D(9), user=clerk)
    services.stock_receive(part=filter_, warehouse=store, quantity=D(1), unit_cost=D(4), user=clerk)
    return old, new, filter_


def _form(store, **lines):
    data = {"warehouse": store.pk, "customer_ref": "TPE-1234", "key": "k1"}
    for index in range(6):
        data |= {f"part-{index}": "", f"qty-{index}": "", f"price-{index}": ""}
    return data | lines


def test_the_clerk_sells_two_lines_once_and_sees_supersession_shortage_and_total(client, clerk, store, parts):
    client.force_login(clerk)
    page = client.get(reverse("inventory:counter"))
    form = _form(store, **{"part-0": "cs old", "qty-0": "2", "part-1": "CS-FLT", "qty-1": "3", "price-1": "8.00"})

    sold = client.post(reverse("inventory:counter"), form)
    again = client.post(reverse("inventory:counter"), form)
    receipt = client.get(sold["Location"])

    assert f'<option value="{store.pk}" selected>' in page.content.decode()
    sale = CounterSale.objects.get()
    assert sold["Location"] == again["Location"] == reverse("inventory:counter-sale", args=[sale.pk])
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == 2
    assert StockLevel.objects.get(part=parts[1], warehouse=store).on_hand == D(3)  # the new part served the old number
    text = receipt.content.decode()
    assert "asked for CS-OLD (superseded)" in text
    assert "38.00" in text  # 2 × 15.00 + 1 × 8.00
    assert "Not in stock, not sold (recorded as lost demand):" in text
    lost = DemandHit.objects.get(part=parts[2])
    assert (lost.quantity_requested, lost.quantity_supplied, lost.quantity_lost) == (D(3), D(1), D(2))


def test_a_refused_sale_is_shown_on_the_form_and_sells_nothing(client, clerk, store, parts):
    client.force_login(clerk)

    unknown = client.post(reverse("inventory:counter"), _form(store, **{"part-0": "NOPE-1", "qty-0": "1"}))
    empty = client.post(reverse("inventory:counter"), _form(store))
    fraction = client.post(reverse("inventory:counter"), _form(store, **{"part-0": "CS-FLT", "qty-0": "0.5"}))

    assert unknown.status_code == empty.status_code == fraction.status_code == 400
    assert "No part NOPE-1" in unknown.content.decode()
    assert "Scan or type at least one part." in empty.content.decode()
    assert not CounterSale.objects.exists()
    assert not StockMovement.objects.filter(kind=MovementKind.ISSUE).exists()


def test_the_receipt_document_reads_back(clerk, store, parts):
    services_sale = demand.counter_sale_post(
        warehouse=store, lines=[(parts[0], D(1))], user=clerk, customer_ref="walk-in", idempotency_key="r1"
    )
    sale = counter_sale_receipt(number=services_sale.number)

    assert sale.number == services_sale.number
    assert sale.rows[0][0] == "CS-NEW"
    assert "for CS-OLD" in sale.rows[0][1]
    assert sale.totals == [("Total", "15.00")]


def test_only_the_counter_sells_and_sees_its_own_warehouse(client, make_user, store, parts, clerk):
    client.force_login(clerk)
    client.post(reverse("inventory:counter"), _form(store, **{"part-0": "CS-FLT", "qty-0": "1"}))
    sale = CounterSale.objects.get()
    other = make_user(Role.CLERK, warehouses=[WarehouseFactory(code="CT2")])

    client.force_login(make_user(Role.WORKSHOP, warehouses=[store]))
    assert client.get(reverse("inventory:counter")).status_code == 403
    client.force_login(other)
    assert client.get(reverse("inventory:counter-sale", args=[sale.pk])).status_code == 404


def test_the_api_honours_the_idempotency_key(api_as, clerk, store, parts):
    api = api_as(clerk)
    body = {"warehouse": store.pk, "customer_ref": "", "lines": [{"part": "CS-FLT", "quantity": "1"}]}

    first = api.post("/api/v1/counter-sales/", body, format="json", HTTP_IDEMPOTENCY_KEY="cs-1")
    again = api.post("/api/v1/counter-sales/", body, format="json", HTTP_IDEMPOTENCY_KEY="cs-1")

    assert first.status_code == again.status_code == 201, first.content
    assert first.json()["id"] == again.json()["id"]
    assert CounterSale.objects.count() == 1
