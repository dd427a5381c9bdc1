"""parts_set_bulk, parts_supersede_bulk and demand_hits_import_bulk: the writes of a catalogue or history import."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from inventory import services
from inventory.exceptions import InventoryError, SupersessionCycle
from inventory.models import DemandHit, DemandSource, Part

from ..factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.services

CREATED, UPDATED, UNCHANGED = services.Outcome.CREATED, services.Outcome.UPDATED, services.Outcome.UNCHANGED


def _fields(number: str, **changes) -> dict:
    return {
        "number": number,
        "description": f"Part {number}",
        "unit": "PCS",
        "category": "",
        "list_price": Decimal("1.00"),
        "is_critical": False,
        **changes,
    }


def _history(part: Part) -> list[tuple]:
    return list(
        Part.history.filter(id=part.pk)
        .order_by("history_id")
        .values_list("history_type", "description", "superseded_by_id", "history_user_id", "history_change_reason")
    )


def test_parts_set_bulk_creates_updates_and_leaves_alone_with_one_history_row_each(postgres):
    # given a stored part and a user
    user = UserFactory(roles=[Role.MANAGER])
    stored = PartFactory(number="1K0-615-301", description="Disc", list_price=Decimal("10.00"))
    kept = PartFactory(number="N-1", description="Part N-1", category="", list_price=Decimal("1.00"))
    history_before = Part.history.count()

    # when a new part, the stored one changed (its number spelled another way) and an unchanged one are set
    parts = [
        _fields("NEW 1", description="煞車來令片\t前"),
        _fields("1K0 615 301", description="Disc, vented"),
        _fields("N-1"),
    ]
    outcomes = services.parts_set_bulk(parts=parts, user=user)

    # then one outcome per part, in order, and one history row for each part written
    assert outcomes == [CREATED, UPDATED, UNCHANGED]
    new = Part.objects.get(number_normalized="NEW1")
    assert (new.number, new.description, new.list_price) == ("NEW 1", "煞車來令片\t前", Decimal("1.00"))
    stored.refresh_from_db()
    assert (stored.number, stored.description) == ("1K0 615 301", "Disc, vented")
    assert _history(new) == [("+", "煞車來令片\t前", None, user.pk, "import")]
    assert _history(stored)[-1] == ("~", "Disc, vented", None, user.pk, "import")
    assert Part.history.count() == history_before + 2
    assert kept.history.count() == 1  # its factory "created" row only

    # and the same list a second time changes nothing
    again = services.parts_set_bulk(parts=parts, user=user)
    assert again == [UNCHANGED, UNCHANGED, UNCHANGED]
    assert Part.history.count() == history_before + 2


def test_parts_set_bulk_refuses_a_number_twice_in_the_list_and_writes_nothing(postgres):
    # when one normalised number comes twice
    with pytest.raises(InventoryError, match="B-2 already exists"):
        services.parts_set_bulk(parts=[_fields("A1"), _fields("B2"), _fields("B-2")], user=None)

    # then no part was written
    assert Part.objects.count() == 0
    assert Part.history.count() == 0


def test_parts_supersede_bulk_sets_a_chain_pointing_forward_and_writes_history_for_the_changed_only(postgres):
    # given A, B and C, with B → C already
    user = UserFactory(roles=[Role.MANAGER])
    a, b, c = PartFactory(number="A"), PartFactory(number="B"), PartFactory(number="C")
    Part.objects.filter(pk=b.pk).update(superseded_by=c)

    # when A → B and B → C (unchanged) are set together
    changed = services.parts_supersede_bulk(links={a.pk: b.pk, b.pk: c.pk}, user=user)

    # then only A changed, with its history row; the chain is A → B → C
    assert changed == [a.pk]
    assert dict(Part.objects.values_list("number", "superseded_by__number")) == {"A": "B", "B": "C", "C": None}
    assert _history(a)[-1] == ("~", a.description, b.pk, user.pk, "import")
    assert b.history.count() == 1

    # and clearing a link is a change as well
    assert services.parts_supersede_bulk(links={b.pk: None}, user=user) == [b.pk]
    assert Part.objects.get(pk=b.pk).superseded_by is None


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "one"])
def test_one_link_and_a_file_of_links_refuse_a_loop_in_the_same_words(postgres, bulk):
    # given A → B → C stored
    a, b, c = (PartFactory(number=number) for number in ("A", "B", "C"))
    Part.objects.filter(pk=a.pk).update(superseded_by=b)
    Part.objects.filter(pk=b.pk).update(superseded_by=c)

    def supersede(part, new_part):
        if bulk:
            return services.parts_supersede_bulk(links={part.pk: new_part.pk}, user=None)
        return services.part_supersede(part=part, new_part=new_part)

    # when C is pointed back to A, or a part to itself, then both ways refuse it alike and store nothing
    with pytest.raises(SupersessionCycle, match=r"^A already leads back to C; a supersession chain cannot loop\.$"):
        supersede(c, a)
    with pytest.raises(SupersessionCycle, match=r"^B cannot supersede itself\.$"):
        supersede(b, b)
    assert dict(Part.objects.values_list("number", "superseded_by__number")) == {"A": "B", "B": "C", "C": None}


def test_parts_supersede_bulk_refuses_a_loop_naming_every_link_that_closes_one_and_writes_nothing(postgres):
    # given X → Y stored, and P, Q
    x, y, p, q = (PartFactory(number=number) for number in ("X", "Y", "P", "Q"))
    Part.objects.filter(pk=x.pk).update(superseded_by=y)
    history_before = Part.history.count()

    # when Y → X (closing a loop with the stored link), P → Q and Q → P (a loop within the set) are set together
    with pytest.raises(SupersessionCycle, match="X already leads back to Y") as refused:
        services.parts_supersede_bulk(links={y.pk: x.pk, p.pk: q.pk, q.pk: p.pk}, user=None)

    # then the refusal names each part whose link closes a loop, and nothing was written
    assert refused.value.parts == (y.pk, p.pk, q.pk)
    assert refused.value.field == "superseded_by"
    assert dict(Part.objects.values_list("number", "superseded_by__number")) == {
        "X": "Y",
        "Y": None,
        "P": None,
        "Q": None,
    }
    assert Part.history.count() == history_before


def _line(warehouse, part, document_ref: str, **changes) -> services.DemandLine:
    line: services.DemandLine = {
        "occurred_at": timezone.make_aware(datetime(2026, 3, 2, 12, 0)),
        "warehouse": warehouse,
        "requested_part": part,
        "quantity_requested": Decimal("2.000"),
        "quantity_supplied": Decimal("2.000"),
        "quantity_lost": Decimal("0.000"),
        "unit_price": Decimal("5.00"),
        "sales_value": Decimal("10.00"),
        "cost_value": Decimal("6.00"),
        "document_ref": document_ref,
        "repair_order_ref": "",
    }
    return line | changes  # type: ignore[return-value]


def test_demand_hits_import_bulk_writes_hits_on_the_serving_part_and_updates_a_line_seen_again(postgres):
    # given an old part superseded by a new one
    warehouse = WarehouseFactory(code="CEN")
    new = PartFactory(number="NEW")
    old = PartFactory(number="OLD", superseded_by=new)

    # when two lines are written, one for the old number
    outcomes = services.demand_hits_import_bulk(
        lines=[_line(warehouse, old, "INV-1"), _line(warehouse, new, "INV-2", repair_order_ref="RO-7")]
    )

    # then both are hits of source "import", the old number's booked on the part serving it
    assert outcomes == [CREATED, CREATED]
    hits = DemandHit.objects.order_by("document_ref")
    assert list(hits.values_list("document_ref", "part__number", "requested_part__number", "source")) == [
        ("INV-1", "NEW", "OLD", DemandSource.IMPORT),
        ("INV-2", "NEW", "NEW", DemandSource.IMPORT),
    ]
    assert hits[1].repair_order_ref == "RO-7"
    assert hits[0].sales_value == Decimal("10.00")

    # when the same lines come again, one of them corrected
    again = services.demand_hits_import_bulk(
        lines=[
            _line(warehouse, old, "INV-1", quantity_supplied=Decimal("1.000"), sales_value=Decimal("5.00")),
            _line(warehouse, new, "INV-2", repair_order_ref="RO-7"),
        ]
    )

    # then the corrected line is updated in place and nothing is duplicated
    assert again == [UPDATED, UNCHANGED]
    assert DemandHit.objects.count() == 2
    corrected = DemandHit.objects.get(document_ref="INV-1")
    assert (corrected.quantity_supplied, corrected.sales_value) == (Decimal("1.000"), Decimal("5.00"))
