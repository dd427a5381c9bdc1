"""The fast path reads rows as the ORM does, and the switch takes the hot paths back to the ORM.

Every model the fast path turns into instances (``core.fastpath.rows.instance``
through ``by_pk``/``by_pks``, the level lock and token authentication) is
written with the ORM, read both ways and compared field by field: value and
type, a decimal's places, a datetime's time zone. A model with a date, one
with JSON and the movement ledger are read too, so that a field type that
needs a converter reads right when a served model gains one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Model
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.fastpath.authentication import TokenAuthentication
from core.fastpath.rows import by_pk, by_pks
from core.fastpath.switch import fast_path
from core.models import OutboxMessage
from core.roles import Role
from inventory.locks import lock_stock_levels
from inventory.models import ClosedPeriod, MovementKind, Part, StockLevel, StockMovement, Unit, Warehouse

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.services

MOMENT = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=timezone.get_fixed_timezone(8 * 60))


@pytest.fixture
def fast(settings):
    settings.POSTING_PATH = "fast"


def assert_read_as_the_orm(read: Model | None, model: type[Model], pk) -> None:
    """``read`` holds what the ORM reads for ``model`` ``pk``: every concrete field, same value, same type."""
    orm = model._default_manager.get(pk=pk)
    assert type(read) is model
    assert read is not None
    assert (read._state.adding, read._state.db) == (orm._state.adding, orm._state.db)
    for field in model._meta.concrete_fields:
        mine, theirs = getattr(read, field.attname), getattr(orm, field.attname)
        where = f"{model.__name__}.{field.name}"
        assert type(mine) is type(theirs), where
        assert mine == theirs, where
        if isinstance(theirs, Decimal):
            assert mine.as_tuple() == theirs.as_tuple(), where  # the column's places, not a normalised value
        if isinstance(theirs, datetime):
            assert theirs.tzinfo is not None, where
            assert (mine.tzinfo, mine.utcoffset()) == (theirs.tzinfo, theirs.utcoffset()), where


def test_parts_warehouses_and_bins_read_by_key_as_the_orm_reads_them(postgres, fast):
    central = WarehouseFactory(code="RT-C")
    store = WarehouseFactory(code="RT-S", parent=central, is_active=False)
    bin = BinFactory(warehouse=store, route=7, is_active=False)
    new = PartFactory(number="RT-2", unit=Unit.LITRE, list_price=Decimal("12.3"), is_critical=True)
    old = PartFactory(number="RT-1", superseded_by=new, is_active=False, category="")

    for model, row in [(Warehouse, central), (Warehouse, store), (Part, old), (Part, new), (type(bin), bin)]:
        assert_read_as_the_orm(by_pk(model, row.pk), model, row.pk)
    together = by_pks([(Part, old.pk), (Warehouse, store.pk), (type(bin), bin.pk)])
    for read, (model, row) in zip(together, [(Part, old), (Warehouse, store), (type(bin), bin)], strict=True):
        assert_read_as_the_orm(read, model, row.pk)


def test_a_locked_stock_level_reads_as_the_orm_reads_it(postgres, fast):
    store = WarehouseFactory()
    full = StockLevel.objects.create(
        part=PartFactory(),
        warehouse=store,
        default_bin=BinFactory(warehouse=store),
        on_hand=Decimal("12.5"),
        reserved=Decimal("1"),
        quarantined=Decimal("0.25"),
        in_transit=Decimal("3"),
        backordered=Decimal("2"),
        value=Decimal("100.1"),
        average_cost=Decimal("8.008"),
        min_qty=Decimal("4"),
        max_qty=Decimal("20"),
        first_stocked_at=MOMENT,
        last_movement_at=MOMENT + timedelta(days=400),
        last_hash="f" * 64,
    )
    empty = StockLevel.objects.create(part=PartFactory(), warehouse=store)

    with transaction.atomic():
        locked = lock_stock_levels(pairs=[(full.part_id, store.pk), (empty.part_id, store.pk)])
    assert_read_as_the_orm(locked[(full.part_id, store.pk)], StockLevel, full.pk)
    assert_read_as_the_orm(locked[(empty.part_id, store.pk)], StockLevel, empty.pk)
    assert locked[(empty.part_id, store.pk)].first_stocked_at is None


def test_a_movement_an_outbox_row_and_a_closed_month_read_as_the_orm_reads_them(postgres, fast):
    store, other = WarehouseFactory(), WarehouseFactory()
    user = UserFactory()
    first = StockMovement.objects.create(
        part=PartFactory(),
        warehouse=store,
        kind=MovementKind.RECEIPT,
        quantity=Decimal("2.5"),
        unit_cost=Decimal("1.1"),
        value=Decimal("2.75"),
        user=user,
        posted_at=MOMENT,
        hash="a" * 64,
    )
    second = StockMovement.objects.create(
        part=first.part,
        warehouse=store,
        bin=BinFactory(warehouse=store),
        kind=MovementKind.TRANSFER_OUT,
        quantity=Decimal("-2.5"),
        unit_cost=Decimal("1.1"),
        value=Decimal("-2.75"),
        user=user,
        posted_at=MOMENT + timedelta(hours=1),
        document_type="transfer",
        document_ref="T-1",
        reason="Relocation",
        reverses=first,
        other_warehouse=other,
        idempotency_key="rt-1",
        intended_at=MOMENT - timedelta(days=1),
        hash="b" * 64,
    )
    message = OutboxMessage.objects.create(
        task_name="rt.task",
        kwargs={"events": [{"id": 1, "on_hand": "2.500", "nested": {"list": [1, None, True]}}]},
        dispatched_at=MOMENT,
        attempts=3,
        last_error="ConnectionError: refused",
    )
    month = ClosedPeriod.objects.create(month=date(2026, 2, 1), closed_at=MOMENT, closed_by=user)
    open_month = ClosedPeriod.objects.create(month=date(2026, 3, 1), closed_at=MOMENT)

    for model, row in [
        (StockMovement, first),
        (StockMovement, second),
        (OutboxMessage, message),
        (ClosedPeriod, month),
        (ClosedPeriod, open_month),
    ]:
        assert_read_as_the_orm(by_pk(model, row.pk), model, row.pk)


def test_token_authentication_reads_token_and_user_as_the_orm_reads_them(postgres, fast, make_user):
    store = WarehouseFactory()
    user = make_user(Role.CLERK, warehouses=[store])
    user.first_name, user.last_login, user.is_staff = "Mei", MOMENT, True
    user.save()
    token = Token.objects.create(user=user)

    read_user, read_token = TokenAuthentication().authenticate_credentials(token.key)

    assert_read_as_the_orm(read_token, Token, token.key)
    assert_read_as_the_orm(read_user, type(user), user.pk)
    assert read_token.user is read_user
    assert read_user._parts_access.roles == frozenset({Role.CLERK})
    assert read_user._parts_access.warehouse_ids == frozenset({store.pk})


@pytest.mark.parametrize("path", ["fast", "orm"])
def test_token_authentication_reads_the_same_access_both_ways(postgres, make_user, path):
    store, other = WarehouseFactory(), WarehouseFactory()
    user = make_user(Role.CLERK, warehouses=[store, other])
    user.groups.add(*UserFactory(roles=[Role.PURCHASER]).groups.all())
    token = Token.objects.create(user=user)

    with override_settings(POSTING_PATH=path):
        read_user, read_token = TokenAuthentication().authenticate_credentials(token.key)

    assert (read_user, read_token) == (user, token)
    assert read_user._parts_access.roles == frozenset({Role.CLERK, Role.PURCHASER})
    assert read_user._parts_access.warehouse_ids == frozenset({store.pk, other.pk})
    assert read_user._parts_access.is_superuser is False


def test_the_switch_is_read_at_call_time():
    with override_settings(POSTING_PATH="orm"):
        assert fast_path() is False
    with override_settings(POSTING_PATH="fast"):
        assert fast_path() is True
