"""Purchasing's settings written from the app: the supplier rating weights and the approval threshold.

Each save writes a new row, in force from then on; the older rows are the history.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..exceptions import PurchasingError
from ..models import PurchasingSettings, RatingWeights

WEIGHTS = ("on_time_weight", "fill_rate_weight", "quality_weight", "lead_time_weight")
GRADES = ("grade_a_min", "grade_b_min", "grade_c_min")


@transaction.atomic
def rating_weights_set(*, user, values: dict[str, Any]) -> RatingWeights:
    """Validate the weights and grade limits together, then store them as the ones in force."""
    merged = {name: values[name] for name in (*WEIGHTS, *GRADES)}
    for name in WEIGHTS:
        if merged[name] < 0:
            raise PurchasingError(_("A weight cannot be negative."), field=name)
    if sum(merged[name] for name in WEIGHTS) <= 0:
        raise PurchasingError(_("At least one weight must be above zero."), field=WEIGHTS[0])
    for name in GRADES:
        if not Decimal(0) <= merged[name] <= Decimal(1):
            raise PurchasingError(_("A grade limit lies between 0 % and 100 %."), field=name)
    if not merged["grade_a_min"] >= merged["grade_b_min"] >= merged["grade_c_min"]:
        raise PurchasingError(_("The limits must fall from A to B to C."), field="grade_b_min")
    row = RatingWeights(**merged)
    row._history_user = user  # type: ignore[attr-defined]
    row.save()
    return row


@transaction.atomic
def purchasing_settings_set(*, user, values: dict[str, Any]) -> PurchasingSettings:
    threshold = values["approval_threshold"]
    if threshold is None or threshold < 0:
        raise PurchasingError(_("The approval threshold is zero or more."), field="approval_threshold")
    row = PurchasingSettings(approval_threshold=threshold)
    row._history_user = user  # type: ignore[attr-defined]
    row.save()
    return row
