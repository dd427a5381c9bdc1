from __future__ import annotations

import factory

from core.roles import Role
from exchange.models import PartnerDealer, PartnerUser
from tests.factories import UserFactory


class PartnerDealerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerDealer

    code = factory.Sequence(lambda n: f"PD{n:03d}")
    name = factory.Sequence(lambda n: f"Partner dealer {n}")


def partner_user(dealer: PartnerDealer):
    user = UserFactory(roles=[Role.PARTNER])
    PartnerUser.objects.create(user=user, dealer=dealer)
    return user
