"""Return screens: the workshop and customer return forms, refusals on the form, the misdiagnosis report and CSV."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from inventory.demand import services as demand_services
from inventory.models import CustomerReturn, StockLevel, WorkshopReturn, WorkshopReturnReason

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def clerk_st1(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


@pytest.fixture
def picked(store, part, repair_order, workshop_user, clerk_st1, receive):
    receive(part, store, 3, "10.00")
    request = demand_services.workshop_request_submit(
        repair_order=repair_order, warehouse=store, lines=[(part, Decimal(2))], user=workshop_user
    )
    demand_services.workshop_request_pick(request=request, user=clerk_st1)
    return request


def test_the_clerk_takes_a_workshop_return_by_scanning_request_and_part(client, clerk_st1, picked, part, store):
    client.force_login(clerk_st1)
    form = {
        "request_number": picked.number,
        "part_number": "flt 100",
        "quantity": "1",
        "reason": "misdiagnosis",
        "note": "",
        "key": "a",
    }

    response = client.post(reverse("inventory:return-workshop"), form)
    again = client.post(reverse("inventory:return-workshop"), form)

    assert response.status_code == 302
    assert again.status_code == 302
    assert WorkshopReturn.objects.count() == 1
    assert StockLevel.objects.get(part=part, warehouse=store).on_hand == 2
    page = client.get(response["Location"])
    assert f"1 × FLT-100 back from {picked.number} at 10.0000." in page.content.decode()


def test_a_part_not_on_the_request_is_refused_on_the_form(client, clerk_st1, picked):
    client.force_login(clerk_st1)
    response = client.post(
        reverse("inventory:return-workshop"),
        {"request_number": picked.number, "part_number": "X-1", "quantity": "1", "reason": "not_needed", "key": "b"},
    )
    assert response.status_code == 400
    assert f"X-1 is not on {picked.number}; check both numbers." in response.content.decode()
    assert not WorkshopReturn.objects.exists()


def test_the_customer_return_screen_says_what_to_pay_back(client, clerk_st1, store, part, receive):
    receive(part, store, 2, "10.00")
    sale = demand_services.counter_sale_post(warehouse=store, lines=[(part, Decimal(2))], user=clerk_st1)
    client.force_login(clerk_st1)

    response = client.post(
        reverse("inventory:return-customer"),
        {
            "sale_number": sale.number,
            "part_number": part.number,
            "quantity": "2",
            "condition": "resaleable",
            "key": "c",
        },
        follow=True,
    )

    returned = CustomerReturn.objects.get()
    assert f"{returned.number}: pay back 50.00 to the customer." in response.content.decode()


def test_the_workshop_may_not_post_returns(client, workshop_user):
    client.force_login(workshop_user)
    assert client.get(reverse("inventory:return-workshop")).status_code == 403
    assert client.get(reverse("inventory:return-customer")).status_code == 403


def test_the_misdiagnosis_report_lists_the_month_and_downloads_as_csv(
    client, clerk_st1, picked, django_assert_max_num_queries
):
    line = picked.lines.get()
    for _ in range(2):
        demand_services.workshop_return_post(
            line=line, quantity=Decimal(1), reason=WorkshopReturnReason.MISDIAGNOSIS, user=clerk_st1, note="not it"
        )
    client.force_login(clerk_st1)
    month = timezone.localdate().strftime("%Y-%m")

    with django_assert_max_num_queries(8):
        page = client.get(reverse("inventory:return-misdiagnosis"), {"month": month})
    csv = client.get(reverse("inventory:return-misdiagnosis"), {"month": month, "format": "csv"})

    assert page.content.decode().count("not it") == 2
    body = b"".join(csv.streaming_content).decode()
    assert body.splitlines()[0].lstrip("\ufeff").startswith("Returned,Warehouse,Repair order")
    assert len(body.splitlines()) == 3
    assert "RO-1001" in body
