"""The names of the documents behind ledger movements, as people say them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The document of stock sold to a partner dealer through the exchange (the month-end close sums it).
EXCHANGE_SALE = "exchange_sale"

# document_type of a movement -> its name on screens and in exports; an unknown type shows as stored.
DOCUMENT_LABELS = {
    "goods_receipt": _("goods receipt"),
    "transfer": _("transfer"),
    "workshop_request": _("workshop request"),
    "workshop_reservation": _("reservation"),
    "workshop_backorder": _("backorder"),
    "workshop_return": _("workshop return"),
    "customer_return": _("customer return"),
    "counter_sale": _("counter sale"),
    EXCHANGE_SALE: _("dealer exchange sale"),
    "return_to_supplier": _("return to supplier"),
    "scrap": _("scrap"),
    "reversal": _("reversal"),
    "adjustment": _("adjustment"),
    "count": _("count"),
    "count_correction": _("count correction"),
    "opening_balance": _("opening balance"),
}


def document_label(document_type: str) -> str:
    label = DOCUMENT_LABELS.get(document_type)
    return str(label) if label is not None else document_type.replace("_", " ")
