"""Screens for returns to the supplier: the list, a new return (scanner and keyboard first), its page.

Thin views: forms parse input, ``suppliers.services`` posts, domain errors
become form errors or messages that say what to do next.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from core.exceptions import DomainError
from core.permissions import RoleRequiredMixin, require_warehouse
from core.roles import Role, user_access
from core.views import ServiceFormView
from inventory.bounds import MAX_QUANTITY
from inventory.demand.views import own_warehouses, warehouse_scope
from inventory.forms import own_warehouse_id, preselect_warehouse
from inventory.models import StockFreeze, StockFreezeSettlement
from inventory.selectors import freeze_detail, part_by_number

from . import services
from .models import RETURN_REASON_CHOICES, Supplier, SupplierReturn, SupplierReturnReason
from .services.returns import REPLACEMENT_ROLES, RETURN_ROLES

LINE_ROWS = 5
VIEW_ROLES = (*RETURN_ROLES, Role.PLANNER)


class SupplierReturnForm(forms.Form):
    supplier = forms.ModelChoiceField(
        queryset=Supplier.objects.filter(is_active=True).order_by("code"), label=gettext_lazy("Supplier")
    )
    warehouse: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Warehouse"))
    reason = forms.ChoiceField(
        choices=RETURN_REASON_CHOICES,
        label=gettext_lazy("Reason"),
    )
    rma_number = forms.CharField(max_length=40, label=gettext_lazy("RMA number"))
    expected_credit = forms.DecimalField(
        required=False, min_value=0, max_digits=12, decimal_places=2, label=gettext_lazy("Expected credit")
    )
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("Note"))
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, warehouses, own_warehouse_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["warehouse"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = warehouses
        preselect_warehouse(self, "warehouse", own_warehouse_id)
        for index in range(LINE_ROWS):
            self.fields[f"part-{index}"] = forms.CharField(required=False, max_length=40, label=_("Part number"))
            self.fields[f"qty-{index}"] = forms.DecimalField(
                required=False, min_value=0, max_value=MAX_QUANTITY, max_digits=14, decimal_places=3,
                label=_("Quantity"),
            )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        lines = []
        for index in range(LINE_ROWS):
            number = (cleaned.get(f"part-{index}") or "").strip()
            quantity = cleaned.get(f"qty-{index}")
            if not number and not quantity:
                continue
            part = part_by_number(number) if number else None
            if part is None:
                self.add_error(f"part-{index}", _("No part %(number)s; check the number.") % {"number": number})
                continue
            if not quantity:
                self.add_error(f"qty-{index}", _("Enter how many of %(number)s go back.") % {"number": part.number})
                continue
            lines.append((part, Decimal(quantity)))
        if not lines and not self.errors:
            raise forms.ValidationError(_("Scan or type at least one part and its quantity."))
        self.lines = lines
        return cleaned

    def line_rows(self):
        return [(self[f"part-{index}"], self[f"qty-{index}"]) for index in range(LINE_ROWS)]


class SupplierReturnListView(RoleRequiredMixin, ListView):
    template_name = "suppliers/return_list.html"
    required_roles = VIEW_ROLES
    paginate_by = 50
    context_object_name = "returns"

    def get_queryset(self):
        scope = warehouse_scope(self.request.user)
        returns = SupplierReturn.objects.select_related("supplier", "warehouse", "replacement_order")
        return returns if scope is None else returns.filter(warehouse_id__in=scope)


class SupplierReturnCreateView(RoleRequiredMixin, ServiceFormView[SupplierReturnForm, SupplierReturn]):
    template_name = "suppliers/return_new.html"
    required_roles = RETURN_ROLES
    form_class = SupplierReturnForm

    def get_form_kwargs(self):
        user = self.request.user
        return {"warehouses": own_warehouses(user), "own_warehouse_id": own_warehouse_id(user_access(user))}

    def perform(self, form: SupplierReturnForm) -> SupplierReturn:
        values = form.cleaned_data
        require_warehouse(self.request.user, values["warehouse"])
        return services.supplier_return_post(
            supplier=values["supplier"],
            warehouse=values["warehouse"],
            lines=form.lines,
            reason=values["reason"],
            rma_number=values["rma_number"],
            expected_credit=values["expected_credit"],
            note=values["note"],
            user=self.request.user,
            idempotency_key=f"sr-form-{values['key']}",
        )

    def success_message(self, form: SupplierReturnForm, outcome: SupplierReturn) -> str:
        return _("%(number)s posted: print the return note and send it with the parts.") % {"number": outcome.number}

    def success_url(self, form: SupplierReturnForm, outcome: SupplierReturn) -> str:
        return reverse("suppliers:return-detail", args=[outcome.pk])


class SupplierReturnDetailView(RoleRequiredMixin, DetailView):
    template_name = "suppliers/return_detail.html"
    required_roles = VIEW_ROLES
    context_object_name = "document"

    def get_queryset(self):
        scope = warehouse_scope(self.request.user)
        returns = SupplierReturn.objects.select_related(
            "supplier", "warehouse", "created_by", "replacement_order", "quality_reject__receipt_line__receipt"
        ).prefetch_related("lines__part", "lines__movement")
        return returns if scope is None else returns.filter(warehouse_id__in=scope)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "may_decide": user_access(self.request.user).has_any(REPLACEMENT_ROLES)
        }


class SupplierReturnReplacementView(RoleRequiredMixin, View):
    """The purchaser answers the question a rejection asks: order a replacement, or not."""

    required_roles = REPLACEMENT_ROLES

    def post(self, request, pk: int, decision: str):
        document = get_object_or_404(SupplierReturn, pk=pk)
        try:
            if decision == "order":
                order = services.supplier_return_order_replacement(supplier_return=document, user=request.user)
                messages.success(
                    request, _("%(order)s drafted as the replacement; approve and send it.") % {"order": order.number}
                )
            elif decision == "decline":
                services.supplier_return_decline_replacement(supplier_return=document, user=request.user)
                messages.success(request, _("No replacement ordered for %(number)s.") % {"number": document.number})
            else:
                raise Http404(_("Unknown decision."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("suppliers:return-detail", pk=pk)


class FreezeReturnForm(forms.Form):
    supplier = forms.ModelChoiceField(queryset=Supplier.objects.none(), label=gettext_lazy("Supplier"))
    reason = forms.ChoiceField(
        choices=RETURN_REASON_CHOICES,
        initial=SupplierReturnReason.WARRANTY,
        label=gettext_lazy("Reason"),
    )
    rma_number = forms.CharField(max_length=40, label=gettext_lazy("RMA number"))
    quantity = forms.DecimalField(
        required=False,
        min_value=Decimal("0.001"),
        max_value=MAX_QUANTITY,
        max_digits=14,
        decimal_places=3,
        label=gettext_lazy("Quantity (empty: all still frozen)"),
    )
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("Note"))
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, part, **kwargs):
        super().__init__(*args, **kwargs)
        # The part's own suppliers first (the preferred one preselected); any active supplier may take it back.
        sellers = list(Supplier.objects.filter(supplier_parts__part=part, is_active=True).distinct().order_by("code"))
        field = self.fields["supplier"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Supplier.objects.filter(is_active=True).order_by("code")
        if sellers and not self.is_bound:
            self.initial.setdefault("supplier", sellers[0].pk)
        self.fields["rma_number"].widget.attrs.update(autofocus=True, autocomplete="off")


class FreezeReturnView(RoleRequiredMixin, ServiceFormView[FreezeReturnForm, StockFreezeSettlement]):
    """Send frozen stock back to its supplier: a return document from quarantine that settles the freeze."""

    template_name = "suppliers/freeze_return.html"
    required_roles = RETURN_ROLES
    form_class = FreezeReturnForm

    @cached_property
    def freeze(self) -> StockFreeze:
        found = freeze_detail(pk=self.kwargs["pk"])
        if found is None:
            raise Http404(_("No such freeze."))
        return found

    def get_form_kwargs(self):
        return {"part": self.freeze.part}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"freeze": self.freeze}

    def perform(self, form: FreezeReturnForm) -> StockFreezeSettlement:
        values = form.cleaned_data
        return services.supplier_return_from_freeze(
            freeze=self.freeze,
            supplier=values["supplier"],
            reason=values["reason"],
            rma_number=values["rma_number"],
            quantity=values["quantity"],
            note=values["note"],
            user=self.request.user,
            idempotency_key=f"freeze-return-form-{values['key']}",
        )

    def success_message(self, form: FreezeReturnForm, outcome: StockFreezeSettlement) -> str:
        return _("%(quantity)s of %(part)s goes back to %(supplier)s on %(number)s; %(open)s still frozen.") % {
            "quantity": f"{outcome.quantity.normalize():f}",
            "part": self.freeze.part.number,
            "supplier": form.cleaned_data["supplier"].code,
            "number": outcome.document_ref,
            "open": f"{self.freeze.open_quantity.normalize():f}",
        }

    def success_url(self, form: FreezeReturnForm, outcome: StockFreezeSettlement) -> str:
        return reverse("inventory:freeze-detail", args=[self.freeze.pk])
