"""Return-to-supplier screens: post from the form, refuse bad input, the page, its PDF, the list's queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from inventory import services as stock
from inventory.models import MovementKind, StockMovement
from suppliers.models import SupplierReturn, SupplierReturnReason

from ..factories import PartFactory
from .factories import SupplierFactory

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def shelf(warehouse, manager):
    part = PartFactory(number="SR-1")
    stock.stock_receive(part=part, warehouse=warehouse, quantity=Decimal(5), unit_cost=Decimal("3.00"), user=manager)
    return part


def _form(supplier, warehouse, **extra):
    return {
        "supplier": supplier.pk,
        "warehouse": warehouse.pk,
        "reason": SupplierReturnReason.WRONG_DELIVERY,
        "rma_number": "RMA-5",
        "expected_credit": "",
        "note": "",
        "key": "k1",
        "part-0": "sr 1",
        "qty-0": "2",
    } | extra


def test_the_clerk_posts_a_return_from_the_form_once(client, clerk, shelf, warehouse):
    client.force_login(clerk)
    supplier = SupplierFactory()

    response = client.post(reverse("suppliers:return-new"), _form(supplier, warehouse))
    again = client.post(reverse("suppliers:return-new"), _form(supplier, warehouse))

    document = SupplierReturn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:return-detail", args=[document.pk])
    assert again["Location"] == response["Location"]
    assert document.expected_credit == Decimal("6.00")
    assert StockMovement.objects.filter(kind=MovementKind.RETURN_TO_SUPPLIER).count() == 1
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "RMA-5" in page.content.decode()
    pdf = client.get(reverse("documents:document", args=["supplier-return", document.number]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_bad_input_answers_400_with_the_field_and_posts_nothing(client, clerk, shelf, warehouse):
    client.force_login(clerk)
    supplier = SupplierFactory()

    unknown = client.post(reverse("suppliers:return-new"), _form(supplier, warehouse, **{"part-0": "NOPE"}))
    too_many = client.post(reverse("suppliers:return-new"), _form(supplier, warehouse, **{"qty-0": "9", "key": "k2"}))

    assert unknown.status_code == 400
    assert "No part NOPE" in unknown.content.decode()
    assert too_many.status_code == 400
    assert "Only 5 of SR-1" in too_many.content.decode()
    assert not SupplierReturn.objects.exists()
    assert not StockMovement.objects.filter(kind=MovementKind.RETURN_TO_SUPPLIER).exists()


def test_the_workshop_may_not_open_the_return_screens(client, make_user, warehouse):
    from core.roles import Role

    client.force_login(make_user(Role.WORKSHOP, warehouses=[warehouse]))
    assert client.get(reverse("suppliers:return-new")).status_code == 403
    assert client.get(reverse("suppliers:returns")).status_code == 403


def test_the_list_has_a_query_bound(client, clerk, shelf, warehouse, django_assert_max_num_queries):
    from suppliers import services

    for index in range(5):
        services.supplier_return_post(
            supplier=SupplierFactory(), warehouse=warehouse, lines=[(shelf, Decimal(1))],
            reason=SupplierReturnReason.OVERSTOCK, rma_number=f"R{index}", user=clerk,
        )  # fmt: skip
    client.force_login(clerk)
    # session, user, roles, page count, the page of returns with their supplier and warehouse, the menu
    with django_assert_max_num_queries(9):
        response = client.get(reverse("suppliers:returns"))
    assert response.content.decode().count("SR-0") == 5
