"""Domain errors raised by the inventory services.

The API maps them to HTTP 400/403/409 (``core.api.exceptions``) and the
screens show ``str(error)`` as a message; each says what to do next.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from core.exceptions import DomainError, IdempotencyConflict, InvalidTransition, WarehouseNotPermitted

__all__ = [
    "AlreadyReversed",
    "IdempotencyConflict",
    "InsufficientStock",
    "InvalidQuantity",
    "InvalidTransition",
    "InventoryError",
    "SupersessionCycle",
    "WarehouseNotPermitted",
]


class InventoryError(DomainError):
    """Base of every refusal by an inventory service."""


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
            _(
                "Only %(available)s of %(part)s available in %(warehouse)s; %(requested)s requested. "
                "Lower the quantity or source the rest elsewhere."
            )
            % {
                "available": f"{available.normalize():f}",
                "part": part,
                "warehouse": warehouse,
                "requested": f"{requested.normalize():f}",
            }
        )


class SupersessionCycle(InventoryError):
    code = "supersession_cycle"
    field = "superseded_by"
    parts: tuple[int, ...] = ()  # from parts_supersede_bulk: the parts (ids) whose new link closes a loop


class AlreadyReversed(InventoryError):
    code = "already_reversed"
    status_code = 409


class PeriodClosed(InventoryError):
    """A posting dated into a closed month."""

    code = "period_closed"
    status_code = 409
    field = "posted_at"
