"""Screens of purchasing, receiving, quality holds, notifications and the supplier portal.

Thin views: they read through selectors, validate with forms and call
services; a refused action shows the service's message. Internal screens
need an internal role (a supplier user gets 403); portal screens need a
supplier user and only ever query that user's own supplier.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from core import services as core_services
from core.exceptions import DomainError
from core.exports import Column
from core.lists import ListScreenMixin
from core.models import Notification
from core.permissions import RoleRequiredMixin
from core.roles import RECEIVING_NETWORK_ROLES, Role, user_access
from inventory import selectors as inventory_selectors
from inventory.bounds import MAX_COST, MAX_QUANTITY, too_large
from inventory.models import Bin, StockLevel

from . import selectors, services
from .forms import (
    CancelForm,
    LineAddForm,
    LineUpdateForm,
    PurchaseOrderCreateForm,
    PurchaseOrderFilterForm,
    PurchaseOrderHeaderForm,
    ReconfirmForm,
    RejectForm,
    ShipmentNoticeForm,
)
from .models import (
    GoodsReceipt,
    GoodsReceiptLine,
    NoticeSource,
    OrderState,
    PurchaseOrder,
    PurchaseOrderLine,
    SupplierPart,
)
from .quantities import in_purchase_units
from .services.orders import TRANSITIONS

PURCHASING_READ = (Role.PURCHASER, Role.MANAGER, Role.PLANNER)
PURCHASING_WRITE = (Role.PURCHASER, Role.MANAGER, Role.PLANNER)
RECEIVING = (Role.CLERK, Role.MANAGER)


def _query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- suppliers -----------------------------------------------------------------------


class SupplierListView(RoleRequiredMixin, ListView):
    template_name = "suppliers/supplier_list.html"
    required_roles = PURCHASING_READ
    paginate_by = 50
    context_object_name = "suppliers"

    def get_queryset(self):
        return selectors.supplier_list(query=self.request.GET.get("q", "").strip())

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "q": self.request.GET.get("q", ""),
            "query_string": _query_string(self.request),
        }


class SupplierDetailView(RoleRequiredMixin, DetailView):
    template_name = "suppliers/supplier_detail.html"
    required_roles = PURCHASING_READ
    context_object_name = "supplier"

    def get_queryset(self):
        return selectors.supplier_list()

    def get_context_data(self, **kwargs):
        supplier = self.object
        return super().get_context_data(**kwargs) | {
            "supplier_parts": SupplierPart.objects.filter(supplier=supplier).select_related("part")[:200],
            "ratings": selectors.supplier_rating_list(supplier_id=supplier.pk)[:24],
            "open_orders": selectors.purchase_order_list(supplier_id=supplier.pk).filter(
                state__in=OrderState.on_order()
            )[:50],
        }


class RatingListView(RoleRequiredMixin, ListView):
    """Rating history of every supplier, newest month first."""

    template_name = "suppliers/rating_list.html"
    required_roles = PURCHASING_READ
    paginate_by = 100
    context_object_name = "ratings"

    def get_queryset(self):
        supplier = self.request.GET.get("supplier", "")
        return selectors.supplier_rating_list(supplier_id=int(supplier) if supplier.isdigit() else None)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"query_string": _query_string(self.request)}


# --- purchase orders -----------------------------------------------------------------


class PurchaseOrderListView(RoleRequiredMixin, ListScreenMixin, ListView):
    template_name = "suppliers/purchaseorder_list.html"
    required_roles = PURCHASING_READ
    paginate_by = 50
    context_object_name = "orders"
    sort_fields = {
        "number": "number",
        "supplier": "supplier__code",
        "warehouse": "warehouse__code",
        "state": "state",
        "created": "created_at",
        "expected": "expected_date",
        "lines": "line_count",
        "value": "value",
    }
    export_name = "purchase-orders"
    export_columns = (
        Column(_("Number"), lambda o: o.number),
        Column(_("Supplier"), lambda o: o.supplier.code),
        Column(_("Warehouse"), lambda o: o.warehouse.code),
        Column(_("Type"), lambda o: o.get_order_type_display()),
        Column(_("State"), lambda o: o.get_state_display()),
        Column(_("Created"), lambda o: o.created_at),
        Column(_("Expected"), lambda o: o.expected_date),
        Column(_("Lines"), lambda o: o.line_count),
        Column(_("Value"), lambda o: o.value),
    )

    def get_queryset(self):
        self.filter_form = PurchaseOrderFilterForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        supplier = data.get("supplier")
        orders = selectors.purchase_order_list(
            supplier_id=supplier.pk if supplier else None,
            state=data.get("state") or None,
            order_type=data.get("order_type") or None,
            overdue=bool(data.get("overdue")),
            awaiting_approval=bool(data.get("awaiting_approval")),
            short=bool(data.get("short")),
            query=data.get("q") or "",
        )
        return self.sorted_queryset(orders)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "filter_form": self.filter_form,
            "query_string": _query_string(self.request),
            "today": timezone.localdate(),
        }


class PurchaseOrderCreateView(RoleRequiredMixin, TemplateView):
    template_name = "suppliers/purchaseorder_new.html"
    required_roles = PURCHASING_WRITE

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"form": kwargs.get("form") or PurchaseOrderCreateForm()}

    def post(self, request):
        form = PurchaseOrderCreateForm(request.POST)
        if form.is_valid():
            try:
                order = services.purchase_order_create(lines=[], user=request.user, **form.cleaned_data)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, gettext("Draft %(number)s created; add its lines.") % {"number": order.number}
                )
                return redirect("suppliers:po-detail", pk=order.pk)
        return self.render_to_response(self.get_context_data(form=form))


def _allowed_actions(order: PurchaseOrder, user) -> set[str]:
    access = user_access(user)
    return {
        action
        for action, (states, roles) in TRANSITIONS.items()
        if order.state in states and access.has_any(roles) and action != "receive"
    }


class PurchaseOrderDetailView(RoleRequiredMixin, TemplateView):
    """The order and, while it is a draft, its editor: add lines by part number, change, remove."""

    template_name = "suppliers/purchaseorder_detail.html"
    required_roles = PURCHASING_READ

    def get_context_data(self, **kwargs):
        try:
            order = selectors.purchase_order_detail(self.kwargs["pk"])
        except PurchaseOrder.DoesNotExist:
            raise Http404(_("No such purchase order.")) from None
        actions = _allowed_actions(order, self.request.user)
        return super().get_context_data(**kwargs) | {
            "order": order,
            "lines": list(order.lines.all()),
            "actions": actions,
            "can_edit": "edit" in actions,
            "add_form": kwargs.get("add_form") or LineAddForm(),
            "header_form": PurchaseOrderHeaderForm(
                initial={"expected_date": order.expected_date, "notes": order.notes}
            ),
            "receipts": GoodsReceipt.objects.filter(purchase_order=order).select_related("posted_by"),
            "threshold": services.orders.approval_threshold(),
        }


class PurchaseOrderPrintView(PurchaseOrderDetailView):
    template_name = "suppliers/purchaseorder_print.html"


def _order_or_404(pk: int) -> PurchaseOrder:
    return get_object_or_404(PurchaseOrder.objects.select_related("supplier", "warehouse"), pk=pk)


class PurchaseOrderActionView(RoleRequiredMixin, View):
    """POST one transition: approve, send, confirm, cancel (with reason) or close."""

    required_roles = PURCHASING_WRITE

    def post(self, request, pk: int, action: str):
        order = _order_or_404(pk)
        try:
            if action == "approve":
                services.purchase_order_approve(order=order, user=request.user)
                done = gettext("approved")
            elif action == "send":
                services.purchase_order_send(order=order, user=request.user)
                done = gettext("sent to the supplier")
            elif action == "confirm":
                services.purchase_order_confirm(order=order, user=request.user)
                done = gettext("confirmed")
            elif action == "cancel":
                form = CancelForm(request.POST)
                if not form.is_valid():
                    messages.error(request, gettext("Say why the order is cancelled."))
                    return redirect("suppliers:po-detail", pk=pk)
                services.purchase_order_cancel(order=order, user=request.user, reason=form.cleaned_data["reason"])
                done = gettext("cancelled")
            elif action == "close":
                services.purchase_order_close(order=order, user=request.user)
                done = gettext("closed")
            else:
                raise Http404(_("Unknown action."))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("%(number)s %(done)s.") % {"number": order.number, "done": done})
        return redirect("suppliers:po-detail", pk=pk)


class PurchaseOrderHeaderView(RoleRequiredMixin, View):
    required_roles = PURCHASING_WRITE

    def post(self, request, pk: int):
        order = _order_or_404(pk)
        form = PurchaseOrderHeaderForm(request.POST)
        if form.is_valid():
            try:
                services.purchase_order_update(order=order, user=request.user, **form.cleaned_data)
                messages.success(request, gettext("Order details saved."))
            except DomainError as error:
                messages.error(request, error.message)
        return redirect("suppliers:po-detail", pk=pk)


class LineAddView(RoleRequiredMixin, View):
    required_roles = PURCHASING_WRITE

    def post(self, request, pk: int):
        order = _order_or_404(pk)
        form = LineAddForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Enter a part number and a quantity."))
            return redirect("suppliers:po-detail", pk=pk)
        part = inventory_selectors.part_by_number(form.cleaned_data["number"])
        if part is None:
            messages.error(
                request, gettext("No part with number %(number)s.") % {"number": form.cleaned_data["number"]}
            )
            return redirect("suppliers:po-detail", pk=pk)
        current = inventory_selectors.part_current(part)
        try:
            line = services.purchase_order_line_add(
                order=order,
                part=current,
                quantity=form.cleaned_data["quantity"],
                price=form.cleaned_data["price"],
                user=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            text = gettext("Line %(no)s: %(part)s × %(quantity)s.") % {
                "no": line.line_no,
                "part": current.number,
                "quantity": f"{line.quantity.normalize():f}",
            }
            if current.pk != part.pk:
                text += " " + gettext("%(old)s is superseded by %(new)s") % {"old": part.number, "new": current.number}
            messages.success(request, text)
            if line.warning:
                messages.warning(request, line.warning)
        return redirect("suppliers:po-detail", pk=pk)


class LineUpdateView(RoleRequiredMixin, View):
    required_roles = PURCHASING_WRITE

    def post(self, request, pk: int, line_pk: int):
        line = get_object_or_404(PurchaseOrderLine, pk=line_pk, order_id=pk)
        form = LineUpdateForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Enter a quantity and a price."))
            return redirect("suppliers:po-detail", pk=pk)
        try:
            line = services.purchase_order_line_update(line=line, user=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("Line %(no)s saved.") % {"no": line.line_no})
            if line.warning:
                messages.warning(request, line.warning)
        return redirect("suppliers:po-detail", pk=pk)


class LineRemoveView(RoleRequiredMixin, View):
    required_roles = PURCHASING_WRITE

    def post(self, request, pk: int, line_pk: int):
        line = get_object_or_404(PurchaseOrderLine, pk=line_pk, order_id=pk)
        try:
            services.purchase_order_line_remove(line=line, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("Line %(no)s removed.") % {"no": line.line_no})
        return redirect("suppliers:po-detail", pk=pk)


class PartInfoView(RoleRequiredMixin, TemplateView):
    """HTMX fragment for the draft editor: the typed part's stock and on-order at the order's warehouse."""

    template_name = "suppliers/_part_info.html"
    required_roles = PURCHASING_READ

    def get_context_data(self, **kwargs):
        order = _order_or_404(self.kwargs["pk"])
        number = self.request.GET.get("number", "").strip()
        context = super().get_context_data(**kwargs) | {"number": number, "order": order}
        if number:
            part = inventory_selectors.part_by_number(number)
            if part is None:
                context["suggestions"] = list(inventory_selectors.part_search(query=number)[:8])
            else:
                current = inventory_selectors.part_current(part)
                context["asked"] = part
                context["info"] = selectors.part_purchasing_info(
                    part=current, warehouse_id=order.warehouse_id, supplier=order.supplier
                )
        return context


# --- receiving -------------------------------------------------------------------------


def _receiving_scope(user):
    return user_access(user).warehouse_scope(RECEIVING_NETWORK_ROLES)


class ReceivingView(RoleRequiredMixin, TemplateView):
    """The clerk's goods-in screen: find an open order, scan to a line, enter quantity and bin, post."""

    template_name = "suppliers/receiving.html"
    required_roles = RECEIVING

    def _order(self, pk) -> PurchaseOrder:
        scope = _receiving_scope(self.request.user)
        orders = PurchaseOrder.objects.select_related("supplier", "warehouse")
        if scope is not None:
            orders = orders.filter(warehouse_id__in=scope)
        order = orders.filter(pk=pk).first()
        if order is None:
            raise Http404(_("No such purchase order in your warehouses."))
        return order

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        query = request.GET.get("q", "").strip()
        order_id = str(kwargs.get("order_id") or request.GET.get("order", ""))
        context["q"] = query
        context["is_manager"] = user_access(request.user).has_any({Role.MANAGER})
        if order_id.isdigit():
            order = self._order(int(order_id))
            notice = self._notice(order, kwargs.get("notice_id") or request.GET.get("notice", ""))
            values = kwargs.get("values")
            if values is None and notice is not None:
                # Opened from a shipping notice: its quantities and delivery note, for the clerk to correct.
                # in the order line's purchase unit, like the receiving screen's quantities
                values = {
                    f"qty-{nl.po_line_id}": f"{nl.purchase_announced.normalize():f}"
                    for nl in notice.lines.select_related("po_line")
                }
                values["delivery_note"] = notice.delivery_note
            context["notice"] = notice
            context["order"] = order
            context["lines"] = self._lines(order, values or {})
            context["bins"] = list(Bin.objects.filter(warehouse_id=order.warehouse_id, is_active=True).order_by("code"))
            context["key"] = kwargs.get("key") or uuid.uuid4().hex
            context["values"] = values or {}
            context["now"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
            context["receipts"] = GoodsReceipt.objects.filter(purchase_order=order).select_related("posted_by")[:10]
        elif query or "q" in request.GET:
            context["orders"] = list(
                selectors.open_purchase_orders_for_receiving(query=query, warehouse_ids=_receiving_scope(request.user))[
                    :50
                ]
            )
        return context

    def _lines(self, order: PurchaseOrder, values):
        lines = list(PurchaseOrderLine.objects.filter(order=order).select_related("part").order_by("line_no"))
        defaults = dict(
            StockLevel.objects.filter(
                warehouse_id=order.warehouse_id, part_id__in=[line.part_id for line in lines]
            ).values_list("part_id", "default_bin__code")
        )
        for line in lines:
            # After a refused posting the clerk's entries come back as typed.
            line.entered_qty = values.get(f"qty-{line.pk}", "")  # type: ignore[attr-defined]
            line.entered_bin = values.get(f"bin-{line.pk}", defaults.get(line.part_id) or "")  # type: ignore[attr-defined]
            line.entered_hold = values.get(f"hold-{line.pk}") == "on"  # type: ignore[attr-defined]
        return lines

    @staticmethod
    def _notice(order: PurchaseOrder, notice_id):
        notice_id = str(notice_id or "")
        if not notice_id.isdigit():
            return None
        notice = selectors.shipment_notice_list(order_id=order.pk).filter(pk=int(notice_id)).first()
        if notice is None:
            raise Http404(_("No such shipping notice on this order."))
        return notice

    def get(self, request, *args, **kwargs):
        query = request.GET.get("q", "").strip()
        if query and "order" not in request.GET:
            # A scanned shipping notice (or its delivery note) opens its order with the announced quantities.
            notice = selectors.notice_for_receiving(query=query, warehouse_ids=_receiving_scope(request.user))
            if notice is not None:
                url = reverse("suppliers:receiving")
                return redirect(f"{url}?order={notice.purchase_order_id}&notice={notice.pk}")
            # One exact hit (a scanned order number) opens the order straight away.
            found = list(
                selectors.open_purchase_orders_for_receiving(query=query, warehouse_ids=_receiving_scope(request.user))[
                    :2
                ]
            )
            if len(found) == 1:
                return redirect(f"{reverse('suppliers:receiving')}?order={found[0].pk}")
        return super().get(request, *args, **kwargs)

    def post(self, request):
        order_id = request.POST.get("order", "")
        if not order_id.isdigit():
            raise Http404(_("No order given."))
        order = self._order(int(order_id))
        key = request.POST.get("key", "")[:100]
        notice_id = request.POST.get("notice", "")
        notice = self._notice(order, notice_id)
        try:
            _check_texts(request.POST)
            lines, arrived_at = self._parse(request, order)
            receipt = services.goods_receipt_post(
                shipment_notice=notice,
                order=order,
                lines=lines,
                user=request.user,
                arrived_at=arrived_at,
                idempotency_key=key or None,
                delivery_note=request.POST.get("delivery_note", "").strip(),
            )
        except DomainError as error:
            messages.error(request, error.message)
            context = self.get_context_data(key=key, values=request.POST, order_id=order.pk, notice_id=notice_id)
            return self.render_to_response(context, status=409 if error.status_code == 409 else 400)
        count = receipt.lines.count()
        held = receipt.lines.filter(hold_state="held").count()
        clauses = [
            ngettext("%(number)s posted: %(count)s line received", "%(number)s posted: %(count)s lines received", count)
            % {"number": receipt.number, "count": count}
        ]
        if held:
            clauses.append(gettext("%(count)s on quality hold (purchasing has been told)") % {"count": held})
        if notice is not None:
            differing = notice.lines.exclude(quantity_received=F("quantity_announced")).count()
            clauses.append(
                _("%(count)s line(s) differ from notice %(notice)s (recorded for the supplier rating)")
                % {"count": differing, "notice": notice.number}
                if differing
                else _("as announced on %(notice)s") % {"notice": notice.number}
            )
        # Each clause is whole; the joiner and the full stop are the reader's punctuation.
        text = pgettext("joins the clauses of one message", ", ").join(clauses)
        messages.success(request, text + pgettext("ends a message", "."))
        order.refresh_from_db()
        if order.state in OrderState.open_for_receipt():
            return redirect(f"{reverse('suppliers:receiving')}?order={order.pk}")
        return redirect("suppliers:receiving")

    def _parse(self, request, order):
        post = request.POST
        bins = {b.code.upper(): b for b in Bin.objects.filter(warehouse_id=order.warehouse_id)}
        lines = []
        for line in PurchaseOrderLine.objects.filter(order=order).select_related("part"):
            raw = post.get(f"qty-{line.pk}", "").strip()
            if not raw:
                continue
            quantity = _decimal(
                raw,
                _("Line %(no)s (%(part)s): enter the quantity as a number.")
                % {"no": line.line_no, "part": line.part.number},
            )
            if quantity == 0:
                continue
            bin = self._bin(bins, post.get(f"bin-{line.pk}", ""), order)
            lines.append(
                services.ReceiptLineInput(
                    po_line=line, quantity=quantity, bin=bin, hold=post.get(f"hold-{line.pk}") == "on"
                )
            )
        extra_number = post.get("extra_part", "").strip()
        if extra_number:
            part = inventory_selectors.part_by_number(extra_number)
            if part is None:
                raise DomainError(
                    _("No part with number %(extra_number)s.") % {"extra_number": repr(extra_number)},
                    field="extra_part",
                )
            quantity = _decimal(post.get("extra_qty", ""), _("Enter the unplanned quantity as a number."))
            cost = post.get("extra_cost", "").strip()
            lines.append(
                services.ReceiptLineInput(
                    part=part,
                    quantity=quantity,
                    bin=self._bin(bins, post.get("extra_bin", ""), order),
                    hold=post.get("extra_hold") == "on",
                    unit_cost=_decimal(cost, _("Enter the unit cost as a number."), MAX_COST) if cost else None,
                )
            )
        arrived_at = None
        raw_arrival = post.get("arrived_at", "").strip()
        if raw_arrival:
            try:
                arrived_at = timezone.make_aware(datetime.fromisoformat(raw_arrival))
            except ValueError:
                raise DomainError(_("Enter the arrival time as date and time."), field="arrived_at") from None
            arrived_at = min(arrived_at, timezone.now())
        return lines, arrived_at

    @staticmethod
    def _bin(bins, code: str, order):
        code = code.strip().upper()
        if not code:
            return None
        if code not in bins:
            raise DomainError(
                _("There is no bin %(code)s in %(warehouse)s.") % {"code": code, "warehouse": order.warehouse.code},
                field="bin",
            )
        return bins[code]


# Typed texts on the goods-in screen and the most their columns hold.
RECEIPT_TEXTS = {"delivery_note": ("delivery note", 60), "key": ("posting key", 100), "extra_part": ("part number", 40)}


def _check_texts(post) -> None:
    """Refuse what PostgreSQL cannot store (NUL characters) and texts longer than their columns."""
    for name, value in post.items():
        if "\x00" in value:
            raise DomainError(str(_("The form contains a NUL character; type the values again.")), field=name)
    for name, (label, limit) in RECEIPT_TEXTS.items():
        if len(post.get(name, "").strip()) > limit:
            raise DomainError(
                _("The %(label)s has at most %(limit)s characters.") % {"label": label, "limit": limit}, field=name
            )


def _decimal(raw: str, message: str, limit: Decimal = MAX_QUANTITY) -> Decimal:
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(message, field="quantity") from None
    if not value.is_finite():
        raise DomainError(message, field="quantity")
    if too_large(value, limit):
        raise DomainError(
            # Translators: "message" is a sentence such as "Enter the unit cost as a number", without its full stop.
            _("%(message)s up to %(limit)s.") % {"message": message.rstrip(".。"), "limit": format(limit, ",")},
            field="quantity",
        )
    return value


class ReceiptDetailView(RoleRequiredMixin, DetailView):
    template_name = "suppliers/receipt_detail.html"
    required_roles = (*RECEIVING, Role.PURCHASER, Role.PLANNER)
    context_object_name = "receipt"

    def get_queryset(self):
        return GoodsReceipt.objects.select_related(
            "purchase_order__supplier", "warehouse", "posted_by"
        ).prefetch_related(
            Prefetch(
                "lines",
                queryset=GoodsReceiptLine.objects.select_related(
                    "part", "bin", "po_line", "hold_decided_by", "quality_reject"
                ),
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "may_decide": user_access(self.request.user).has_any(set(services.receiving.QUALITY_ROLES))
        }


class QualityHoldListView(RoleRequiredMixin, ListView):
    template_name = "suppliers/hold_list.html"
    required_roles = (Role.PURCHASER, Role.MANAGER, Role.CLERK)
    paginate_by = 50
    context_object_name = "held_lines"

    def get_queryset(self):
        return selectors.quality_hold_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "query_string": "",
            "may_decide": user_access(self.request.user).has_any(set(services.receiving.QUALITY_ROLES)),
        }


class QualityHoldDecisionView(RoleRequiredMixin, View):
    required_roles = (Role.PURCHASER, Role.MANAGER)

    def post(self, request, line_pk: int, decision: str):
        line = get_object_or_404(GoodsReceiptLine.objects.select_related("receipt", "part"), pk=line_pk)
        try:
            if decision == "release":
                services.goods_receipt_line_release(line=line, user=request.user, note=request.POST.get("note", ""))
                messages.success(
                    request,
                    gettext("%(part)s × %(quantity)s released to stock.")
                    % {"part": line.part.number, "quantity": f"{line.quantity.normalize():f}"},
                )
            elif decision == "reject":
                form = RejectForm(request.POST)
                if not form.is_valid():
                    raise DomainError(str(_("Say why the goods are rejected.")), field="reason")
                services.goods_receipt_line_reject(line=line, user=request.user, reason=form.cleaned_data["reason"])
                messages.success(
                    request,
                    gettext("%(part)s × %(quantity)s rejected and returned to the supplier.")
                    % {"part": line.part.number, "quantity": f"{line.quantity.normalize():f}"},
                )
            else:
                raise Http404(_("Unknown decision."))
        except DomainError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(
            request.POST.get("next") or reverse("suppliers:receipt-detail", args=[line.receipt_id])
        )


# --- notifications ------------------------------------------------------------------


class NotificationListView(RoleRequiredMixin, ListView):
    """The user's in-app notifications (quality holds and others), unread first."""

    template_name = "suppliers/notification_list.html"
    required_roles = Role.INTERNAL
    paginate_by = 50
    context_object_name = "notifications"

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user).order_by("read_at", "-created_at", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "query_string": "",
            "unread": Notification.objects.filter(user=self.request.user, read_at__isnull=True).count(),
        }

    def post(self, request):
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
        count = core_services.notification_mark_read(user=request.user, notification_ids=ids if ids else None)
        messages.success(
            request,
            ngettext("%(count)s notification marked read.", "%(count)s notifications marked read.", count)
            % {"count": count},
        )
        return redirect("suppliers:notifications")


