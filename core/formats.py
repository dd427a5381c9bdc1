"""One way to show numbers everywhere: shares in %, money with 2 decimals, thousands separated.

Pure functions (no Django): the template filters of ``core.templatetags.parts_format``, the KPI
cards and the exports call these, so a figure reads the same on every screen.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

Number = Decimal | float | int

DASH = "–"


def share(value: Number | None, places: int = 1) -> str:
    """0.009 → '0.9 %' (a share is stored as a fraction of 1)."""
    return DASH if value is None else f"{float(value) * 100:,.{places}f} %"


def money(value: Number | None) -> str:
    """12345.6 → '12,345.60'."""
    return DASH if value is None else f"{Decimal(str(value)):,.2f}"


def quantity(value: Number | None) -> str:
    """12000 → '12,000'; 2.500 → '2.5': no trailing zeros, thousands separated."""
    if value is None:
        return DASH
    number = Decimal(str(value)).normalize()
    if number == number.to_integral():
        return f"{number:,.0f}"
    return f"{number:,f}"


def count(value: Number | None) -> str:
    return DASH if value is None else f"{float(value):,.0f}"


def duration(value: timedelta | None) -> str:
    """A delay as people say it: '32 s', '5 min', '2 h 05 min', '3 d 4 h'."""
    if value is None:
        return DASH
    seconds = int(value.total_seconds())
    sign = "−" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{sign}{days} d {hours} h"
    if hours:
        return f"{sign}{hours} h {minutes:02d} min"
    if minutes:
        return f"{sign}{minutes} min"
    return f"{sign}{seconds} s"
