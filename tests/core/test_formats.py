"""One number format everywhere."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core import formats


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.009, "0.9 %"), (Decimal("0.925"), "92.5 %"), (1, "100.0 %"), (None, "–")],
)
def test_share(value, shown):
    assert formats.share(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("12345.6"), "12,345.60"), (0, "0.00"), (Decimal("-3.005"), "-3.00"), (None, "–")],
)
def test_money(value, shown):
    assert formats.money(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("12000.000"), "12,000"), (Decimal("2.500"), "2.5"), (Decimal("0.001"), "0.001"), (None, "–")],
)
def test_quantity(value, shown):
    assert formats.quantity(value) == shown


@pytest.mark.parametrize(
    ("delay", "shown"),
    [
        (timedelta(seconds=32.292634), "32 s"),
        (timedelta(minutes=5, seconds=3), "5 min"),
        (timedelta(hours=2, minutes=5), "2 h 05 min"),
        (timedelta(days=3, hours=4, minutes=9), "3 d 4 h"),
        (timedelta(seconds=-90), "−1 min"),
        (None, "–"),
    ],
)
def test_duration(delay, shown):
    assert formats.duration(delay) == shown
