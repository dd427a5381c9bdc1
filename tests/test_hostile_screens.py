"""Screens and the API on ordinary mistakes: a clear refusal in the layout or in JSON, never a 500."""

from __future__ import annotations

import json
import logging

import pytest

from config.log_filters import RefusalWithoutTraceback
from core.roles import Role

from .factories import UserFactory

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def manager(db):
    return UserFactory(roles=[Role.MANAGER])


def test_movements_of_an_unknown_part_number_is_an_empty_list(client, manager):
    client.force_login(manager)

    response = client.get("/inventory/movements/", {"part": "NOPE-999"})

    assert response.status_code == 200
    assert list(response.context["movements"]) == []


@pytest.mark.parametrize(
    "path",
    [
        "/inventory/stock/",
        "/inventory/lookup/",
        "/inventory/movements/",
        "/suppliers/receiving/",
        "/suppliers/",
        "/planning/forecast/",
        "/imports/export/movements.csv",
        "/imports/export/parts.xlsx",
    ],
)
@pytest.mark.parametrize("query", ["q=%00", "part=A%00B", "warehouse=%00&q=x", "%00=1"])
def test_a_nul_character_in_a_query_string_is_refused_with_a_page(client, manager, path, query):
    client.force_login(manager)

    response = client.get(f"{path}?{query}")

    assert response.status_code == 400
    assert "The address contains a NUL character" in response.content.decode()
    assert "<nav" in response.content.decode()  # inside the layout


def test_a_nul_character_in_an_api_query_string_is_refused_with_json(api_as, manager):
    response = api_as(manager).get("/api/v1/parts/?search=%00")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize("content_type", ["application/json", "multipart"])
def test_an_api_body_over_the_upload_limit_is_refused_with_json(api_as, manager, settings, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    api = api_as(manager)
    body = {"part": 1, "warehouse": 1, "quantity": "1", "unit_cost": "1", "document_ref": "x" * 20_000}

    if content_type == "multipart":
        response = api.post("/api/v1/stock/receipts/", body)
    else:
        response = api.post("/api/v1/stock/receipts/", json.dumps(body), content_type=content_type)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "too_large"


def test_a_refused_screen_is_logged_as_one_line(client, caplog, db):
    workshop = UserFactory(roles=[Role.WORKSHOP])
    client.force_login(workshop)
    console = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RefusalWithoutTraceback) for f in handler.filters)
    )

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/kpis/close/")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    console.filter(record)

    assert response.status_code == 403
    assert console.format(record) == "Forbidden (Permission denied): /kpis/close/"
