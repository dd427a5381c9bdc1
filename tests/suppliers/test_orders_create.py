from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from core.roles import Role
from inventory.exceptions import InvalidQuantity
from suppliers import selectors, services
from suppliers.exceptions import NotPermitted, PurchasingError
from suppliers.models import OrderState, PurchaseOrder
from suppliers.quantities import check_order_quantity
from suppliers.services.orders import order_quantity_note

from ..factories import PartFactory
from .factories import SupplierFactory, SupplierPartFactory

pytestmark = pytest.mark.usefixtures("postgres")


def test_create_takes_supplier_price_and_numbers_by_year(make_user, warehouse):
    # given a supplier part with a price
    purchaser = make_user(Role.PURCHASER)
    sp = SupplierPartFactory(price=Decimal("12.5000"))
    other = PartFactory()

    # when two drafts are created, the second back-dated into another year
    first = services.purchase_order_create(
        supplier=sp.supplier,
        warehouse=warehouse,
        order_type="stock",
        lines=[(sp.part, Decimal(4), None), (other, Decimal(2), Decimal("3.25"))],
        user=purchaser,
    )
    old = services.purchase_order_create(
        supplier=sp.supplier,
        warehouse=warehouse,
        order_type="emergency",
        lines=[(sp.part, Decimal(1), None)],
        user=purchaser,
        created_at=datetime(2024, 3, 1, 10, tzinfo=UTC),
    )

    # then the first is a draft with the supplier's price and the other line's own price
    year = first.created_at.astimezone().year
    assert first.number == f"PO-{year}-000001"
    assert old.number == "PO-2024-000001"
    assert old.created_at == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert first.state == OrderState.DRAFT
    lines = list(first.lines.order_by("line_no").values_list("line_no", "part_id", "quantity", "price"))
    assert lines == [
        (1, sp.part.pk, Decimal("4.000"), Decimal("12.5000")),
        (2, other.pk, Decimal("2.000"), Decimal("3.2500")),
    ]
    assert first.lines.get(line_no=1).supplier_part_number == sp.supplier_part_number


def test_create_merges_the_same_part_into_one_line(make_user, warehouse):
    purchaser = make_user(Role.PURCHASER)
    sp = SupplierPartFactory()
    order = services.purchase_order_create(
        supplier=sp.supplier,
        warehouse=warehouse,
        order_type="stock",
        lines=[(sp.part, Decimal(4), None), (sp.part, Decimal(3), None)],
        user=purchaser,
    )
    assert list(order.lines.values_list("quantity", flat=True)) == [Decimal("7.000")]


def test_create_without_price_and_without_supplier_part_is_refused(make_user, warehouse):
    purchaser = make_user(Role.PURCHASER)
    supplier = SupplierFactory(code="ACME")
    part = PartFactory(number="X-1")
    with pytest.raises(PurchasingError, match="ACME has no price for X-1"):
        services.purchase_order_create(
            supplier=supplier, warehouse=warehouse, order_type="stock", lines=[(part, Decimal(1), None)], user=purchaser
        )
    assert PurchaseOrder.objects.count() == 0


def test_create_refuses_bad_quantity_and_roles(make_user, warehouse):
    sp = SupplierPartFactory()
    purchaser = make_user(Role.PURCHASER)
    clerk = make_user(Role.CLERK)
    with pytest.raises(InvalidQuantity):
        services.purchase_order_create(
            supplier=sp.supplier,
            warehouse=warehouse,
            order_type="stock",
            lines=[(sp.part, Decimal("1.5"), None)],
            user=purchaser,
        )
    with pytest.raises(NotPermitted, match="may not create stock orders"):
        services.purchase_order_create(
            supplier=sp.supplier, warehouse=warehouse, order_type="stock", lines=[(sp.part, 1, None)], user=clerk
        )
    assert PurchaseOrder.objects.count() == 0
    # a clerk may raise an emergency order (backorders on the floor)
    order = services.purchase_order_create(
        supplier=sp.supplier, warehouse=warehouse, order_type="emergency", lines=[(sp.part, 1, None)], user=clerk
    )
    assert order.order_type == "emergency"


@pytest.mark.parametrize(
    ("rule", "expected_qty", "warning"),
    [
        (
            "warn",
            Decimal("7.000"),
            "Quantity 7 is below the minimum order quantity of 10 and not a multiple of the pack size 4.",
        ),
        (
            "round",
            Decimal("12.000"),
            "Rounded from 7 to 12 (below the minimum order quantity of 10 and not a multiple of the pack size 4).",
        ),
    ],
)
def test_moq_and_pack_size_warn_or_round(settings, make_user, warehouse, rule, expected_qty, warning):
    settings.PURCHASE_QUANTITY_RULE = rule
    sp = SupplierPartFactory(min_order_qty=Decimal(10), pack_size=Decimal(4))
    order = services.purchase_order_create(
        supplier=sp.supplier,
        warehouse=warehouse,
        order_type="stock",
        lines=[(sp.part, 7, None)],
        user=make_user(Role.PURCHASER),
    )
    line = order.lines.get()
    assert (line.quantity, line.warning) == (expected_qty, warning)


def test_preferred_supplier_part_wins_then_cheapest(db):
    part = PartFactory()
    assert selectors.supplier_part_preferred(part) is None
    cheap = SupplierPartFactory(part=part, price=Decimal(5))
    SupplierPartFactory(part=part, price=Decimal(9))
    assert selectors.supplier_part_preferred(part) == cheap
    preferred = SupplierPartFactory(part=part, price=Decimal(20), is_preferred=True)
    assert selectors.supplier_part_preferred(part) == preferred
    preferred.supplier.is_active = False
    preferred.supplier.save()
    assert selectors.supplier_part_preferred(part) == cheap


def test_the_note_on_a_fraction_of_a_whole_purchase_unit_is_worded_in_the_readers_language():
    check = check_order_quantity(Decimal("1.5"), min_order_qty=None, pack_size=None, whole=True)

    with translation.override("en"):
        english = order_quantity_note(check)
    with translation.override("zh-hant"):
        chinese = order_quantity_note(check)

    assert english == "Quantity 1.5 is not a whole purchase unit."
    assert chinese == "數量 1.5 不是整數個採購單位。"
