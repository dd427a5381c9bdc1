"""Every write of the inventory app. Import services from here: ``from inventory import services``."""

from .catalogue import _check_supersession, part_create, part_supersede, part_update
from .notifications import notification_mark_read, notify, users_with_role
from .stock import (
    stock_adjust,
    stock_issue,
    stock_level_set_limits,
    stock_movement_reverse,
    stock_quarantine,
    stock_quarantine_release,
    stock_receive,
    stock_reserve,
    stock_return_to_supplier,
    stock_scrap,
    stock_transfer,
    stock_transfer_receive,
    stock_transfer_send,
    stock_unreserve,
)

__all__ = [
    "_check_supersession",
    "notification_mark_read",
    "notify",
    "part_create",
    "part_supersede",
    "part_update",
    "stock_adjust",
    "stock_issue",
    "stock_level_set_limits",
    "stock_movement_reverse",
    "stock_quarantine",
    "stock_quarantine_release",
    "stock_receive",
    "stock_reserve",
    "stock_return_to_supplier",
    "stock_scrap",
    "stock_transfer",
    "stock_transfer_receive",
    "stock_transfer_send",
    "stock_unreserve",
    "users_with_role",
]
