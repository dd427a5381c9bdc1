"""Domain errors raised by the inventory services.

The API maps them to HTTP 400/403/409 (``inventory.api.exceptions``) and the
screens show ``str(error)`` as a message; each says what to do next.
"""

from __future__ import annotations

from decimal import Decimal


class InventoryError(Exception):
    """Base of every refusal by an inventory service."""

    status_code = 400
    code = "invalid"
    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class InvalidQuantity(InventoryError):
    code = "invalid_quantity"
    field = "quantity"


class InsufficientStock(InventoryError):
    code = "insufficient_stock"
    status_code = 409
    field = "quantity"

    def __init__(self, *, part: str, warehouse: str, available: Decimal, requested: Decimal) -> None:
        self.part = part
        self.warehouse = warehouse
        self.available = available
        self.requested = requested
        super().__init__(
            f"Only {available.normalize():f} of {part} available in {warehouse}; "
            f"{requested.normalize():f} requested. Lower the quantity or source the rest elsewhere."
        )


class SupersessionCycle(InventoryError):
    code = "supersession_cycle"
    field = "superseded_by"


class AlreadyReversed(InventoryError):
    code = "already_reversed"
    status_code = 409


class IdempotencyConflict(InventoryError):
    code = "idempotency_conflict"
    status_code = 409


class WarehouseNotPermitted(InventoryError):
    code = "warehouse_not_permitted"
    status_code = 403
    # Optional so that refusals that are not about a warehouse (counting) can leave it unset.
    field: str | None = "warehouse"


class InvalidTransition(InventoryError):
    code = "invalid_transition"
    status_code = 409


class PeriodClosed(InventoryError):
    """A posting dated into a closed month."""

    code = "period_closed"
    status_code = 409
    field = "posted_at"
