"""Screens for returns at the counter: from the workshop, from a counter customer, and the misdiagnosis report.

Scanner and keyboard first like the receiving screen: scan the document's
number, then the part; Enter moves on, Ctrl+Enter posts, the form carries an
idempotency key so a double submit posts once. Thin views: the form finds the
line, the service posts, a refusal is shown on the form with what to do next.
"""

from __future__ import annotations

import uuid
from datetime import date

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.exceptions import DomainError
from core.exports import Column, export_response
from core.permissions import RoleRequiredMixin, require_warehouse
from core.roles import Role
from core.views import refusal_on_form
from inventory.bounds import MAX_QUANTITY
from inventory.models import ReturnCondition, WorkshopReturnReason
from inventory.months import month_start

from . import selectors_returns as sel
from . import services
from .views import warehouse_scope

RETURN_ROLES = (Role.CLERK, Role.MANAGER)
REPORT_ROLES = (Role.CLERK, Role.MANAGER, Role.PLANNER, Role.WORKSHOP)


def _quantity_field() -> forms.DecimalField:
    return forms.DecimalField(
        min_value=0, max_value=MAX_QUANTITY, max_digits=14, decimal_places=3, label=gettext_lazy("Quantity")
    )


class WorkshopReturnForm(forms.Form):
    request_number = forms.CharField(max_length=20, label=gettext_lazy("Workshop request"))
    part_number = forms.CharField(max_length=40, label=gettext_lazy("Part number"))
    quantity = _quantity_field()
    reason = forms.ChoiceField(choices=WorkshopReturnReason.choices, label=gettext_lazy("Reason"))
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("Note"))
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if "request_number" in cleaned and "part_number" in cleaned:
            self.line = sel.workshop_return_line(
                request_number=cleaned["request_number"], part_number=cleaned["part_number"]
            )
            if self.line is None:
                raise forms.ValidationError(
                    _("%(part)s is not on %(request)s; check both numbers.")
                    % {"part": cleaned["part_number"], "request": cleaned["request_number"]}
                )
        return cleaned


class CustomerReturnForm(forms.Form):
    sale_number = forms.CharField(max_length=20, label=gettext_lazy("Counter sale"))
    part_number = forms.CharField(max_length=40, label=gettext_lazy("Part number"))
    quantity = _quantity_field()
    condition = forms.ChoiceField(choices=ReturnCondition.choices, label=gettext_lazy("Condition"))
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("Note"))
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if "sale_number" in cleaned and "part_number" in cleaned:
            self.line = sel.customer_return_line(sale_number=cleaned["sale_number"], part_number=cleaned["part_number"])
            if self.line is None:
                raise forms.ValidationError(
                    _("%(part)s is not on %(sale)s; check both numbers.")
                    % {"part": cleaned["part_number"], "sale": cleaned["sale_number"]}
                )
        return cleaned


class _ReturnView(RoleRequiredMixin, TemplateView):
    required_roles = RETURN_ROLES
    form_class: type[forms.Form]

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.form_class(initial={"key": uuid.uuid4().hex, **self.request.GET.dict()})
        return super().get_context_data(**kwargs) | {"form": form, "recent": self.recent()}

    def recent(self):
        raise NotImplementedError

    def post(self, request):
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            message = self.post_return(form)
        except DomainError as error:
            refusal_on_form(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, message)
        return redirect(request.path)


class WorkshopReturnView(_ReturnView):
    template_name = "inventory/return_workshop.html"
    form_class = WorkshopReturnForm

    def recent(self):
        return sel.workshop_returns_recent(warehouse_ids=warehouse_scope(self.request.user))

    def post_return(self, form) -> str:
        line = form.line
        require_warehouse(self.request.user, line.request.warehouse)
        values = form.cleaned_data
        returned = services.workshop_return_post(
            line=line,
            quantity=values["quantity"],
            reason=values["reason"],
            note=values["note"],
            user=self.request.user,
            idempotency_key=f"wrt-form-{values['key']}",
        )
        text = _("%(quantity)s × %(part)s back from %(request)s at %(value)s.") % {
            "quantity": f"{returned.quantity.normalize():f}",
            "part": line.part.number,
            "request": line.request.number,
            "value": returned.value,
        }
        if returned.reason == WorkshopReturnReason.DAMAGED:
            text += " " + _("Damaged: it is quarantined; scrap it or return it to the supplier.")
        return text


class CustomerReturnView(_ReturnView):
    template_name = "inventory/return_customer.html"
    form_class = CustomerReturnForm

    def recent(self):
        return sel.customer_returns_recent(warehouse_ids=warehouse_scope(self.request.user))

    def post_return(self, form) -> str:
        line = form.line
        require_warehouse(self.request.user, line.sale.warehouse)
        values = form.cleaned_data
        returned = services.customer_return_post(
            line=line,
            quantity=values["quantity"],
            condition=values["condition"],
            note=values["note"],
            user=self.request.user,
            idempotency_key=f"crt-form-{values['key']}",
        )
        return _("%(number)s: pay back %(refund)s to the customer.") % {
            "number": returned.number,
            "refund": returned.refund,
        }


class MisdiagnosisReportView(RoleRequiredMixin, TemplateView):
    """Workshop returns for misdiagnosis in a month, on screen or as CSV."""

    template_name = "inventory/return_misdiagnosis.html"
    required_roles = REPORT_ROLES

    def _month(self) -> date:
        text = self.request.GET.get("month", "")
        try:
            return date.fromisoformat(f"{text}-01") if text else month_start(timezone.localdate())
        except ValueError:
            return month_start(timezone.localdate())

    def get(self, request, *args, **kwargs):
        month = self._month()
        rows = sel.misdiagnosis_returns(month=month, warehouse_ids=warehouse_scope(request.user))
        if request.GET.get("format") == "csv":
            return export_response(
                columns=[
                    Column(_("Returned"), lambda r: r.returned_at),
                    Column(_("Warehouse"), lambda r: r.warehouse.code),
                    Column(_("Repair order"), lambda r: r.line.request.repair_order.number),
                    Column(_("Workshop request"), lambda r: r.line.request.number),
                    Column(_("Part number"), lambda r: r.part.number),
                    Column(_("Quantity"), lambda r: r.quantity),
                    Column(_("Cost"), lambda r: r.value),
                    Column(_("Note"), lambda r: r.note),
                ],
                rows=rows.iterator(),
                file_format="csv",
                file_name=f"misdiagnosis-{month:%Y-%m}",
            )
        return self.render_to_response(self.get_context_data(month=month, rows=list(rows)))
