"""Demand forecasting for spare parts: pure numpy, no ORM.

Every function takes a 2-D array ``y`` of shape (series, months), oldest month
first, and works on all series at once: the loops run over the (few) months,
never over the (many) series. That is what lets a nightly run forecast
100,000 part-warehouse series in seconds.

All the methods here give a flat forecast (the same figure for every future
month), which is what they are for: an estimate of the demand rate.

Methods
-------
* moving average over the last ``window`` months;
* simple exponential smoothing (SES), level started at the first month;
* Croston: SES of the non-zero demand sizes and of the intervals between
  them; forecast = size / interval. Started with the first demand size and
  the first interval (months up to and including the first demand);
* SBA (Syntetos-Boylan approximation): Croston × (1 − α/2), removing
  Croston's upward bias;
* TSB (Teunter-Syntetos-Babai): SES of the demand probability updated every
  month (so that a part going obsolete fades out) and of the size updated on
  demand months; started with the share of demand months and the mean size.

Pattern classification (Syntetos-Boylan): ADI = months / demand months, CV²
= squared coefficient of variation of the non-zero sizes; cut-offs 1.32 and
0.49.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49

MOVING_AVERAGE = "moving_average"
SES = "ses"
CROSTON = "croston"
SBA = "sba"
TSB = "tsb"
ZERO = "zero"
METHODS = (MOVING_AVERAGE, SES, CROSTON, SBA, TSB)

SMOOTH = "smooth"
ERRATIC = "erratic"
INTERMITTENT = "intermittent"
LUMPY = "lumpy"
NO_DEMAND = "none"
PATTERNS = (SMOOTH, ERRATIC, INTERMITTENT, LUMPY, NO_DEMAND)

# The method each pattern gets when choosing by pattern. Smooth demand is
# well served by SES; erratic sizes by a plain moving average (a single spike
# leaves the window instead of decaying slowly); intermittent by Croston;
# lumpy by SBA, whose bias correction matters most when sizes vary.
METHOD_BY_PATTERN = {
    SMOOTH: SES,
    ERRATIC: MOVING_AVERAGE,
    INTERMITTENT: CROSTON,
    LUMPY: SBA,
    NO_DEMAND: ZERO,
}

# A series whose last demand is older than this many months (or than twice its mean interval
# between demands, when that is shorter, but never fewer than STALE_MIN_MONTHS) is going
# obsolete: Croston and SBA keep forecasting the last size over the last interval forever
# (one demand of 4 in month 1 of 24 gives 4 a month), so such a series gets TSB, whose demand
# probability decays every month without demand.
STALE_MAX_MONTHS = 12
STALE_MIN_MONTHS = 3

DEFAULT_ALPHA = 0.1
DEFAULT_WINDOW = 6
DEFAULT_HOLDOUT = 6


def _as_2d(y) -> np.ndarray:
    arr = np.asarray(y, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[np.newaxis, :]
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ValueError("Demand history must be a (series, months) array with at least one month.")
    if not np.all(np.isfinite(arr)):
        raise ValueError("Demand must be finite numbers (no NaN, no infinity).")
    if np.any(arr < 0):
        raise ValueError("Demand cannot be negative.")
    return arr


def moving_average(y, window: int = DEFAULT_WINDOW) -> np.ndarray:
    """Mean of the last ``window`` months (or of all months when there are fewer)."""
    arr = _as_2d(y)
    return arr[:, -window:].mean(axis=1)


def ses(y, alpha: float = DEFAULT_ALPHA) -> np.ndarray:
    """Simple exponential smoothing; level_0 = y_0, level_t = α·y_t + (1−α)·level_{t−1}."""
    arr = _as_2d(y)
    level = arr[:, 0].copy()
    for t in range(1, arr.shape[1]):
        level += alpha * (arr[:, t] - level)
    return level


def _croston_parts(arr: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Smoothed demand size and interval per series (nan where a series never had demand)."""
    n, months = arr.shape
    size = np.full(n, np.nan)
    interval = np.full(n, np.nan)
    since = np.zeros(n)  # months since the last demand (or since the start)
    for t in range(months):
        since += 1
        hit = arr[:, t] > 0
        first = hit & np.isnan(size)
        later = hit & ~first
        size[first] = arr[first, t]
        interval[first] = since[first]
        size[later] += alpha * (arr[later, t] - size[later])
        interval[later] += alpha * (since[later] - interval[later])
        since[hit] = 0
    return size, interval


