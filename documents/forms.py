from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .label_sets import PER_LINE, PER_UNIT
from .labels import LAYOUTS


class LabelLayoutForm(forms.Form):
    layout = forms.ChoiceField(label=_("Layout"), choices=[(v, v) for v in LAYOUTS], initial="a4")


class ReceiptLabelForm(LabelLayoutForm):
    per = forms.ChoiceField(
        label=_("Labels"), choices=[(PER_LINE, _("one per line")), (PER_UNIT, _("one per received unit"))]
    )


class PartLabelForm(LabelLayoutForm):
    number = forms.CharField(label=_("Part number"), max_length=40)
    warehouse = forms.IntegerField(label=_("Warehouse"), required=False, min_value=1)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=500, initial=1, required=False)


class BinLabelForm(LabelLayoutForm):
    warehouse = forms.CharField(label=_("Warehouse"), max_length=12)
    bin = forms.CharField(
        label=_("Bins"), required=False, help_text=_("Bin codes separated by commas; empty for every active bin.")
    )
    symbology = forms.ChoiceField(
        label=_("Barcode"), choices=[("code128", _("Code 128")), ("qr", _("QR code"))], required=False
    )

    def clean_symbology(self) -> str:
        return self.cleaned_data["symbology"] or "code128"
