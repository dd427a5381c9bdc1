"""A partner dealer on the exchange: dead stock and surplus offered, one request waiting to ship."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from django.contrib.auth.models import User

from exchange import selectors, services
from exchange.models import PartnerDealer, PartnerUser


def exchange_market(*, users: dict[str, User]) -> str:
    dealer, _ = PartnerDealer.objects.get_or_create(
        code="TPE-AUTO", defaults={"name": "Taipei Auto Partner", "email": "parts@tpe-auto.example"}
    )
    partner = users.get("partner")
    if partner is None:
        return "no partner login"
    PartnerUser.objects.get_or_create(user=partner, defaults={"dealer": dealer})
    offers = []
    for candidate in selectors.offer_candidates(limit=12):
        level = candidate.level
        # Whole pieces are offered whole (a part counted in pieces cannot sell half a piece).
        quantity = (
            candidate.offerable.to_integral_value(ROUND_FLOOR) if level.part.is_whole_unit else candidate.offerable
        )
        if quantity <= 0:
            continue
        offers.append(
            services.offer_create(
                part=level.part,
                warehouse=level.warehouse,
                quantity=quantity,
                price_rule="percent_of_cost",
                rule_value=Decimal(60) if candidate.class_code == "C0" else Decimal(85),
                user=users["planner"],
            )
        )
    same_warehouse = [offer for offer in offers if offer.warehouse_id == offers[0].warehouse_id][:2] if offers else []
    if same_warehouse:
        services.request_create(
            dealer=dealer,
            lines=[(offer.pk, 1) for offer in same_warehouse],
            user=partner,
            reference="TPE-24-118",
        )
    return f"{len(offers)} offers, {1 if same_warehouse else 0} request waiting"
