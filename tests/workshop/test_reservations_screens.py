"""Reservation screen and endpoint: reserve for a booked day, see it on that day's pick list, post once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from inventory.models import StockLevel, WorkshopRequest

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def clerk_st1(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


def test_the_workshop_reserves_for_tomorrow_and_the_clerk_sees_it_on_tomorrows_pick_list(
    client, workshop_user, clerk_st1, store, part, receive
):
    receive(part, store, 2, "10.00")
    tomorrow = timezone.localdate() + timedelta(days=1)
    client.force_login(workshop_user)
    form = {
        "warehouse": store.pk,
        "repair_order": "RO-2001",
        "vehicle_ref": "",
        "booked_for": tomorrow.isoformat(),
        "key": "r1",
        "number": [part.number],
        "quantity": ["2"],
    }

    response = client.post(reverse("inventory:reservation-new"), form)
    again = client.post(reverse("inventory:reservation-new"), form)

    reservation = WorkshopRequest.objects.get()
    assert response.status_code == 302
    assert again["Location"] == response["Location"]
    assert reservation.booked_for == tomorrow
    assert StockLevel.objects.get(part=part, warehouse=store).reserved == 2
    client.force_login(clerk_st1)
    today = client.get(reverse("inventory:pick-list")).content.decode()
    ahead = client.get(reverse("inventory:pick-list"), {"day": tomorrow.isoformat()}).content.decode()
    assert f'data-request="{reservation.number}"' not in today
    assert f'data-request="{reservation.number}"' in ahead


def test_a_past_day_is_refused_on_the_form(client, workshop_user, store, part, receive):
    receive(part, store, 1, "10.00")
    client.force_login(workshop_user)
    response = client.post(
        reverse("inventory:reservation-new"),
        {
            "warehouse": store.pk,
            "repair_order": "RO-2002",
            "booked_for": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "key": "r2",
            "number": [part.number],
            "quantity": ["1"],
        },
    )
    assert response.status_code == 400
    assert "Book the repair order for today or a later day." in response.content.decode()
    assert not WorkshopRequest.objects.exists()


def test_the_reservation_endpoint_posts_once_per_key(api_as, workshop_user, store, part, receive):
    receive(part, store, 3, "10.00")
    body = {
        "warehouse": store.pk,
        "repair_order": "RO-2003",
        "booked_for": (timezone.localdate() + timedelta(days=2)).isoformat(),
        "lines": [{"part": part.number, "quantity": "2"}],
    }
    client = api_as(workshop_user)

    first = client.post(reverse("api-reservation"), body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    again = client.post(reverse("api-reservation"), body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert first.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["lines"][0]["quantity_reserved"] == "2.000"
    assert StockLevel.objects.get(part=part, warehouse=store).reserved == 2
