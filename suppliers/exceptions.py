"""Refusals by the purchasing services.

They subclass ``inventory.exceptions.InventoryError`` so that the API's
exception handler maps them to 400/403/409 and screens show the message.
"""

from __future__ import annotations

from inventory.exceptions import IdempotencyConflict, InvalidTransition, InventoryError

__all__ = [
    "ApprovalRequired",
    "IdempotencyConflict",
    "InvalidTransition",
    "NotAllowed",
    "OverReceipt",
    "PartNotOnOrder",
    "PurchasingError",
]


class PurchasingError(InventoryError):
    code = "purchasing_error"


class NotAllowed(InventoryError):
    """The user's role (or supplier) does not allow this action."""

    code = "not_allowed"
    status_code = 403


class ApprovalRequired(InventoryError):
    code = "approval_required"
    status_code = 409


class OverReceipt(InventoryError):
    code = "over_receipt"
    status_code = 409
    field = "quantity"


class PartNotOnOrder(InventoryError):
    code = "part_not_on_order"
    status_code = 409
    field = "part"
