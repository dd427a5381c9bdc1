"""Screens of the month-end: the dashboard, drill-downs with export, class changes, the close button."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from core.exports import Column, export_response
from core.permissions import RoleRequiredMixin, has_role
from core.roles import Role
from inventory.models import Warehouse

from . import selectors, services, texts
from .exceptions import KpiError
from .models import ACTIVE_STATES, MonthClose, Problem, ReportSubscription

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
    month = forms.RegexField(
        regex=r"^\d{4}-\d{2}$",
        help_text=gettext_lazy("YYYY-MM"),
        error_messages={"invalid": gettext_lazy("Write YYYY-MM.")},
    )


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
            subscribed=ReportSubscription.objects.filter(
                user=self.request.user,
                **({"warehouse__isnull": True} if warehouse_id is None else {"warehouse_id": warehouse_id}),
            ).exists(),
        )
        if month is None:
            return context
        comparison = selectors.comparison(month=month)
        context.update(
            groups=selectors.card_groups(month=month, warehouse_id=warehouse_id),
            trends=selectors.trends(month=month, warehouse_id=warehouse_id) | {"target_label": _("target")},
            distribution=selectors.class_distribution(month=month, warehouse_id=warehouse_id),
            comparison=[
                {
                    "kpi": kpi,
                    "label": texts.label(kpi),
                    "kind": selectors.kpi_kind(kpi),
                    "cells": [comparison[kpi].get(w.pk) for w in warehouses] + [comparison[kpi].get(None)],
                }
                for kpi in selectors.COMPARISON_KPIS
            ],
        )
        return context


def _part_link(part) -> str:
    return f"{reverse('inventory:stock-lookup')}?number={quote(part.number)}"


def _hours(delay) -> str:
    return f"{delay.total_seconds() / 3600:.1f}"


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


@dataclass(frozen=True)
class DrillColumn:
    """One column of a document drill-down: header, sort key, cell text, optional link, number or not."""

    header: Promise
    sort: str
    value: Callable[[Any], Any]
    link: Callable[[Any], str] | None = None
    numeric: bool = False


DOCUMENT_COLUMNS: dict[str, list[DrillColumn]] = {
    "orders": [
        DrillColumn(
            gettext_lazy("Order"),
            "order",
            lambda r: r.order.number,
            lambda r: reverse("suppliers:po-detail", args=[r.order_id]),
        ),
        DrillColumn(gettext_lazy("Supplier"), "supplier", lambda r: r.order.supplier.code),
        DrillColumn(gettext_lazy("Part"), "part", lambda r: r.part.number, lambda r: _part_link(r.part)),
        DrillColumn(gettext_lazy("Description"), "", lambda r: r.part.description),
        DrillColumn(gettext_lazy("Warehouse"), "warehouse", lambda r: r.order.warehouse.code),
        DrillColumn(gettext_lazy("Ordered"), "created", lambda r: _local(r.order.created_at)),
        DrillColumn(gettext_lazy("Quantity"), "quantity", lambda r: f"{r.quantity.normalize():f}", numeric=True),
        DrillColumn(gettext_lazy("Value"), "value", lambda r: f"{r.line_value:.2f}", numeric=True),
    ],
    "receipts": [
        DrillColumn(
            gettext_lazy("Receipt"),
            "receipt",
            lambda r: r.number,
            lambda r: reverse("suppliers:receipt-detail", args=[r.pk]),
        ),
        DrillColumn(
            gettext_lazy("Order"),
            "order",
            lambda r: r.purchase_order.number,
            lambda r: reverse("suppliers:po-detail", args=[r.purchase_order_id]),
        ),
        DrillColumn(gettext_lazy("Supplier"), "", lambda r: r.purchase_order.supplier.code),
        DrillColumn(gettext_lazy("Warehouse"), "warehouse", lambda r: r.warehouse.code),
        DrillColumn(gettext_lazy("Arrived"), "arrived", lambda r: _local(r.arrived_at)),
        DrillColumn(gettext_lazy("Posted"), "posted", lambda r: _local(r.posted_at)),
        DrillColumn(gettext_lazy("Posted by"), "", lambda r: r.posted_by.get_username()),
        DrillColumn(gettext_lazy("Hours to post"), "delay", lambda r: _hours(r.delay), numeric=True),
    ],
    "receipt_lines": [
        DrillColumn(
            gettext_lazy("Receipt"),
            "receipt",
            lambda r: r.receipt.number,
            lambda r: reverse("suppliers:receipt-detail", args=[r.receipt_id]),
        ),
        DrillColumn(
            gettext_lazy("Order"),
            "order",
            lambda r: r.po_line.order.number,
            lambda r: reverse("suppliers:po-detail", args=[r.po_line.order_id]),
        ),
        DrillColumn(gettext_lazy("Supplier"), "supplier", lambda r: r.po_line.order.supplier.code),
        DrillColumn(gettext_lazy("Part"), "part", lambda r: r.part.number, lambda r: _part_link(r.part)),
        DrillColumn(gettext_lazy("Warehouse"), "", lambda r: r.receipt.warehouse.code),
        DrillColumn(gettext_lazy("Due"), "due", lambda r: f"{r.due:%Y-%m-%d}"),
        DrillColumn(gettext_lazy("Arrived"), "arrived", lambda r: _local(r.receipt.arrived_at)),
        DrillColumn(gettext_lazy("Days late"), "late", lambda r: r.late.days, numeric=True),
    ],
    "counts": [
        DrillColumn(gettext_lazy("Part"), "part", lambda r: r.part.number, lambda r: _part_link(r.part)),
        DrillColumn(gettext_lazy("Description"), "", lambda r: r.part.description),
        DrillColumn(gettext_lazy("Warehouse"), "warehouse", lambda r: r.count_list.warehouse.code),
        DrillColumn(gettext_lazy("Bin"), "", lambda r: r.bin.code if r.bin_id else ""),
        DrillColumn(
            gettext_lazy("Count"),
            "",
            lambda r: f"{r.count_list.scheduled_for:%Y-%m-%d} #{r.count_list_id}",
            lambda r: reverse("counting:detail", args=[r.count_list_id]),
        ),
        DrillColumn(gettext_lazy("Counted"), "counted", lambda r: _local(r.counted_at)),
        DrillColumn(gettext_lazy("Difference"), "variance", lambda r: f"{r.variance_qty.normalize():f}", numeric=True),
        DrillColumn(gettext_lazy("Value"), "value", lambda r: f"{r.variance_value or 0:.2f}", numeric=True),
    ],
}


class DrillDownView(RoleRequiredMixin, ListView):
    """The parts or documents behind a KPI: sortable, paginated, exportable as CSV or XLSX."""

    template_name = "kpis/drilldown.html"
    required_roles = READERS
    paginate_by = 50
    context_object_name = "rows"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kpi"] not in selectors.DRILLS:
            raise Http404(_("This KPI has no drill-down."))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.GET
        self.month = _month(params)
        if self.month is None:
            raise Http404(_("No closed month yet."))
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
        if self.drill.source in DOCUMENT_COLUMNS:
            columns = [Column(str(c.header), c.value) for c in DOCUMENT_COLUMNS[self.drill.source]]
        elif self.drill.source == "demand":
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
        columns = DOCUMENT_COLUMNS.get(self.drill.source)
        if columns:
            context["table"] = [
                [(column.value(row), column.link(row) if column.link else "", column.numeric) for column in columns]
                for row in context["rows"]
            ]
        context.update(
            kpi=self.kwargs["kpi"],
            kpi_label=texts.label(self.kwargs["kpi"]),
            columns=columns,
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
            raise Http404(_("No closed month yet."))
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
            messages.error(request, _("Write the month as YYYY-MM, e.g. 2026-03."))
            return redirect("kpis:dashboard")
        try:
            run = services.month_close_request(
                month=services.parse_month(form.cleaned_data["month"]), user=request.user
            )
        except KpiError as error:
            messages.error(request, error.message)
            return redirect("kpis:dashboard")
        messages.info(request, _("The close of %(month)s is queued.") % {"month": f"{run.month:%Y-%m}"})
        return redirect("kpis:close-progress", pk=run.pk)


class CloseProgressView(RoleRequiredMixin, View):
    required_roles = READERS

    def get(self, request, pk: int):
        run = get_object_or_404(MonthClose, pk=pk)
        template = "kpis/_close_progress.html" if request.htmx else "kpis/close_progress.html"
        return render(request, template, {"run": run, "active": run.state in ACTIVE_STATES})


class MatrixForm(forms.Form):
    basis = forms.ChoiceField(
        choices=[("hits", gettext_lazy("by hits")), ("value", gettext_lazy("by value"))], required=False
    )


class MatrixView(RoleRequiredMixin, TemplateView):
    """ABC (by hits or by value) × XYZ: items, stock value and cost of sales per cell; a cell lists its parts."""

    template_name = "kpis/matrix.html"
    required_roles = READERS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = _month(self.request.GET)
        if month is None:
            raise Http404(_("No closed month yet."))
        form = MatrixForm(self.request.GET)
        basis = (form.cleaned_data.get("basis") if form.is_valid() else "") or "hits"
        warehouse_id = _warehouse_id(self.request.GET)
        context.update(
            month=month,
            basis=basis,
            warehouse_id=warehouse_id,
            warehouses=Warehouse.objects.filter(is_active=True).order_by("code"),
            xyz_order=selectors.XYZ_ORDER,
            matrix=selectors.abc_xyz_matrix(month=month, warehouse_id=warehouse_id, basis=basis),
        )
        return context


class MatrixCellView(RoleRequiredMixin, ListView):
    """The parts of one ABC × XYZ cell."""

    template_name = "kpis/matrix_cell.html"
    required_roles = READERS
    paginate_by = 50
    context_object_name = "rows"

    def get_queryset(self):
        params = self.request.GET
        self.month = _month(params)
        self.basis = params.get("basis", "hits")
        self.abc, self.xyz = params.get("abc", ""), params.get("xyz", "")
        if self.month is None or self.basis not in selectors.MATRIX_BASES or self.xyz not in selectors.XYZ_ORDER:
            raise Http404(_("No such cell."))
        if self.abc not in selectors.MATRIX_BASES[self.basis][1]:
            raise Http404(_("No such cell."))
        self.warehouse_id = _warehouse_id(params)
        return selectors.matrix_cell(
            month=self.month, warehouse_id=self.warehouse_id, basis=self.basis, abc=self.abc, xyz=self.xyz
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(month=self.month, basis=self.basis, abc=self.abc, xyz=self.xyz, query_string=query.urlencode())
        return context


def problem_fix(problem: str, row) -> tuple[str, str]:
    """(what to do, where) for one problem of one pair: the screen where it is cleared."""
    number, warehouse = quote(row.part.number), row.warehouse_id
    movements = f"{reverse('inventory:movements')}?part={number}&warehouse={warehouse}"
    stock = f"{reverse('inventory:stock-levels')}?q={number}&warehouse={warehouse}"
    fixes = {
        Problem.NEGATIVE_STOCK: (_("Find the back-dated posting and correct it"), movements),
        Problem.NO_COST: (_("Find the receipt without a cost and correct it"), movements),
        Problem.NO_MOVEMENT: (_("Scrap, return or transfer the stock"), stock),
        Problem.SUPERSEDED: (_("Use up, transfer or return the old number's stock"), stock),
        Problem.LIMITS: (
            _("Set min/max to fit the class"),
            f"{reverse('planning:forecast')}?number={number}",
        ),
    }
    return fixes[Problem(problem)]


class ProblemPartsView(RoleRequiredMixin, ListView):
    """The parts the last close could not classify properly, each problem with the place to clear it."""

    template_name = "kpis/problem_parts.html"
    required_roles = READERS
    paginate_by = 50
    context_object_name = "rows"

    def get_queryset(self):
        params = self.request.GET
        self.month = _month(params)
        if self.month is None:
            raise Http404(_("No closed month yet."))
        self.problem = params.get("problem", "") if params.get("problem", "") in Problem.values else ""
        self.warehouse_id = _warehouse_id(params)
        return selectors.problem_parts(month=self.month, warehouse_id=self.warehouse_id, problem=self.problem)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["rows"])
        for row in rows:
            row.fixes = [(Problem(code).label, *problem_fix(code, row)) for code in row.problems.split()]
        context["rows"] = rows
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            month=self.month,
            problem=self.problem,
            warehouse_id=self.warehouse_id,
            warehouses=Warehouse.objects.filter(is_active=True).order_by("code"),
            counts=[
                (code, Problem(code).label, count)
                for code, count in selectors.problem_counts(month=self.month, warehouse_id=self.warehouse_id).items()
            ],
            query_string=query.urlencode(),
        )
        return context


class ReportPdfView(RoleRequiredMixin, View):
    """The month's KPI report as a PDF, for a warehouse or the network."""

    required_roles = READERS

    def get(self, request):
        from .report import kpi_report_pdf

        month = _month(request.GET)
        if month is None:
            raise Http404(_("No closed month yet."))
        warehouse_id = _warehouse_id(request.GET)
        response = HttpResponse(kpi_report_pdf(month=month, warehouse_id=warehouse_id), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="kpi-report-{month:%Y-%m}.pdf"'
        return response


class ReportSubscriptionForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.all(), required=False)
    subscribed = forms.BooleanField(required=False)


class ReportSubscriptionView(RoleRequiredMixin, View):
    """Mail me this report after each close (or stop)."""

    required_roles = READERS

    def post(self, request):
        form = ReportSubscriptionForm(request.POST)
        if not form.is_valid():
            return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
        warehouse = form.cleaned_data["warehouse"]
        subscribed = services.report_subscription_set(
            user=request.user,
            warehouse_id=warehouse.pk if warehouse else None,
            subscribed=form.cleaned_data["subscribed"],
        )
        messages.success(
            request,
            _("You will get this report by mail after each close.")
            if subscribed
            else _("You will no longer get this report."),
        )
        return redirect(f"{reverse('kpis:dashboard')}?warehouse={warehouse.pk if warehouse else ''}")
