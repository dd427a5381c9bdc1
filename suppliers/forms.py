"""Forms of the purchasing screens: they validate input; the views pass cleaned data to services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from inventory.models import Warehouse

from .models import OrderState, OrderType, Supplier


class PurchaseOrderFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Number"))
    supplier = forms.ModelChoiceField(queryset=Supplier.objects.order_by("code"), required=False)
    state = forms.ChoiceField(choices=[("", _("any state")), *OrderState.choices], required=False)
    order_type = forms.ChoiceField(choices=[("", _("any type")), *OrderType.choices], required=False, label=_("Type"))
    overdue = forms.BooleanField(required=False)
    awaiting_approval = forms.BooleanField(required=False)
    short = forms.BooleanField(required=False)


class PurchaseOrderCreateForm(forms.Form):
    supplier = forms.ModelChoiceField(queryset=Supplier.objects.filter(is_active=True).order_by("code"))
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.filter(is_active=True).order_by("code"))
    order_type = forms.ChoiceField(choices=OrderType.choices, initial=OrderType.STOCK, label=_("Type"))
    expected_date = forms.DateField(required=False, widget=DateInput())
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PurchaseOrderHeaderForm(forms.Form):
    expected_date = forms.DateField(required=False, widget=DateInput())
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LineAddForm(forms.Form):
    number = forms.CharField(label=_("Part number"), max_length=40)
    quantity = forms.DecimalField(min_value=0, max_digits=14, decimal_places=3)
    price = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=4)


class LineUpdateForm(forms.Form):
    quantity = forms.DecimalField(min_value=0, max_digits=14, decimal_places=3)
    price = forms.DecimalField(min_value=0, max_digits=14, decimal_places=4)
    promised_date = forms.DateField(required=False, widget=DateInput())


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=200)


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=200)


class ShipmentNoticeForm(forms.Form):
    delivery_note = forms.CharField(label=_("Delivery note number"), max_length=60)
    expected_arrival = forms.DateField(label=_("Expected arrival"), widget=DateInput())
    file = forms.FileField(
        label=_("Or upload a CSV (part number, quantity)"),
        required=False,
        help_text=_("One row per part; the quantities typed below are ignored when a file is given."),
    )


class ReconfirmForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the change"), max_length=200)
