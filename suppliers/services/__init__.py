"""Every write of the purchasing app. Import services from here: ``from suppliers import services``."""

from .notices import notice_lines_from_csv, shipment_notice_announce
from .orders import (
    purchase_order_approve,
    purchase_order_cancel,
    purchase_order_close,
    purchase_order_confirm,
    purchase_order_create,
    purchase_order_line_add,
    purchase_order_line_remove,
    purchase_order_line_update,
    purchase_order_reconfirm,
    purchase_order_send,
    purchase_order_update,
)
from .rating import rating_weights_current, supplier_rating_compute
from .receiving import (
    ReceiptLineInput,
    goods_receipt_line_reject,
    goods_receipt_line_release,
    goods_receipt_post,
)

__all__ = [
    "ReceiptLineInput",
    "goods_receipt_line_reject",
    "goods_receipt_line_release",
    "goods_receipt_post",
    "notice_lines_from_csv",
    "purchase_order_approve",
    "purchase_order_cancel",
    "purchase_order_close",
    "purchase_order_confirm",
    "purchase_order_create",
    "purchase_order_line_add",
    "purchase_order_line_remove",
    "purchase_order_line_update",
    "purchase_order_reconfirm",
    "purchase_order_send",
    "purchase_order_update",
    "rating_weights_current",
    "shipment_notice_announce",
    "supplier_rating_compute",
]
