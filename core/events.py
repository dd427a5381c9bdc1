"""The one catalogue of events: what people are told about and what partner systems may subscribe to.

A kind's ``name`` is its stable key (``purchase_order.sent``): notifications
and preferences store it, webhook subscriptions list it, and partner systems
see it in the ``X-Parts-Event`` header. ``notify`` kinds are shown in the
app and mailed per user preference; ``webhook`` kinds can be delivered to
partner systems (``docs/notifications-and-webhooks.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventKind:
    name: str
    label: str | Promise
    notify: bool = True
    webhook: bool = False


STOCK_CHANGED = "stock.changed"
PURCHASE_ORDER_APPROVAL_NEEDED = "purchase_order.approval_needed"
PURCHASE_ORDER_SENT = "purchase_order.sent"
PURCHASE_ORDER_CONFIRMED = "purchase_order.confirmed"
PURCHASE_ORDER_CONFIRMED_SHORT = "purchase_order.confirmed_short"
PURCHASE_ORDER_OVERDUE = "purchase_order.overdue"
PURCHASE_ORDER_DELAY_ANNOUNCED = "purchase_order.delay_announced"
SHIPMENT_ANNOUNCED = "shipment.announced"
GOODS_RECEIPT_POSTED = "goods_receipt.posted"
TRANSFER_REQUESTED = "transfer.requested"
TRANSFER_SENT = "transfer.sent"
TRANSFER_RECEIVED = "transfer.received"
TRANSFER_SHORT = "transfer.short"
COUNT_VARIANCE_WAITING = "count.variance_waiting"
QUALITY_HOLD = "quality.hold"
CRITICAL_BELOW_REORDER_POINT = "stock.critical_below_reorder_point"
FILL_RATE_WARNING = "kpi.fill_rate_warning"
MONTH_END_CLOSED = "month_end.closed"
VMI_PROPOSAL_WAITING = "vmi.proposal_waiting"
IMPORT_FINISHED = "import.finished"
FORECAST_UPDATED = "forecast.updated"

CATALOGUE: tuple[EventKind, ...] = (
    EventKind(STOCK_CHANGED, _("Stock changed"), notify=False, webhook=True),
    EventKind(PURCHASE_ORDER_APPROVAL_NEEDED, _("Purchase order waiting for approval")),
    EventKind(PURCHASE_ORDER_SENT, _("Purchase order sent"), webhook=True),
    EventKind(PURCHASE_ORDER_CONFIRMED, _("Purchase order confirmed"), webhook=True),
    EventKind(PURCHASE_ORDER_CONFIRMED_SHORT, _("Purchase order confirmed short")),
    EventKind(PURCHASE_ORDER_OVERDUE, _("Purchase order overdue")),
    EventKind(PURCHASE_ORDER_DELAY_ANNOUNCED, _("Delivery delay announced")),
    EventKind(SHIPMENT_ANNOUNCED, _("Shipment announced"), webhook=True),
    EventKind(GOODS_RECEIPT_POSTED, _("Goods receipt posted"), notify=False, webhook=True),
    EventKind(TRANSFER_REQUESTED, _("Transfer requested")),
    EventKind(TRANSFER_SENT, _("Transfer sent"), webhook=True),
    EventKind(TRANSFER_RECEIVED, _("Transfer arrived"), webhook=True),
    EventKind(TRANSFER_SHORT, _("Transfer arrived short")),
    EventKind(COUNT_VARIANCE_WAITING, _("Count variance waiting for recount or approval")),
    EventKind(QUALITY_HOLD, _("Quality hold or freeze")),
    EventKind(CRITICAL_BELOW_REORDER_POINT, _("Critical part below its reorder point")),
    EventKind(FILL_RATE_WARNING, _("Fill rate early warning")),
    EventKind(MONTH_END_CLOSED, _("Month-end close done")),
    EventKind(VMI_PROPOSAL_WAITING, _("VMI proposal waiting")),
    EventKind(IMPORT_FINISHED, _("Import finished")),
    EventKind(FORECAST_UPDATED, _("Forecast updated"), notify=False, webhook=True),
)

BY_NAME: dict[str, EventKind] = {kind.name: kind for kind in CATALOGUE}
WEBHOOK_KINDS: tuple[str, ...] = tuple(kind.name for kind in CATALOGUE if kind.webhook)
NOTIFY_KINDS: tuple[str, ...] = tuple(kind.name for kind in CATALOGUE if kind.notify)


def kind_choices(*, webhook: bool = False) -> list[tuple[str, str | Promise]]:
    """(name, label) pairs for forms and serializers: the notification kinds, or the webhook kinds."""
    return [(kind.name, kind.label) for kind in CATALOGUE if (kind.webhook if webhook else kind.notify)]
