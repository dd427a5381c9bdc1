"""Screens of the month-end: the dashboard, drill-downs with export, class changes, the close button."""

from __future__ import annotations

from datetime import date

import tablib
from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView, TemplateView

from core.permissions import RoleRequiredMixin, has_role
from core.roles import Role
from inventory.models import Warehouse

from . import selectors, services
from .exceptions import KpiError
from .models import ACTIVE_STATES, Kpi, MonthClose

READERS = (Role.PLANNER, Role.MANAGER)


def _month(params) -> date | None:
    text = params.get("month", "").strip()
    if text:
        try:
            return services.parse_month(text)
        except KpiError:
            return None
    months = selectors.closed_months()
    return months[0] if months else None


def _warehouse_id(params) -> int | None:
    value = params.get("warehouse", "")
    return int(value) if value.isdigit() else None


class CloseForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", help_text="YYYY-MM", error_messages={"invalid": "Write YYYY-MM."})


class DashboardView(RoleRequiredMixin, TemplateView):
    """KPI cards against targets, 24-month trends, class distribution and warehouses side by side."""

    template_name = "kpis/dashboard.html"
    required_roles = READERS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = _month(self.request.GET)
        warehouse_id = _warehouse_id(self.request.GET)
        warehouses = list(Warehouse.objects.filter(is_active=True).order_by("code"))
        context.update(
            month=month,
            months=selectors.closed_months()[:36],
            warehouses=warehouses,
            warehouse_id=warehouse_id,
            scope=next((w for w in warehouses if w.pk == warehouse_id), None),
            may_close=has_role(self.request.user, Role.MANAGER),
            close_form=CloseForm(initial={"month": f"{services.previous_month():%Y-%m}"}),
            active_run=MonthClose.objects.filter(state__in=ACTIVE_STATES).order_by("-id").first(),
        )
        if month is None:
            return context
        comparison = selectors.comparison(month=month)
        context.update(
            cards=selectors.cards(month=month, warehouse_id=warehouse_id),
            trends=selectors.trends(month=month, warehouse_id=warehouse_id),
            distribution=selectors.class_distribution(month=month, warehouse_id=warehouse_id),
            comparison=[
                {
                    "kpi": kpi,
                    "label": Kpi(kpi).label,
                    "kind": selectors.kpi_kind(kpi),
                    "cells": [comparison[kpi].get(w.pk) for w in warehouses] + [comparison[kpi].get(None)],
                }
                for kpi in selectors.COMPARISON_KPIS
            ],
            drillable=set(selectors.DRILLS),
        )
        return context


class DrillDownView(RoleRequiredMixin, ListView):
    """The parts behind a KPI: sortable, paginated, exportable as CSV or XLSX."""

    template_name = "kpis/drilldown.html"
    required_roles = READERS
    paginate_by = 50
    context_object_name = "rows"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kpi"] not in selectors.DRILLS:
            raise Http404("This KPI has no drill-down.")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.GET
        self.month = _month(params)
        if self.month is None:
            raise Http404("No closed month yet.")
        self.warehouse_id = _warehouse_id(params)
        self.class_key = params.get("class", "") if params.get("class", "") in selectors.CLASS_ORDER else ""
        self.drill, rows = selectors.drilldown(
            kpi=self.kwargs["kpi"],
            class_key=self.class_key,
            month=self.month,
            warehouse_id=self.warehouse_id,
            sort=params.get("sort"),
        )
        return rows

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return self.export(export)
        return super().get(request, *args, **kwargs)

    def export(self, file_format: str) -> HttpResponse:
        rows = self.get_queryset()
        dataset = tablib.Dataset()
        if self.drill.source == "demand":
            dataset.headers = ["part", "description", "warehouse", "hits", "requested", "supplied at once", "shortfall"]
            for row in rows.iterator(chunk_size=2000):
                dataset.append(
                    [
                        row.part.number,
                        row.part.description,
                        row.warehouse.code,
                        row.hits,
                        row.quantity_requested,
                        row.quantity_supplied,
                        row.shortfall,
                    ]
                )
        else:
            dataset.headers = [
                "part",
                "description",
                "warehouse",
                "class",
                "xyz",
                "hits 12m",
                "on hand",
                "available",
                "min",
                "max",
                "stock value",
                "excess value",
                "fill rate",
            ]
            for row in rows.iterator(chunk_size=2000):
                dataset.append(
                    [
                        row.part.number,
                        row.part.description,
                        row.warehouse.code,
                        row.abc_class,
                        row.xyz_class,
                        row.hits_12m,
                        row.on_hand,
                        row.available,
                        row.min_qty,
                        row.max_qty,
                        row.stock_value,
                        row.excess_value,
                        row.fill_rate,
                    ]
                )
        name = f"{self.kwargs['kpi']}{'-' + self.class_key if self.class_key else ''}-{self.month:%Y-%m}"
        if file_format == "csv":
            response = HttpResponse(dataset.export("csv"), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                dataset.export("xlsx"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        sortless = query.copy()
        sortless.pop("sort", None)
        context.update(
            kpi=self.kwargs["kpi"],
            kpi_label=Kpi(self.kwargs["kpi"]).label,
            drill=self.drill,
            month=self.month,
            class_key=self.class_key,
            warehouse=Warehouse.objects.filter(pk=self.warehouse_id).first() if self.warehouse_id else None,
            sort=self.request.GET.get("sort") or self.drill.default_sort,
            query_string=query.urlencode(),
            sortless_query=sortless.urlencode(),
        )
        return context


class ClassChangesView(RoleRequiredMixin, ListView):
    template_name = "kpis/class_changes.html"
    required_roles = READERS
    paginate_by = 50
    context_object_name = "rows"

    def get_queryset(self):
        self.month = _month(self.request.GET)
        if self.month is None:
            raise Http404("No closed month yet.")
        return selectors.class_changes(month=self.month, warehouse_id=_warehouse_id(self.request.GET))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(month=self.month, query_string=query.urlencode())
        return context


class CloseRequestView(RoleRequiredMixin, View):
    """A manager queues the close of a month; the page then polls its progress."""

    required_roles = (Role.MANAGER,)

    def post(self, request):
        form = CloseForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Write the month as YYYY-MM, e.g. 2026-03.")
            return redirect("kpis:dashboard")
        try:
            run = services.month_close_request(
                month=services.parse_month(form.cleaned_data["month"]), user=request.user
            )
        except KpiError as error:
            messages.error(request, error.message)
            return redirect("kpis:dashboard")
        messages.info(request, f"The close of {run.month:%Y-%m} is queued.")
        return redirect("kpis:close-progress", pk=run.pk)


class CloseProgressView(RoleRequiredMixin, View):
    required_roles = READERS

    def get(self, request, pk: int):
        run = get_object_or_404(MonthClose, pk=pk)
        template = "kpis/_close_progress.html" if request.htmx else "kpis/close_progress.html"
        return render(request, template, {"run": run, "active": run.state in ACTIVE_STATES})
