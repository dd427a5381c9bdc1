"""Settings kept as rows ("the newest row is in force"), edited in the app rather than the Django admin.

Each app lists its settings screen with ``SettingsFormView``: the form (labels, help,
the values in force), a service that validates and writes a new row, and the history
of earlier rows with who saved them. ``PercentField`` shows a stored share (0.95) as
a percentage (95).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .exceptions import DomainError
from .permissions import RoleRequiredMixin
from .views import refusal_on_form

HUNDRED = Decimal(100)


class PercentField(forms.DecimalField):
    """A share stored as 0.95, typed and shown as 95 (%)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", HUNDRED)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("max_digits", 9)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("step", "any")

    def prepare_value(self, value):
        if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
            try:
                return (Decimal(str(value)) * HUNDRED).normalize()
            except InvalidOperation:
                return value
        return value

    def clean(self, value):
        number = super().clean(value)
        return None if number is None else number / HUNDRED


def history_rows(model: type[models.Model], fields: list[str], limit: int = 12) -> list[dict[str, Any]]:
    """Earlier saves of a settings model, newest first: when, by whom, and the values then."""
    records = model.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit]  # type: ignore[attr-defined]
    return [
        {
            "when": record.history_date,
            "who": record.history_user.get_username() if record.history_user else _("system"),
            "kind": record.get_history_type_display(),
            "values": [getattr(record, name) for name in fields],
        }
        for record in records
    ]


class SettingsFormView(RoleRequiredMixin, View):
    """Show the settings in force with their history; a valid post writes them through ``save``."""

    template_name = "core/settings_form.html"
    form_class: type[forms.Form]
    title: str | Promise = gettext_lazy("Settings")
    intro: str | Promise = ""
    history_model: type[models.Model] | None = None

    def current(self) -> dict[str, Any]:
        raise NotImplementedError

    def save(self, *, user, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def success_message(self) -> str:
        return _("Saved. The new values apply from now on.")

    def context(self, form) -> dict[str, Any]:
        fields = list(form.fields)
        return {
            "form": form,
            "title": self.title,
            "intro": self.intro,
            "history_headers": [form.fields[name].label for name in fields],
            "history": history_rows(self.history_model, fields) if self.history_model else [],
        }

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context(self.form_class(initial=self.current())))

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.save(user=request.user, values=form.cleaned_data)
            except DomainError as error:
                refusal_on_form(form, error)
            else:
                messages.success(request, self.success_message())
                return redirect(request.path)
        return render(request, self.template_name, self.context(form), status=400)


Save = Callable[..., Any]


# The settings screens, each with who may open it. Names that do not resolve are left out.
SETTINGS_SCREENS: list[tuple[Any, Any, str, tuple[str, ...]]] = [
    (
        gettext_lazy("KPI targets"),
        gettext_lazy("The band each KPI is measured against, by class and warehouse."),
        "kpis:targets",
        ("manager",),
    ),
    (
        gettext_lazy("Planning"),
        gettext_lazy("Service levels by class, ordering and holding cost, lead time, forecast history."),
        "planning:settings",
        ("manager",),
    ),
    (
        gettext_lazy("Classification and review cycle"),
        gettext_lazy("Hits for classes A and B, how long a part is new, review period and lead time."),
        "kpis:thresholds",
        ("manager",),
    ),
    (
        gettext_lazy("Supplier rating"),
        gettext_lazy("Weights of on-time delivery, fill rate, quality and lead time; grade limits."),
        "suppliers:rating-weights",
        ("manager",),
    ),
    (
        gettext_lazy("Purchasing"),
        gettext_lazy("The order value above which a manager approves a purchase order."),
        "suppliers:purchasing-settings",
        ("manager",),
    ),
    (
        gettext_lazy("Users"),
        gettext_lazy("Each user's roles and the warehouses they work in."),
        "inventory:users",
        ("manager",),
    ),
]


class SettingsHubView(RoleRequiredMixin, View):
    """Every settings screen the user may open, in one list."""

    required_roles = ("manager",)

    def get(self, request):
        from django.urls import NoReverseMatch, reverse

        from .roles import user_access

        access = user_access(request.user)
        screens = []
        for label, description, name, roles in SETTINGS_SCREENS:
            if not access.has_any(set(roles)):
                continue
            try:
                screens.append({"label": label, "description": description, "url": reverse(name)})
            except NoReverseMatch:
                continue
        return render(request, "core/settings.html", {"screens": screens})
