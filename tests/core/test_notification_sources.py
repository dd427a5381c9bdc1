"""Notifications from the other apps: a VMI proposal waiting, an import finished."""

from __future__ import annotations

from decimal import Decimal

from core.models import Notification
from core.roles import Role
from planning.models import StockingParameter
from planning.services.vmi import vmi_propose
from tests.factories import PartFactory
from tests.suppliers.factories import SupplierFactory, SupplierPartFactory, SupplierUserFactory


def test_a_vmi_proposal_tells_purchasing(make_user, warehouse):
    buyers = [make_user(Role.PURCHASER), make_user(Role.PURCHASER)]
    supplier = SupplierFactory()
    part = PartFactory()
    SupplierPartFactory(supplier=supplier, part=part)
    StockingParameter.objects.create(
        part=part, warehouse=warehouse, is_vmi=True, service_level=Decimal("0.95"), lead_time_days=7
    )
    portal_user = make_user(Role.SUPPLIER)
    SupplierUserFactory(user=portal_user, supplier=supplier)

    vmi_propose(part=part, warehouse=warehouse, quantity=Decimal(4), user=portal_user)

    notes = Notification.objects.filter(kind="vmi.proposal_waiting").order_by("user_id")
    assert [note.user_id for note in notes] == sorted(buyer.pk for buyer in buyers)
    assert notes[0].message == (
        f"{supplier.code} proposes 4 × {part.number} for {warehouse.code}; accept or reject it on the VMI screen."
    )
