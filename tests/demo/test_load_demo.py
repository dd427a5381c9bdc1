"""load_demo and demo_logins on PostgreSQL: a small load through the services that a month-end can read."""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q
from django.utils import timezone

from core.roles import Role
from demo.builders.history import DOCUMENT_MONTHS
from demo.logins import DEMO_LOGINS
from demo.profiles import add_months, history_start
from inventory.models import (
    Bin,
    DemandHit,
    DemandSource,
    Echelon,
    Part,
    RepairOrder,
    StockLevel,
    StockMovement,
    TransferOrder,
    Warehouse,
    WarehouseNeighbour,
    WorkshopRequest,
)
from inventory.selectors import ledger_differences
from suppliers.models import GoodsReceipt, OrderType, PurchaseOrderLine, Supplier, SupplierPart, SupplierUser
from tests.factories import PartFactory

pytestmark = pytest.mark.services


def _load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def test_small_load_posts_a_consistent_history_a_month_end_can_read(postgres):
    # given an empty database
    assert not Part.objects.exists()

    # when six months of a 60-part dealer are loaded
    output = _load(parts=60, months=6, seed=7)

    # then the ledger verifies and nothing was mailed for the back-dated past
    assert "Demo data loaded." in output
    assert ledger_differences() == []
    # every finished month of the history is closed, so the dashboard has its months
    from kpis.models import MonthClose

    today = timezone.localdate()
    closed = list(MonthClose.objects.filter(is_published=True).order_by("month").values_list("month", flat=True))
    assert len(closed) >= 6
    assert closed[-1] == (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    assert "Closing the history's months for the dashboard:" in output
    call_command("verify_ledger", stdout=io.StringIO())
    assert mail.outbox == []
    assert not StockLevel.objects.filter(Q(on_hand__lt=0) | Q(on_hand__lt=F("reserved") + F("quarantined"))).exists()
    # stock frozen on the shelf: a recall across the network, and a suspect batch half released at the store
    from inventory.models import StockFreeze

    assert StockFreeze.objects.filter(reference="RC-2611").values("warehouse").count() >= 2
    assert StockFreeze.objects.filter(closed_at__isnull=True, settlements__action="release").count() == 1
    # the dealer exchange: the partner's dealer has offers to choose from and one request waits to ship
    from exchange.models import ExchangeRequest, Offer, PartnerUser

    assert PartnerUser.objects.filter(user__username="partner", dealer__code="TPE-AUTO").exists()
    assert Offer.objects.filter(state="open").exists()
    assert ExchangeRequest.objects.filter(state="requested").count() == 1

    # the network: one central, two regionals, three stores; parents and neighbours; aisle-rack-shelf bins
    echelons = dict(Warehouse.objects.values_list("code", "echelon"))
    assert sorted(echelons.values()).count(Echelon.STORE) == 3
    assert sorted(echelons.values()).count(Echelon.REGIONAL) == 2
    assert sorted(echelons.values()).count(Echelon.CENTRAL) == 1
    for store in Warehouse.objects.filter(echelon=Echelon.STORE).select_related("parent"):
        assert store.parent.echelon == Echelon.REGIONAL
        assert store.parent.parent.echelon == Echelon.CENTRAL
    assert WarehouseNeighbour.objects.count() == 6
    assert all(re.fullmatch(r"[A-H]-\d{2}-\d", code) for code in Bin.objects.values_list("code", flat=True))

    # a user for every role, posting where their membership says; the supplier user belongs to OEM
    users = get_user_model().objects
    for role in Role.ALL:
        assert users.filter(groups__name=role).exists(), role
    assert users.get(username="clerk").warehouse_memberships.get().warehouse.code == "ST-HAM"
    assert users.get(username="admin").is_superuser
    assert SupplierUser.objects.get(user__username="supplier").supplier.code == "OEM"
    assert set(users.values_list("username", flat=True)) == {login.username for login in DEMO_LOGINS}
    assert users.get(username="purchaser").email == "purchaser@demo.example"

    # 60 parts, 3 superseded; 12 suppliers, one preferred supplier part per part, cheaper than list
    assert Part.objects.count() == 60
    assert Part.objects.filter(superseded_by__isnull=False).count() == 3
    assert Supplier.objects.count() == 12
    assert not Supplier.objects.filter(email="").exists()
    preferred = SupplierPart.objects.filter(is_preferred=True)
    assert preferred.values("part").distinct().count() == preferred.count() == 60
    # prices are per purchase unit: a box of 10 is cheaper than ten pieces at list price
    assert not SupplierPart.objects.filter(price__gte=F("part__list_price") * F("purchase_factor")).exists()
    packed = SupplierPart.objects.exclude(purchase_unit="")
    assert set(packed.values_list("purchase_unit", flat=True)) <= {"set", "box", "can", "drum"}
    assert packed.exists()

    # hits in every month of the history, from imported history and then from request documents
    today = timezone.localdate()
    months = {
        (timezone.localtime(at).year, timezone.localtime(at).month)
        for at in DemandHit.objects.values_list("occurred_at", flat=True)
    }
    complete = set()
    month = history_start(today, 6)
    while month < today.replace(day=1):
        complete.add((month.year, month.month))
        month = add_months(month, 1)
    assert len(complete) == 6
    assert complete <= months <= complete | {(today.year, today.month)}
    documents_from = add_months(today.replace(day=1), -(DOCUMENT_MONTHS - 1))
    requests = WorkshopRequest.objects.all()
    assert requests.exists()
    first_document = timezone.make_aware(datetime.combine(documents_from, time.min))
    assert not requests.filter(created_at__lt=first_document).exists()
    assert DemandHit.objects.filter(occurred_at__lt=first_document).exists()  # imported history before it
    assert RepairOrder.objects.filter(closed_at__isnull=True).count() == 0
    assert DemandHit.objects.filter(source=DemandSource.WORKSHOP).exclude(repair_order_ref="").count() == (
        DemandHit.objects.filter(source=DemandSource.WORKSHOP).count()
    )
    assert DemandHit.objects.filter(source=DemandSource.COUNTER).exists()

    # first-pick availability over workshop lines sits in a dealer's realistic band
    lines = DemandHit.objects.filter(source=DemandSource.WORKSHOP).values_list(
        "quantity_requested", "quantity_supplied"
    )
    first_pick = sum(min(1, supplied / requested) for requested, supplied in lines) / len(lines)
    assert 0.8 <= first_pick <= 0.97
    # lost demand only where the shelf was short; supplied lines carry their cost of sales
    assert not DemandHit.objects.filter(quantity_lost__gt=F("quantity_requested") - F("quantity_supplied")).exists()
    assert not DemandHit.objects.filter(quantity_supplied__gt=0, cost_value__lte=0).exists()

    # purchase orders of both types, received with arrival and posting times, mostly within two hours
    types = dict(
        PurchaseOrderLine.objects.values_list("order__order_type")
        .annotate(n=Count("id"))
        .values_list("order__order_type", "n")
    )
    assert types[OrderType.STOCK] > types[OrderType.EMERGENCY] > 0
    receipts = list(GoodsReceipt.objects.values_list("arrived_at", "posted_at"))
    assert receipts
    assert all(arrived <= posted for arrived, posted in receipts)
    on_time = sum(posted - arrived <= timedelta(hours=2) for arrived, posted in receipts)
    assert on_time / len(receipts) >= 0.75
    assert StockMovement.objects.filter(kind="receipt", document_type="opening_balance").exists()
    assert TransferOrder.objects.exists()


def test_if_empty_leaves_a_database_with_parts_alone(postgres):
    # given a database that already holds a part
    PartFactory()

    # when the demo is loaded with --if-empty
    output = _load(parts=60, months=6, if_empty=True)

    # then nothing was added
    assert "not loaded" in output
    assert Part.objects.count() == 1
    assert not Warehouse.objects.exists()
    assert not get_user_model().objects.filter(username="clerk").exists()


def test_loading_into_a_database_with_data_is_refused_and_changes_nothing(postgres):
    PartFactory()
    with pytest.raises(CommandError, match="already holds parts"):
        _load(parts=60, months=6)
    assert Part.objects.count() == 1
    assert not Warehouse.objects.exists()


def test_bad_options_are_refused(postgres):
    with pytest.raises(CommandError, match="--months"):
        _load(parts=60, months=0)
    with pytest.raises(CommandError, match="--parts"):
        _load(parts=3, months=6)
    with pytest.raises(CommandError, match="--today"):
        _load(parts=60, months=6, today=timezone.localdate() + timedelta(days=1))
    assert not Warehouse.objects.exists()


def test_demo_logins_prints_each_existing_demo_user_with_password_and_role(postgres):
    from demo.builders.network import build_network
    from demo.builders.users import build_users

    # given the demo users
    warehouses, _ = build_network()
    build_users(warehouses)

    # when the logins are listed
    out = io.StringIO()
    call_command("demo_logins", stdout=out)

    # then every login is a row with its password and role, and the password works
    text = out.getvalue()
    for login in DEMO_LOGINS:
        assert re.search(rf"^\s+{re.escape(login.username)}\s+{re.escape(login.password)}\s+{login.role}\b", text, re.M)
        assert get_user_model().objects.get(username=login.username).check_password(login.password)


def test_demo_logins_says_how_to_load_when_there_are_no_demo_users(db):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert out.getvalue() == "No demo users here; load them with: python manage.py load_demo\n"


def test_demo_logins_print_the_address_served(postgres, monkeypatch):
    from demo.builders.network import build_network
    from demo.builders.users import build_users

    # given the demo users and a server answering on another port
    warehouses, _ = build_network()
    build_users(warehouses)

    # when the logins are listed with the address from the argument, then from the environment
    out = io.StringIO()
    call_command("demo_logins", "--url", "http://127.0.0.1:8105/", stdout=out)
    monkeypatch.setenv("DEMO_URL", "http://localhost:9000/")
    from_env = io.StringIO()
    call_command("demo_logins", stdout=from_env)

    # then each heading names that address
    assert out.getvalue().splitlines()[0] == "Demo logins (http://127.0.0.1:8105/):"
    assert "8000" not in out.getvalue()
    assert from_env.getvalue().splitlines()[0] == "Demo logins (http://localhost:9000/):"
