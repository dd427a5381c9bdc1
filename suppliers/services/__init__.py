"""Every write of the purchasing app. Import services from here: ``from suppliers import services``."""

from .catalogue import purchase_unit_checked, supplier_part_save
from .notices import notice_lines_from_csv, shipment_notice_announce
from .orders import (
    order_quantity_for_need,
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
from .overdue import purchase_orders_overdue_notify
from .rating import rating_weights_current, supplier_rating_compute
from .receiving import (
    ReceiptLineInput,
    goods_receipt_line_reject,
    goods_receipt_line_release,
    goods_receipt_post,
)
from .returns import (
    supplier_return_decline_replacement,
    supplier_return_from_freeze,
    supplier_return_order_replacement,
    supplier_return_post,
)
from .settings import purchasing_settings_set, rating_weights_set

__all__ = [
    "ReceiptLineInput",
    "goods_receipt_line_reject",
    "goods_receipt_line_release",
    "goods_receipt_post",
    "notice_lines_from_csv",
    "order_quantity_for_need",
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
    "purchase_orders_overdue_notify",
    "purchase_unit_checked",
    "purchasing_settings_set",
    "rating_weights_current",
    "rating_weights_set",
    "shipment_notice_announce",
    "supplier_part_save",
    "supplier_rating_compute",
    "supplier_return_decline_replacement",
    "supplier_return_from_freeze",
    "supplier_return_order_replacement",
    "supplier_return_post",
]
