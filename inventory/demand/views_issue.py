"""Issue to a repair order on a screen: scan the order, scan the parts, Ctrl+Enter issues, the slip prints.

The counter's side of a workshop request, scanner and keyboard first like the
counter sale (``static/js/posting.js``): Enter moves to the next field,
Ctrl+Enter posts, a double submit issues once (the form's idempotency key).
It posts through ``repair_order_issue``, so supersession, the first pick and
backorders are exactly a workshop request's; the page after it says what was
issued, from which bin, and what waits on a backorder.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.permissions import RoleRequiredMixin, require_warehouse
from core.roles import user_access
from core.views import ServiceFormView
from inventory.bounds import MAX_QUANTITY
from inventory.forms import own_warehouse_id, preselect_warehouse, scanned_part
from inventory.models import WorkshopRequest

from . import selectors as sel
from . import services
from .views import REQUEST_ROLES, own_warehouses, request_visible

LINE_ROWS = 8


class RepairOrderIssueForm(forms.Form):
    warehouse: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Store"))
    repair_order = forms.CharField(max_length=40, label=gettext_lazy("Repair order"))
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["warehouse"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = own_warehouses(user).order_by("code")
        preselect_warehouse(self, "warehouse", own_warehouse_id(user_access(user)))
        self.fields["repair_order"].widget.attrs.update(autofocus=True, autocomplete="off")
        for index in range(LINE_ROWS):
            number = forms.CharField(required=False, max_length=40, label=_("Part number"))
            line = {"line": index + 1}
            number.widget.attrs.update({"autocomplete": "off", "aria-label": _("Part number, line %(line)s") % line})
            self.fields[f"part-{index}"] = number
            quantity = forms.DecimalField(
                required=False, min_value=Decimal("0.001"), max_value=MAX_QUANTITY, max_digits=14, decimal_places=3,
                label=_("Quantity"),
            )  # fmt: skip
            quantity.widget.attrs["aria-label"] = _("Quantity, line %(line)s") % line
            self.fields[f"qty-{index}"] = quantity

    def clean(self):
        cleaned = super().clean()
        lines = []
        for index in range(LINE_ROWS):
            number = (cleaned.get(f"part-{index}") or "").strip()
            quantity = cleaned.get(f"qty-{index}")
            if not number and quantity is None:
                continue
            try:
                part = scanned_part(number)
            except forms.ValidationError as error:
                self.add_error(f"part-{index}", error)
                continue
            lines.append(services.DemandLine(part, quantity or Decimal(1)))
        if not lines and not self.errors:
            raise forms.ValidationError(_("Scan or type at least one part."))
        self.lines = lines
        return cleaned

    def line_rows(self):
        return [(self[f"part-{i}"], self[f"qty-{i}"]) for i in range(LINE_ROWS)]


class RepairOrderIssueView(RoleRequiredMixin, ServiceFormView[RepairOrderIssueForm, WorkshopRequest]):
    template_name = "inventory/issue_form.html"
    required_roles = REQUEST_ROLES
    form_class = RepairOrderIssueForm

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def perform(self, form: RepairOrderIssueForm) -> WorkshopRequest:
        values = form.cleaned_data
        require_warehouse(self.request.user, values["warehouse"])
        return services.repair_order_issue(
            number=values["repair_order"],
            warehouse=values["warehouse"],
            lines=form.lines,
            user=self.request.user,
            idempotency_key=f"issue-form-{values['key']}",
        )

    def success_message(self, form: RepairOrderIssueForm, outcome: WorkshopRequest) -> str:
        return _("%(number)s issued to repair order %(order)s.") % {
            "number": outcome.number,
            "order": outcome.repair_order.number,
        }

    def success_url(self, form: RepairOrderIssueForm, outcome: WorkshopRequest) -> str:
        return reverse("inventory:issue-detail", args=[outcome.pk])


class RepairOrderIssueDetailView(RoleRequiredMixin, TemplateView):
    """What was issued to the repair order, from which store and bin, and what waits on a backorder."""

    template_name = "inventory/issue_detail.html"
    required_roles = REQUEST_ROLES

    def get_context_data(self, **kwargs):
        issued = request_visible(self.request.user, kwargs["pk"])
        if issued.booked_for is not None:
            raise Http404(_("No such issue."))
        lines = list(issued.lines.all())
        bins = sel.issue_bins(request=issued)
        return super().get_context_data(**kwargs) | {
            "req": issued,
            "rows": [(line, bins.get(line.part_id, "")) for line in lines],
            "issued": [line for line in lines if line.quantity_supplied],
            "short": [line for line in lines if line.quantity_backordered],
        }
