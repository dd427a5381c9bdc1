"""Stocking parameters: safety stock, reorder point, EOQ, min and max. Pure numpy / scipy, no ORM.

Functions take numbers or arrays (one element per part-warehouse) and return
arrays, so the nightly run computes all parameters at once.

* Demand over the lead time λ = monthly rate × lead time days / (365 / 12).
* Slow movers (λ ≤ ``POISSON_LIMIT``, the same limit the fill-rate KPI uses):
  Poisson. The reorder point is the smallest k with P(X ≤ k) ≥ service
  level for X ~ Poisson(λ); safety stock = max(k − λ, 0).
* Fast movers: normal. Safety stock = z(service level) · σ_month · √(lead
  time in months); reorder point = λ + safety stock.
* EOQ = √(2 · D · S / H) with D the annual demand, S the ordering cost and
  H = annual holding rate × unit cost. Without a unit cost (H = 0) one
  month of demand is ordered instead.
* min = reorder point rounded up to a whole unit; max = min + EOQ rounded to
  pack size and minimum order quantity.
* Critical parts keep at least ``critical_buffer`` of safety stock even with
  no demand; order-on-demand parts keep nothing (all zero).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm, poisson

DAYS_PER_MONTH = 365 / 12
POISSON_LIMIT = 10.0
_EPS = 1e-9


def _arr(x) -> np.ndarray:
    return np.atleast_1d(np.asarray(x, dtype=np.float64))


def lead_time_demand(rate, lead_time_days) -> np.ndarray:
    return _arr(rate) * _arr(lead_time_days) / DAYS_PER_MONTH


def _check_service_level(service_level: np.ndarray) -> None:
    if np.any((service_level <= 0) | (service_level >= 1)):
        raise ValueError("A service level is a share strictly between 0 and 1 (e.g. 0.95).")


def safety_stock(rate, std, lead_time_days, service_level) -> np.ndarray:
    """Safety stock for a target service level: Poisson for slow movers, normal for fast."""
    lam = lead_time_demand(rate, lead_time_days)
    sl = np.broadcast_to(_arr(service_level), lam.shape)
    _check_service_level(sl)
    months = np.broadcast_to(_arr(lead_time_days), lam.shape) / DAYS_PER_MONTH
    slow = lam <= POISSON_LIMIT
    k = np.where(lam > 0, poisson.ppf(sl, np.where(lam > 0, lam, 1.0)), 0.0)
    slow_ss = np.maximum(k - lam, 0.0)
    fast_ss = norm.ppf(sl) * np.broadcast_to(_arr(std), lam.shape) * np.sqrt(months)
    return np.where(slow, slow_ss, np.maximum(fast_ss, 0.0))


def reorder_point(rate, lead_time_days, safety) -> np.ndarray:
    return lead_time_demand(rate, lead_time_days) + _arr(safety)


def eoq(rate, unit_cost, ordering_cost, holding_rate) -> np.ndarray:
    """Economic order quantity from a monthly rate; one month of demand when holding cost is zero."""
    annual = _arr(rate) * 12
    holding = _arr(holding_rate) * _arr(unit_cost)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.sqrt(2 * annual * _arr(ordering_cost) / np.where(holding > 0, holding, 1.0))
    return np.where(holding > 0, q, annual / 12)


def round_to_pack(quantity, pack_size=1, min_order_qty=1) -> np.ndarray:
    """Raise a positive quantity to the minimum order quantity, then up to whole packs; zero stays zero."""
    q = _arr(quantity)
    pack = np.broadcast_to(_arr(pack_size), q.shape)
    moq = np.broadcast_to(_arr(min_order_qty), q.shape)
    raised = np.maximum(q, moq)
    packs = np.ceil(raised / np.where(pack > 0, pack, 1.0) - _EPS)
    rounded = np.where(pack > 0, packs * pack, raised)
    return np.where(q > _EPS, rounded, 0.0)


def round_to_pack_scalar(quantity: float, pack_size: float = 1, min_order_qty: float = 1) -> float:
    return float(round_to_pack(quantity, pack_size, min_order_qty)[0])


@dataclass(frozen=True)
class Parameters:
    safety_stock: np.ndarray
    reorder_point: np.ndarray
    eoq: np.ndarray  # rounded to pack and MOQ
    min_qty: np.ndarray
    max_qty: np.ndarray


def stocking_parameters(
    *,
    rate,
    std,
    lead_time_days,
    service_level,
    unit_cost,
    ordering_cost: float,
    holding_rate: float,
    pack_size=1,
    min_order_qty=1,
    critical=False,
    critical_buffer: float = 1.0,
    order_on_demand=False,
) -> Parameters:
    """All parameters of many part-warehouses at once (see the module docstring for the rules)."""
    rate_a = _arr(rate)
    shape = rate_a.shape
    ss = safety_stock(rate_a, std, lead_time_days, service_level)
    ss = np.where(np.broadcast_to(_arr(critical), shape) > 0, np.maximum(ss, critical_buffer), ss)
    rop = reorder_point(rate_a, lead_time_days, ss)
    q = round_to_pack(eoq(rate_a, unit_cost, ordering_cost, holding_rate), pack_size, min_order_qty)
    min_qty = np.ceil(rop - _EPS)
    max_qty = min_qty + q
    on_demand = np.broadcast_to(_arr(order_on_demand), shape) > 0
    zero = np.zeros(shape)
    return Parameters(
        safety_stock=np.where(on_demand, zero, ss),
        reorder_point=np.where(on_demand, zero, rop),
        eoq=np.where(on_demand, zero, q),
        min_qty=np.where(on_demand, zero, min_qty),
        max_qty=np.where(on_demand, zero, max_qty),
    )


def z_value(service_level: float) -> float:
    return float(norm.ppf(service_level))


def poisson_quantile(lam: float, service_level: float) -> int:
    """Smallest k with P(X ≤ k) ≥ service level (reference for tests and the forecast view)."""
    if lam <= 0:
        return 0
    k, term = 0, math.exp(-lam)
    cdf = term
    while cdf < service_level - 1e-12:
        k += 1
        term *= lam / k
        cdf += term
    return k
