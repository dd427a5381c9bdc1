from __future__ import annotations

import pytest

from webhooks import services

from .receiver import Receiver


@pytest.fixture(autouse=True)
def _fresh_active_kinds():
    """Each test sees the subscriptions it made, not the kinds another test left in the cache, and its
    first commit wakes the collector (a test with a real worker leaves the clock of its last wake-up)."""
    services._forget_active_kinds()
    services._last_wake["at"] = -services.COLLECT_EVERY
    yield
    services._forget_active_kinds()
    services._last_wake["at"] = -services.COLLECT_EVERY


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()
