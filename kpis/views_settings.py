"""Managers' settings of the month-end: KPI targets, classification thresholds and the review cycle."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.exceptions import DomainError
from core.permissions import RoleRequiredMixin
from core.roles import Role
from core.settings_screens import SettingsFormView
from core.views import refusal_on_form
from inventory.classification import AbcClass
from inventory.models import Warehouse

from . import selectors, services, texts
from .models import ClassThresholds, Target
from .templatetags.kpi_format import kpi_number, kpi_target

HUNDRED = Decimal(100)


class TargetForm(forms.Form):
    """Bounds typed as the dashboard shows them: shares in %, other KPIs as plain numbers."""

    kpi = forms.ChoiceField(label=gettext_lazy("KPI"))
    class_key = forms.ChoiceField(
        label=gettext_lazy("Class"),
        required=False,
        help_text=gettext_lazy("Empty: the KPI over all the classes it covers."),
    )
    warehouse = forms.ModelChoiceField(
        label=gettext_lazy("Warehouse"),
        queryset=Warehouse.objects.filter(is_active=True).order_by("code"),
        required=False,
        empty_label=gettext_lazy("Every warehouse and the network (default)"),
    )
    lower = forms.DecimalField(
        label=gettext_lazy("Lowest value that meets the target"),
        required=False,
        help_text=gettext_lazy("Shares in %, e.g. 92 for 92 %. Leave empty for no lower bound."),
    )
    upper = forms.DecimalField(
        label=gettext_lazy("Highest value that meets the target"),
        required=False,
        help_text=gettext_lazy("Leave empty for no upper bound."),
    )
    near_band = forms.DecimalField(
        label=gettext_lazy("Still 'near' within"),
        required=False,
        min_value=0,
        help_text=gettext_lazy("How far outside the band a value is amber rather than red (same unit as the bounds)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].choices = [(kpi.value, texts.label(kpi)) for kpi in selectors.CARD_KPIS]
        self.fields["class_key"].choices = [("", _("All classes")), *list(AbcClass.CHOICES)]

    def clean(self):
        data = super().clean()
        if data.get("lower") is None and data.get("upper") is None:
            raise forms.ValidationError(_("Give a lowest or a highest value (or both)."))
        if data.get("kpi") and selectors.kpi_kind(data["kpi"]) == "share":
            for name in ("lower", "upper", "near_band"):
                if data.get(name) is not None:
                    data[name] = data[name] / HUNDRED
        return data


class TargetsView(RoleRequiredMixin, View):
    """Every KPI target in force, and a form that sets one (for all warehouses or one)."""

    required_roles = (Role.MANAGER,)
    template_name = "kpis/targets.html"

    def context(self, form):
        targets = sorted(
            Target.objects.select_related("warehouse"),
            key=lambda t: (texts.label(t.kpi), t.class_key, t.warehouse.code if t.warehouse else ""),
        )
        rows = [
            {
                "target": target,
                "label": texts.label(target.kpi),
                "band": kpi_target(target_band(target)),
                "near": kpi_number(target.near_band, target.kpi) if target.near_band else "",
            }
            for target in targets
        ]
        history = Target.history.select_related("history_user", "warehouse").order_by("-history_date")[:15]
        return {"form": form, "rows": rows, "history": history}

    def get(self, request):
        initial = {key: request.GET[key] for key in ("kpi", "class_key") if key in request.GET}
        return render(request, self.template_name, self.context(TargetForm(initial=initial)))

    def post(self, request):
        form = TargetForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.target_set(
                    kpi=data["kpi"],
                    class_key=data["class_key"] or "",
                    warehouse=data["warehouse"],
                    lower=data["lower"],
                    upper=data["upper"],
                    near_band=data["near_band"] or Decimal(0),
                )
            except DomainError as error:
                refusal_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("Target saved. The dashboard measures against it from the next close of a month."),
                )
                return redirect("kpis:targets")
        return render(request, self.template_name, self.context(form), status=400)


@dataclass(frozen=True)
class target_band:
    """A target shaped like a snapshot's band, so that the dashboard's formatting shows it."""

    target: Target

    @property
    def kpi(self):
        return self.target.kpi

    @property
    def target_lower(self):
        return self.target.lower

    @property
    def target_upper(self):
        return self.target.upper


class ThresholdsForm(forms.Form):
    a_min_hits = forms.IntegerField(label=gettext_lazy("Hits in 12 months for class A (at least)"), min_value=1)
    b_min_hits = forms.IntegerField(label=gettext_lazy("Hits in 12 months for class B (at least)"), min_value=1)
    new_part_months = forms.IntegerField(label=gettext_lazy("Months a part counts as new (NA, NB, NC)"), min_value=1)
    x_max_cv = forms.DecimalField(
        label=gettext_lazy("Highest variation of monthly demand for X"),
        min_value=0,
        help_text=gettext_lazy("Coefficient of variation, e.g. 0.5."),
    )
    y_max_cv = forms.DecimalField(label=gettext_lazy("Highest variation of monthly demand for Y"), min_value=0)
    review_period_months = forms.DecimalField(
        label=gettext_lazy("Review cycle (months)"),
        min_value=0,
        help_text=gettext_lazy("How often stock is reviewed; with the lead time, the reorder period of the fill rate."),
    )
    lead_time_months = forms.DecimalField(label=gettext_lazy("Replenishment lead time (months)"), min_value=0)


class ThresholdsView(SettingsFormView):
    required_roles = (Role.MANAGER,)
    form_class = ThresholdsForm
    title = gettext_lazy("Classification and review cycle")
    intro = gettext_lazy("They apply from the next month-end close; closed months keep their classes.")
    history_model = ClassThresholds

    def current(self):
        row = ClassThresholds.objects.get_or_create(pk=1)[0]
        return {name: getattr(row, name) for name in ThresholdsForm.base_fields}

    def save(self, *, user, values):
        services.thresholds_set(user=user, values=values)
