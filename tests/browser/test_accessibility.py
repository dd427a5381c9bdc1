"""Browser: the month-end screens pass axe-core (no serious or critical problem) and show where focus is."""

import pytest

from kpis import services

from ..kpis.handmade import MARCH, build_handmade_month


def test_month_end_screens_pass_axe(page, login, axe):
    # given the hand-made March closed and its manager logged in
    data = build_handmade_month()
    services.month_close_run(month=MARCH)
    login(page, data["user"])

    # then the dashboard and a drill-down have no serious or critical problem
    page.goto("/kpis/?month=2026-03")
    page.wait_for_function("window.Chart !== undefined && Object.keys(window.Chart.instances).length > 0")
    axe(page)
    page.goto("/kpis/drill/dead_stock/?month=2026-03")
    axe(page)


def test_settings_screens_pass_axe_and_show_focus(page, login, axe, make_user):
    # given a manager
    manager = make_user("manager")
    login(page, manager)

    # then every settings screen has no serious or critical problem
    for url in ("/settings/", "/kpis/targets/", "/kpis/thresholds/", "/planning/settings/"):
        page.goto(url)
        axe(page)
    for url in (
        "/suppliers/ratings/weights/",
        "/suppliers/settings/",
        "/inventory/users/",
        f"/inventory/users/{manager.pk}/",
    ):
        page.goto(url)
        axe(page)

    # and a field reached with the keyboard shows a visible focus ring
    page.goto("/planning/settings/")
    page.locator("#id_service_level_a").focus()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_axe_fixture_fails_on_an_unlabelled_input(page, axe):
    # given a page with an input nobody can name
    page.set_content("<html lang='en'><title>t</title><main><input type='text'></main></html>")

    # then the fixture fails the test and names the rule
    with pytest.raises(pytest.fail.Exception, match=r"label \(critical\)"):
        axe(page)
