"""Every write of workshop demand. Import from here: ``from inventory.demand import services``."""

from .requests import (
    DemandLine,
    PriceOverrideNotPermitted,
    backorder_cancel,
    backorder_note_sourcing,
    backorders_fill,
    counter_sale_post,
    repair_order_close,
    repair_order_issue,
    repair_order_open,
    workshop_request_pick,
    workshop_request_submit,
)
from .reservations import reservation_create, reservation_expiry, reservation_release, reservations_expire
from .returns import customer_return_post, customer_return_window, workshop_return_post
from .transfers import (
    backorder_source_by_transfer,
    transfer_order_cancel,
    transfer_order_create,
    transfer_order_receive,
    transfer_order_send,
)

__all__ = [
    "DemandLine",
    "PriceOverrideNotPermitted",
    "backorder_cancel",
    "backorder_note_sourcing",
    "backorder_source_by_transfer",
    "backorders_fill",
    "counter_sale_post",
    "customer_return_post",
    "customer_return_window",
    "repair_order_close",
    "repair_order_issue",
    "repair_order_open",
    "reservation_create",
    "reservation_expiry",
    "reservation_release",
    "reservations_expire",
    "transfer_order_cancel",
    "transfer_order_create",
    "transfer_order_receive",
    "transfer_order_send",
    "workshop_request_pick",
    "workshop_request_submit",
    "workshop_return_post",
]
