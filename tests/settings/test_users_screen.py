"""Managers give roles and warehouses in the app; each change is kept; a manager cannot lock themselves out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AccessChange, WarehouseMembership
from core.roles import user_access

from ..factories import UserFactory, WarehouseFactory

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def manager(client, make_user):
    user = make_user("manager")
    client.force_login(user)
    return user


def test_a_manager_makes_a_clerk_a_planner_in_two_warehouses(client, manager, make_user, django_assert_max_num_queries):
    cen, st1 = WarehouseFactory(code="CEN"), WarehouseFactory(code="ST1")
    person = make_user("clerk", warehouses=[cen])

    response = client.post(
        reverse("inventory:user-access", args=[person.pk]),
        {"roles": ["planner", "clerk"], "warehouses": [cen.pk, st1.pk], "is_active": "on"},
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert user_access(person).roles == {"clerk", "planner"}
    assert set(WarehouseMembership.objects.filter(user=person).values_list("warehouse__code", flat=True)) == {
        "CEN",
        "ST1",
    }
    change = AccessChange.objects.get(user=person)
    assert (change.changed_by, change.roles, change.warehouses) == (manager, "clerk planner", "CEN ST1")
    with django_assert_max_num_queries(8):
        listing = client.get(reverse("inventory:users"), {"q": person.username})
    assert [row["user"] for row in listing.context["rows"]] == [person]
    assert listing.context["rows"][0]["warehouses"] == ["CEN", "ST1"]


def test_a_manager_cannot_take_their_own_manager_role_away(client, manager):
    response = client.post(reverse("inventory:user-access", args=[manager.pk]), {"roles": ["clerk"], "is_active": "on"})

    assert response.status_code == 400
    assert response.context["form"].errors["roles"] == [
        "You cannot take your own manager role away or deactivate yourself."
    ]
    manager.__dict__.pop("_parts_access", None)
    assert "manager" in user_access(manager).roles
    assert not AccessChange.objects.exists()


def test_a_supplier_login_keeps_the_supplier_role_alone(client, manager):
    person = UserFactory()

    response = client.post(
        reverse("inventory:user-access", args=[person.pk]), {"roles": ["supplier", "clerk"], "is_active": "on"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["roles"] == ["A supplier's login has the supplier role only."]


def test_users_screen_is_for_managers(client, make_user):
    client.force_login(make_user("planner"))
    assert client.get(reverse("inventory:users")).status_code == 403
