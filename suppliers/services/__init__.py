"""Every write of the purchasing app. Import services from here: ``from suppliers import services``."""

from .orders import (
    purchase_order_approve,
    purchase_order_cancel,
    purchase_order_close,
    purchase_order_confirm,
    purchase_order_create,
    purchase_order_line_add,
    purchase_order_line_remove,
    purchase_order_line_update,
    purchase_order_send,
    purchase_order_update,
)

__all__ = [
    "purchase_order_approve",
    "purchase_order_cancel",
    "purchase_order_close",
    "purchase_order_confirm",
    "purchase_order_create",
    "purchase_order_line_add",
    "purchase_order_line_remove",
    "purchase_order_line_update",
    "purchase_order_send",
    "purchase_order_update",
]
