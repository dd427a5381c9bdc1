from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.events import kind_choices
from suppliers.models import Supplier


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    target_url = forms.CharField(label=_("Target URL"), max_length=500, widget=forms.URLInput)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of event"), choices=kind_choices(webhook=True), widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=128,
        required=False,
        help_text=_("At least 16 characters; leave empty to have one made (or to keep the current one)."),
    )
    supplier = forms.ModelChoiceField(
        label=_("Supplier"),
        queryset=Supplier.objects.order_by("code"),
        required=False,
        help_text=_("A supplier's subscription receives only that supplier's events."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
