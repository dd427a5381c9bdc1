"""The counter sale on a screen: scan the parts, Ctrl+Enter sells, the receipt shows and prints.

Scanner and keyboard first like receiving (``static/js/posting.js``): Enter
moves to the next field, Ctrl+Enter posts, a double submit sells once (the
form's idempotency key). What the shelf lacks is lost demand (a counter
customer does not wait), the part that serves a superseded number is sold in
its place, and the page after the sale says exactly what was sold and charged.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import Sum
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.exceptions import DomainError
from core.permissions import RoleRequiredMixin, require_warehouse
from core.roles import Role, user_access
from core.views import ServiceFormView
from inventory.bounds import MAX_QUANTITY
from inventory.forms import own_warehouse_id, preselect_warehouse, scanned_part
from inventory.models import CounterSale

from . import services
from .views import own_warehouses, warehouse_scope

COUNTER_ROLES = (Role.CLERK, Role.MANAGER)
LINE_ROWS = 6


class CounterSaleForm(forms.Form):
    warehouse: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Warehouse"))
    customer_ref = forms.CharField(
        required=False, max_length=100, label=gettext_lazy("Customer (name, plate or invoice number)")
    )
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["warehouse"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = own_warehouses(user).order_by("code")
        preselect_warehouse(self, "warehouse", own_warehouse_id(user_access(user)))
        for index in range(LINE_ROWS):
            number = forms.CharField(required=False, max_length=40, label=_("Part number"))
            number.widget.attrs.update(autocomplete="off", **({"autofocus": True} if index == 0 else {}))
            self.fields[f"part-{index}"] = number
            self.fields[f"qty-{index}"] = forms.DecimalField(
                required=False, min_value=Decimal("0.001"), max_value=MAX_QUANTITY, max_digits=14, decimal_places=3,
                label=_("Quantity"),
            )  # fmt: skip
            self.fields[f"price-{index}"] = forms.DecimalField(
                required=False, min_value=0, max_digits=12, decimal_places=2, label=_("Price (empty: list price)")
            )

    def clean(self):
        cleaned = super().clean()
        lines = []
        for index in range(LINE_ROWS):
            number = (cleaned.get(f"part-{index}") or "").strip()
            quantity, price = cleaned.get(f"qty-{index}"), cleaned.get(f"price-{index}")
            if not number and quantity is None and price is None:
                continue
            try:
                part = scanned_part(number)
            except forms.ValidationError as error:
                self.add_error(f"part-{index}", error)
                continue
            lines.append(services.DemandLine(part, quantity or Decimal(1), unit_price=price, cancel_shortage=True))
        if not lines and not self.errors:
            raise forms.ValidationError(_("Scan or type at least one part."))
        self.lines = lines
        return cleaned

    def line_rows(self):
        return [(self[f"part-{i}"], self[f"qty-{i}"], self[f"price-{i}"]) for i in range(LINE_ROWS)]


class CounterSaleView(RoleRequiredMixin, ServiceFormView[CounterSaleForm, CounterSale]):
    template_name = "inventory/counter_sale.html"
    required_roles = COUNTER_ROLES
    form_class = CounterSaleForm

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        scope = warehouse_scope(self.request.user)
        recent = CounterSale.objects.select_related("warehouse", "sold_by").annotate(total=Sum("lines__sales_value"))
        if scope is not None:
            recent = recent.filter(warehouse_id__in=scope)
        return super().get_context_data(**kwargs) | {"recent": recent[:10]}

    def perform(self, form: CounterSaleForm) -> CounterSale:
        values = form.cleaned_data
        require_warehouse(self.request.user, values["warehouse"])
        return services.counter_sale_post(
            warehouse=values["warehouse"],
            lines=form.lines,
            user=self.request.user,
            customer_ref=values["customer_ref"].strip(),
            idempotency_key=f"counter-form-{values['key']}",
        )

    def show_refusal(self, form: CounterSaleForm, error: DomainError) -> None:
        # Above the form: the sale's header shows no errors under its fields, only its lines do.
        form.add_error(None, error.message)

    def success_message(self, form: CounterSaleForm, outcome: CounterSale) -> str:
        return _("%(number)s sold.") % {"number": outcome.number}

    def success_url(self, form: CounterSaleForm, outcome: CounterSale) -> str:
        return reverse("inventory:counter-sale", args=[outcome.pk])


class CounterSaleDetailView(RoleRequiredMixin, TemplateView):
    """One sale as the customer's receipt: asked and served part, quantity, price, amount, what was short."""

    template_name = "inventory/counter_sale_detail.html"
    required_roles = COUNTER_ROLES

    def get_context_data(self, **kwargs):
        scope = warehouse_scope(self.request.user)
        sales = CounterSale.objects.select_related("warehouse", "sold_by")
        if scope is not None:
            sales = sales.filter(warehouse_id__in=scope)
        sale = sales.filter(pk=self.kwargs["pk"]).first()
        if sale is None:
            raise Http404(_("No such sale."))
        lines = list(sale.lines.select_related("part", "requested_part"))
        return super().get_context_data(**kwargs) | {
            "sale": sale,
            "lines": lines,
            "total": sum((line.sales_value for line in lines), start=Decimal(0)),
            "short": [line for line in lines if line.quantity_supplied < line.quantity_requested],
        }
