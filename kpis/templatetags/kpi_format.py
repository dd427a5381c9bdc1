"""Show KPI values the way a parts manager reads them: shares in %, money with 2 decimals."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from core import formats

from ..models import Kpi
from ..selectors import kpi_kind

register = template.Library()


def _format(kpi: str, value: Decimal | float | None) -> str:
    kind = kpi_kind(kpi)
    if kind == "share":
        return formats.share(value)
    if kind == "count":
        return formats.count(value)
    return formats.money(value)


@register.filter
def kpi_value(snapshot) -> str:
    return _format(snapshot.kpi, snapshot.value) if snapshot is not None else "–"


@register.filter
def kpi_target(snapshot) -> str:
    """'≥ 92.0 %', '≤ 10.0 %', '3.00 – 4.00', or empty without a target."""
    lower, upper = snapshot.target_lower, snapshot.target_upper
    if lower is not None and upper is not None:
        return f"{_format(snapshot.kpi, lower)} – {_format(snapshot.kpi, upper)}"
    if lower is not None:
        return f"≥ {_format(snapshot.kpi, lower)}"
    if upper is not None:
        return f"≤ {_format(snapshot.kpi, upper)}"
    return ""


@register.filter
def kpi_number(value, kpi: str) -> str:
    """A bare value of ``kpi`` formatted as its figures are: ``{{ value|kpi_number:kpi }}``."""
    return _format(kpi, value)


@register.filter
def kpi_label(kpi: str) -> str:
    return str(Kpi(kpi).label)


@register.filter
def percent(value: float | None) -> str:
    return formats.share(value)


@register.filter
def kpi_change(card) -> str:
    """The change against last month: percentage points for shares, the plain difference otherwise."""
    change = card.change
    if change is None:
        return ""
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    size = abs(change)
    if card.kind == "share":
        return f"{sign}{size * 100:.1f} " + _("pts")
    if card.kind == "count":
        return f"{sign}{size:,.0f}"
    return f"{sign}{size:,.2f}"
