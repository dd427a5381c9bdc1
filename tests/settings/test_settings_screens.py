"""Managers keep targets, thresholds, planning, rating and purchasing settings in the app, with history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import ClassThresholds, Target
from planning.models import PlanningSettings
from suppliers.models import PurchasingSettings, RatingWeights
from suppliers.services.orders import approval_threshold

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def manager_client(client, make_user):
    user = make_user("manager")
    client.force_login(user)
    client.user = user
    return client


def test_settings_hub_lists_every_screen_for_a_manager_and_refuses_a_clerk(manager_client, client, make_user):
    response = manager_client.get(reverse("settings"))

    assert response.status_code == 200
    urls = [screen["url"] for screen in response.context["screens"]]
    assert urls[:5] == [
        reverse("kpis:targets"),
        reverse("planning:settings"),
        reverse("kpis:thresholds"),
        reverse("suppliers:rating-weights"),
        reverse("suppliers:purchasing-settings"),
    ]
    client.force_login(make_user("clerk"))
    assert client.get(reverse("settings")).status_code == 403


def test_planning_settings_save_a_new_row_in_percent_with_who_saved_it(manager_client):
    before = PlanningSettings.objects.count()
    form = {
        "service_level_a": "97",
        "service_level_b": "92.5",
        "service_level_c": "85",
        "service_level_default": "90",
        "ordering_cost": "60",
        "holding_rate": "25",
        "default_lead_time_days": "10",
        "critical_buffer": "1",
        "method_choice": "pattern",
        "history_months": "24",
    }

    response = manager_client.post(reverse("planning:settings"), form)

    assert response.status_code == 302
    row = PlanningSettings.objects.order_by("-id").first()
    assert PlanningSettings.objects.count() == before + 1
    assert (row.service_level_a, row.service_level_b, row.holding_rate) == (
        Decimal("0.97"),
        Decimal("0.925"),
        Decimal("0.25"),
    )
    assert row.history.first().history_user == manager_client.user
    page = manager_client.get(reverse("planning:settings"))
    assert page.context["form"]["service_level_a"].value() == Decimal("97")
    assert page.context["history"][0]["who"] == manager_client.user.username


def test_planning_settings_refuse_a_service_level_of_100_percent_and_write_nothing(manager_client):
    before = PlanningSettings.objects.count()
    form = {
        "service_level_a": "100",
        "service_level_b": "90",
        "service_level_c": "85",
        "service_level_default": "90",
        "ordering_cost": "50",
        "holding_rate": "25",
        "default_lead_time_days": "14",
        "critical_buffer": "1",
        "method_choice": "pattern",
        "history_months": "24",
    }

    response = manager_client.post(reverse("planning:settings"), form)

    assert response.status_code == 400
    assert response.context["form"].errors["service_level_a"] == [
        "A service level lies between 0 % and 100 % (both excluded)."
    ]
    assert PlanningSettings.objects.count() == before


def test_a_target_is_typed_in_percent_for_a_share_and_kept_in_history(manager_client):
    response = manager_client.post(
        reverse("kpis:targets"), {"kpi": "dead_stock", "class_key": "", "upper": "8", "near_band": "2"}
    )

    assert response.status_code == 302
    target = Target.objects.get(kpi="dead_stock", class_key="", warehouse=None)
    assert (target.lower, target.upper, target.near_band) == (None, Decimal("0.08"), Decimal("0.02"))
    page = manager_client.get(reverse("kpis:targets"))
    row = next(row for row in page.context["rows"] if row["target"].pk == target.pk)
    assert row["band"] == "≤ 8.0 %"
    assert page.context["history"][0].history_user == manager_client.user


def test_a_target_without_bounds_is_refused_with_a_message(manager_client):
    before = Target.objects.count()

    response = manager_client.post(reverse("kpis:targets"), {"kpi": "turnover", "class_key": ""})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Give a lowest or a highest value (or both)."]
    assert Target.objects.count() == before


def test_thresholds_refuse_class_a_at_or_below_class_b(manager_client):
    ClassThresholds.objects.get_or_create(pk=1)
    form = {
        "a_min_hits": "4",
        "b_min_hits": "4",
        "new_part_months": "12",
        "x_max_cv": "0.5",
        "y_max_cv": "1.0",
        "review_period_months": "1",
        "lead_time_months": "0.5",
    }

    response = manager_client.post(reverse("kpis:thresholds"), form)

    assert response.status_code == 400
    assert response.context["form"].errors["a_min_hits"] == ["Class A needs more hits than class B."]
    assert ClassThresholds.objects.get(pk=1).a_min_hits == 12

    form["a_min_hits"] = "10"
    form["review_period_months"] = "2"
    assert manager_client.post(reverse("kpis:thresholds"), form).status_code == 302
    row = ClassThresholds.objects.get(pk=1)
    assert (row.a_min_hits, row.review_period_months) == (10, Decimal("2"))


def test_rating_weights_refuse_grades_out_of_order(manager_client):
    form = {
        "on_time_weight": "4",
        "fill_rate_weight": "3",
        "quality_weight": "2",
        "lead_time_weight": "1",
        "grade_a_min": "80",
        "grade_b_min": "85",
        "grade_c_min": "70",
    }
    before = RatingWeights.objects.count()

    response = manager_client.post(reverse("suppliers:rating-weights"), form)

    assert response.status_code == 400
    assert response.context["form"].errors["grade_b_min"] == ["The limits must fall from A to B to C."]
    assert RatingWeights.objects.count() == before
    form["grade_a_min"] = "95"
    assert manager_client.post(reverse("suppliers:rating-weights"), form).status_code == 302
    assert RatingWeights.objects.order_by("-id").first().grade_b_min == Decimal("0.85")


def test_the_approval_threshold_set_in_the_app_is_the_one_orders_use(manager_client, settings):
    settings.PURCHASE_APPROVAL_THRESHOLD = "5000"
    assert approval_threshold() == Decimal("5000")

    response = manager_client.post(reverse("suppliers:purchasing-settings"), {"approval_threshold": "750"})

    assert response.status_code == 302
    assert approval_threshold() == Decimal("750")
    assert PurchasingSettings.objects.get().history.first().history_user == manager_client.user
    refused = manager_client.post(reverse("suppliers:purchasing-settings"), {"approval_threshold": "-1"})
    assert refused.status_code == 400
    assert approval_threshold() == Decimal("750")


@pytest.mark.parametrize(
    "name", ["kpis:targets", "kpis:thresholds", "planning:settings", "suppliers:rating-weights", "settings"]
)
def test_settings_screens_are_for_managers_only(client, make_user, name):
    client.force_login(make_user("planner"))
    assert client.get(reverse(name)).status_code == 403
