"""Refusals by the purchasing services.

They subclass ``core.exceptions.DomainError`` so that the API's
exception handler maps them to 400/403/409 and screens show the message.
"""

from __future__ import annotations

from core.exceptions import DomainError, IdempotencyConflict, InvalidTransition, NotPermitted

__all__ = [
    "ApprovalRequired",
    "IdempotencyConflict",
    "InvalidTransition",
    "NotPermitted",
    "OverReceipt",
    "PartNotOnOrder",
    "PurchasingError",
]


class PurchasingError(DomainError):
    code = "purchasing_error"


class ApprovalRequired(DomainError):
    code = "approval_required"
    status_code = 409


class OverReceipt(DomainError):
    code = "over_receipt"
    status_code = 409
    field = "quantity"


class PartNotOnOrder(DomainError):
    code = "part_not_on_order"
    status_code = 409
    field = "part"
