"""The month-end dashboard and the receiving screen in Traditional Chinese, chosen on the user's profile."""

from __future__ import annotations

import pytest

from core.models import UserProfile
from kpis import services

from ..kpis.handmade import MARCH, build_handmade_month

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_reads_the_dashboard_in_traditional_chinese(sized_page, login, axe):
    data = build_handmade_month()
    services.month_close_run(month=MARCH)
    UserProfile.objects.create(user=data["user"], language="zh-hant")
    page = sized_page("desktop")
    login(page, data["user"])

    page.goto("/kpis/?month=2026-03")

    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert page.locator("h1").inner_text().startswith("月結 KPI")
    card = page.locator('[data-group="stock"] .kpi-card[data-kpi="dead_stock"]')
    assert card.locator("h4").inner_text() == "無需求零件的庫存金額（呆滯庫存，C0）"
    assert card.locator(".badge").first.inner_text() == "未達成"
    card.get_by_text("計算方式").click()
    assert card.get_by_text("C0 零件庫存金額除以全部庫存金額。").is_visible()
    assert page.get_by_role("heading", name="24 個月趨勢").is_visible()
    axe(page)


def test_the_language_switch_on_the_login_page_changes_the_screens(sized_page, login):
    page = sized_page("tablet")
    page.goto("/login/")

    page.get_by_role("button", name="繁體中文").click()

    assert page.get_by_role("heading", name="登入").is_visible()
    assert page.get_by_label("使用者名稱").is_visible()
