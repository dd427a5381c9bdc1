"""The schema documents the error answers each operation can give (core.api.schema)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _codes(schema, path, method):
    return sorted(schema["paths"][path][method]["responses"])


def test_every_operation_documents_its_error_answers(schema):
    # A read by id: bad input, no login, wrong role, no such id
    assert _codes(schema, "/api/v1/parts/{id}/", "get") == ["200", "400", "401", "403", "404"]
    # A write: also conflicts and bodies in a media type it cannot parse
    assert _codes(schema, "/api/v1/stock/receipts/", "post") == ["201", "400", "401", "403", "404", "409", "415"]
    # No parameters and no body: only the login and role answers
    assert _codes(schema, "/api/v1/planning/portal/forecast/", "get") == ["200", "401", "403"]
    # Open to anonymous users: no 401/403
    assert _codes(schema, "/api/v1/auth/token/", "post") == ["200", "400", "415"]


def test_error_answers_point_to_the_shared_error_bodies(schema):
    responses = schema["paths"]["/api/v1/stock/receipts/"]["post"]["responses"]

    assert responses["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationErrorResponse"
    }
    assert responses["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
    assert schema["components"]["schemas"]["ErrorResponse"]["required"] == ["detail"]
