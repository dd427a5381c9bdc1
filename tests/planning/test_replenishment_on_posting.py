"""Replenishment as it happens: a posting that takes a critical or A-class part below its reorder point
gets a proposal at once (after the commit, by the nightly run's transfer-first rules), merged with the
nightly run rather than doubled."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.models import OutboxMessage
from inventory import services as inv
from inventory.models import Echelon
from planning import services
from planning.models import (
    ProposalOrigin,
    ProposalSource,
    ProposalState,
    ReplenishmentProposal,
    StockingParameter,
)

from ..factories import NeighbourFactory, PartFactory, UserFactory, WarehouseFactory
from .builders import make_supplier, make_supplier_part, rate_supplier
from .factories import ReplenishmentRunFactory

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def clerk():
    return UserFactory(roles=["manager"])


def _network():
    """Central → regional → store S1, with S2 a neighbour of S1."""
    central = WarehouseFactory(code="CEN")
    regional = WarehouseFactory(code="REG", echelon=Echelon.REGIONAL, parent=central)
    s1 = WarehouseFactory(code="S1", echelon=Echelon.STORE, parent=regional)
    s2 = WarehouseFactory(code="S2", echelon=Echelon.STORE, parent=regional)
    NeighbourFactory(warehouse=s1, neighbour=s2, transfer_lead_time_days=1)
    return s1, s2


def _planned(part, wh, clerk, *, on_hand, mn, mx, class_code):
    if on_hand:
        inv.stock_receive(part=part, warehouse=wh, quantity=Decimal(on_hand), unit_cost=Decimal(10), user=clerk)
    inv.stock_level_set_limits(part=part, warehouse=wh, min_qty=Decimal(mn), max_qty=Decimal(mx))
    StockingParameter.objects.create(
        part=part,
        warehouse=wh,
        class_code=class_code,
        service_level=Decimal("0.95"),
        lead_time_days=7,
        reorder_point=Decimal(mn),
        min_qty=Decimal(mn),
        max_qty=Decimal(mx),
        forecast_per_month=Decimal(4),
    )


def _case(clerk, *, class_code="A", critical=False, neighbour_surplus=True):
    """S1 holds 6 of a part with reorder point 4 and max 10; S2 holds 9 with max 5 (4 above it) or none."""
    s1, s2 = _network()
    part = PartFactory(is_critical=critical)
    _planned(part, s1, clerk, on_hand=6, mn=4, mx=10, class_code=class_code)
    if neighbour_surplus:
        inv.stock_receive(part=part, warehouse=s2, quantity=Decimal(9), unit_cost=Decimal(10), user=clerk)
        inv.stock_level_set_limits(part=part, warehouse=s2, min_qty=Decimal(2), max_qty=Decimal(5))
    supplier = make_supplier()
    rate_supplier(supplier, "0.90")
    make_supplier_part(supplier, part, price="7")
    return part, s1, s2, supplier


def _issue(part, wh, qty, clerk, capture):
    with capture(execute=True):
        inv.stock_issue(part=part, warehouse=wh, quantity=Decimal(qty), user=clerk)


def _open(part, wh):
    return list(ReplenishmentProposal.objects.filter(part=part, warehouse=wh, state=ProposalState.OPEN).order_by("id"))


def test_posting_below_the_reorder_point_proposes_a_transfer_first_then_the_supplier(
    clerk, django_capture_on_commit_callbacks
):
    part, s1, s2, supplier = _case(clerk)

    _issue(part, s1, 3, clerk, django_capture_on_commit_callbacks)  # 6 → 3, below 4: 7 short of max 10

    rows = _open(part, s1)
    assert [(r.source, r.from_warehouse_id, r.supplier_id, r.quantity, r.origin, r.run_id) for r in rows] == [
        (ProposalSource.NEIGHBOUR, s2.pk, None, Decimal(4), ProposalOrigin.EVENT, None),
        (ProposalSource.SUPPLIER, None, supplier.pk, Decimal(3), ProposalOrigin.EVENT, None),
    ]
    assert rows[0].projected == Decimal(3)
    assert rows[0].reason.startswith("Projected 3 (on hand 3")


def test_without_a_neighbours_surplus_the_posting_proposes_a_supplier_order(clerk, django_capture_on_commit_callbacks):
    part, s1, _s2, supplier = _case(clerk, neighbour_surplus=False)

    _issue(part, s1, 5, clerk, django_capture_on_commit_callbacks)  # 6 → 1: 9 short of max 10

    rows = _open(part, s1)
    assert [(r.source, r.supplier_id, r.quantity, r.unit_price) for r in rows] == [
        (ProposalSource.SUPPLIER, supplier.pk, Decimal(9), Decimal(7))
    ]


def test_a_critical_part_of_class_c_is_replenished_too(clerk, django_capture_on_commit_callbacks):
    part, s1, _s2, _supplier = _case(clerk, class_code="C", critical=True, neighbour_surplus=False)

    _issue(part, s1, 3, clerk, django_capture_on_commit_callbacks)

    assert [r.quantity for r in _open(part, s1)] == [Decimal(7)]


@pytest.mark.parametrize("class_code", ["C", "B", ""])
def test_a_part_neither_critical_nor_class_a_gets_no_proposal(class_code, clerk, django_capture_on_commit_callbacks):
    part, s1, _s2, _supplier = _case(clerk, class_code=class_code)

    _issue(part, s1, 3, clerk, django_capture_on_commit_callbacks)

    assert ReplenishmentProposal.objects.count() == 0


def test_a_second_posting_below_the_point_does_not_duplicate_the_proposal(clerk, django_capture_on_commit_callbacks):
    part, s1, _s2, _supplier = _case(clerk, neighbour_surplus=False)
    _issue(part, s1, 3, clerk, django_capture_on_commit_callbacks)
    inv.stock_receive(part=part, warehouse=s1, quantity=Decimal(2), unit_cost=Decimal(10), user=clerk)  # back to 5

    _issue(part, s1, 2, clerk, django_capture_on_commit_callbacks)  # crosses again: 5 → 3
    services.replenishment_pair_propose(part_id=part.pk, warehouse_id=s1.pk)  # the task run twice

    assert len(_open(part, s1)) == 1


def test_a_posting_that_stays_above_the_point_asks_for_nothing(clerk, django_capture_on_commit_callbacks):
    part, s1, _s2, _supplier = _case(clerk)

    _issue(part, s1, 2, clerk, django_capture_on_commit_callbacks)  # 6 → 4, at the point, not below

    assert ReplenishmentProposal.objects.count() == 0
    assert not OutboxMessage.objects.filter(task_name="planning.replenishment_pair").exists()


def test_a_rolled_back_posting_asks_for_nothing(clerk, django_capture_on_commit_callbacks):
    part, s1, _s2, _supplier = _case(clerk)

    def post_then_fail():
        with transaction.atomic():
            inv.stock_issue(part=part, warehouse=s1, quantity=Decimal(3), user=clerk)
            raise RuntimeError("the caller fails after the posting")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        post_then_fail()

    assert not OutboxMessage.objects.filter(task_name="planning.replenishment_pair").exists()
    assert ReplenishmentProposal.objects.count() == 0


def test_an_open_nightly_proposal_for_the_pair_is_not_doubled_by_a_posting(clerk, django_capture_on_commit_callbacks):
    part, s1, _s2, _supplier = _case(clerk, neighbour_surplus=False)
    StockingParameter.objects.filter(part=part, warehouse=s1).update(min_qty=Decimal(7))  # the night saw it short
    run = ReplenishmentRunFactory()
    services.proposals_build(run=run)

    _issue(part, s1, 3, clerk, django_capture_on_commit_callbacks)

    assert [(r.origin, r.run_id) for r in _open(part, s1)] == [(ProposalOrigin.RUN, run.pk)]


def test_the_nightly_run_keeps_the_event_proposal_of_a_pair_still_short(clerk, django_capture_on_commit_callbacks):
    part, s1, s2, _supplier = _case(clerk)
    _issue(part, s1, 3, clerk, django_capture_on_commit_callbacks)
    made = [r.pk for r in _open(part, s1)]
    other = PartFactory()  # a pair only the night sees short
    _planned(other, s1, clerk, on_hand=0, mn=2, mx=4, class_code="C")
    make_supplier_part(make_supplier(), other)

    run = ReplenishmentRunFactory()
    count = services.proposals_build(run=run)

    assert [r.pk for r in _open(part, s1)] == made  # kept, no second set for the pair
    assert count == 1
    assert ReplenishmentProposal.objects.get(run=run).part_id == other.pk
    # The kept transfer still holds S2's surplus: nothing of it is offered twice.
    assert not ReplenishmentProposal.objects.filter(run=run, from_warehouse=s2).exists()


def test_the_nightly_run_supersedes_an_event_proposal_no_longer_needed(clerk, django_capture_on_commit_callbacks):
    part, s1, _s2, _supplier = _case(clerk)
    _issue(part, s1, 3, clerk, django_capture_on_commit_callbacks)
    inv.stock_receive(part=part, warehouse=s1, quantity=Decimal(8), unit_cost=Decimal(10), user=clerk)  # 11 now

    services.proposals_build(run=ReplenishmentRunFactory())

    assert _open(part, s1) == []
    assert set(ReplenishmentProposal.objects.values_list("state", flat=True)) == {ProposalState.SUPERSEDED}


def test_approving_an_event_proposal_makes_the_documents(clerk, django_capture_on_commit_callbacks, make_user):
    part, s1, s2, supplier = _case(clerk)
    _issue(part, s1, 3, clerk, django_capture_on_commit_callbacks)

    result = services.proposals_approve(items=[(p.pk, None) for p in _open(part, s1)], user=make_user("purchaser"))

    assert [t.from_warehouse_id for t in result.transfer_orders] == [s2.pk]
    assert [(o.supplier_id, o.reference) for o in result.purchase_orders] == [
        (supplier.pk, "Replenishment below reorder point")
    ]


def test_the_crossing_posting_costs_one_statement_more_and_others_none(clerk):
    part, s1, _s2, _supplier = _case(clerk)
    quiet = PartFactory()  # same stock, never reaching its reorder point
    _planned(quiet, s1, clerk, on_hand=6, mn=1, mx=10, class_code="A")

    with CaptureQueriesContext(connection) as plain:
        inv.stock_issue(part=quiet, warehouse=s1, quantity=Decimal(3), user=clerk)
    with CaptureQueriesContext(connection) as crossing:
        inv.stock_issue(part=part, warehouse=s1, quantity=Decimal(3), user=clerk)

    # The proposal itself is made after the commit by the task: the posting only writes its outbox row.
    assert len(crossing.captured_queries) == len(plain.captured_queries) + 1
    assert OutboxMessage.objects.filter(
        task_name="planning.replenishment_pair", kwargs={"part_id": part.pk, "warehouse_id": s1.pk}
    ).exists()
    assert ReplenishmentProposal.objects.count() == 0
