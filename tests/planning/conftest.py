"""Planning fixtures; the data builders are in ``tests.planning.builders``."""

from __future__ import annotations

import pytest


@pytest.fixture
def planner(make_user):
    return make_user("planner")


@pytest.fixture
def purchaser(make_user):
    return make_user("purchaser")
