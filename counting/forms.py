"""Forms of the counting screens: they validate input; services do the work."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory import selectors as inventory_selectors
from inventory.forms import preselect_warehouse
from inventory.models import Bin, Warehouse


class AdhocCountForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none())
    bin_code = forms.CharField(max_length=20, required=False, label=gettext_lazy("Bin"))
    part_number = forms.CharField(max_length=40, required=False, label=gettext_lazy("Part number"))
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
            raise forms.ValidationError(_("Count either a bin or a part; leave both empty for the whole warehouse."))
        if warehouse and bin_code:
            cleaned["bin"] = Bin.objects.filter(warehouse=warehouse, code__iexact=bin_code).first()
            if cleaned["bin"] is None:
                self.add_error(
                    "bin_code",
                    _("There is no bin %(bin_code)s in %(warehouse)s.")
                    % {"bin_code": bin_code, "warehouse": warehouse.code},
                )
        if number:
            cleaned["part"] = inventory_selectors.part_by_number(number)
            if cleaned["part"] is None:
                self.add_error("part_number", _("No part %(number)s.") % {"number": number})
        return cleaned


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("approve and post")), ("reject", gettext_lazy("reject"))]
    )
    reason = forms.CharField(
        max_length=200, help_text=gettext_lazy("Why the stock differed (or why the count is rejected).")
    )
