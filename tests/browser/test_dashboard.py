"""Browser: a parts manager opens the month-end dashboard, sees a red KPI and drills down to its parts."""

from kpis import services

from ..kpis.handmade import MARCH, build_handmade_month


def test_manager_sees_a_red_kpi_and_drills_down_to_its_parts(page, login):
    # given the hand-made March closed (dead stock 53 % against a target of at most 10 %)
    data = build_handmade_month()
    services.month_close_run(month=MARCH)
    login(page, data["user"])

    # when the manager opens the dashboard for the network
    page.goto("/kpis/?month=2026-03")

    # then the dead stock card is red and the trend charts are drawn by the vendored Chart.js
    card = page.locator('.kpi[data-kpi="dead_stock"][data-class=""]')
    assert card.get_attribute("data-status") == "missed"
    assert "53.2 %" in card.inner_text()
    page.wait_for_function("window.Chart !== undefined && document.querySelectorAll('canvas[data-trend]').length > 0")
    assert page.evaluate("Object.keys(window.Chart.instances).length") == 7

    # when the manager follows the card to the parts behind it
    card.get_by_role("link", name="Parts behind it").click()

    # then the dead part is listed with its value
    page.wait_for_selector("[data-testid=drilldown]")
    assert "C0 (dead) parts by value" in page.inner_text("main")
    row = page.locator('tr[data-part="D1"]')
    assert row.locator("td").nth(2).inner_text() == "CEN"
    assert row.locator("td").nth(9).inner_text() == "200.00"
