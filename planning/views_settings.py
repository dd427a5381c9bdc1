"""The planning settings screen (managers): service levels by class and the costs behind EOQ."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.settings_screens import PercentField, SettingsFormView

from . import services
from .models import MethodChoice, PlanningSettings
from .selectors import planning_settings_current


class PlanningSettingsForm(forms.Form):
    service_level_a = PercentField(
        label=_("Service level, classes A and NA (%)"), help_text=_("Chance of not running out in a reorder period.")
    )
    service_level_b = PercentField(label=_("Service level, classes B and NB (%)"))
    service_level_c = PercentField(label=_("Service level, classes C, NC and C0 (%)"))
    service_level_default = PercentField(
        label=_("Service level, parts without a class yet (%)"), help_text=_("Used until the first month-end close.")
    )
    ordering_cost = forms.DecimalField(
        label=_("Cost of placing one order"), min_value=0, decimal_places=2, help_text=_("S in the EOQ formula.")
    )
    holding_rate = PercentField(
        # xgettext:no-python-format
        label=_("Holding cost a year (% of unit cost)"),
        max_value=1000,
        help_text=_("H = this share × unit cost."),
    )
    default_lead_time_days = forms.IntegerField(
        label=_("Default lead time (days)"), min_value=0, help_text=_("When no supplier part says otherwise.")
    )
    critical_buffer = forms.DecimalField(
        label=_("Least safety stock of a critical part"), min_value=0, decimal_places=3
    )
    method_choice = forms.ChoiceField(label=_("Forecast method chosen"), choices=MethodChoice.choices)
    history_months = forms.IntegerField(label=_("Months of demand history forecast from"), min_value=3, max_value=120)


class PlanningSettingsView(SettingsFormView):
    required_roles = (Role.MANAGER,)
    form_class = PlanningSettingsForm
    title = _("Planning settings")
    intro = _(
        "Safety stock, reorder point and EOQ are worked out from these at the next replenishment run. "
        "Every save is kept below with who made it."
    )
    history_model = PlanningSettings

    def current(self):
        row = planning_settings_current()
        return {name: getattr(row, name) for name in PlanningSettingsForm.base_fields}

    def save(self, *, user, values):
        services.planning_settings_set(user=user, values=values)
