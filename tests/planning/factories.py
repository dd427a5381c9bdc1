"""Factories for the planning app (the shared ones live in tests/factories.py)."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from planning.models import Forecast, ReplenishmentRun

from ..factories import PartFactory, WarehouseFactory


class ReplenishmentRunFactory(factory.django.DjangoModelFactory):
    """A queued run, as "Run now" makes it before the worker takes it."""

    class Meta:
        model = ReplenishmentRun


class ForecastFactory(factory.django.DjangoModelFactory):
    """A smooth demand of 3 a month from this month on, fitted by SES over 24 months."""

    class Meta:
        model = Forecast

    part = factory.SubFactory(PartFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    first_month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    per_month = Decimal("3")
    std_per_month = Decimal("1")
    method = "ses"
    pattern = "smooth"
    history_months = 24
    computed_at = factory.LazyFunction(timezone.now)
