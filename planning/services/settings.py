"""The planning settings: a save writes a new row, which is in force from then on (the old ones are the history)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..exceptions import PlanningError
from ..models import MethodChoice, PlanningSettings

SERVICE_LEVELS = ("service_level_a", "service_level_b", "service_level_c", "service_level_default")
EDITABLE = (
    *SERVICE_LEVELS,
    "ordering_cost",
    "holding_rate",
    "default_lead_time_days",
    "critical_buffer",
    "method_choice",
    "history_months",
)


@transaction.atomic
def planning_settings_set(*, user, values: dict[str, Any]) -> PlanningSettings:
    """Validate every value, then store them as the settings in force; nothing is written on an error."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise PlanningError(_("Unknown setting: %(name)s.") % {"name": ", ".join(sorted(unknown))})
    for name in SERVICE_LEVELS:
        level = values.get(name)
        if level is not None and not Decimal(0) < level < Decimal(1):
            raise PlanningError(_("A service level lies between 0 % and 100 % (both excluded)."), field=name)
    for name in ("ordering_cost", "holding_rate", "critical_buffer"):
        if values.get(name) is not None and values[name] < 0:
            raise PlanningError(_("This cannot be negative."), field=name)
    if values.get("history_months") is not None and values["history_months"] < 3:
        raise PlanningError(_("Forecasts need at least 3 months of history."), field="history_months")
    if values.get("method_choice") is not None and values["method_choice"] not in MethodChoice.values:
        raise PlanningError(_("Choose one of the listed methods."), field="method_choice")
    current = PlanningSettings.objects.order_by("-id").first() or PlanningSettings()
    row = PlanningSettings(**{name: getattr(current, name) for name in EDITABLE})
    for name, value in values.items():
        if value is not None:
            setattr(row, name, value)
    row._history_user = user  # type: ignore[attr-defined]
    row.save()
    return row
