"""Screens of the planning app: thin views over selectors and services.

Internal screens: proposal review (purchasing), forecast per part (planning),
VMI review (purchasing). Supplier screens (portal): the forecast of the
supplier's own parts with CSV / XLSX download, and its VMI parts' stock
position with a form to propose quantities. A supplier user only ever sees
its own supplier's parts: every query is scoped by ``supplier_for_user``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, TemplateView

from core.exceptions import DomainError
from core.exports import Column, export_response
from core.lists import ListScreenMixin
from core.permissions import RoleRequiredMixin
from core.roles import Role
from inventory.models import LimitSource, Part, Warehouse
from inventory.selectors import limit_changes, part_by_number
from suppliers.selectors import supplier_for_user

from . import selectors, services
from .models import OVERRIDABLE, ReplenishmentRun, RunState, StockingParameter, VmiProposal, VmiState

REVIEWERS = (Role.PURCHASER, Role.PLANNER, Role.MANAGER)
PLANNERS = (Role.PLANNER, Role.MANAGER)


def _decimal(raw: str) -> Decimal | None:
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise DomainError(_("%(raw)s is not a number.") % {"raw": repr(raw)}) from None


def _int_or_none(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


class ProposalReviewView(RoleRequiredMixin, ListScreenMixin, ListView):
    """Purchasing's one screen: open proposals with why, filters, sorting, pages, editable quantities,
    bulk approve; the same rows as CSV or XLSX."""

    template_name = "planning/proposal_list.html"
    required_roles = REVIEWERS
    context_object_name = "proposals"
    paginate_by = 50
    sort_fields = {
        "part": "part__number_normalized",
        "warehouse": "warehouse__code",
        "class": "class_code",
        "quantity": "quantity",
        "value": "proposal_value",
        "projected": "projected",
    }
    export_name = "replenishment-proposals"
    export_columns = (
        Column(_("Part"), lambda p: p.part.number),
        Column(_("Description"), lambda p: p.part.description),
        Column(_("Warehouse"), lambda p: p.warehouse.code),
        Column(_("Class"), lambda p: p.class_code),
        Column(
            _("Source"), lambda p: p.supplier.code if p.supplier else p.from_warehouse.code if p.from_warehouse else ""
        ),
        Column(_("Quantity"), lambda p: p.quantity),
        Column(_("Price"), lambda p: p.unit_price),
        Column(_("Forecast / month"), lambda p: p.forecast_per_month),
        Column(_("Safety stock"), lambda p: p.safety_stock),
        Column(_("Reorder point"), lambda p: p.reorder_point),
        Column(_("Max"), lambda p: p.max_qty),
        Column(_("Projected"), lambda p: p.projected),
        Column(_("Why"), lambda p: p.reason),
    )

    def _filters(self) -> dict:
        params = self.request.GET
        return {
            "supplier": _int_or_none(params.get("supplier")),
            "warehouse": _int_or_none(params.get("warehouse")),
            "class": params.get("class", "").strip().upper()[:2],
        }

    def get_queryset(self):
        filters = self._filters()
        proposals = selectors.proposal_list(
            supplier_id=filters["supplier"], warehouse_id=filters["warehouse"], class_code=filters["class"]
        ).annotate(proposal_value=F("quantity") * F("unit_price"))
        return self.sorted_queryset(proposals)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["choices"] = selectors.proposal_filter_choices()
        context["params"] = self._filters()
        context["query_string"] = context["list_query"]
        last_run = ReplenishmentRun.objects.order_by("-created_at", "-id").first()
        context["last_run"] = last_run
        context["run_changes"] = run_limit_changes(last_run)
        return context

    def post(self, request, *args, **kwargs):
        ids = [i for i in (_int_or_none(v) for v in request.POST.getlist("selected")) if i is not None]
        action = request.POST.get("action", "approve")
        try:
            if action == "reject":
                count = services.proposals_reject(ids=ids, user=request.user)
                messages.success(
                    request,
                    ngettext("%(count)d proposal rejected.", "%(count)d proposals rejected.", count) % {"count": count},
                )
            else:
                items = [(pk, _decimal(request.POST.get(f"qty-{pk}", ""))) for pk in ids]
                result = services.proposals_approve(items=items, user=request.user)
                made = [t.number for t in result.transfer_orders] + [o.number for o in result.purchase_orders]
                messages.success(
                    request,
                    ngettext(
                        "%(count)s proposal approved: %(made)s.", "%(count)s proposals approved: %(made)s.", len(ids)
                    )
                    % {"count": len(ids), "made": ", ".join(made)},
                )
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(f"{reverse('planning:proposals')}?{request.GET.urlencode()}")


def run_limit_changes(run: ReplenishmentRun | None, *, shown: int = 50) -> dict:
    """What a finished run changed of min/max: how many levels, raised and lowered, and the first ones."""
    if run is None or run.state != RunState.DONE or run.started_at is None or run.finished_at is None:
        return {"count": 0, "raised": 0, "lowered": 0, "rows": []}
    changes = limit_changes(source=LimitSource.PLANNING_RUN, since=run.started_at, until=run.finished_at)
    summary = changes.aggregate(
        count=Count("id"),
        raised=Count("id", filter=Q(max_after__gt=F("max_before"))),
        lowered=Count("id", filter=Q(max_after__lt=F("max_before"))),
    )
    return summary | {"rows": list(changes[:shown])}


class RunNowView(RoleRequiredMixin, View):
    """Queue a replenishment run now (it runs on a worker; inline without a broker)."""

    required_roles = (*PLANNERS, Role.PURCHASER)

    def post(self, request):
        from .tasks import replenishment_run_task

        run = ReplenishmentRun.objects.create(requested_by=request.user)
        transaction.on_commit(lambda: replenishment_run_task.delay(run.pk))
        # Without a broker the run has finished by now (inline): say what it did, not "queued".
        run.refresh_from_db()
        if run.state == RunState.DONE:
            changes = run_limit_changes(run)
            messages.success(
                request,
                gettext(
                    "Replenishment run #%(run)s done: %(proposals)s proposals from %(series)s series; "
                    "min/max changed on %(changed)s stock levels (listed below)."
                )
                % {"run": run.pk, "proposals": run.proposals, "series": run.series, "changed": changes["count"]},
            )
        elif run.state == RunState.FAILED:
            messages.error(
                request, gettext("Replenishment run #%(run)s failed: %(error)s") % {"run": run.pk, "error": run.error}
            )
        else:
            messages.info(
                request,
                gettext("Replenishment run #%(run)s queued; this page shows its state when you reload it.")
                % {"run": run.pk},
            )
        return redirect("planning:proposals")


def _share_or_none(raw: str) -> Decimal | None:
    """A filter's error bound in per cent (``25`` is 25 %) as a share; anything else is no filter."""
    try:
        value = Decimal((raw or "").strip().rstrip("%").replace(",", ".")[:12])
    except InvalidOperation:
        return None
    return value / 100 if value.is_finite() and 0 <= value <= 10000 else None