def croston(y, alpha: float = DEFAULT_ALPHA) -> np.ndarray:
    arr = _as_2d(y)
    size, interval = _croston_parts(arr, alpha)
    with np.errstate(invalid="ignore"):
        rate = size / interval
    return np.nan_to_num(rate, nan=0.0)


def sba(y, alpha: float = DEFAULT_ALPHA) -> np.ndarray:
    return croston(y, alpha) * (1 - alpha / 2)


def tsb(y, alpha: float = DEFAULT_ALPHA, beta: float = DEFAULT_ALPHA) -> np.ndarray:
    """Probability × size; probability smoothed every month with β, size on demand months with α."""
    arr = _as_2d(y)
    hit = arr > 0
    hits = hit.sum(axis=1)
    probability = hits / arr.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        size = np.where(hits > 0, arr.sum(axis=1) / np.maximum(hits, 1), 0.0)
    for t in range(arr.shape[1]):
        probability += beta * (hit[:, t] - probability)
        now = hit[:, t]
        size[now] += alpha * (arr[now, t] - size[now])
    return probability * size


FORECASTERS = {
    MOVING_AVERAGE: moving_average,
    SES: ses,
    CROSTON: croston,
    SBA: sba,
    TSB: tsb,
}


def forecast(y, method: str) -> np.ndarray:
    """Monthly demand rate by one named method."""
    arr = _as_2d(y)
    if method == ZERO:
        return np.zeros(arr.shape[0])
    return FORECASTERS[method](arr)


def fitted_one_step(y, method: str, *, warm_up: int = 2) -> list[float | None]:
    """What ``method`` would have forecast for each month from the months before it (None while warming up).

    Drawn beside the actual demand, it shows how the method follows the series.
    """
    series = np.asarray(y, dtype=float).ravel()
    fitted: list[float | None] = []
    for month in range(series.size):
        if month < warm_up:
            fitted.append(None)
        else:
            fitted.append(round(float(forecast(series[None, :month], method)[0]), 4))
    return fitted


# --- classification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PatternStats:
    adi: np.ndarray
    cv2: np.ndarray
    pattern: np.ndarray  # of pattern names


def classify(y) -> PatternStats:
    """ADI, CV² of non-zero sizes and the pattern per series. A series with no demand is ``none``.

    ADI is infinite with no demand; CV² is 0 with one demand month (one size
    does not vary).
    """
    arr = _as_2d(y)
    hit = arr > 0
    hits = hit.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        adi = np.where(hits > 0, arr.shape[1] / hits, np.inf)
        mean = np.where(hits > 0, arr.sum(axis=1) / np.maximum(hits, 1), 0.0)
        sq = np.where(hit, (arr - mean[:, None]) ** 2, 0.0).sum(axis=1)
        var = np.where(hits > 0, sq / np.maximum(hits, 1), 0.0)
        cv2 = np.where(mean > 0, var / mean**2, 0.0)
    frequent = adi < ADI_CUTOFF
    steady = cv2 < CV2_CUTOFF
    pattern = np.select(
        [hits == 0, frequent & steady, frequent & ~steady, ~frequent & steady],
        [NO_DEMAND, SMOOTH, ERRATIC, INTERMITTENT],
        default=LUMPY,
    ).astype(object)
    return PatternStats(adi=adi, cv2=cv2, pattern=pattern)


def months_since_last_demand(y) -> np.ndarray:
    """Whole months after the last month with demand (0 when the last month had demand; all months if none)."""
    arr = _as_2d(y)
    months = arr.shape[1]
    hit = arr[:, ::-1] > 0
    return np.where(hit.any(axis=1), hit.argmax(axis=1), months)


def is_stale(y, adi=None) -> np.ndarray:
    """Whether each series is going obsolete: its last demand is old against its own rhythm."""
    arr = _as_2d(y)
    if adi is None:
        adi = classify(arr).adi
    since = months_since_last_demand(arr)
    with np.errstate(invalid="ignore"):
        limit = np.clip(2 * np.nan_to_num(adi, posinf=STALE_MAX_MONTHS), STALE_MIN_MONTHS, STALE_MAX_MONTHS)
    return (since >= limit) & (since < arr.shape[1])


