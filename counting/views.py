"""Counting screens: count lists, blind entry by bin, variance approval, accuracy. Thin over services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views import View
from django.views.generic import ListView, TemplateView

from core.exceptions import DomainError
from core.permissions import RoleRequiredMixin
from core.roles import Role, user_access
from inventory.forms import own_warehouse_id
from inventory.models import Bin, Warehouse

from . import selectors, services
from .forms import AdhocCountForm, DecisionForm
from .models import OPEN_LINE_STATUSES, CountLine, CountLineStatus, CountList

COUNTING_ROLES = (Role.CLERK, Role.MANAGER, Role.PLANNER)


def _count_list_for(user, pk: int) -> CountList:
    count_list = get_object_or_404(CountList.objects.select_related("warehouse"), pk=pk)
    scope = selectors.count_scope(user)
    if scope is not None and count_list.warehouse_id not in scope:
        raise Http404(gettext("No such count in your warehouses."))
    return count_list


class CountListView(RoleRequiredMixin, ListView):
    """Open counts first; clerks see their own warehouses. Ad-hoc counts are asked for here."""

    template_name = "counting/countlist_list.html"
    required_roles = COUNTING_ROLES
    context_object_name = "count_lists"
    paginate_by = 50

    def get_queryset(self):
        return selectors.count_list_list(
            warehouse_ids=selectors.count_scope(self.request.user), status=self.request.GET.get("status") or None
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = selectors.count_scope(self.request.user)
        warehouses = Warehouse.objects.filter(is_active=True)
        if scope is not None:
            warehouses = warehouses.filter(pk__in=scope)
        context["form"] = kwargs.get("form") or AdhocCountForm(
            warehouses=warehouses, own_warehouse_id=own_warehouse_id(user_access(self.request.user))
        )
        context["params"] = self.request.GET
        context["is_manager"] = user_access(self.request.user).has_any({Role.MANAGER})
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


class AdhocCountView(RoleRequiredMixin, View):
    required_roles = (Role.CLERK, Role.MANAGER)

    def post(self, request):
        scope = selectors.count_scope(request.user)
        warehouses = Warehouse.objects.filter(is_active=True)
        if scope is not None:
            warehouses = warehouses.filter(pk__in=scope)
        form = AdhocCountForm(request.POST, warehouses=warehouses)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label or field if field != "__all__" else ""
                for error in errors:
                    text = gettext("%(field)s: %(error)s") % {"field": label, "error": error} if label else error
                    messages.error(request, text)
            return redirect("counting:list")
        data = form.cleaned_data
        try:
            count_list = services.count_list_create_adhoc(
                warehouse=data["warehouse"], user=request.user, bin=data["bin"], part=data["part"], note=data["note"]
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("counting:list")
        lines = count_list.lines.count()
        messages.success(
            request,
            ngettext(
                "Count %(count_list)s created with %(lines)d line.",
                "Count %(count_list)s created with %(lines)d lines.",
                lines,
            )
            % {"count_list": count_list.pk, "lines": lines},
        )
        return redirect("counting:detail", pk=count_list.pk)


class CountDetailView(RoleRequiredMixin, TemplateView):
    """The route: bins in order with what is left to count in each."""

    template_name = "counting/countlist_detail.html"
    required_roles = COUNTING_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        count_list = _count_list_for(self.request.user, kwargs["pk"])
        context["count_list"] = count_list
        context["bins"] = selectors.count_list_bins(count_list=count_list)
        return context


def _bin_or_none(count_list: CountList, bin_key: str) -> Bin | None:
    if bin_key == "none":
        return None
    if not bin_key.isdigit():
        raise Http404(gettext("No such bin."))
    return get_object_or_404(Bin, pk=int(bin_key), warehouse=count_list.warehouse_id)


class CountBinView(RoleRequiredMixin, TemplateView):
    """Blind entry for one bin: part, description and unit only; the system quantity is never sent."""

    template_name = "counting/count_bin.html"
    required_roles = (Role.CLERK, Role.MANAGER)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        count_list = _count_list_for(self.request.user, kwargs["pk"])
        bin = _bin_or_none(count_list, kwargs["bin_key"])
        lines = list(selectors.count_lines_for_bin(count_list=count_list, bin_id=bin.pk if bin else None))
        if not lines:
            raise Http404(gettext("Nothing to count in this bin on this list."))
        user_id = self.request.user.pk
        for line in lines:
            line.is_open = line.status in OPEN_LINE_STATUSES
            line.needs_other = line.status == CountLineStatus.RECOUNT and line.counted_by_id == user_id
        context.update(
            count_list=count_list,
            bin=bin,
            bin_key=kwargs["bin_key"],
            lines=lines,
            to_start=any(line.status == CountLineStatus.PENDING for line in lines),
            any_open=any(line.is_open and not line.needs_other for line in lines),
            bins=selectors.count_list_bins(count_list=count_list),
        )
        return context

    def post(self, request, pk: int, bin_key: str):
        count_list = _count_list_for(request.user, pk)
        bin = _bin_or_none(count_list, bin_key)
        here = reverse("counting:bin", kwargs={"pk": pk, "bin_key": bin_key})
        if request.POST.get("action") == "start":
            try:
                started = services.count_lines_start(count_list=count_list, user=request.user, bin=bin)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.info(
                    request,
                    ngettext(
                        "Counting started for %(lines)d line. Scan a part, type the quantity.",
                        "Counting started for %(lines)d lines. Scan a part, type the quantity.",
                        started,
                    )
                    % {"lines": started},
                )
            return redirect(here)
        lines = CountLine.objects.filter(count_list=count_list, bin=bin, status__in=OPEN_LINE_STATUSES).select_related(
            "part"
        )
        saved, refused = 0, 0
        for line in lines:
            raw = request.POST.get(f"qty-{line.pk}", "").strip().replace(",", ".")
            if not raw:
                continue
            try:
                services.count_line_enter(line=line, quantity=Decimal(raw), user=request.user)
            except InvalidOperation:
                messages.error(
                    request, gettext("%(part)s: “%(raw)s” is not a number.") % {"part": line.part.number, "raw": raw}
                )
                refused += 1
            except DomainError as error:
                messages.error(
                    request, gettext("%(part)s: %(error)s") % {"part": line.part.number, "error": error.message}
                )
                refused += 1
            else:
                saved += 1
        if saved:
            messages.success(
                request, ngettext("%(saved)d count saved.", "%(saved)d counts saved.", saved) % {"saved": saved}
            )
        if not saved and not refused:
            messages.warning(request, gettext("Nothing entered: type a quantity for at least one line."))
        return redirect(here)


class VarianceListView(RoleRequiredMixin, ListView):
    """Manager's review: the system quantity, what was counted (and recounted), the variance and its value."""

    template_name = "counting/variance_list.html"
    required_roles = (Role.MANAGER,)
    context_object_name = "lines"
    paginate_by = 100

    def get_queryset(self):
        return selectors.variance_lines(warehouse_ids=selectors.count_scope(self.request.user))


