"""Screens for workshop requests, the pick list, backorders and transfer orders.

Thin views: they check role and warehouse, read through ``inventory.demand.selectors``
and write through services; domain errors become messages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from core.exceptions import DomainError
from core.exports import Column
from core.lists import ListScreenMixin
from core.permissions import RoleRequiredMixin, require_warehouse
from core.roles import DEMAND_NETWORK_ROLES, Role, user_access
from core.views import FormT, ServiceFormView
from inventory.forms import (
    TransferAcceptForm,
    TransferCreateForm,
    WorkshopRequestForm,
    line_quantities,
    own_warehouse_id,
)
from inventory.models import (
    Backorder,
    BackorderState,
    RequestState,
    TransferOrder,
    TransferState,
    Warehouse,
    WorkshopRequest,
)
from inventory.selectors import part_by_number

from . import selectors as sel
from . import services

REQUEST_ROLES = (Role.WORKSHOP, Role.CLERK, Role.MANAGER)
STOCK_ROLES = (Role.CLERK, Role.MANAGER)
BACKORDER_ROLES = (Role.WORKSHOP, Role.CLERK, Role.PURCHASER, Role.MANAGER)
SOURCING_URL = "suppliers:backorder-sourcing"  # the purchasing side's screen with all three proposals


def warehouse_scope(user) -> list[int] | None:
    """The warehouses a user's lists show: None (all) for managers and purchasers (who buy for all), else their own."""
    scope = user_access(user).warehouse_scope(DEMAND_NETWORK_ROLES)
    return None if scope is None else sorted(scope)


def own_warehouses(user):
    scope = warehouse_scope(user)
    warehouses = Warehouse.objects.filter(is_active=True)
    return warehouses if scope is None else warehouses.filter(pk__in=scope)


def _only_own_requests(user) -> bool:
    """The workshop sees its own requests and backorders; staff see their warehouses'."""
    return not user_access(user).has_any({Role.CLERK, Role.MANAGER, Role.PURCHASER})


def _error(request, error: DomainError | ValidationError) -> None:
    text = error.message if isinstance(error, DomainError) else " ".join(error.messages)
    messages.error(request, text)


