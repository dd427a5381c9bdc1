"""Shared fixtures: users per role, API clients, service requirements.

The database is PostgreSQL: the machine's server, or the embedded one when no
server answers (scripts/test_env.sh). Tests marked ``services`` need Redis
where they say so; they skip when it is missing, except under
REQUIRE_SERVICES=1 (CI), where they fail instead.
"""

from __future__ import annotations

import os

import pytest
from django.utils import translation
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient

from core.roles import Role

from .factories import UserFactory, WarehouseFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# Property tests judge results, not speed: a loaded machine (two CI workers on two cores) must not turn
# a slow example into a failure. Speed is measured by the benchmarks in bench/.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


def _missing(what: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but is not configured")
    pytest.skip(f"{what} not available")


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """The locale middleware leaves a request's language active in the test's thread: every test starts in
    the default language, whatever the test before it asked for."""
    yield
    translation.deactivate()


@pytest.fixture
def postgres(db):
    """The database, named for what tests of PostgreSQL SQL rely on (the only database there is)."""


@pytest.fixture
def postgres_tx(transactional_db):
    """``postgres`` with real transactions (commits, concurrent connections)."""


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        _missing("Redis")
    return url


@pytest.fixture
def warehouse(db):
    return WarehouseFactory()


def _user(role: str | None, warehouses=()):
    user = UserFactory(roles=[role] if role else [])
    for wh in warehouses:
        user.warehouse_memberships.create(warehouse=wh)
    return user


@pytest.fixture
def make_user(db):
    """make_user("clerk", warehouses=[wh]) -> a user with that role and warehouse scope."""
    return _user


@pytest.fixture
def clerk(db, warehouse):
    return _user(Role.CLERK, [warehouse])


@pytest.fixture
def manager(db):
    return _user(Role.MANAGER)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient authenticated as that user (token auth)."""

    def make(user):
        from rest_framework.authtoken.models import Token

        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
