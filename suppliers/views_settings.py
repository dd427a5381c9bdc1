"""Managers' purchasing settings: supplier rating weights and the purchase order approval threshold."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.settings_screens import PercentField, SettingsFormView

from . import services
from .models import PurchasingSettings, RatingWeights
from .services.orders import approval_threshold


class RatingWeightsForm(forms.Form):
    on_time_weight = forms.DecimalField(
        label=_("Weight of on-time delivery"),
        min_value=0,
        decimal_places=2,
        help_text=_("Weights are relative: 4, 3, 2, 1 and 0.4, 0.3, 0.2, 0.1 give the same score."),
    )
    fill_rate_weight = forms.DecimalField(label=_("Weight of quantity fill rate"), min_value=0, decimal_places=2)
    quality_weight = forms.DecimalField(label=_("Weight of quality (no rejects)"), min_value=0, decimal_places=2)
    lead_time_weight = forms.DecimalField(label=_("Weight of lead time kept"), min_value=0, decimal_places=2)
    grade_a_min = PercentField(label=_("Lowest score for grade A (%)"))
    grade_b_min = PercentField(label=_("Lowest score for grade B (%)"))
    grade_c_min = PercentField(label=_("Lowest score for grade C (%)"), help_text=_("Below this: grade D."))


class RatingWeightsView(SettingsFormView):
    required_roles = (Role.MANAGER,)
    form_class = RatingWeightsForm
    title = _("Supplier rating")
    intro = _("The next monthly rating scores suppliers with these; past months keep their scores.")
    history_model = RatingWeights

    def current(self):
        row = services.rating_weights_current()
        return {name: getattr(row, name) for name in RatingWeightsForm.base_fields}

    def save(self, *, user, values):
        services.rating_weights_set(user=user, values=values)


class PurchasingSettingsForm(forms.Form):
    approval_threshold = forms.DecimalField(
        label=_("Approval needed above (order value)"),
        min_value=0,
        decimal_places=2,
        help_text=_("A purchase order worth more waits for a manager's approval before it can be sent."),
    )


class PurchasingSettingsView(SettingsFormView):
    required_roles = (Role.MANAGER,)
    form_class = PurchasingSettingsForm
    title = _("Purchasing settings")
    history_model = PurchasingSettings

    def current(self):
        return {"approval_threshold": approval_threshold()}

    def save(self, *, user, values):
        services.purchasing_settings_set(user=user, values=values)
