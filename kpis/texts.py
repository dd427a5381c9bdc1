"""What each KPI means, in words a parts manager reads: a plain label, the formula of DOMAIN.md, its group.

``Kpi``'s own labels stay short (exports, the API, the PDF); these are for the screens.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Kpi


@dataclass(frozen=True)
class KpiText:
    label: Promise
    formula: Promise


TEXTS: dict[str, KpiText] = {
    Kpi.FILL_RATE: KpiText(
        _("Chance a part is in stock when asked for (fill rate)"),
        _(
            "For each A and B part, the chance that the available stock covers the demand of one reorder period "
            "(review period + lead time); averaged over the parts, weighted by their hits in 12 months."
        ),
    ),
    Kpi.TURNOVER: KpiText(
        _("Stock turns a year"),
        _("Cost of sales over 12 months divided by the average month-end stock value of those 12 months."),
    ),
    Kpi.FIRST_PICK: KpiText(
        _("Request lines supplied in full at once"),
        _(
            "For each workshop request line: quantity supplied at once from stock divided by quantity requested "
            "(at most 1); the average over the month's lines."
        ),
    ),
    Kpi.INSTANT_FILL: KpiText(
        _("Requested quantity supplied at once"),
        _("Quantity supplied at once from stock divided by quantity requested, over the month."),
    ),
    Kpi.TARGET_ACHIEVEMENT: KpiText(
        _("Days that met the daily fill target"),
        _(  # xgettext:no-python-format
            "Calendar days on which at least 90 % of the requested quantity was supplied at once (a day with no "
            "requests counts as met), divided by the days of the month."
        ),
    ),
    Kpi.ZERO_STOCK: KpiText(
        _("Items with nothing available"),
        _("Items of the class with no available stock at month end, divided by all items of the class."),
    ),
    Kpi.BELOW_MIN: KpiText(
        _("Items below their minimum stock"),
        _("Items whose available stock is below their minimum, divided by all items of the class."),
    ),
    Kpi.SALES_PER_RO: KpiText(
        _("Parts sales per repair order"),
        _("Parts sales value of the month divided by the number of repair orders."),
    ),
    Kpi.DEAD_STOCK: KpiText(
        _("Stock value of parts with no demand (dead stock, C0)"),
        _("Stock value of C0 parts divided by the value of all stock."),
    ),
    Kpi.OVER_MAX: KpiText(
        _("Stock value above maximum stock"),
        _("Value of the stock above each part's maximum, divided by the stock value of the class."),
    ),
    Kpi.C_VALUE_GROWTH: KpiText(
        _("Growth of slow movers' (C) stock value in a year"),
        _("Stock value of C parts now divided by their stock value twelve months earlier, minus 1."),
    ),
    Kpi.NC_SHARE_NEW: KpiText(
        _("New parts with little demand (NC) against new parts in demand (NA and NB), by value"),
        _("Stock value of NC parts divided by the stock value of NA and NB parts together."),
    ),
    Kpi.NC_SHARE_ALL: KpiText(
        _("New parts with little demand (NC) in all stock, by value"),
        _("Stock value of NC parts divided by the value of all stock."),
    ),
    Kpi.SCRAP_RATE: KpiText(
        _("Stock value scrapped"),
        _("Value scrapped in the month divided by the stock value."),
    ),
    Kpi.EXCHANGE_DISPOSED: KpiText(
        _("Dead and surplus stock sold to partner dealers"),
        _("Value at cost of the stock shipped to partner dealers through the dealer exchange in the month."),
    ),
    Kpi.STOCKED_ITEMS: KpiText(
        _("Items in stock"),
        _("Parts with stock on hand at month end, counted once per warehouse."),
    ),
    Kpi.NEGATIVE_STOCK: KpiText(
        _("Items with negative stock at month end"),
        _("Parts whose month-end stock is below zero, counted once per warehouse: a posting to correct."),
    ),
    Kpi.EMERGENCY_LINES: KpiText(
        _("Order lines placed as emergency orders"),
        _("Emergency purchase order lines of the month divided by all purchase order lines of the month."),
    ),
    Kpi.EMERGENCY_VALUE: KpiText(
        _("Order value placed as emergency orders"),
        _("Value of emergency purchase order lines divided by the value of all purchase order lines."),
    ),
    Kpi.EMERGENCY_A_SHARE: KpiText(
        _("A parts among emergency order lines"),
        _("Emergency order lines for class A parts divided by all emergency order lines."),
    ),
    Kpi.SUPPLIER_ON_TIME: KpiText(
        _("Receipt lines delivered on time"),
        _(
            "Receipt lines that arrived by the promised date (or the order's expected date) divided by the "
            "receipt lines that had such a date."
        ),
    ),
    Kpi.RECEIPT_DELAY: KpiText(
        _("Receipts posted within 2 hours of arrival"),
        _("Receipts posted no later than 2 hours after the goods arrived, divided by all receipts posted."),
    ),
    Kpi.RECORD_ACCURACY: KpiText(
        _("Counted lines with no difference (record accuracy)"),
        _("Count lines whose counted quantity matched the book, divided by all lines counted in the month."),
    ),
    Kpi.COUNT_VARIANCE: KpiText(
        _("Value of count differences"),
        _("The value of every count difference of the month, added up without sign."),
    ),
    Kpi.FORECAST_MAPE: KpiText(
        _("Forecast error (MAPE)"),
        _("Average absolute difference between forecast and actual demand, as a share of actual demand."),
    ),
    Kpi.FORECAST_BIAS: KpiText(
        _("Forecast bias"),
        _("(Forecast minus actual demand) divided by actual demand: above zero the forecast was too high."),
    ),
    Kpi.STOCK_VALUE: KpiText(_("Stock value"), _("Value of all stock at average cost at month end.")),
    Kpi.ITEMS: KpiText(_("Classified items"), _("Parts classified this month, counted once per warehouse.")),
}

# Cards in groups, in this order.
GROUPS: list[tuple[str, Promise, list[str]]] = [
    (
        "service",
        _("Service"),
        [
            Kpi.FILL_RATE,
            Kpi.FIRST_PICK,
            Kpi.INSTANT_FILL,
            Kpi.TARGET_ACHIEVEMENT,
            Kpi.ZERO_STOCK,
            Kpi.BELOW_MIN,
            Kpi.SALES_PER_RO,
        ],
    ),
    (
        "stock",
        _("Stock health"),
        [
            Kpi.TURNOVER,
            Kpi.DEAD_STOCK,
            Kpi.OVER_MAX,
            Kpi.C_VALUE_GROWTH,
            Kpi.NC_SHARE_NEW,
            Kpi.NC_SHARE_ALL,
            Kpi.SCRAP_RATE,
            Kpi.EXCHANGE_DISPOSED,
            Kpi.STOCKED_ITEMS,
            Kpi.NEGATIVE_STOCK,
        ],
    ),
    (
        "purchasing",
        _("Purchasing"),
        [
            Kpi.EMERGENCY_LINES,
            Kpi.EMERGENCY_VALUE,
            Kpi.EMERGENCY_A_SHARE,
            Kpi.SUPPLIER_ON_TIME,
            Kpi.RECEIPT_DELAY,
        ],
    ),
    (
        "accuracy",
        _("Accuracy"),
        [Kpi.RECORD_ACCURACY, Kpi.COUNT_VARIANCE, Kpi.FORECAST_MAPE, Kpi.FORECAST_BIAS],
    ),
]


def label(kpi: str) -> str:
    text = TEXTS.get(kpi)
    return str(text.label) if text else str(Kpi(kpi).label)


def formula(kpi: str) -> str:
    text = TEXTS.get(kpi)
    return str(text.formula) if text else ""