# --- error --------------------------------------------------------------------------------------


def mape(actual, forecast_) -> np.ndarray:
    """Mean absolute percentage error per series over the months with demand (nan if none had any).

    Months without demand are left out: a percentage of zero is undefined,
    and with intermittent demand most months are zero.
    """
    a = _as_2d(actual)
    f = np.broadcast_to(np.asarray(forecast_, dtype=np.float64).reshape(a.shape[0], -1), a.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(a > 0, np.abs(a - f) / np.where(a > 0, a, 1.0), 0.0)
        counted = (a > 0).sum(axis=1)
        return np.where(counted > 0, pct.sum(axis=1) / np.maximum(counted, 1), np.nan)


def bias(actual, forecast_) -> np.ndarray:
    """Mean of forecast − actual per series: positive means forecasting too much."""
    a = _as_2d(actual)
    f = np.broadcast_to(np.asarray(forecast_, dtype=np.float64).reshape(a.shape[0], -1), a.shape)
    return (f - a).mean(axis=1)


def mae(actual, forecast_) -> np.ndarray:
    a = _as_2d(actual)
    f = np.broadcast_to(np.asarray(forecast_, dtype=np.float64).reshape(a.shape[0], -1), a.shape)
    return np.abs(f - a).mean(axis=1)


# --- choice -------------------------------------------------------------------------------------

BY_PATTERN = "pattern"
BY_HOLDOUT = "holdout"


@dataclass(frozen=True)
class ForecastResult:
    rate: np.ndarray  # monthly demand rate per series
    method: np.ndarray  # method names
    pattern: np.ndarray
    adi: np.ndarray
    cv2: np.ndarray
    mae: np.ndarray  # holdout error of the chosen method (nan when history is too short)
    mape: np.ndarray
    bias: np.ndarray
    std: np.ndarray  # standard deviation of monthly demand, for the safety stock


def forecast_all(y, *, choice: str = BY_PATTERN, holdout: int = DEFAULT_HOLDOUT) -> ForecastResult:
    """Forecast every series with its method, chosen by pattern or by least holdout error.

    By pattern, a series going obsolete (``is_stale``: no demand for long
    against its own rhythm) gets TSB whatever its pattern, so that an old
    single demand fades instead of driving the min/max.

    The holdout is the last ``holdout`` months: each method is fitted on the
    months before and scored by mean absolute error on them; the smallest
    wins, ties going to the earlier method in ``METHODS``. Either way the
    chosen method's holdout MAE, MAPE and bias are returned, and the final
    forecast is refitted on the whole history.
    """
    arr = _as_2d(y)
    n, months = arr.shape
    stats = classify(arr)
    use_holdout = 0 < holdout < months
    train, test = (arr[:, :-holdout], arr[:, -holdout:]) if use_holdout else (arr, None)

    if test is not None:
        trial = np.vstack([forecast(train, m) for m in METHODS])  # (methods, n)
        errors = np.abs(test[None, :, :] - trial[:, :, None]).mean(axis=2)
    if choice == BY_HOLDOUT and test is not None:
        best = np.argmin(errors, axis=0)
        methods = np.array(METHODS, dtype=object)[best]
        methods[stats.pattern == NO_DEMAND] = ZERO
    else:
        methods = np.array([METHOD_BY_PATTERN[p] for p in stats.pattern], dtype=object)
        methods[is_stale(arr, stats.adi)] = TSB

    rate = np.zeros(n)
    chosen_trial = np.zeros(n)
    for name in (*METHODS, ZERO):
        mask = methods == name
        if not mask.any():
            continue
        rate[mask] = forecast(arr[mask], name)
        if test is not None and name != ZERO:
            chosen_trial[mask] = trial[METHODS.index(name), mask]

    if test is not None:
        err_mae, err_mape, err_bias = mae(test, chosen_trial), mape(test, chosen_trial), bias(test, chosen_trial)
    else:
        err_mae = err_mape = err_bias = np.full(n, np.nan)
    return ForecastResult(
        rate=rate,
        method=methods,
        pattern=stats.pattern,
        adi=stats.adi,
        cv2=stats.cv2,
        mae=err_mae,
        mape=err_mape,
        bias=err_bias,
        std=arr.std(axis=1),
    )
