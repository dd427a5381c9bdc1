"""factory-boy factories for every model tests need. No fixtures files, no fixed primary keys."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from inventory.models import Bin, Echelon, Part, Unit, Warehouse, WarehouseNeighbour


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests-1")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"W{n:03d}")
    name = factory.LazyAttribute(lambda w: f"Warehouse {w.code}")
    echelon = Echelon.CENTRAL
    parent = None


class BinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bin

    warehouse = factory.SubFactory(WarehouseFactory)
    code = factory.Sequence(lambda n: f"A-{n:02d}-{n % 5:02d}")


class NeighbourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WarehouseNeighbour

    warehouse = factory.SubFactory(WarehouseFactory)
    neighbour = factory.SubFactory(WarehouseFactory)
    transfer_lead_time_days = 1


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part

    number = factory.Sequence(lambda n: f"P-{100000 + n}")
    description = factory.Sequence(lambda n: f"Test part {n}")
    unit = Unit.PIECE
    category = "Filters"
    list_price = Decimal("25.00")
