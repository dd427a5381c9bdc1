"""Who sells what, in the app: purchasing adds and changes supplier parts; one preferred supplier per part."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.roles import Role
from suppliers.models import SupplierPart

from ..factories import PartFactory
from .factories import SupplierFactory, SupplierPartFactory

pytestmark = pytest.mark.django_db


def _form(supplier, **changes):
    return {
        "supplier": supplier.pk,
        "part_number": "SP-1",
        "supplier_part_number": "X-77",
        "price": "8.40",
        "lead_time_days": "5",
        "min_order_qty": "10",
        "pack_size": "10",
        "is_preferred": "on",
    } | changes


def test_purchasing_adds_a_preferred_supplier_and_the_other_stops_being_preferred(client, make_user):
    part = PartFactory(number="SP-1")
    old = SupplierPartFactory(part=part, supplier=SupplierFactory(code="OLD"), is_preferred=True)
    new_supplier = SupplierFactory(code="NEW")
    client.force_login(make_user(Role.PURCHASER))

    created = client.post(reverse("suppliers:supplier-part-new"), _form(new_supplier))
    again = client.post(reverse("suppliers:supplier-part-new"), _form(new_supplier))
    listed = client.get(reverse("suppliers:supplier-parts"), {"part": "sp 1"})

    row = SupplierPart.objects.get(supplier=new_supplier)
    assert created.status_code == 302
    assert (row.price, row.pack_size, row.is_preferred) == (Decimal("8.4"), Decimal(10), True)
    old.refresh_from_db()
    assert old.is_preferred is False
    assert again.status_code == 400
    assert "already sells SP-1" in again.content.decode()
    text = listed.content.decode()
    assert "NEW" in text
    assert "OLD" in text


def test_a_change_is_kept_in_the_history_and_bad_input_changes_nothing(client, make_user):
    row = SupplierPartFactory(part=PartFactory(number="SP-1"), supplier=SupplierFactory(code="S1"), price=Decimal(5))
    user = make_user(Role.PLANNER)
    client.force_login(user)
    url = reverse("suppliers:supplier-part-edit", args=[row.pk])

    changed = client.post(url, _form(row.supplier, price="6.00"))
    refused = client.post(url, _form(row.supplier, pack_size="0"))
    page = client.get(url)

    row.refresh_from_db()
    assert changed.status_code == 302
    assert refused.status_code == 400
    assert (row.price, row.pack_size) == (Decimal(6), Decimal(10))
    assert user.username in page.content.decode()


def test_the_export_has_the_import_columns_and_clerks_only_read(client, make_user):
    SupplierPartFactory(part=PartFactory(number="SP-1"), supplier=SupplierFactory(code="S1"))
    client.force_login(make_user(Role.CLERK))

    export = client.get(reverse("suppliers:supplier-parts"), {"format": "csv"})

    header = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header == (
        "supplier,part_number,supplier_part_number,price,lead_time_days,min_order_qty,pack_size,is_preferred,"
        "purchase_unit,purchase_factor"
    )
    assert client.get(reverse("suppliers:supplier-part-new")).status_code == 403


def test_a_supplier_part_in_boxes_is_saved_and_listed_and_a_bad_factor_is_a_form_error(client, make_user):
    part = PartFactory(number="SP-1")
    supplier = SupplierFactory(code="BOX")
    client.force_login(make_user(Role.PURCHASER))
    url = reverse("suppliers:supplier-part-new")

    zero = client.post(url, _form(supplier, purchase_unit="box", purchase_factor="0"))
    fraction = client.post(url, _form(supplier, purchase_unit="box", purchase_factor="2.5"))
    assert (zero.status_code, fraction.status_code) == (400, 400)
    assert "a purchase unit holds a whole number of them" in fraction.content.decode()
    assert not SupplierPart.objects.exists()

    created = client.post(url, _form(supplier, purchase_unit="box", purchase_factor="10", price="12.50"))
    listed = client.get(reverse("suppliers:supplier-parts"), {"part": "SP-1"})
    exported = client.get(reverse("suppliers:supplier-parts"), {"part": "SP-1", "format": "csv"})

    assert created.status_code == 302
    row = SupplierPart.objects.get(part=part)
    assert (row.purchase_unit, row.purchase_factor, row.price) == ("box", Decimal(10), Decimal("12.5"))
    assert "box = 10 PCS" in listed.content.decode()
    head, first = b"".join(exported.streaming_content).decode("utf-8-sig").splitlines()[:2]
    assert head.endswith("purchase_unit,purchase_factor")
    assert first.endswith("box,10.000")
