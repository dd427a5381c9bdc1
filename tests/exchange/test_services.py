"""The dealer exchange: offers, partners' requests, and shipping them as sales through the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.exceptions import DomainError, IdempotencyConflict, InvalidTransition, NotPermitted
from core.roles import Role
from exchange import selectors, services
from exchange.models import Offer, OfferState, RequestState
from inventory.document_types import EXCHANGE_SALE
from inventory.models import DemandHit, StockLevel, StockMovement, Warehouse
from inventory.selectors import ledger_differences
from inventory.services import stock_receive
from tests.factories import PartFactory, WarehouseFactory

from .factories import PartnerDealerFactory, partner_user

pytestmark = pytest.mark.usefixtures("postgres")
D = Decimal


@pytest.fixture
def stocked(make_user):
    warehouse = WarehouseFactory(code="CEN")
    part = PartFactory(number="C0-PART")
    manager = make_user(Role.MANAGER)
    stock_receive(part=part, warehouse=warehouse, quantity=D(10), unit_cost=D("8.0000"), user=manager)
    return part, warehouse, make_user(Role.PLANNER), manager


def _offer(stocked, quantity="6", rule="percent_of_cost", value="50"):
    part, warehouse, planner, _ = stocked
    return services.offer_create(
        part=part, warehouse=warehouse, quantity=D(quantity), price_rule=rule, rule_value=D(value), user=planner
    )


def test_an_offer_is_priced_by_its_rule_and_replaces_the_open_one(stocked):
    first = _offer(stocked)
    second = _offer(stocked, quantity="4", rule="fixed", value="3.5")

    first.refresh_from_db()
    assert (first.state, first.unit_price) == (OfferState.WITHDRAWN, D("4.00"))
    assert (second.state, second.unit_price, second.quantity) == (OfferState.OPEN, D("3.50"), D(4))


def test_an_offer_larger_than_the_free_stock_or_by_a_clerk_is_refused(stocked, make_user):
    part, warehouse, _, _ = stocked
    with pytest.raises(DomainError, match="Only 10 of C0-PART are free"):
        _offer(stocked, quantity="11")
    with pytest.raises(NotPermitted):
        services.offer_create(part=part, warehouse=warehouse, quantity=D(1), price_rule="fixed", rule_value=D(1),
                              user=make_user(Role.CLERK, [warehouse]))  # fmt: skip
    assert Offer.objects.count() == 0


def test_a_partner_asks_and_a_clerk_ships_it_as_an_exchange_sale(stocked, make_user):
    part, warehouse, _, _ = stocked
    offer = _offer(stocked)
    dealer = PartnerDealerFactory()
    partner = partner_user(dealer)
    clerk = make_user(Role.CLERK, [warehouse])

    with pytest.raises(DomainError, match="whole"):
        services.request_create(dealer=dealer, lines=[(offer.pk, "2.5")], user=partner)
    request = services.request_create(dealer=dealer, lines=[(offer.pk, 2)], user=partner, reference="PO-77")
    assert [o.left for o in selectors.open_offers()] == [D(4)]
    shipped = services.request_ship(request=request, user=clerk)

    level = StockLevel.objects.get(part=part, warehouse=warehouse)
    movement = StockMovement.objects.get(document_type=EXCHANGE_SALE)
    offer.refresh_from_db()
    assert shipped.state == RequestState.SHIPPED
    assert (level.on_hand, level.value) == (D(8), D("64.0000"))
    assert (movement.quantity, movement.value, movement.document_ref) == (D(-2), D("-16.0000"), request.number)
    assert offer.quantity == D(4)
    assert DemandHit.objects.count() == 0  # a sale to a partner is not workshop demand
    assert ledger_differences() == []
    assert selectors.disposed_value(start=movement.posted_at, end=movement.posted_at.replace(year=2100)) == D(16)


def test_asking_for_more_than_is_left_or_a_closed_offer_is_refused(stocked):
    offer = _offer(stocked, quantity="3")
    dealer = PartnerDealerFactory()
    partner = partner_user(dealer)
    services.request_create(dealer=dealer, lines=[(offer.pk, 2)], user=partner)

    with pytest.raises(DomainError, match="Only 1 of C0-PART are still offered"):
        services.request_create(dealer=dealer, lines=[(offer.pk, 2)], user=partner)
    services.offer_withdraw(offer=offer, user=stocked[2])
    with pytest.raises(DomainError, match="no longer open"):
        services.request_create(dealer=dealer, lines=[(offer.pk, 1)], user=partner)


def test_a_retry_with_the_same_key_makes_one_request_and_other_lines_are_a_conflict(stocked):
    offer = _offer(stocked)
    dealer = PartnerDealerFactory()
    partner = partner_user(dealer)

    first = services.request_create(dealer=dealer, lines=[(offer.pk, 1)], user=partner, idempotency_key="k-1")
    again = services.request_create(dealer=dealer, lines=[(offer.pk, 1)], user=partner, idempotency_key="k-1")

    assert again.pk == first.pk
    with pytest.raises(IdempotencyConflict):
        services.request_create(dealer=dealer, lines=[(offer.pk, 2)], user=partner, idempotency_key="k-1")


def test_shipping_twice_or_from_another_warehouse_is_refused(stocked, make_user):
    offer = _offer(stocked)
    dealer = PartnerDealerFactory()
    request = services.request_create(dealer=dealer, lines=[(offer.pk, 1)], user=partner_user(dealer))

    with pytest.raises(DomainError, match="own warehouses"):
        services.request_ship(request=request, user=make_user(Role.CLERK, [WarehouseFactory()]))
    services.request_ship(request=request, user=stocked[3])
    with pytest.raises(InvalidTransition):
        services.request_ship(request=request, user=stocked[3])
    assert StockMovement.objects.filter(document_type=EXCHANGE_SALE).count() == 1


def test_a_rejection_needs_a_reason_and_frees_the_quantity(stocked):
    offer = _offer(stocked, quantity="2")
    dealer = PartnerDealerFactory()
    request = services.request_create(dealer=dealer, lines=[(offer.pk, 2)], user=partner_user(dealer))

    with pytest.raises(DomainError, match="Say why"):
        services.request_reject(request=request, user=stocked[2], reason=" ")
    services.request_reject(request=request, user=stocked[2], reason="Sold to the workshop meanwhile")

    assert [o.left for o in selectors.open_offers()] == [D(2)]


def test_candidates_are_surplus_above_the_maximum(stocked):
    part, warehouse, _, _ = stocked
    StockLevel.objects.filter(part=part, warehouse=warehouse).update(max_qty=4, min_qty=2)

    [candidate] = selectors.offer_candidates()

    assert (candidate.level.part_id, candidate.offerable, candidate.value) == (part.pk, D(6), D(48))
    _offer(stocked, quantity="1")
    assert selectors.offer_candidates() == []


def test_the_close_reports_the_value_sold_through_the_exchange(make_user):
    from kpis import services as kpi_services
    from kpis.models import Kpi, Snapshot
    from tests.kpis.handmade import MARCH, at, build_handmade_month

    build_handmade_month()
    dead = PartFactory(number="EX-DEAD")
    cen = Warehouse.objects.get(code="CEN")
    user = make_user(Role.MANAGER)
    stock_receive(part=dead, warehouse=cen, quantity=D(5), unit_cost=D(40), user=user, posted_at=at(2024, 12, 1))
    from inventory.services import stock_issue

    stock_issue(part=dead, warehouse=cen, quantity=D(2), user=user, document_type=EXCHANGE_SALE,
                document_ref="EX-000001", posted_at=at(2026, 3, 20))  # fmt: skip

    kpi_services.month_close_run(month=MARCH)

    rows = Snapshot.objects.filter(month=MARCH, kpi=Kpi.EXCHANGE_DISPOSED, class_key="")
    figures = dict(rows.values_list("warehouse__code", "value"))
    assert figures == {None: D(80), "CEN": D(80), "ST1": D(0)}
