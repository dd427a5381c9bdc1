"""Every write of the planning app. Import services from here: ``from planning import services``."""

from .classes import month_end_classes_set
from .forecast import forecast_error_record, forecast_run, known_demand_add, known_demand_remove
from .parameters import (
    limits_apply,
    parameter_flags_set,
    parameter_override_clear,
    parameter_override_set,
    parameters_compute,
)
from .replenishment import (
    proposals_approve,
    proposals_build,
    proposals_reject,
    replenishment_below_reorder_point,
    replenishment_pair_propose,
    replenishment_run,
)
from .settings import planning_settings_set
from .vmi import vmi_accept, vmi_propose, vmi_reject

__all__ = [
    "forecast_error_record",
    "forecast_run",
    "known_demand_add",
    "known_demand_remove",
    "limits_apply",
    "month_end_classes_set",
    "parameter_flags_set",
    "parameter_override_clear",
    "parameter_override_set",
    "parameters_compute",
    "planning_settings_set",
    "proposals_approve",
    "proposals_build",
    "proposals_reject",
    "replenishment_below_reorder_point",
    "replenishment_pair_propose",
    "replenishment_run",
    "vmi_accept",
    "vmi_propose",
    "vmi_reject",
]
