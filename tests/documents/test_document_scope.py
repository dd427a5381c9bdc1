"""The staff download serves a clerk the documents of the clerk's own warehouses only.

Another warehouse's document answers 404 like an unknown number (its existence is not revealed);
managers, purchasers and planners download every warehouse's.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from documents.documents import BUILDERS
from documents.scope import WAREHOUSES_OF
from documents.selectors import rma_number
from inventory import services as stock
from inventory.demand import services as demand
from suppliers import services

from ..factories import WarehouseFactory

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def sale(warehouse, clerk, chinese_part, manager):
    stock.stock_receive(
        part=chinese_part, warehouse=warehouse, quantity=Decimal(5), unit_cost=Decimal("3.00"), user=manager
    )
    return demand.counter_sale_post(warehouse=warehouse, lines=[(chinese_part, Decimal(1))], user=clerk)


@pytest.fixture
def reject(sent_order, clerk, purchaser):
    line = sent_order.lines.get()
    receipt = services.goods_receipt_post(order=sent_order, lines=[(line, 2, None, True)], user=clerk)
    return services.goods_receipt_line_reject(line=receipt.lines.get(), user=purchaser, reason="Wrong thread")


@pytest.fixture
def supplier_return(sent_order, warehouse, chinese_part, clerk, manager):
    stock.stock_receive(
        part=chinese_part, warehouse=warehouse, quantity=Decimal(5), unit_cost=Decimal("3.00"), user=manager
    )
    return services.supplier_return_post(
        supplier=sent_order.supplier,
        warehouse=warehouse,
        lines=[(chinese_part, Decimal(2))],
        reason="wrong_delivery",
        rma_number="RMA-5",
        user=clerk,
    )


def _number(kind, request):
    """The printed number of one document of ``kind`` in the fixture ``warehouse``."""
    if kind == "picklist-day":
        workshop_request = request.getfixturevalue("workshop_request")
        day = timezone.localtime(workshop_request.created_at).date().isoformat()
        return "picklist", f"{request.getfixturevalue('warehouse').code}:{day}"
    fixture, attribute = {
        "po": ("sent_order", "number"),
        "picklist": ("workshop_request", "number"),
        "receipt": ("receipt", "number"),
        "transfer": ("transfer", "number"),
        "count": ("count_list", "pk"),
        "return": ("reject", None),
        "supplier-return": ("supplier_return", "number"),
        "sale": ("sale", "number"),
        "issue": ("workshop_request", "number"),
    }[kind]
    document = request.getfixturevalue(fixture)
    return kind, rma_number(document) if attribute is None else str(getattr(document, attribute))


KINDS = ["po", "picklist", "picklist-day", "receipt", "transfer", "count", "return", "supplier-return", "sale", "issue"]


def test_every_document_kind_has_its_warehouses():
    assert set(WAREHOUSES_OF) == set(BUILDERS)


@pytest.mark.parametrize("kind", KINDS)
def test_a_clerk_downloads_own_warehouse_documents_and_another_warehouse_clerk_gets_404(
    client, request, kind, clerk, make_user
):
    kind, number = _number(kind, request)
    url = reverse("documents:document", args=[kind, number])
    outsider = make_user(Role.CLERK, warehouses=[WarehouseFactory()])

    client.force_login(clerk)
    own = client.get(url)
    client.force_login(outsider)
    other = client.get(url)

    assert (own.status_code, own["Content-Type"]) == (200, "application/pdf")
    assert other.status_code == 404
    assert b"%PDF" not in other.content


@pytest.mark.parametrize("role", [Role.MANAGER, Role.PURCHASER, Role.PLANNER])
@pytest.mark.parametrize("kind", ["po", "receipt", "count", "sale"])
def test_the_networks_roles_download_every_warehouses_documents(client, request, kind, role, make_user):
    kind, number = _number(kind, request)

    client.force_login(make_user(role))
    response = client.get(reverse("documents:document", args=[kind, number]))

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")


def test_a_transfer_note_is_both_ends(client, transfer, make_user):
    url = reverse("documents:document", args=["transfer", transfer.number])

    client.force_login(make_user(Role.CLERK, warehouses=[transfer.to_warehouse]))

    assert client.get(url).status_code == 200


def test_a_clerk_without_a_warehouse_downloads_nothing(client, sent_order, make_user):
    client.force_login(make_user(Role.CLERK))

    assert client.get(reverse("documents:document", args=["po", sent_order.number])).status_code == 404


def test_a_days_pick_list_of_another_or_unknown_warehouse_is_not_found(client, clerk):
    client.force_login(clerk)
    other = WarehouseFactory()

    for code in (other.code, "NOPE"):
        assert client.get(reverse("documents:document", args=["picklist", f"{code}:2026-05-04"])).status_code == 404


def test_receipt_labels_of_another_warehouse_are_not_found(client, receipt, clerk, make_user):
    url = reverse("documents:receipt-labels", args=[receipt.number])
    query = {"per": "line", "layout": "a4"}

    client.force_login(clerk)
    own = client.get(url, query)
    client.force_login(make_user(Role.CLERK, warehouses=[WarehouseFactory()]))
    other = client.get(url, query)

    assert (own.status_code, other.status_code) == (200, 404)
