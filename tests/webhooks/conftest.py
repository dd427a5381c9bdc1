from __future__ import annotations

import pytest

from webhooks import services

from .receiver import Receiver


@pytest.fixture(autouse=True)
def _fresh_active_kinds():
    """Each test sees the subscriptions it made, not the kinds another test left in the cache."""
    services._forget_active_kinds()
    yield
    services._forget_active_kinds()


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()
