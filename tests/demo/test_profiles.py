"""The pure demo generator: class shares, determinism, intermittent and skewed demand, catalogue shape."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from demo import profiles
from demo.profiles import (
    CLASS_SHARES,
    DEAD,
    FAST,
    NETWORK,
    NEW,
    SLOW,
    SUPPLIERS,
    bin_codes,
    generate_catalogue,
    generate_demand,
    history_start,
    poisson_quantile,
    stock_policy,
)

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def catalogue():
    return generate_catalogue(seed=11, parts=1000, today=TODAY, months=24)


@pytest.fixture(scope="module")
def documents(catalogue):
    return generate_demand(catalogue)


def _hits_by_family_month(catalogue, documents, warehouses):
    family_of = {p.index: p.family for p in catalogue.parts}
    counts = defaultdict(Counter)
    for document in documents:
        if document.warehouse in warehouses:
            for line in document.lines:
                counts[(family_of[line.served], document.warehouse)][(document.day.year, document.day.month)] += 1
    return counts


def test_history_starts_on_the_first_of_the_month_months_before_today():
    assert history_start(TODAY, 24) == date(2024, 11, 1)
    assert history_start(date(2026, 1, 31), 6) == date(2025, 7, 1)


def test_class_shares_match_the_profile(catalogue):
    # given 1000 parts, 50 of them superseded numbers: 950 demand families
    assert len(catalogue.parts) == 1000
    assert len(catalogue.families) == 950
    # then every class has its share of the families, to rounding
    shares = catalogue.class_shares()
    assert shares.keys() == CLASS_SHARES.keys()
    for name, share in CLASS_SHARES.items():
        assert shares[name] == pytest.approx(share, abs=0.002)


def test_about_five_percent_of_parts_are_superseded_some_in_chains_of_three(catalogue):
    superseded = [p for p in catalogue.parts if p.superseded_by is not None]
    assert len(superseded) == 50
    chain_lengths = Counter(len(f.members) for f in catalogue.families)
    assert chain_lengths[3] >= 2
    assert chain_lengths[2] > chain_lengths[3]
    for part in superseded:
        newer = catalogue.parts[part.superseded_by]
        assert newer.family == part.family
        assert newer.number != part.number
        assert catalogue.start < part.superseded_on < TODAY


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(catalogue, documents):
    again = generate_catalogue(seed=11, parts=1000, today=TODAY, months=24)
    other = generate_catalogue(seed=12, parts=1000, today=TODAY, months=24)
    assert again == catalogue
    assert generate_demand(again) == documents
    assert [p.number for p in other.parts] != [p.number for p in catalogue.parts]


def test_slow_movers_are_intermittent_and_fast_movers_are_asked_for_most_months(catalogue, documents):
    stores = {w.code for w in NETWORK if w.echelon == "store"}
    hits = _hits_by_family_month(catalogue, documents, stores)

    def empty_share(demand_class):
        pairs = [(f.index, w) for f in catalogue.families if f.demand_class == demand_class for w in f.warehouses]
        pairs = [(f, w) for f, w in pairs if w in stores]
        months_with_hits = sum(len(hits[pair]) for pair in pairs)
        return 1 - months_with_hits / (len(pairs) * 24)

    assert empty_share(SLOW) > 0.8  # a slow mover sees most months without a single hit
    assert empty_share(FAST) < 0.35  # a fast mover is asked for in most months


def test_demand_is_skewed_a_tenth_of_the_parts_bring_most_hits(catalogue, documents):
    per_part = Counter(line.served for d in documents for line in d.lines)
    ranked = sorted(per_part.values(), reverse=True)
    top = ranked[: len(catalogue.parts) // 10]
    assert sum(top) / sum(ranked) > 0.4


def test_dead_parts_have_no_demand_in_the_last_twelve_months_and_new_parts_none_before_they_start(catalogue, documents):
    family_of = {p.index: catalogue.families[p.family] for p in catalogue.parts}
    year_ago = TODAY - timedelta(days=365)
    for document in documents:
        for line in document.lines:
            family = family_of[line.served]
            if family.demand_class == DEAD:
                assert document.day < year_ago
            if family.demand_class == NEW:
                assert document.day >= family.starts_on


def test_demand_documents_are_in_time_order_with_repair_orders_of_one_to_four_lines(documents):
    assert documents == sorted(documents, key=lambda d: (d.day, d.minute, d.warehouse, d.source))
    assert documents[0].day == date(2024, 11, 1)
    assert documents[-1].day < TODAY
    workshop = [d for d in documents if d.source == "workshop"]
    assert workshop
    assert all(re.fullmatch(r"RO-\d{2}-\d{6}", d.repair_order_ref) for d in workshop)
    assert len({d.repair_order_ref for d in workshop}) == len(workshop)
    assert max(len(d.lines) for d in workshop) == 4
    assert all(d.day.weekday() != 6 for d in documents)  # closed on Sundays
    assert {d.warehouse for d in workshop} == {w.code for w in NETWORK if w.echelon == "store"}


def test_requests_after_a_supersession_are_served_by_the_newer_number(catalogue, documents):
    by_index = {p.index: p for p in catalogue.parts}
    asked_for_old = 0
    for document in documents:
        for line in document.lines:
            served = by_index[line.served]
            assert served.superseded_by is None or document.day < served.superseded_on
            if line.requested != line.served:
                asked_for_old += 1
                assert by_index[line.requested].family == served.family
    assert asked_for_old > 0


def test_parts_look_like_a_car_makers_catalogue(catalogue):
    units = Counter(p.unit for p in catalogue.parts)
    assert units["PCS"] > units["L"] > 0
    assert all(p.unit == "L" for p in catalogue.parts if p.category == "Fluids")
    assert all(p.list_price > 0 for p in catalogue.parts)
    prices = sorted(p.list_price for p in catalogue.parts)
    assert Decimal("5") < prices[len(prices) // 2] < Decimal("150")  # median
    assert prices[-1] > 20 * prices[len(prices) // 2]  # a long log-normal tail
    assert len({p.number for p in catalogue.parts}) == len(catalogue.parts)
    assert 0 < sum(p.is_critical for p in catalogue.parts) <= 30


def test_every_part_has_one_preferred_offer_cheaper_than_list_price(catalogue):
    codes = {s.code for s in SUPPLIERS}
    assert len(codes) == 12
    for part in catalogue.parts:
        assert sum(offer.preferred for offer in part.offers) == 1
        for offer in part.offers:
            assert offer.supplier in codes
            assert 0 < offer.price < part.list_price or part.list_price < Decimal("0.05")
            assert 2 <= offer.lead_time_days <= 30
            assert offer.min_order_quantity % offer.pack_size == 0


def test_bins_are_aisle_rack_shelf_codes():
    codes = bin_codes(NETWORK[3])
    assert codes[0] == "A-01-1"
    assert len(codes) == len(set(codes)) == 3 * 10 * 5
    assert all(re.fullmatch(r"[A-H]-\d{2}-\d", code) for code in codes)


def test_poisson_quantile():
    # P(X<=1) = 0.7358 and P(X<=2) = 0.9197 for a mean of 1
    assert poisson_quantile(1.0, 0.9) == 2
    assert poisson_quantile(1.0, 0.7) == 1
    assert poisson_quantile(0.0, 0.99) == 0


def test_stock_policy_orders_up_to_a_max_above_min_and_nothing_for_parts_ordered_on_demand(catalogue):
    fast = next(f for f in catalogue.families if f.demand_class == FAST and not f.on_demand)
    policy = stock_policy(family=fast, warehouse="ST-HAM", lead_time_days=3, review_days=3.5)
    assert 0 < policy.min_qty < policy.max_qty
    slow = next(f for f in catalogue.families if f.on_demand)
    assert stock_policy(
        family=slow, warehouse=slow.on_demand[0], lead_time_days=3, review_days=3.5
    ) == profiles.StockPolicy(Decimal(0), Decimal(0))
    packed = stock_policy(family=fast, warehouse="ST-HAM", lead_time_days=3, review_days=3.5, pack_size=Decimal(5))
    assert (packed.max_qty - packed.min_qty) % 5 == 0


def test_too_few_parts_are_refused():
    with pytest.raises(ValueError, match="at least 10 parts"):
        generate_catalogue(seed=1, parts=5, today=TODAY, months=24)