# --- supplier portal -------------------------------------------------------------------


class PortalMixin:
    """Only a supplier user, and only its own supplier's data: every query filters by ``self.supplier``."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        supplier = selectors.supplier_for_user(request.user)
        if supplier is None or Role.SUPPLIER not in user_access(request.user).roles:
            raise PermissionDenied(_("The supplier portal is for supplier users."))
        self.supplier = supplier
        return super().dispatch(request, *args, **kwargs)


class PortalHomeView(PortalMixin, TemplateView):
    template_name = "suppliers/portal_home.html"

    def get_context_data(self, **kwargs):
        orders = (
            selectors.purchase_order_list(supplier_id=self.supplier.pk)
            .filter(state__in=(*OrderState.on_order(),))
            .order_by("expected_date", "number")
        )
        return super().get_context_data(**kwargs) | {
            "supplier": self.supplier,
            "orders": orders[:200],
            "ratings": selectors.supplier_rating_list(supplier_id=self.supplier.pk)[:24],
        }


def _portal_order(supplier, pk: int) -> PurchaseOrder:
    try:
        return selectors.purchase_order_detail(pk, supplier=supplier)
    except PurchaseOrder.DoesNotExist:
        raise Http404(_("No such purchase order.")) from None


def _line_values(post, lines, prefix: str) -> dict:
    return {line.pk: post.get(f"{prefix}-{line.pk}", "").strip() for line in lines}


def _parse_date(raw: str, line_no: int):
    try:
        return datetime.strptime(raw, "%Y-%m-%d").date()  # noqa: DTZ007 - a date
    except ValueError:
        raise DomainError(_("Line %(no)s: enter the date as YYYY-MM-DD.") % {"no": line_no}) from None


class PortalOrderView(PortalMixin, TemplateView):
    """One own order: confirm it, change a confirmation (with a reason), see its notices and history."""

    template_name = "suppliers/portal_order.html"

    def get_context_data(self, **kwargs):
        order = _portal_order(self.supplier, self.kwargs["pk"])
        lines = list(order.lines.all())
        history = selectors.line_confirmation_history(order=order)
        for line in lines:
            line.history = history.get(line.pk, [])  # type: ignore[attr-defined]
        return super().get_context_data(**kwargs) | {
            "supplier": self.supplier,
            "order": order,
            "lines": lines,
            "can_confirm": order.state == OrderState.SENT,
            "can_reconfirm": order.state in TRANSITIONS["reconfirm"][0],
            "can_announce": order.state in TRANSITIONS["announce"][0],
            "notices": selectors.shipment_notice_list(supplier_id=self.supplier.pk, order_id=order.pk),
            "reconfirm_form": kwargs.get("reconfirm_form") or ReconfirmForm(),
        }

    def post(self, request, pk: int):
        order = _portal_order(self.supplier, pk)
        lines_in = list(order.lines.all())
        dates, quantities = _line_values(request.POST, lines_in, "date"), _line_values(request.POST, lines_in, "qty")
        reconfirm = order.state in TRANSITIONS["reconfirm"][0]
        form = ReconfirmForm(request.POST) if reconfirm else None
        try:
            if form is not None and not form.is_valid():
                raise DomainError(str(_("Say why the date or quantity changes.")), field="reason")
            lines = [
                (
                    line,
                    _parse_date(dates[line.pk], line.line_no) if dates[line.pk] else None,
                    _decimal(
                        quantities[line.pk], _("Line %(no)s: enter the quantity as a number.") % {"no": line.line_no}
                    )
                    if quantities[line.pk]
                    else None,
                )
                for line in lines_in
            ]
            if form is not None:
                services.purchase_order_reconfirm(
                    order=order, user=request.user, lines=lines, reason=form.cleaned_data["reason"]
                )
            else:
                services.purchase_order_confirm(order=order, user=request.user, lines=lines)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if form is not None:
                messages.success(
                    request, _("%(order)s: the change is recorded and purchasing is told.") % {"order": order.number}
                )
            else:
                messages.success(request, gettext("%(number)s confirmed. Thank you.") % {"number": order.number})
        return redirect("suppliers:portal-order", pk=order.pk)


class PortalAnnounceView(PortalMixin, TemplateView):
    """Announce a shipment against an own order: per-line quantities typed, or a CSV file."""

    template_name = "suppliers/portal_announce.html"

    def get_context_data(self, **kwargs):
        order = kwargs.get("order") or _portal_order(self.supplier, self.kwargs["pk"])
        values = kwargs.get("values")
        lines = list(order.lines.all())
        open_qty = selectors.notice_open_quantities(order=order)
        for line in lines:
            # in the line's purchase unit: the supplier announces boxes, as it was ordered
            line.to_announce = in_purchase_units(open_qty.get(line.pk, Decimal(0)), line.purchase_factor)  # type: ignore[attr-defined]
            typed = values.get(f"qty-{line.pk}") if values is not None else None
            line.entered_qty = typed if typed is not None else f"{line.to_announce.normalize():f}"  # type: ignore[attr-defined]
        return super().get_context_data(**kwargs) | {
            "supplier": self.supplier,
            "order": order,
            "lines": lines,
            "form": kwargs.get("form") or ShipmentNoticeForm(initial={"expected_arrival": timezone.localdate()}),
        }

    def post(self, request, pk: int):
        order = _portal_order(self.supplier, pk)
        form = ShipmentNoticeForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Enter the delivery note number and the expected arrival date."))
            return self.render_to_response(
                self.get_context_data(order=order, form=form, values=request.POST), status=400
            )
        upload = form.cleaned_data.get("file")
        try:
            if upload:
                if upload.size > NOTICE_CSV_MAX_BYTES:
                    raise DomainError(
                        str(_("The file is too large; a notice lists at most a few hundred rows.")), field="file"
                    )
                lines = services.notice_lines_from_csv(order=order, content=upload.read())
                source = NoticeSource.CSV
            else:
                lines = []
                for line in order.lines.all():
                    raw = request.POST.get(f"qty-{line.pk}", "").strip()
                    if raw:
                        message = _("Line %(no)s: enter the quantity as a number.") % {"no": line.line_no}
                        lines.append((line, _decimal(raw, message)))
                source = NoticeSource.PORTAL
            notice = services.shipment_notice_announce(
                order=order,
                user=request.user,
                delivery_note=form.cleaned_data["delivery_note"],
                expected_arrival=form.cleaned_data["expected_arrival"],
                lines=lines,
                source=source,
            )
        except DomainError as error:
            messages.error(request, error.message)
            return self.render_to_response(
                self.get_context_data(order=order, form=form, values=request.POST),
                status=409 if error.status_code == 409 else 400,
            )
        messages.success(
            request,
            _("Shipment %(notice)s announced. Put its number (or your delivery note number) on the paperwork.")
            % {"notice": notice.number},
        )
        return redirect("suppliers:portal-order", pk=order.pk)


# A notice is a few hundred rows at most; a bigger upload is a wrong file.
NOTICE_CSV_MAX_BYTES = 256 * 1024
