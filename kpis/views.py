"""Screens of the month-end: the dashboard, drill-downs with export, class changes, the close button."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView, TemplateView

from imports.exports import Column, export_response
from inventory.models import Warehouse
from inventory.permissions import RoleRequiredMixin, has_role
from inventory.roles import Role

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

    def export(self, file_format: str) -> HttpResponse | StreamingHttpResponse:
        rows = self.get_queryset()
        if self.drill.source == "demand":
            columns = [
                Column("part", lambda r: r.part.number),
                Column("description", lambda r: r.part.description),
                Column("warehouse", lambda r: r.warehouse.code),
                Column("hits", lambda r: r.hits),
                Column("requested", lambda r: r.quantity_requested),
                Column("supplied at once", lambda r: r.quantity_supplied),
                Column("shortfall", lambda r: r.shortfall),
            ]
        else:
            columns = [
                Column("part", lambda r: r.part.number),
                Column("description", lambda r: r.part.description),
                Column("warehouse", lambda r: r.warehouse.code),
                Column("class", lambda r: r.abc_class),
                Column("xyz", lambda r: r.xyz_class),
                Column("hits 12m", lambda r: r.hits_12m),
                Column("on hand", lambda r: r.on_hand),
                Column("available", lambda r: r.available),
                Column("min", lambda r: r.min_qty),
                Column("max", lambda r: r.max_qty),
                Column("stock value", lambda r: r.stock_value),
                Column("excess value", lambda r: r.excess_value),
                Column("fill rate", lambda r: r.fill_rate),
            ]
        name = f"{self.kwargs['kpi']}{'-' + self.class_key if self.class_key else ''}-{self.month:%Y-%m}"
        return export_response(
            columns=columns,
            rows=rows.iterator(chunk_size=2000),
            file_format=file_format,
            file_name=name,
        )

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