class DecideView(RoleRequiredMixin, View):
    required_roles = (Role.MANAGER,)

    def post(self, request, pk: int):
        line = get_object_or_404(CountLine.objects.select_related("part"), pk=pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("%(part)s: give the reason for the variance.") % {"part": line.part.number})
            return redirect("counting:variances")
        action = (
            services.count_line_approve if form.cleaned_data["decision"] == "approve" else services.count_line_reject
        )
        try:
            action(line=line, user=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, gettext("%(part)s: %(error)s") % {"part": line.part.number, "error": error.message})
        else:
            if form.cleaned_data["decision"] == "approve":
                text = gettext("%(part)s: variance approved and posted.")
            else:
                text = gettext("%(part)s: variance rejected.")
            messages.success(request, text % {"part": line.part.number})
        return redirect("counting:variances")


class AccuracyView(RoleRequiredMixin, TemplateView):
    """Inventory record accuracy and variance value per warehouse for a month."""

    template_name = "counting/accuracy.html"
    required_roles = COUNTING_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year", today.year))
            month = int(self.request.GET.get("month", today.month))
            if not 1 <= month <= 12 or not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            year, month = today.year, today.month
            messages.warning(self.request, gettext("That month is not valid; showing this month."))
        scope = selectors.count_scope(self.request.user)
        rows = selectors.accuracy_by_warehouse(year, month)
        if scope is not None:
            rows = [(w, a) for w, a in rows if w.pk in scope]
        context.update(
            year=year,
            month=month,
            rows=rows,
            total=selectors.accuracy_for_month(None, year, month) if scope is None else None,
            months=range(1, 13),
        )
        return context
