"""parts_create_bulk: many parts by part_create's rules, with their history, all or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory import services
from inventory.exceptions import InventoryError
from inventory.models import Part

from ..factories import PartFactory

pytestmark = pytest.mark.services


def _part(number: str, **fields) -> dict:
    return {"number": number, "description": f"Part {number}", **fields}


def test_parts_are_created_in_order_with_their_lookup_key_and_a_history_record(postgres):
    # when three parts are created at once
    parts = services.parts_create_bulk(
        parts=[_part(" 1K0 615 301 AA ", list_price=Decimal("84.50"), category="Brakes"), _part("N-0101"), _part("X9")]
    )

    # then they are stored in the order given, trimmed and normalised, each with one "created" record
    assert [part.number for part in parts] == ["1K0 615 301 AA", "N-0101", "X9"]
    stored = Part.objects.get(pk=parts[0].pk)
    assert stored.number_normalized == "1K0615301AA"
    assert stored.list_price == Decimal("84.50")
    assert stored.category == "Brakes"
    assert stored.unit == "PCS"
    assert list(Part.history.filter(id=stored.pk).values_list("history_type", flat=True)) == ["+"]
    assert Part.history.count() == 3


def test_a_number_taken_in_the_database_or_twice_in_the_list_refuses_them_all(postgres):
    # given a part in the catalogue
    PartFactory(number="1K0-615-301")

    # when the same number is sent again (spelled another way), or one number twice in one list
    with pytest.raises(InventoryError, match="already exists"):
        services.parts_create_bulk(parts=[_part("A1"), _part("1K0 615 301")])
    with pytest.raises(InventoryError, match="B-2 already exists"):
        services.parts_create_bulk(parts=[_part("B2"), _part("B-2")])
    # or a part breaks a rule of part_create
    with pytest.raises(ValidationError):
        services.parts_create_bulk(parts=[_part("C3"), _part("C4", list_price=Decimal("-1"))])

    # then nothing of these lists was created
    assert list(Part.objects.values_list("number", flat=True)) == ["1K0-615-301"]
