"""Screens for returns at the counter: from the workshop, from a counter customer, and the misdiagnosis report.

Scanner and keyboard first like the receiving screen: scan the document's
number, then the part; Enter moves on, Ctrl+Enter posts, the form carries an
idempotency key so a double submit posts once. Thin views: the form finds the
line, the service posts, a refusal is shown on the form with what to do next.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.exports import Column, export_response
from core.permissions import RoleRequiredMixin, require_warehouse
from core.roles import Role
from core.views import FormT, OutcomeT, ServiceFormView
from inventory.bounds import MAX_QUANTITY
from inventory.models import CustomerReturn, ReturnCondition, WorkshopReturn, WorkshopReturnReason
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


class _ReturnView(RoleRequiredMixin, ServiceFormView[FormT, OutcomeT]):
    """A return screen: a link may fill the form (``?request_number=...``); the latest returns below it."""

    required_roles = RETURN_ROLES

    def get_initial(self):
        return super().get_initial() | self.request.GET.dict()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"recent": self.recent()}

    def recent(self):
        raise NotImplementedError


class WorkshopReturnView(_ReturnView[WorkshopReturnForm, WorkshopReturn]):
    template_name = "inventory/return_workshop.html"
    form_class = WorkshopReturnForm

    def recent(self):
        return sel.workshop_returns_recent(warehouse_ids=warehouse_scope(self.request.user))

    def perform(self, form: WorkshopReturnForm) -> WorkshopReturn:
        require_warehouse(self.request.user, form.line.request.warehouse)
        values = form.cleaned_data
        return services.workshop_return_post(
            line=form.line,
            quantity=values["quantity"],
            reason=values["reason"],
            note=values["note"],
            user=self.request.user,
            idempotency_key=f"wrt-form-{values['key']}",
        )

    def success_message(self, form: WorkshopReturnForm, outcome: WorkshopReturn) -> str:
        text = _("%(quantity)s × %(part)s back from %(request)s at %(value)s.") % {
            "quantity": f"{outcome.quantity.normalize():f}",
            "part": form.line.part.number,
            "request": form.line.request.number,
            "value": outcome.value,
        }
        if outcome.reason == WorkshopReturnReason.DAMAGED:
            text += " " + _("Damaged: it is quarantined; scrap it or return it to the supplier.")
        return text


class CustomerReturnView(_ReturnView[CustomerReturnForm, CustomerReturn]):
    template_name = "inventory/return_customer.html"
    form_class = CustomerReturnForm

    def recent(self):
        return sel.customer_returns_recent(warehouse_ids=warehouse_scope(self.request.user))

    def perform(self, form: CustomerReturnForm) -> CustomerReturn:
        require_warehouse(self.request.user, form.line.sale.warehouse)
        values = form.cleaned_data
        return services.customer_return_post(
            line=form.line,
            quantity=values["quantity"],
            condition=values["condition"],
            note=values["note"],
            user=self.request.user,
            idempotency_key=f"crt-form-{values['key']}",
        )

    def success_message(self, form: CustomerReturnForm, outcome: CustomerReturn) -> str:
        return _("%(number)s: pay back %(refund)s to the customer.") % {
            "number": outcome.number,
            "refund": outcome.refund,
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
