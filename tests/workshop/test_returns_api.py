"""Return endpoints: 201 with the return, retries post once, bad input 400, other stores 403, in the schema."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from django.urls import reverse

from core.roles import Role
from inventory.demand import services as demand_services
from inventory.models import CustomerReturn, MovementKind, StockMovement, WorkshopReturn
from suppliers.models import SupplierReturn

from ..suppliers.factories import SupplierFactory

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def clerk_st1(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


@pytest.fixture
def picked(store, part, repair_order, workshop_user, clerk_st1, receive):
    receive(part, store, 3, "10.00")
    request = demand_services.workshop_request_submit(
        repair_order=repair_order, warehouse=store, lines=[(part, Decimal(2))], user=workshop_user
    )
    demand_services.workshop_request_pick(request=request, user=clerk_st1)
    return request.lines.get()


def test_a_workshop_return_posts_once_per_key(api_as, clerk_st1, picked):
    client = api_as(clerk_st1)
    body = {"line": picked.pk, "quantity": "2", "reason": "misdiagnosis"}

    first = client.post(reverse("api-workshop-return"), body, format="json", HTTP_IDEMPOTENCY_KEY="w-1")
    again = client.post(reverse("api-workshop-return"), body, format="json", HTTP_IDEMPOTENCY_KEY="w-1")

    assert first.status_code == 201
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["value"] == "20.0000"
    assert first.json()["hit_withdrawn"] is True
    assert WorkshopReturn.objects.count() == 1
    assert StockMovement.objects.filter(kind=MovementKind.WORKSHOP_RETURN).count() == 1


def test_bad_input_is_400_with_fields_and_posts_nothing(api_as, clerk_st1, picked):
    client = api_as(clerk_st1)

    response = client.post(
        reverse("api-workshop-return"), {"line": picked.pk, "quantity": "-1", "reason": "bored"}, format="json"
    )
    too_many = client.post(
        reverse("api-workshop-return"), {"line": picked.pk, "quantity": "5", "reason": "not_needed"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"quantity", "reason"}
    assert too_many.status_code == 400
    assert too_many.json()["quantity"] == [too_many.json()["detail"]]
    assert not WorkshopReturn.objects.exists()


def test_another_stores_clerk_is_refused(api_as, make_user, network, picked):
    other = make_user(Role.CLERK, warehouses=[network["ST2"]])
    response = api_as(other).post(
        reverse("api-workshop-return"), {"line": picked.pk, "quantity": "1", "reason": "not_needed"}, format="json"
    )
    assert response.status_code == 403
    assert not WorkshopReturn.objects.exists()


def test_a_customer_return_answers_the_refund(api_as, clerk_st1, store, part, receive):
    receive(part, store, 2, "10.00")
    sale = demand_services.counter_sale_post(warehouse=store, lines=[(part, Decimal(2))], user=clerk_st1)
    body = {"line": sale.lines.get().pk, "quantity": "1", "condition": "resaleable"}

    response = api_as(clerk_st1).post(reverse("api-customer-return"), body, format="json", HTTP_IDEMPOTENCY_KEY="c1")

    assert response.status_code == 201
    assert (response.json()["refund"], response.json()["value"]) == ("25.00", "10.0000")
    assert CustomerReturn.objects.count() == 1


def test_a_supplier_return_by_api_posts_once(api_as, clerk_st1, store, part, receive):
    receive(part, store, 4, "10.00")
    supplier = SupplierFactory(code="S9")
    body = {
        "supplier": supplier.pk,
        "warehouse": store.pk,
        "reason": "overstock",
        "rma_number": "RMA-1",
        "lines": [{"part": part.number, "quantity": "3"}],
    }
    client = api_as(clerk_st1)

    first = client.post(reverse("api-supplier-return-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="s1")
    again = client.post(reverse("api-supplier-return-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="s1")
    listed = client.get(reverse("api-supplier-return-list"))

    assert first.status_code == 201
    assert first.json()["expected_credit"] == "30.00"
    assert again.json()["id"] == first.json()["id"]
    assert SupplierReturn.objects.count() == 1
    assert listed.status_code == 200
    assert [row["number"] for row in listed.json()["results"]] == [first.json()["number"]]


def test_the_return_endpoints_are_in_the_schema(client):
    schema = yaml.safe_load(client.get(reverse("api-schema")).content)
    paths = schema["paths"]
    for path in ("/api/v1/workshop-returns/", "/api/v1/customer-returns/", "/api/v1/supplier-returns/"):
        names = [parameter["name"] for parameter in paths[path]["post"].get("parameters", [])]
        assert "Idempotency-Key" in names, path
