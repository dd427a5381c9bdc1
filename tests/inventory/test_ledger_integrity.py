"""The ledger in the database: append-only by trigger, hash-chained per level, closed months locked."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from core.roles import Role
from inventory import services
from inventory.exceptions import InventoryError, PeriodClosed
from inventory.ledger_hash import GENESIS, HASHED, movement_hash
from inventory.models import ClosedPeriod, LedgerSettings, PeriodAction, PeriodEvent, StockLevel, StockMovement
from inventory.selectors import BrokenLink, ledger_broken_links
from inventory.services.bulk import stock_opening_balances_bulk, stock_receive_bulk
from inventory.services.periods import ledger_settings_update, period_close, period_reopen

from ..factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("posting_path")]

D = Decimal


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def stocked(postgres):
    user = UserFactory(roles=[Role.MANAGER])
    part, store, other = PartFactory(number="LI-1"), WarehouseFactory(code="S1"), WarehouseFactory(code="S2")
    services.stock_receive(
        part=part, warehouse=store, quantity=D(5), unit_cost=D(3), user=user, posted_at=at(2026, 1, 5)
    )
    services.stock_issue(part=part, warehouse=store, quantity=D(2), user=user, posted_at=at(2026, 2, 5))
    return user, part, store, other


# --- append-only ------------------------------------------------------------------------


def test_a_raw_update_of_a_movement_is_refused(stocked):
    movement = StockMovement.objects.earliest("id")

    with (
        pytest.raises(DatabaseError, match="stock movements are append-only: UPDATE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE inventory_stockmovement SET quantity = 50 WHERE id = %s", [movement.pk])

    assert StockMovement.objects.get(pk=movement.pk).quantity == D(5)


def test_a_raw_delete_of_a_movement_is_refused(stocked):
    movement = StockMovement.objects.earliest("id")

    with (
        pytest.raises(DatabaseError, match="stock movements are append-only: DELETE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM inventory_stockmovement WHERE id = %s", [movement.pk])

    assert StockMovement.objects.count() == 2


def test_the_counterpart_link_of_a_transfer_may_only_be_set_once(stocked):
    user, part, store, other = stocked
    out, incoming = services.stock_transfer(
        part=part, from_warehouse=store, to_warehouse=other, quantity=D(1), user=user
    )

    assert StockMovement.objects.get(pk=out.pk).counterpart_id == incoming.pk
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        StockMovement.objects.filter(pk=out.pk).update(counterpart=None)
    assert StockMovement.objects.get(pk=out.pk).counterpart_id == incoming.pk


# --- hash chain -------------------------------------------------------------------------


def test_each_movement_is_chained_to_the_previous_one_of_its_level(stocked):
    _user, part, store, _other = stocked
    first, second = StockMovement.objects.filter(part=part, warehouse=store).order_by("id")

    assert first.hash == movement_hash(GENESIS, {name: getattr(first, name) for name in HASHED})
    assert second.hash == movement_hash(first.hash, {name: getattr(second, name) for name in HASHED})
    assert StockLevel.objects.get(part=part, warehouse=store).last_hash == second.hash
    assert ledger_broken_links() == []


def test_every_posting_path_writes_the_chain(stocked):
    user, part, store, other = stocked
    services.stock_transfer(part=part, from_warehouse=store, to_warehouse=other, quantity=D(1), user=user)
    stock_receive_bulk(lines=[(part, store, D(2), D(4), None), (part, other, D(1), D(4), None)], user=user)
    stock_opening_balances_bulk(balances=[(part, store, D(9), D(4), None)], user=user)
    services.stock_adjust(part=part, warehouse=other, quantity=D(-1), user=user, reason="count")
    reversed_issue = StockMovement.objects.get(kind="issue")
    services.stock_movement_reverse(movement=reversed_issue, user=user, reason="wrong part")

    assert StockMovement.objects.filter(hash="").count() == 0
    assert ledger_broken_links() == []


def test_verify_names_the_first_broken_link(stocked):
    user, part, store, _other = stocked
    services.stock_issue(part=part, warehouse=store, quantity=D(1), user=user)
    first, second, _third = StockMovement.objects.filter(part=part, warehouse=store).order_by("id")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending, so the table may be altered
        cursor.execute("ALTER TABLE inventory_stockmovement DISABLE TRIGGER inventory_movement_append_only")
        cursor.execute("UPDATE inventory_stockmovement SET quantity = -1 WHERE id = %s", [second.pk])
        cursor.execute("ALTER TABLE inventory_stockmovement ENABLE TRIGGER inventory_movement_append_only")
    altered = StockMovement.objects.get(pk=second.pk)

    assert ledger_broken_links() == [
        BrokenLink(
            "LI-1", "S1", second.pk, second.hash, movement_hash(first.hash, {n: getattr(altered, n) for n in HASHED})
        )
    ]


def test_verify_sees_a_missing_last_movement(stocked):
    _user, part, store, _other = stocked
    first, second = StockMovement.objects.filter(part=part, warehouse=store).order_by("id")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending, so the table may be altered
        cursor.execute("ALTER TABLE inventory_stockmovement DISABLE TRIGGER inventory_movement_append_only")
        cursor.execute("ALTER TABLE inventory_binmovement DISABLE TRIGGER inventory_binmovement_append_only")
        cursor.execute("DELETE FROM inventory_binmovement WHERE movement_id = %s", [second.pk])
        cursor.execute("ALTER TABLE inventory_binmovement ENABLE TRIGGER inventory_binmovement_append_only")
        cursor.execute("DELETE FROM inventory_stockmovement WHERE id = %s", [second.pk])
        cursor.execute("ALTER TABLE inventory_stockmovement ENABLE TRIGGER inventory_movement_append_only")

    assert ledger_broken_links() == [BrokenLink("LI-1", "S1", None, second.hash, first.hash)]


# --- closed periods -----------------------------------------------------------------------


def test_a_posting_dated_into_a_closed_month_is_refused_and_nothing_changes(stocked):
    user, part, store, _other = stocked
    period_close(month=date(2026, 1, 1), user=user)
    level = StockLevel.objects.get(part=part, warehouse=store)

    with pytest.raises(PeriodClosed, match=r"2026-01 is closed; date the posting on or after 2026-02-01"):
        services.stock_receive(
            part=part, warehouse=store, quantity=D(1), unit_cost=D(3), user=user, posted_at=at(2026, 1, 31)
        )

    assert StockMovement.objects.count() == 2
    assert StockLevel.objects.get(pk=level.pk).on_hand == level.on_hand


@pytest.mark.parametrize(
    "post",
    [
        lambda u, p, s, o, when: services.stock_issue(part=p, warehouse=s, quantity=D(1), user=u, posted_at=when),
        lambda u, p, s, o, when: services.stock_adjust(
            part=p, warehouse=s, quantity=D(1), user=u, reason="count", kind="count_correction", posted_at=when
        ),
        lambda u, p, s, o, when: services.stock_transfer(
            part=p, from_warehouse=s, to_warehouse=o, quantity=D(1), user=u, posted_at=when
        ),
        lambda u, p, s, o, when: stock_receive_bulk(lines=[(p, s, D(1), D(1), None)], user=u, posted_at=when),
        lambda u, p, s, o, when: stock_opening_balances_bulk(
            balances=[(p, o, D(4), D(1), None)], user=u, posted_at=when
        ),
    ],
    ids=["issue", "count", "transfer", "bulk-receipt", "opening-stock"],
)
def test_every_kind_of_posting_respects_the_closed_month(stocked, post):
    user, part, store, other = stocked
    period_close(month=date(2026, 2, 1), user=user)

    with pytest.raises(PeriodClosed):
        post(user, part, store, other, at(2026, 2, 20))

    assert StockMovement.objects.count() == 2
    post(user, part, store, other, at(2026, 3, 1))
    assert StockMovement.objects.count() > 2


def test_with_the_setting_a_late_posting_goes_to_the_open_month_keeping_its_date(stocked):
    user, part, store, _other = stocked
    period_close(month=date(2026, 1, 1), user=user)
    ledger_settings_update(late_postings_to_open_month=True)

    movement = services.stock_issue(part=part, warehouse=store, quantity=D(1), user=user, posted_at=at(2026, 1, 20))

    movement.refresh_from_db()
    assert movement.posted_at == datetime(2026, 2, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))
    assert movement.intended_at == at(2026, 1, 20)
    assert movement.reason == "Dated 2026-01-20 in a closed month; posted in the open month."
    assert ledger_broken_links() == []
    assert LedgerSettings.objects.get().history.count() == 1


def test_reopening_a_month_is_logged_and_unlocks_it_and_later_months(stocked):
    user, part, store, _other = stocked
    period_close(month=date(2026, 1, 1), user=user)
    period_close(month=date(2026, 2, 1), user=user)

    assert period_reopen(month=date(2026, 1, 1), user=user, reason="late invoice") == 2

    assert ClosedPeriod.objects.count() == 0
    assert list(PeriodEvent.objects.order_by("id").values_list("month", "action", "reason")) == [
        (date(2026, 1, 1), PeriodAction.CLOSE, ""),
        (date(2026, 2, 1), PeriodAction.CLOSE, ""),
        (date(2026, 1, 1), PeriodAction.REOPEN, "late invoice"),
        (date(2026, 2, 1), PeriodAction.REOPEN, "late invoice"),
    ]
    services.stock_issue(part=part, warehouse=store, quantity=D(1), user=user, posted_at=at(2026, 1, 20))


def test_reopening_needs_a_reason_and_a_closed_month(stocked):
    user, *_ = stocked
    period_close(month=date(2026, 1, 1), user=user)

    with pytest.raises(InventoryError, match="Say why"):
        period_reopen(month=date(2026, 1, 1), user=user, reason=" ")
    with pytest.raises(InventoryError, match="2026-03 is not closed"):
        period_reopen(month=date(2026, 3, 1), user=user, reason="x")

    assert ClosedPeriod.objects.count() == 1
    assert PeriodEvent.objects.count() == 1
