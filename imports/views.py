"""Exports of the main lists as CSV and XLSX, honouring the same filters as the list screens."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.views import View

from core.exports import FORMATS, Column, export_response
from core.permissions import RoleRequiredMixin
from core.roles import Role
from inventory import selectors as inventory_selectors
from inventory.views import MovementListView, StockLevelListView
from inventory.views_catalogue import PART_COLUMNS

STOCK_LEVEL_COLUMNS = [
    Column("part_number", lambda s: s.part.number),
    Column("description", lambda s: s.part.description),
    Column("warehouse", lambda s: s.warehouse.code),
    Column("bin", lambda s: s.default_bin.code if s.default_bin_id else ""),
    Column("on_hand", lambda s: s.on_hand),
    Column("reserved", lambda s: s.reserved),
    Column("quarantined", lambda s: s.quarantined),
    Column("available", lambda s: s.available_qty),
    Column("in_transit", lambda s: s.in_transit),
    Column("min_qty", lambda s: s.min_qty),
    Column("max_qty", lambda s: s.max_qty),
    Column("average_cost", lambda s: s.average_cost),
    Column("value", lambda s: s.value),
]
MOVEMENT_COLUMNS = [
    Column("posted_at", lambda m: m.posted_at),
    Column("kind", lambda m: m.kind),
    Column("part_number", lambda m: m.part.number),
    Column("warehouse", lambda m: m.warehouse.code),
    Column("other_warehouse", lambda m: m.other_warehouse.code if m.other_warehouse_id else ""),
    Column("bin", lambda m: m.bin.code if m.bin_id else ""),
    Column("quantity", lambda m: m.quantity),
    Column("unit_cost", lambda m: m.unit_cost),
    Column("value", lambda m: m.value),
    Column("document_type", lambda m: m.document_type),
    Column("document_ref", lambda m: m.document_ref),
    Column("reason", lambda m: m.reason),
    Column("user", lambda m: m.user.username),
]


def _list_queryset(view_class, request):
    """The queryset a list screen would show for this request: same filters, same order."""
    view = view_class()
    view.setup(request)
    return view.get_queryset()


class ExportView(RoleRequiredMixin, View):
    """/imports/export/<list>.<csv|xlsx>?<the list's filters>"""

    required_roles = Role.INTERNAL

    def get(self, request, name: str, file_format: str):
        if file_format not in FORMATS:
            raise Http404(_("Export as .csv or .xlsx."))
        if name == "parts":
            params = request.GET
            rows = inventory_selectors.part_search(
                query=params.get("q", ""), include_inactive=params.get("include_inactive") == "1"
            )
            if params.get("category"):
                rows = rows.filter(category__iexact=params["category"])
            columns = list(PART_COLUMNS)
        elif name == "stock-levels":
            rows, columns = _list_queryset(StockLevelListView, request), STOCK_LEVEL_COLUMNS
        elif name == "movements":
            rows, columns = _list_queryset(MovementListView, request), MOVEMENT_COLUMNS
        else:
            raise Http404(_("There is no such export."))
        return export_response(
            columns=columns, rows=rows.iterator(chunk_size=2000), file_format=file_format, file_name=name
        )
