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

    # then the dead stock card, under stock health, shows its figure large, a "missed" badge and its target
    card = page.locator('[data-group="stock"] .kpi-card[data-kpi="dead_stock"]')
    assert card.get_attribute("data-status") == "missed"
    assert card.locator(".kpi-figure").inner_text() == "53.2 %"
    assert card.locator(".badge").first.inner_text() == "missed"
    assert card.locator(".kpi-target").inner_text() == "target ≤ 10.0 %"
    # and a tap on "How it is worked out" shows the formula in words
    card.get_by_text("How it is worked out").click()
    assert card.get_by_text("Stock value of C0 parts divided by the value of all stock.").is_visible()

    # and every KPI with figures has its own chart, drawn by the vendored Chart.js at a readable size
    page.wait_for_function("window.Chart !== undefined && Object.keys(window.Chart.instances).length > 0")
    charts = page.locator("canvas[data-trend]")
    assert page.evaluate("Object.keys(window.Chart.instances).length") == charts.count() > 7
    box = page.locator("#trend-dead_stock canvas").bounding_box()
    assert box["width"] >= 600
    assert box["height"] >= 240
    # with month labels that do not overlap: Chart.js skips labels rather than crowd them
    shown = page.evaluate(
        "(() => { const c = Object.values(window.Chart.instances).find(c => c.canvas.closest('#trend-dead_stock'));"
        " return c.scales.x.ticks.length; })()"
    )
    assert 6 <= shown < 24

    # when the manager clicks March on the chart, March opens
    page.locator("#trend-dead_stock canvas").click(position={"x": box["width"] - 12, "y": box["height"] / 2})
    page.wait_for_url("**/kpis/?month=2026-03")

    # when the manager follows the card to the parts behind it
    page.locator('[data-group="stock"] .kpi-card[data-kpi="dead_stock"]').get_by_role(
        "link", name="What is behind it"
    ).click()

    # then the dead part is listed with its value
    page.wait_for_selector("[data-testid=drilldown]")
    assert "C0 (dead) parts by value" in page.inner_text("main")
    row = page.locator('tr[data-part="D1"]')
    assert row.locator("td").nth(2).inner_text() == "CEN"
    assert row.locator("td").nth(9).inner_text() == "200.00"
