"""The month-end dashboard and the receiving screen in Traditional Chinese, chosen on the user's profile."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import UserProfile
from core.roles import Role
from kpis import services
from suppliers import services as supplier_services

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory
from ..kpis.handmade import MARCH, build_handmade_month
from ..suppliers.factories import SupplierFactory, SupplierPartFactory

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


def test_a_clerk_receives_in_traditional_chinese_and_scan_messages_are_translated(sized_page, login, axe):
    # given a sent order for a clerk who reads Traditional Chinese
    central = WarehouseFactory(code="CEN", name="Central")
    BinFactory(warehouse=central, code="A-01")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=central)
    UserProfile.objects.create(user=clerk, language="zh-hant")
    purchaser = UserFactory(roles=[Role.PURCHASER])
    part = PartFactory(number="OF-100")
    supplier = SupplierFactory(code="ACME")
    SupplierPartFactory(supplier=supplier, part=part, price=Decimal("5.00"))
    order = supplier_services.purchase_order_create(
        supplier=supplier,
        warehouse=central,
        order_type="stock",
        lines=[(part, Decimal(4), None)],
        user=purchaser,
    )
    supplier_services.purchase_order_send(order=order, user=purchaser)
    page = sized_page("desktop")
    login(page, clerk)

    # when the clerk opens the order and scans a part that is not on it, then a bin of another warehouse
    page.goto("/suppliers/receiving/")
    page.keyboard.type(order.number)
    page.keyboard.press("Enter")
    page.wait_for_selector("#scan:focus")
    page.keyboard.type("XX-999")
    page.keyboard.press("Enter")

    # then the screen and its scan messages are in Traditional Chinese
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert page.inner_text("#scan-msg") == "XX-999 不在此採購單上。"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe(page)

    # and posting the line answers in Chinese too
    page.keyboard.press("Control+a")
    page.keyboard.type("OF-100")
    page.keyboard.press("Enter")
    page.keyboard.type("4")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.success")
    order.refresh_from_db()
    assert order.state == "received"
