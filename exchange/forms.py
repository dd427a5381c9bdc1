"""Forms of the exchange screens: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import Warehouse
from inventory.selectors import part_by_number

from .models import PriceRule


class OfferForm(forms.Form):
    number = forms.CharField(max_length=40, label=_("Part number"))
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.filter(is_active=True), label=_("Warehouse"))
    quantity = forms.DecimalField(max_digits=14, decimal_places=3, min_value=0, label=_("Quantity"))
    price_rule = forms.ChoiceField(choices=PriceRule.choices, label=_("Price rule"))
    rule_value = forms.DecimalField(
        max_digits=14,
        decimal_places=4,
        min_value=0,
        label=_("Value"),
        help_text=_("Per cent of average cost (60 sells at 60 per cent of cost), or the fixed price."),
    )
    valid_until = forms.DateField(
        required=False, label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_number(self):
        part = part_by_number(self.cleaned_data["number"])
        if part is None:
            raise forms.ValidationError(_("No part with this number."))
        self.cleaned_data["part"] = part
        return self.cleaned_data["number"]


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=200, label=_("Reason"))
