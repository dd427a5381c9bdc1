"""OpenAPI: the error answers every endpoint can give, documented once for the whole API.

The exception handler (``core.api.exceptions``) turns validation errors
into 400, a missing or bad token into 401, a role or warehouse outside the
user's scope into 403, an unknown id, number or page into 404 and a domain
conflict (wrong state, not enough stock) into 409, and DRF answers a body in
a media type the view cannot parse with 415. Views document their
success answers; this drf-spectacular postprocessing hook adds the error
answers an operation can give, so that clients (and the schema fuzzer) know
every status code the API sends.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import AllowAny

UNSAFE = {"post", "put", "patch", "delete"}

ERROR_SCHEMA = {
    "type": "object",
    "description": _("An error: ``detail`` says what went wrong; domain errors add ``code`` and the field."),
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail"],
}

VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": _(
        "Invalid input: field name -> list of messages (nested for lines), "
        "``non_field_errors`` or ``detail`` for the request as a whole."
    ),
    "additionalProperties": {},
}

ERRORS = {
    "400": (_("Invalid input."), "ValidationErrorResponse"),
    "401": (_("No credentials, or an unknown token."), "ErrorResponse"),
    "403": (_("The user's role or warehouse scope does not allow this."), "ErrorResponse"),
    "404": (_("No such object (or not visible to this user), number or page."), "ErrorResponse"),
    "409": (_("The request conflicts with the current state (state machine, stock, duplicate)."), "ErrorResponse"),
    "415": (_("The request body's media type is not one the operation accepts."), "ErrorResponse"),
}


def _needs_login(callback) -> bool:
    view = getattr(callback, "cls", None)
    if view is None:  # a function view wrapped by @api_view still has .cls; anything else: assume it does
        return True
    permissions = getattr(view, "permission_classes", ())
    return bool(permissions) and not all(issubclass(permission, AllowAny) for permission in permissions)


def _codes(method: str, operation: dict, needs_login: bool) -> list[str]:
    parameters = operation.get("parameters", [])
    has_input = bool(parameters) or "requestBody" in operation
    codes = []
    if has_input:
        codes.append("400")
    if needs_login:
        codes += ["401", "403"]
    if needs_login and has_input:
        codes.append("404")
    if needs_login and method in UNSAFE:
        codes.append("409")
    if "requestBody" in operation:
        codes.append("415")
    return codes


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: document 400/401/403/404/409/415 where the operation can answer them."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorResponse", ERROR_SCHEMA)
    schemas.setdefault("ValidationErrorResponse", VALIDATION_ERROR_SCHEMA)
    callbacks = {(path, method.lower()): callback for path, _regex, method, callback in generator.endpoints or []}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            callback = callbacks.get((path, method))
            needs_login = _needs_login(callback) if callback is not None else True
            responses = operation.setdefault("responses", {})
            for code in _codes(method, operation, needs_login):
                description, component = ERRORS[code]
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                    },
                )
    return result
