"""Forms of the counting screens: they validate input; services do the work."""

from __future__ import annotations

from django import forms

from inventory import selectors as inventory_selectors
from inventory.forms import preselect_warehouse
from inventory.models import Bin, Warehouse


class AdhocCountForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none())
    bin_code = forms.CharField(max_length=20, required=False, label="Bin")
    part_number = forms.CharField(max_length=40, required=False, label="Part number")
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, warehouses, own_warehouse_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses
        preselect_warehouse(self, "warehouse", own_warehouse_id)

    def clean(self):
        cleaned = super().clean()
        warehouse = cleaned.get("warehouse")
        bin_code = (cleaned.get("bin_code") or "").strip()
        number = (cleaned.get("part_number") or "").strip()
        cleaned["bin"], cleaned["part"] = None, None
        if bin_code and number:
            raise forms.ValidationError("Count either a bin or a part; leave both empty for the whole warehouse.")
        if warehouse and bin_code:
            cleaned["bin"] = Bin.objects.filter(warehouse=warehouse, code__iexact=bin_code).first()
            if cleaned["bin"] is None:
                self.add_error("bin_code", f"There is no bin {bin_code} in {warehouse.code}.")
        if number:
            cleaned["part"] = inventory_selectors.part_by_number(number)
            if cleaned["part"] is None:
                self.add_error("part_number", f"No part {number}.")
        return cleaned


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve and post"), ("reject", "reject")])
    reason = forms.CharField(max_length=200, help_text="Why the stock differed (or why the count is rejected).")
