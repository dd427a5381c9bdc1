"""The monthly KPI report as a PDF: the dashboard's cards and trend charts for a warehouse or the network."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from documents.documents import company_lines
from documents.pdf import Chart, Column, TableDocument, render_table_document
from inventory.models import Warehouse

from . import selectors
from .models import Kpi
from .templatetags.kpi_format import kpi_target, kpi_value


def kpi_report_document(*, month: date, warehouse_id: int | None) -> TableDocument:
    warehouse = Warehouse.objects.filter(pk=warehouse_id).first() if warehouse_id else None
    scope = f"{warehouse.code} {warehouse.name}" if warehouse else _("Network (all warehouses)")
    cards = selectors.cards(month=month, warehouse_id=warehouse_id)
    trends = selectors.trends(month=month, warehouse_id=warehouse_id, months=12, kpis=selectors.REPORT_TREND_KPIS)
    charts = [
        Chart(
            title=str(Kpi(series["kpi"]).label),
            labels=[label[2:] for label in trends["labels"]],
            values=series["values"],
            target=series["lower"][-1] if series["lower"][-1] is not None else series["upper"][-1],
        )
        for series in trends["series"]
    ]
    return TableDocument(
        title=_("KPI report"),
        number=f"{month:%Y-%m}",
        company=company_lines(),
        parties=[(_("Scope"), [scope]), (_("Month"), [date_format(month, "YEAR_MONTH_FORMAT")])],
        columns=[
            Column(_("KPI"), 55),
            Column(_("Class"), 10),
            Column(_("Value"), 22, "RIGHT"),
            Column(_("Target"), 28, "RIGHT"),
            Column(_("Status"), 32, kind="wrap"),
        ],
        rows=[
            [str(Kpi(card.kpi).label), card.class_key, kpi_value(card), kpi_target(card), card.get_status_display()]
            for card in cards
        ],
        charts=charts,
        page_label=_("Page"),
    )


def kpi_report_pdf(*, month: date, warehouse_id: int | None) -> bytes:
    return render_table_document(kpi_report_document(month=month, warehouse_id=warehouse_id))
