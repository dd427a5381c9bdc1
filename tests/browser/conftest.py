"""Browser tests: Playwright drives Debian's chromium (headless, --no-sandbox) against a live server.

Use ``page`` and ``login(page, user)``; ``live_server`` is started by pytest-django.
``sized_page("tablet")`` opens a page at another screen size (``SIZES``), and
``axe(page)`` fails the test when axe-core finds a serious or critical problem on
the page as it stands. All browser tests run in one xdist group so that only one
chromium runs at a time.
"""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# Desktop, tablet (clerk and workshop counters) and phone (suppliers on the road).
SIZES = {
    "desktop": {"width": 1280, "height": 900},
    "tablet": {"width": 1024, "height": 768},
    "phone": {"width": 390, "height": 844},
}
PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's password


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def _browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("Debian's chromium is required for browser tests (apt-get install chromium)")
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def sized_page(_browser, live_server):
    """sized_page("tablet"): a new page (own cookies) at one of SIZES; closed after the test."""
    contexts = []

    def open_page(size: str = "desktop"):
        context = _browser.new_context(base_url=live_server.url, viewport=SIZES[size])
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(sized_page):
    return sized_page("desktop")


# What a person cannot get past (a missing label, unreadable contrast, a button with no name);
# "minor" and "moderate" findings are left to review.
AXE_BLOCKING = ("serious", "critical")


@pytest.fixture(scope="session")
def _axe_runner():
    # The axe-core script shipped inside axe-playwright-python is injected into the page:
    # nothing is fetched from the network.
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def axe(_axe_runner):
    """axe(page): run axe-core over the page as it stands; fail listing every serious or critical violation.

    Returns the violations of lower impact, for a test that wants to look at them.
    """

    def check(page, *, context=None):
        results = _axe_runner.run(page, context=context)
        violations = results.response["violations"]
        blocking = [v for v in violations if v.get("impact") in AXE_BLOCKING]
        if blocking:
            lines = [f"axe-core on {page.url}:"]
            for violation in blocking:
                lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
                for node in violation["nodes"][:5]:
                    lines.append(f"    {node['target']}: {node.get('failureSummary', '')[:200]}")
            pytest.fail("\n".join(lines))
        return violations

    return check


@pytest.fixture
def login():
    """login(page, user): log in through the login form, as a person would."""

    def do(page, user):
        page.goto("/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(lambda url: "/login/" not in url)

    return do
