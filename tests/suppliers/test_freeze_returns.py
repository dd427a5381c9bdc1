"""Frozen stock returned to its supplier: a return document from quarantine that settles the freeze."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.roles import Role
from inventory import services as stock
from inventory.models import MovementKind, StockLevel
from inventory.selectors import ledger_differences
from suppliers import services
from suppliers.models import SupplierReturn

from ..factories import PartFactory, WarehouseFactory
from .factories import SupplierFactory

pytestmark = pytest.mark.services

D = Decimal


@pytest.fixture
def store(postgres):
    return WarehouseFactory(code="FR1")


@pytest.fixture
def clerk(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


@pytest.fixture
def frozen(store, clerk, make_user):
    part = PartFactory(number="FR-1")
    stock.stock_receive(part=part, warehouse=store, quantity=D(8), unit_cost=D("2.50"), user=make_user(Role.MANAGER))
    [freeze] = stock.stock_freeze(part=part, warehouse=store, quantity=D(5), reason="recall R-1", user=clerk)
    return freeze


def test_the_return_leaves_from_quarantine_on_a_document_and_settles_the_freeze(clerk, store, frozen):
    supplier = SupplierFactory(code="SR1")

    settlement = services.supplier_return_from_freeze(
        freeze=frozen, supplier=supplier, reason="warranty", rma_number="RMA-77", quantity=D(3), user=clerk
    )

    document = SupplierReturn.objects.get()
    assert settlement.document_ref == document.number
    assert (document.rma_number, document.expected_credit, document.supplier) == ("RMA-77", D("7.50"), supplier)
    assert settlement.movement.kind == MovementKind.RETURN_TO_SUPPLIER
    level = StockLevel.objects.get(part=frozen.part, warehouse=store)
    assert (level.on_hand, level.quarantined, level.available) == (D(5), D(2), D(3))
    frozen.refresh_from_db()
    assert frozen.open_quantity == D(2)
    assert ledger_differences() == []


def test_a_refused_return_changes_nothing(clerk, store, frozen):
    with pytest.raises(Exception, match="RMA"):
        services.supplier_return_from_freeze(
            freeze=frozen, supplier=SupplierFactory(), reason="warranty", rma_number=" ", user=clerk
        )

    assert not SupplierReturn.objects.exists()
    frozen.refresh_from_db()
    assert frozen.open_quantity == D(5)
    assert StockLevel.objects.get(part=frozen.part, warehouse=store).quarantined == D(5)


def test_the_return_screen_and_api(client, api_as, clerk, store, frozen):
    supplier = SupplierFactory(code="SR2")
    client.force_login(clerk)
    url = reverse("suppliers:freeze-return", args=[frozen.pk])

    page = client.get(url)
    posted = client.post(
        url,
        {"supplier": supplier.pk, "reason": "warranty", "rma_number": "RMA-1", "quantity": "2", "note": "", "key": "k"},
    )
    by_api = api_as(clerk).post(
        f"/api/v1/stock/freezes/{frozen.pk}/return/",
        {"supplier": supplier.pk, "reason": "warranty", "rma_number": "RMA-2"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="fr-1",
    )
    replay = api_as(clerk).post(
        f"/api/v1/stock/freezes/{frozen.pk}/return/",
        {"supplier": supplier.pk, "reason": "warranty", "rma_number": "RMA-2"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="fr-1",
    )

    assert page.status_code == 200
    assert "RMA" in page.content.decode()
    assert posted.status_code == 302
    assert posted["Location"] == reverse("inventory:freeze-detail", args=[frozen.pk])
    assert by_api.status_code == replay.status_code == 201, by_api.content
    assert by_api.json()["quantity"] == "3.000"
    assert replay.json()["id"] == by_api.json()["id"]
    assert SupplierReturn.objects.count() == 2
    frozen.refresh_from_db()
    assert frozen.closed_at is not None