class ForecastListView(RoleRequiredMixin, ListScreenMixin, ListView):
    """Every forecast, by warehouse, pattern, method, class and error: where a planner starts."""

    template_name = "planning/forecast_list.html"
    required_roles = Role.INTERNAL
    paginate_by = 50
    context_object_name = "forecasts"
    sort_fields = {"part": "part__number_normalized", "rate": "per_month", "error": "holdout_mape"}
    export_columns = (
        Column(_("Part"), lambda f: f.part.number),
        Column(_("Warehouse"), lambda f: f.warehouse.code),
        Column(_("Class"), lambda f: f.class_code or ""),
        Column(_("Pattern"), lambda f: f.pattern),
        Column(_("Method"), lambda f: f.method),
        Column(_("Forecast per month"), lambda f: f.per_month),
        Column(_("MAPE"), lambda f: f.holdout_mape),
    )
    export_name = "forecasts"

    def _filters(self) -> dict:
        params = self.request.GET
        warehouse = params.get("warehouse", "")
        return {
            "warehouse_id": int(warehouse) if warehouse.isdigit() else None,
            "pattern": params.get("pattern", "")[:12],
            "method": params.get("method", "")[:20],
            "class_code": params.get("class", "")[:4],
            "min_mape": _share_or_none(params.get("min_mape", "")),
        }

    def get_queryset(self):
        return self.sorted_queryset(selectors.forecast_list(**self._filters()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context |= {
            "choices": selectors.forecast_filter_choices(),
            "warehouses": Warehouse.objects.filter(is_active=True).order_by("code"),
            "params": self.request.GET,
            "query_string": context["list_query"],
        }
        return context


class ForecastView(RoleRequiredMixin, TemplateView):
    """A part's forecast per warehouse: a chart of 24 months of demand with the fitted values and the
    12 months ahead, the method, pattern and error, known demand, stocking parameters and overrides.
    Without a part number: the list of forecasts."""

    template_name = "planning/forecast_detail.html"
    required_roles = Role.INTERNAL

    def get(self, request, *args, **kwargs):
        if not request.GET.get("number", "").strip():
            return ForecastListView.as_view()(request, *args, **kwargs)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        number = self.request.GET.get("number", "").strip()
        part = part_by_number(number) if number else None
        context.update(number=number, part=part, overridable=OVERRIDABLE_LABELS)
        if part is not None:
            rows = selectors.part_forecasts(part=part)
            months, history = selectors.part_demand_history(part=part, warehouse_ids=[r.warehouse.pk for r in rows])
            context["rows"] = rows
            context["charts"] = {
                row.warehouse.code: selectors.forecast_chart(row=row, months=months, history=history[row.warehouse.pk])
                for row in rows
            }
            context["chart_labels"] = {
                "actual": gettext("Demand"),
                "fitted": gettext("Fitted by the method"),
                "forecast": gettext("Forecast"),
                "with_known": gettext("Forecast with known demand"),
            }
            context["warehouses"] = Warehouse.objects.filter(is_active=True).order_by("code")
            context["may_edit"] = _may(self.request.user, PLANNERS)
        return context


# The stocking figures a planner may override, with the words a planner uses for them.
OVERRIDABLE_LABELS = [
    ("safety_stock", _("Safety stock")),
    ("reorder_point", _("Reorder point")),
    ("eoq", _("Order quantity (EOQ)")),
    ("min_qty", _("Min")),
    ("max_qty", _("Max")),
]
assert tuple(name for name, _label in OVERRIDABLE_LABELS) == OVERRIDABLE


def _may(user, roles) -> bool:
    from core.permissions import has_role

    return has_role(user, *roles)


class OverrideView(RoleRequiredMixin, View):
    """Planner sets or clears an override (with reason and optional expiry) or the flags."""

    required_roles = PLANNERS

    def post(self, request):
        part = get_object_or_404(Part, pk=_int_or_none(request.POST.get("part")))
        warehouse = get_object_or_404(Warehouse, pk=_int_or_none(request.POST.get("warehouse")))
        try:
            if request.POST.get("action") == "clear":
                param = StockingParameter.objects.get(part=part, warehouse=warehouse)
                services.parameter_override_clear(parameter=param, user=request.user)
                messages.success(request, gettext("Override cleared: the computed figures apply."))
            elif request.POST.get("action") == "flags":
                services.parameter_flags_set(
                    part=part,
                    warehouse=warehouse,
                    user=request.user,
                    order_on_demand=request.POST.get("order_on_demand") == "1",
                    is_vmi=request.POST.get("is_vmi") == "1",
                )
                messages.success(request, gettext("Flags saved."))
            else:
                values = {n: _decimal(request.POST.get(n, "")) for n in OVERRIDABLE if request.POST.get(n, "").strip()}
                expires = request.POST.get("expires_on", "").strip()
                services.parameter_override_set(
                    part=part,
                    warehouse=warehouse,
                    values=values,
                    reason=request.POST.get("reason", ""),
                    expires_on=date.fromisoformat(expires) if expires else None,
                    user=request.user,
                )
                messages.success(
                    request,
                    gettext("Override saved for %(part)s in %(warehouse)s.")
                    % {"part": part.number, "warehouse": warehouse.code},
                )
        except StockingParameter.DoesNotExist:
            messages.error(request, gettext("There is no override to clear."))
        except ValueError:
            messages.error(request, gettext("The expiry is not a date (YYYY-MM-DD)."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(f"{reverse('planning:forecast')}?number={part.number}")


class KnownDemandView(RoleRequiredMixin, View):
    required_roles = PLANNERS

    def post(self, request):
        part = get_object_or_404(Part, pk=_int_or_none(request.POST.get("part")))
        warehouse = get_object_or_404(Warehouse, pk=_int_or_none(request.POST.get("warehouse")))
        try:
            month = date.fromisoformat(request.POST.get("month", "") + "-01")
            services.known_demand_add(
                part=part,
                warehouse=warehouse,
                month=month,
                quantity=_decimal(request.POST.get("quantity", "")) or Decimal(0),
                reason=request.POST.get("reason", ""),
                user=request.user,
            )
            messages.success(request, gettext("Known demand added to the forecast."))
        except ValueError:
            messages.error(request, gettext("Give the month as YYYY-MM."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(f"{reverse('planning:forecast')}?number={part.number}")


# --- VMI review (purchasing) -------------------------------------------------------------------


class VmiReviewView(RoleRequiredMixin, TemplateView):
    template_name = "planning/vmi_review.html"
    required_roles = (Role.PURCHASER, Role.MANAGER)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["proposals"] = list(selectors.vmi_proposal_list(state=VmiState.PROPOSED)[:300])
        context["decided"] = list(selectors.vmi_proposal_list().exclude(state=VmiState.PROPOSED)[:50])
        return context

    def post(self, request):
        proposal = get_object_or_404(VmiProposal, pk=_int_or_none(request.POST.get("proposal")))
        try:
            if request.POST.get("action") == "reject":
                services.vmi_reject(proposal=proposal, user=request.user)
                messages.success(request, gettext("VMI proposal rejected."))
            else:
                done = services.vmi_accept(
                    proposal=proposal, user=request.user, quantity=_decimal(request.POST.get("quantity", ""))
                )
                messages.success(
                    request, gettext("Accepted: draft order %(number)s.") % {"number": done.purchase_order.number}
                )
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("planning:vmi-review")


# --- supplier portal ---------------------------------------------------------------------------


class SupplierRequiredMixin(RoleRequiredMixin):
    """Supplier role and a supplier link; ``self.supplier`` is the user's own supplier."""

    required_roles = (Role.SUPPLIER,)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.supplier = supplier_for_user(request.user)
            if self.supplier is None:
                raise PermissionDenied(_("This login is not linked to a supplier."))
        return super().dispatch(request, *args, **kwargs)


class SupplierForecastView(SupplierRequiredMixin, TemplateView):
    """The supplier's parts with 12 months of forecast, a page at a time; the totals cover every part shown."""

    template_name = "planning/supplier_forecast.html"
    paginate_by = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        months, rows = selectors.supplier_forecast(supplier=self.supplier)
        query = self.request.GET.get("q", "").strip()[:40]
        if query:
            needle = query.upper()
            rows = [r for r in rows if needle in r.part.number.upper() or needle in r.supplier_part_number.upper()]
        page = Paginator(rows, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(
            supplier=self.supplier,
            months=months,
            rows=page.object_list,
            page_obj=page,
            is_paginated=page.paginator.num_pages > 1,
            query=query,
            query_string=urlencode({"q": query}) if query else "",
            month_totals=[sum((r.months[i] for r in rows), Decimal(0)) for i in range(len(months))],
            grand_total=sum((r.total for r in rows), Decimal(0)),
        )
        return context


class SupplierForecastDownloadView(SupplierRequiredMixin, View):
    def get(self, request):
        months, rows = selectors.supplier_forecast(supplier=self.supplier)
        columns = [
            Column("part", lambda r: r.part.number),
            Column("your part number", lambda r: r.supplier_part_number),
            Column("description", lambda r: r.part.description),
        ]
        columns += [
            Column(month.strftime("%Y-%m"), lambda r, i=index: float(r.months[i])) for index, month in enumerate(months)
        ]
        columns.append(Column("total", lambda r: float(r.total)))
        file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
        return export_response(
            columns=columns,
            rows=rows,
            file_format=file_format,
            file_name=f"forecast-{self.supplier.code}-{months[0]:%Y-%m}",
        )


class SupplierVmiView(SupplierRequiredMixin, TemplateView):
    template_name = "planning/supplier_vmi.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["supplier"] = self.supplier
        context["positions"] = selectors.vmi_positions(supplier=self.supplier)
        context["proposals"] = list(selectors.vmi_proposal_list(supplier=self.supplier)[:100])
        return context

    def post(self, request):
        part = get_object_or_404(Part, pk=_int_or_none(request.POST.get("part")))
        warehouse = get_object_or_404(Warehouse, pk=_int_or_none(request.POST.get("warehouse")))
        try:
            services.vmi_propose(
                part=part,
                warehouse=warehouse,
                quantity=_decimal(request.POST.get("quantity", "")) or Decimal(0),
                note=request.POST.get("note", ""),
                user=request.user,
            )
            messages.success(request, gettext("Proposal for %(part)s sent to purchasing.") % {"part": part.number})
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("planning:supplier-vmi")