def _back(request, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return HttpResponseRedirect(target)
    return redirect(fallback)


# --- workshop requests -----------------------------------------------------------------------


class RequestNewView(RoleRequiredMixin, ServiceFormView[WorkshopRequestForm, WorkshopRequest]):
    """Type part numbers, see availability here and next door as you type, submit."""

    template_name = "inventory/request_new.html"
    required_roles = REQUEST_ROLES
    form_class = WorkshopRequestForm
    blank_lines = 3

    def get_form_kwargs(self):
        user = self.request.user
        return {"warehouses": own_warehouses(user), "own_warehouse_id": own_warehouse_id(user_access(user))}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["form"].line_rows or [{"number": "", "quantity": "1"} for _ in range(self.blank_lines)]
        return context | {"rows": rows}

    def perform(self, form: WorkshopRequestForm) -> WorkshopRequest:
        values = form.cleaned_data
        require_warehouse(self.request.user, values["warehouse"])
        return services.repair_order_issue(
            number=values["repair_order"],
            warehouse=values["warehouse"],
            lines=form.lines,
            user=self.request.user,
            vehicle_ref=values["vehicle_ref"],
            idempotency_key=f"request-form-{values['key']}",
        )

    def success_message(self, form: WorkshopRequestForm, outcome: WorkshopRequest) -> str:
        return gettext("%(number)s submitted.") % {"number": outcome.number}

    def success_url(self, form: WorkshopRequestForm, outcome: WorkshopRequest) -> str:
        return reverse("inventory:request-detail", args=[outcome.pk])


class RequestAvailabilityView(RoleRequiredMixin, TemplateView):
    """HTMX fragment: availability of one typed number in the store and its neighbours."""

    template_name = "inventory/_avail_line.html"
    required_roles = REQUEST_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        number = (params.get("number") or "").strip()
        warehouse_id = params.get("warehouse", "")
        warehouse = (
            own_warehouses(self.request.user).filter(pk=warehouse_id).first() if warehouse_id.isdigit() else None
        )
        context["number"] = number
        context["warehouse"] = warehouse
        context["availability"] = (
            sel.request_availability(number=number, warehouse=warehouse) if number and warehouse else None
        )
        return context


def _chosen_warehouses(user, raw: str) -> list[int] | None:
    """The warehouse filter of a list: the one chosen when the user may see it (else none), or the user's scope."""
    scope = warehouse_scope(user)
    if not (raw.isdigit() and len(raw) < 10):
        return scope
    return [int(raw)] if scope is None or int(raw) in scope else []


def _parts_summary(lines) -> str:
    return ", ".join(f"{line.part.number} × {line.quantity_requested.normalize():f}" for line in lines)


def _list_filters(user, params) -> dict:
    """What the filter bar of a demand list shows: the user's warehouses and the values chosen."""
    return {"warehouses": list(own_warehouses(user).order_by("code")), "params": params}


class RequestListView(RoleRequiredMixin, ListScreenMixin, ListView):
    template_name = "inventory/request_list.html"
    required_roles = BACKORDER_ROLES
    paginate_by = 50
    context_object_name = "requests"
    sort_fields = {
        "raised": "created_at",
        "request": "pk",
        "repair_order": "repair_order__number",
        "warehouse": "warehouse__code",
        "state": "state",
    }
    export_columns = (
        Column(gettext_lazy("Request"), lambda r: r.number),
        Column(gettext_lazy("Repair order"), lambda r: r.repair_order.number),
        Column(gettext_lazy("Store"), lambda r: r.warehouse.code),
        Column(gettext_lazy("Raised"), lambda r: r.created_at),
        Column(gettext_lazy("By"), lambda r: r.requested_by.username),
        Column(gettext_lazy("State"), lambda r: r.get_state_display()),
        Column(gettext_lazy("Booked for"), lambda r: r.booked_for),
        Column(gettext_lazy("Lines"), lambda r: len(r.lines.all())),
        Column(gettext_lazy("Parts"), lambda r: _parts_summary(r.lines.all())),
    )
    export_name = "workshop-requests"

    def get_queryset(self):
        user, params = self.request.user, self.request.GET
        state = params.get("state", "")
        requests = sel.workshop_request_list(
            warehouse_ids=_chosen_warehouses(user, params.get("warehouse", "")),
            state=state if state in RequestState.values else None,
            requested_by=user if _only_own_requests(user) else None,
            repair_order=params.get("repair_order", "").strip()[:40],
        )
        return self.sorted_queryset(requests)

    def get_context_data(self, **kwargs):
        return (
            super().get_context_data(**kwargs)
            | _list_filters(self.request.user, self.request.GET)
            | {"states": RequestState.choices}
        )


def request_visible(user, pk: int):
    """A request the user may see: in their stores, and for the workshop one they raised."""
    workshop_request = sel.workshop_request_get(pk=pk)
    if workshop_request is None:
        raise Http404(gettext("No such request."))
    scope = warehouse_scope(user)
    if (scope is not None and workshop_request.warehouse_id not in scope) or (
        _only_own_requests(user) and workshop_request.requested_by_id != user.pk
    ):
        raise PermissionDenied(gettext("This request is not one of yours."))
    return workshop_request


class RequestDetailView(RoleRequiredMixin, TemplateView):
    """What was supplied at once and what is back-ordered, line by line."""

    template_name = "inventory/request_detail.html"
    required_roles = BACKORDER_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        workshop_request = request_visible(user, kwargs["pk"])
        context["req"] = workshop_request
        context["may_pick"] = user_access(user).has_any(STOCK_ROLES)
        return context


class PickListView(RoleRequiredMixin, ListView):
    """The clerk's queue: requests with parts issued and not yet handed over, oldest first."""

    template_name = "inventory/picklist.html"
    required_roles = STOCK_ROLES
    paginate_by = 50
    context_object_name = "requests"

    def _day(self):
        """``?day=YYYY-MM-DD`` looks ahead: reservations booked up to that day are shown too."""
        try:
            return date.fromisoformat(self.request.GET.get("day", ""))
        except ValueError:
            return timezone.localdate()

    def get_queryset(self):
        return sel.pick_list(warehouse_ids=warehouse_scope(self.request.user), day=self._day())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        picks = sel.pick_lines(context["requests"])
        for request in context["requests"]:
            request.pick_lines = picks[request.pk]
        # The day's printed pick list per warehouse: one walk over every open request of the day.
        return context | {
            "warehouses": list(own_warehouses(self.request.user).order_by("code")),
            "today_iso": timezone.localdate().isoformat(),
            "day": self._day(),
        }


class RequestPickView(RoleRequiredMixin, View):
    required_roles = STOCK_ROLES

    def post(self, request, pk: int):
        workshop_request = sel.workshop_request_get(pk=pk)
        if workshop_request is None:
            raise Http404(gettext("No such request."))
        try:
            require_warehouse(request.user, workshop_request.warehouse)
            services.workshop_request_pick(request=workshop_request, user=request.user)
            messages.success(request, gettext("%(number)s handed over.") % {"number": workshop_request.number})
        except DomainError as error:
            _error(request, error)
        return _back(request, "inventory:pick-list")


# --- backorders -------------------------------------------------------------------------------


class BackorderListView(RoleRequiredMixin, ListScreenMixin, ListView):
    """Open backorders, oldest first, with the transfer proposals and one-click accept."""

    template_name = "inventory/backorder_list.html"
    required_roles = BACKORDER_ROLES
    paginate_by = 50
    context_object_name = "backorders"
    sort_fields = {
        "requested": "requested_at",
        "warehouse": "warehouse__code",
        "part": "part__number",
        "quantity": "quantity",
        "filled": "quantity_filled",
    }
    export_columns = (
        Column(gettext_lazy("Requested"), lambda b: b.requested_at),
        Column(gettext_lazy("Request"), lambda b: b.line.request.number),
        Column(gettext_lazy("Repair order"), lambda b: b.line.request.repair_order.number),
        Column(gettext_lazy("Requested by"), lambda b: b.line.request.requested_by.username),
        Column(gettext_lazy("Store"), lambda b: b.warehouse.code),
        Column(gettext_lazy("Part"), lambda b: b.part.number),
        Column(gettext_lazy("Asked for"), lambda b: b.line.requested_part.number),
        Column(gettext_lazy("Back-ordered"), lambda b: b.quantity),
        Column(gettext_lazy("Filled"), lambda b: b.quantity_filled),
        Column(gettext_lazy("Cancelled"), lambda b: b.quantity_cancelled),
        Column(gettext_lazy("Open"), lambda b: b.open_quantity),
        Column(gettext_lazy("State"), lambda b: b.get_state_display()),
        Column(gettext_lazy("Sourcing"), lambda b: b.sourcing_note),
    )
    export_name = "backorders"

    def get_queryset(self):
        user, params = self.request.user, self.request.GET
        state = params.get("state", BackorderState.OPEN)
        number = params.get("part", "").strip()[:40]
        part = part_by_number(number) if number else None
        if number and part is None:
            return Backorder.objects.none()
        backorders = sel.backorder_list(
            warehouse_ids=_chosen_warehouses(user, params.get("warehouse", "")),
            state=state if state in BackorderState.values else None,
            requested_by=user if _only_own_requests(user) else None,
            part=part,
        )
        return self.sorted_queryset(backorders)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["backorders"])
        proposals = sel.transfer_proposals_bulk([b for b in page if b.state == BackorderState.OPEN])
        has_sourcing = _url_or_none(SOURCING_URL, 0) is not None
        context["rows"] = [
            (b, proposals.get(b.pk, []), reverse(SOURCING_URL, args=[b.pk]) if has_sourcing else None) for b in page
        ]
        access = user_access(self.request.user)
        context["may_accept"] = access.has_any(STOCK_ROLES)
        context["may_cancel"] = access.has_any({Role.WORKSHOP, Role.CLERK, Role.MANAGER})
        context["state"] = self.request.GET.get("state", BackorderState.OPEN)
        context["states"] = [*BackorderState.choices, ("all", gettext("all"))]
        return context | _list_filters(self.request.user, self.request.GET)


