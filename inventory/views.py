"""Screens of the inventory app: thin views over selectors and services."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import ListView, TemplateView
from django_htmx.http import HttpResponseClientRedirect

from core.pagination import IdPagePaginator
from core.permissions import RoleRequiredMixin
from core.roles import Role

from . import selectors
from .models import MovementKind, Warehouse
from .scan_codes import BinCode, TransferCode, parse_scan, transfer_pk


class StockLookupView(RoleRequiredMixin, TemplateView):
    """Type or scan a part number: availability everywhere, supersession shown."""

    template_name = "inventory/stock_lookup.html"
    required_roles = Role.INTERNAL

    def get_template_names(self):
        if self.request.htmx:
            return ["inventory/_stock_lookup_result.html"]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        # A bin label opens that bin's stock lines, a delivery note its transfer; a part label stays here.
        target = scan_target(request.GET.get("number", ""))
        if target:
            return HttpResponseClientRedirect(target) if request.htmx else HttpResponseRedirect(target)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        number = self.request.GET.get("number", "").strip()
        context["number"] = number
        if number:
            part = selectors.part_by_number(number)
            context["lookup"] = selectors.stock_lookup(part=part) if part else None
            if part is None:
                context["suggestions"] = list(selectors.part_search(query=number)[:10])
        return context


def scan_target(text: str) -> str | None:
    """Where a scanned bin label or transfer note leads; ``None`` for a part number (or an unknown bin/transfer)."""
    code = parse_scan(text)
    if isinstance(code, BinCode):
        warehouse = Warehouse.objects.filter(code=code.warehouse).values_list("pk", flat=True).first()
        if warehouse is not None:
            return f"{reverse('inventory:stock-levels')}?{urlencode({'warehouse': str(warehouse), 'bin': code.bin})}"
    elif isinstance(code, TransferCode):
        pk = transfer_pk(code.number)
        if pk is not None and selectors.transfer_exists(pk=pk):
            return reverse("inventory:transfer-detail", args=[pk])
    return None


class StockLevelListView(RoleRequiredMixin, ListView):
    template_name = "inventory/stocklevel_list.html"
    required_roles = Role.INTERNAL
    paginate_by = 50
    paginator_class = IdPagePaginator
    context_object_name = "levels"
    ordering_fields = {
        "part": "part__number_normalized",
        "warehouse": "warehouse__code",
        "on_hand": "on_hand",
        "available": "available_qty",
        "value": "value",
    }

    def get_queryset(self):
        params = self.request.GET
        warehouse = params.get("warehouse")
        levels = selectors.stock_level_list(
            warehouse_id=int(warehouse) if warehouse and warehouse.isdigit() else None,
            below_min=params.get("below_min") == "1",
            above_max=params.get("above_max") == "1",
        )
        bin_code = params.get("bin", "").strip()
        if bin_code:
            levels = levels.filter(default_bin__code=bin_code)
        query = params.get("q", "").strip()
        if query:
            part_ids = selectors.part_search(query=query).values("pk")
            levels = levels.filter(part_id__in=part_ids)
        sort = params.get("sort", "")
        field = self.ordering_fields.get(sort.lstrip("-"))
        if field:
            levels = levels.order_by(("-" if sort.startswith("-") else "") + field, "pk")
        return levels

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["warehouses"] = Warehouse.objects.filter(is_active=True)
        context["params"] = self.request.GET
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


class MovementListView(RoleRequiredMixin, ListView):
    template_name = "inventory/movement_list.html"
    required_roles = Role.INTERNAL
    paginate_by = 50
    paginator_class = IdPagePaginator  # the ledger grows without end: ids first, remembered count, seek
    context_object_name = "movements"

    def get_queryset(self):
        params = self.request.GET
        warehouse = params.get("warehouse")
        movements = selectors.movement_list(
            warehouse_id=int(warehouse) if warehouse and warehouse.isdigit() else None,
            kind=params.get("kind") or None,
        )
        number = params.get("part", "").strip()
        if number:
            part = selectors.part_by_number(number)
            movements = movements.filter(part=part) if part else movements.none()
        return movements

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["warehouses"] = Warehouse.objects.filter(is_active=True)
        context["kinds"] = MovementKind.choices
        context["params"] = self.request.GET
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context
