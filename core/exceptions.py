"""The base of every domain error and the refusals every app shares.

The API maps them to HTTP 400/403/409 (``core.api.exceptions``) and the
screens show ``str(error)`` as a message; each says what to do next.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal by a service, whichever app raises it."""

    status_code = 400
    code = "invalid"
    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class NotPermitted(DomainError):
    """The user's role (or supplier, or warehouse) does not allow this action."""

    code = "not_allowed"
    status_code = 403


class WarehouseNotPermitted(NotPermitted):
    code = "warehouse_not_permitted"
    # Optional so that refusals that are not about a warehouse (counting) can leave it unset.
    field: str | None = "warehouse"


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status_code = 409


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"
    status_code = 409
