"""The twelve suppliers, their parts (one preferred per part) and the supplier portal user.

Suppliers and supplier parts are master data (purchasing maintains them in
the admin or by price-list import); they are created directly. Contact
e-mail addresses are filled in only after the history is loaded, so that
back-dated purchase orders and quality holds send no mail.
"""

from __future__ import annotations

from inventory.models import Part
from suppliers.models import Supplier, SupplierPart, SupplierUser

from ..profiles import SUPPLIERS, Catalogue

PAYMENT_TERMS = ("30 days net", "14 days 2 %, 30 days net", "60 days net", "30 days net", "45 days net")


def build_suppliers(catalogue: Catalogue, parts: list[Part], supplier_user) -> dict[str, Supplier]:
    suppliers = {}
    for index, profile in enumerate(SUPPLIERS):
        suppliers[profile.code] = Supplier.objects.create(
            code=profile.code,
            name=profile.name,
            contact_name=f"Order desk {profile.name.split()[0]}",
            phone=f"+49 40 {5550100 + index * 37}",
            payment_terms=PAYMENT_TERMS[index % len(PAYMENT_TERMS)],
        )
    SupplierPart.objects.bulk_create(
        [
            SupplierPart(
                supplier=suppliers[offer.supplier],
                part=parts[profile.index],
                supplier_part_number=offer.supplier_number,
                # the supplier's terms per purchase unit: a box of 10 at ten times the piece price, ordered by the box
                price=offer.price * offer.purchase_factor,
                lead_time_days=offer.lead_time_days,
                min_order_qty=offer.min_order_quantity / offer.purchase_factor,
                pack_size=offer.pack_size / offer.purchase_factor,
                purchase_unit=offer.purchase_unit,
                purchase_factor=offer.purchase_factor,
                is_preferred=offer.preferred,
            )
            for profile in catalogue.parts
            for offer in profile.offers
        ],
        batch_size=1000,
    )
    SupplierUser.objects.get_or_create(user=supplier_user, defaults={"supplier": suppliers["OEM"]})
    return suppliers


def suppliers_publish_contacts(suppliers: dict[str, Supplier]) -> None:
    """Give suppliers their order-desk addresses once the history is in (no mail for the past)."""
    for code, supplier in suppliers.items():
        supplier.email = f"orders@{code.lower()}.example"
        supplier.save(update_fields=["email"])
