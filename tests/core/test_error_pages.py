"""403, 404 and 500 are pages of the app: its layout, what happened, and a way back."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.views import defaults

from core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_page_outside_the_role_is_refused_inside_the_layout(client):
    client.force_login(UserFactory(roles=[Role.WORKSHOP]))

    response = client.get("/inventory/audit/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot open this page" in html
    assert 'class="mainnav"' in html
    assert 'href="/"' in html


def test_an_unknown_address_is_a_page_inside_the_layout(client):
    client.force_login(UserFactory(roles=[Role.CLERK]))

    response = client.get("/inventory/no-such-screen/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="mainnav"' in html


def test_an_unknown_api_address_stays_json(client):
    response = client.get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_server_error_page_uses_the_stylesheet_and_offers_the_start_page():
    response = defaults.server_error(RequestFactory().get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "/static/css/app" in html
    assert 'href="/"' in html


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
