"""Every screen renders in every language: a translation that breaks a template shows here, not to a user."""

from __future__ import annotations

import pytest
from django.conf import settings

from core.roles import Role
from tests.factories import PartFactory, UserFactory, WarehouseFactory
from tests.test_access_matrix import PUBLIC, _routes

# Screens (not the API, not downloads that stream binary files) without an id in their path.
SCREENS = [
    (name, url)
    for name, url in _routes()
    if not url.startswith("/api/") and "999999" not in url and "/x" not in url and name not in PUBLIC
]
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def manager_with_data(db):
    warehouse = WarehouseFactory()
    PartFactory.create_batch(3)
    user = UserFactory(roles=[Role.MANAGER])
    user.warehouse_memberships.create(warehouse=warehouse)
    return user


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_screen_renders_in_every_language(client, manager_with_data, language):
    client.force_login(manager_with_data)
    failures = []
    for name, url in SCREENS:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        head = response.content[:300].decode(errors="replace")
        if response.status_code >= 500:
            failures.append((name, url, response.status_code))
        elif response.status_code == 200 and "<html" in head and f'lang="{language}"' not in head:
            failures.append((name, url, "not in the language asked for"))
    assert failures == []
    assert len(SCREENS) > 40