def _url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _open_backorder(pk: int) -> Backorder:
    return get_object_or_404(Backorder.objects.select_related("part", "warehouse", "line__request"), pk=pk)


class _TransferAskedView(RoleRequiredMixin, ServiceFormView[FormT, TransferOrder]):
    """A transfer asked for from a form on a list: what is wrong goes back to the list as a message."""

    required_roles = STOCK_ROLES
    http_method_names = ["post"]

    def show_refusal(self, form: FormT, error: DomainError) -> None:
        _error(self.request, error)

    def form_refused(self, form: FormT) -> HttpResponse:
        if form.errors:
            self.input_refused(form)
        return self.back()

    def input_refused(self, form: FormT) -> None:
        for errors in form.errors.values():
            messages.error(self.request, " ".join(str(error) for error in errors))

    def back(self) -> HttpResponse:
        raise NotImplementedError

    def success_url(self, form: FormT, outcome: TransferOrder) -> str:
        return reverse("inventory:transfer-detail", args=[outcome.pk])


class BackorderAcceptTransferView(_TransferAskedView[TransferAcceptForm]):
    """Accept a transfer proposal: a transfer order to the backorder's store."""

    form_class = TransferAcceptForm

    def post(self, request, *args, **kwargs):
        self.backorder = _open_backorder(kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def input_refused(self, form: TransferAcceptForm) -> None:
        messages.error(self.request, gettext("Choose a warehouse and a quantity greater than zero."))

    def back(self) -> HttpResponse:
        return _back(self.request, "inventory:backorders")

    def perform(self, form: TransferAcceptForm) -> TransferOrder:
        require_warehouse(self.request.user, self.backorder.warehouse)
        return services.backorder_source_by_transfer(
            backorder=self.backorder,
            from_warehouse=form.cleaned_data["from_warehouse"],
            quantity=form.cleaned_data["quantity"],
            user=self.request.user,
        )

    def success_message(self, form: TransferAcceptForm, outcome: TransferOrder) -> str:
        return gettext("%(number)s requested from %(warehouse)s.") % {
            "number": outcome.number,
            "warehouse": outcome.from_warehouse.code,
        }


class BackorderCancelView(RoleRequiredMixin, View):
    """The requester (or the store's clerk) no longer needs it: lost demand."""

    required_roles = (Role.WORKSHOP, Role.CLERK, Role.MANAGER)

    def post(self, request, pk: int):
        backorder = _open_backorder(pk)
        try:
            require_warehouse(request.user, backorder.warehouse)
            if _only_own_requests(request.user) and backorder.line.request.requested_by_id != request.user.pk:
                raise PermissionDenied(gettext("Only the requester cancels a backorder."))
            services.backorder_cancel(backorder=backorder, user=request.user)
            messages.success(request, gettext("Backorder cancelled; recorded as lost demand."))
        except DomainError as error:
            _error(request, error)
        return _back(request, "inventory:backorders")


# --- transfers -------------------------------------------------------------------------------------


class TransferListView(RoleRequiredMixin, ListScreenMixin, ListView):
    """Transfers in and out of the user's warehouses: both ends see the same order."""

    template_name = "inventory/transfer_list.html"
    required_roles = STOCK_ROLES
    paginate_by = 50
    context_object_name = "transfers"
    sort_fields = {
        "requested": "created_at",
        "transfer": "pk",
        "from": "from_warehouse__code",
        "to": "to_warehouse__code",
        "state": "state",
    }
    export_columns = (
        Column(gettext_lazy("Transfer"), lambda t: t.number),
        Column(gettext_lazy("From"), lambda t: t.from_warehouse.code),
        Column(gettext_lazy("To"), lambda t: t.to_warehouse.code),
        Column(gettext_lazy("State"), lambda t: t.get_state_display()),
        Column(gettext_lazy("Requested"), lambda t: t.created_at),
        Column(gettext_lazy("Parts"), lambda t: _parts_summary(t.lines.all())),
        Column(gettext_lazy("For backorder"), lambda t: t.backorder_id),
    )
    export_name = "transfers"

    def get_queryset(self):
        params = self.request.GET
        state = params.get("state", "open")
        if state not in ("open", *TransferState.values):
            state = ""
        transfers = sel.transfer_list(
            warehouse_ids=_chosen_warehouses(self.request.user, params.get("warehouse", "")), state=state or None
        )
        return self.sorted_queryset(transfers)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["state"] = self.request.GET.get("state", "open")
        context["states"] = [("open", gettext("open")), *TransferState.choices]
        context["scope"] = warehouse_scope(self.request.user)
        context["form"] = kwargs.get("form") or TransferCreateForm(
            own_warehouse_id=own_warehouse_id(user_access(self.request.user))
        )
        return context | _list_filters(self.request.user, self.request.GET)


class TransferCreateView(_TransferAskedView[TransferCreateForm]):
    form_class = TransferCreateForm

    def back(self) -> HttpResponse:
        return redirect("inventory:transfers")

    def perform(self, form: TransferCreateForm) -> TransferOrder:
        values = form.cleaned_data
        require_warehouse(self.request.user, values["to_warehouse"])
        return services.transfer_order_create(
            from_warehouse=values["from_warehouse"],
            to_warehouse=values["to_warehouse"],
            lines=[(values["part"], values["quantity"])],
            user=self.request.user,
        )

    def success_message(self, form: TransferCreateForm, outcome: TransferOrder) -> str:
        return gettext("%(number)s requested.") % {"number": outcome.number}


class TransferDetailView(RoleRequiredMixin, TemplateView):
    """One transfer: the source picks and sends, the destination receives (partly, with a note)."""

    template_name = "inventory/transfer_detail.html"
    required_roles = STOCK_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        transfer = sel.transfer_get(pk=kwargs["pk"])
        if transfer is None:
            raise Http404(gettext("No such transfer."))
        access = user_access(self.request.user)
        if not (access.may_post_in(transfer.from_warehouse_id) or access.may_post_in(transfer.to_warehouse_id)):
            raise PermissionDenied(gettext("This transfer does not touch your warehouses."))
        context["transfer"] = transfer
        context["may_send"] = transfer.state == TransferState.REQUESTED and access.may_post_in(
            transfer.from_warehouse_id
        )
        context["may_receive"] = transfer.state in (
            TransferState.SENT,
            TransferState.PARTIAL,
        ) and access.may_post_in(transfer.to_warehouse_id)
        return context


class _TransferAction(RoleRequiredMixin, View):
    required_roles = STOCK_ROLES

    def post(self, request, pk: int):
        transfer = sel.transfer_get(pk=pk)
        if transfer is None:
            raise Http404(gettext("No such transfer."))
        try:
            message = self.act(request, transfer)
            messages.success(request, message)
        except DomainError as error:
            _error(request, error)
        except ValidationError as error:
            _error(request, error)
        return redirect("inventory:transfer-detail", pk=pk)

    def act(self, request, transfer) -> str:
        raise NotImplementedError


class TransferSendView(_TransferAction):
    def act(self, request, transfer) -> str:
        require_warehouse(request.user, transfer.from_warehouse)
        quantities = line_quantities(request.POST, "send", [line.pk for line in transfer.lines.all()])
        services.transfer_order_send(transfer=transfer, user=request.user, quantities=quantities)
        return f"{transfer.number} sent: in transit to {transfer.to_warehouse.code}."


class TransferReceiveView(_TransferAction):
    def act(self, request, transfer) -> str:
        require_warehouse(request.user, transfer.to_warehouse)
        line_ids = [line.pk for line in transfer.lines.all()]
        received = line_quantities(request.POST, "received", line_ids)
        lost = line_quantities(request.POST, "lost", line_ids)
        quantities: dict[int, tuple[Decimal, Decimal]] = {}
        for line in transfer.lines.all():
            if line.pk in received or line.pk in lost:
                quantities[line.pk] = (
                    received.get(line.pk, line.quantity_outstanding - lost.get(line.pk, Decimal(0))),
                    lost.get(line.pk, Decimal(0)),
                )
        transfer = services.transfer_order_receive(
            transfer=transfer, user=request.user, quantities=quantities, note=request.POST.get("note", "")
        )
        return f"{transfer.number} {transfer.get_state_display()}."


class TransferCancelView(_TransferAction):
    def act(self, request, transfer) -> str:
        access = user_access(request.user)
        if not (access.may_post_in(transfer.from_warehouse_id) or access.may_post_in(transfer.to_warehouse_id)):
            require_warehouse(request.user, transfer.to_warehouse)
        services.transfer_order_cancel(transfer=transfer, user=request.user)
        return f"{transfer.number} cancelled."
