"""The posting hot path reads rows with prebuilt SQL: same answers as DRF's and the ORM's.

Ids in a posting (``ModelIdField``) and token authentication skip queryset
compilation (see core/fastpath/); these tests pin that the refusals, the
messages and the access read with the token are unchanged, on both ways of
the hot paths (``posting_path``).
"""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.roles import Role
from inventory.api.serializers import ReceiptSerializer
from inventory.models import StockMovement

from ..factories import BinFactory, PartFactory, WarehouseFactory

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("posting_path")]


@pytest.fixture
def store(postgres):
    return WarehouseFactory(code="HP1")


@pytest.fixture
def part(postgres):
    return PartFactory(number="HP-1")


def _errors(data):
    serializer = ReceiptSerializer(data=data)
    assert not serializer.is_valid()
    return serializer.errors


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (999_999_999, 'Invalid pk "999999999" - object does not exist.'),
        (10**30, f'Invalid pk "{10**30}" - object does not exist.'),  # beyond bigint: unknown, not a 500
        (-(10**30), f'Invalid pk "{-(10**30)}" - object does not exist.'),
        ("abc", "Incorrect type. Expected pk value, received str."),
        (True, "Incorrect type. Expected pk value, received bool."),
        ([1], "Incorrect type. Expected pk value, received list."),
        ({"id": 1}, "Incorrect type. Expected pk value, received dict."),
    ],
)
def test_unknown_or_malformed_ids_are_field_errors(store, part, value, message):
    errors = _errors({"part": value, "warehouse": store.pk, "quantity": "1", "unit_cost": "1"})
    assert [str(e) for e in errors["part"]] == [message]


def test_ids_become_the_model_rows(store, part):
    bin = BinFactory(warehouse=store)
    serializer = ReceiptSerializer(
        data={"part": str(part.pk), "warehouse": store.pk, "bin": bin.pk, "quantity": "2", "unit_cost": "1.5"}
    )
    assert serializer.is_valid(), serializer.errors
    data = serializer.validated_data
    assert data["part"] == part
    assert data["part"].number == "HP-1"
    assert data["part"].list_price == part.list_price
    assert data["warehouse"] == store
    assert data["bin"] == bin
    assert data["bin"].warehouse_id == store.pk


def test_missing_and_null_ids(store, part):
    assert "part" in _errors({"warehouse": store.pk, "quantity": "1", "unit_cost": "1"})
    assert "warehouse" in _errors({"part": part.pk, "warehouse": None, "quantity": "1", "unit_cost": "1"})
    serializer = ReceiptSerializer(
        data={"part": part.pk, "warehouse": store.pk, "bin": None, "quantity": "1", "unit_cost": "1"}
    )
    assert serializer.is_valid(), serializer.errors


def _client(user):
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_token_carries_roles_and_warehouses(make_user, store, part):
    other = WarehouseFactory(code="HP2")
    clerk = make_user(Role.CLERK, warehouses=[store])
    client = _client(clerk)
    body = {"part": part.pk, "quantity": "1", "unit_cost": "1"}

    assert client.post("/api/v1/stock/receipts/", body | {"warehouse": store.pk}).status_code == 201
    refused = client.post("/api/v1/stock/receipts/", body | {"warehouse": other.pk})
    assert refused.status_code == 403
    assert refused.json()["code"] == "warehouse_not_permitted"
    # a role the user does not have: workshop staff do not receive stock
    workshop = make_user(Role.WORKSHOP, warehouses=[store])
    assert _client(workshop).post("/api/v1/stock/receipts/", body | {"warehouse": store.pk}).status_code == 403
    assert StockMovement.objects.count() == 1


def test_unknown_token_and_inactive_user_are_401(make_user, store, part):
    clerk = make_user(Role.CLERK, warehouses=[store])
    client = _client(clerk)
    clerk.is_active = False
    clerk.save()
    body = {"part": part.pk, "warehouse": store.pk, "quantity": "1", "unit_cost": "1"}
    answer = client.post("/api/v1/stock/receipts/", body)
    assert answer.status_code == 401
    assert "inactive" in answer.json()["detail"]
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    answer = stranger.get("/api/v1/parts/")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "Invalid token."
    assert StockMovement.objects.count() == 0


def test_the_ids_of_a_posting_are_read_in_one_statement(store, part, django_assert_num_queries, posting_path):
    bin = BinFactory(warehouse=store)
    serializer = ReceiptSerializer(
        data={"part": part.pk, "warehouse": store.pk, "bin": bin.pk, "quantity": "1", "unit_cost": "1"}
    )
    # The ORM path reads them as DRF would: a query per model.
    with django_assert_num_queries(1 if posting_path == "fast" else 3):
        assert serializer.is_valid(), serializer.errors
    assert (serializer.validated_data["part"], serializer.validated_data["bin"]) == (part, bin)


def test_one_unknown_id_among_several_is_refused_on_its_own_field(store, part):
    errors = _errors({"part": part.pk, "warehouse": 999_999_999, "bin": "x", "quantity": "1", "unit_cost": "1"})
    assert set(errors) == {"warehouse", "bin"}
    assert [str(e) for e in errors["warehouse"]] == ['Invalid pk "999999999" - object does not exist.']
    other_bin = BinFactory(warehouse=WarehouseFactory(code="HP3"))
    errors = _errors({"part": part.pk, "warehouse": store.pk, "bin": other_bin.pk, "quantity": "1", "unit_cost": "1"})
    assert errors["bin"] == [f"Bin {other_bin.code} is not in that warehouse."]


def test_rows_by_pks_reads_each_model_or_none(store, part):
    from core.fastpath.rows import by_pks
    from inventory.models import Part, Warehouse

    assert by_pks([(Part, part.pk), (Warehouse, store.pk)]) == [part, store]
    assert by_pks([(Part, part.pk), (Warehouse, 999_999_999), (Part, 999_999_998)]) == [part, None, None]
    assert by_pks([]) == []


@pytest.mark.parametrize("posting_path", ["fast"], indirect=True)  # the ORM path prepares nothing
def test_the_hot_statements_are_prepared_on_the_connection(store, part):
    from django.db import connection

    from core.fastpath.rows import by_pk
    from inventory.models import Part

    for _ in range(6):  # psycopg prepares a statement at its fifth run (prepare_threshold)
        assert by_pk(Part, part.pk) == part
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "inventory_part" WHERE "id" = $1' in sql for sql in prepared), prepared
    # Django's own statements are bound on the client and never prepared
    assert not any("$1" not in sql for sql in prepared)
