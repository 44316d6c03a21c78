"""What every trend shares: the time axis, the held-out split, the bootstrap's draws, weighted least squares
of polynomials in time, and the summaries (intervals, bands, dates reached, held-out scores)."""

from __future__ import annotations

import numpy as np

from alignlab import _validate as v
from alignlab._seeding import block_generator
from alignlab.horizons.intervals import Z95, band, interval
from alignlab.horizons.trend.dates import DAYS_PER_YEAR, day, iso
from alignlab.horizons.trend.results import Arrival, Band, Estimate, Holdout
from alignlab.horizons.trend.sources import MIN_DATES

TREND_STREAM = 1                # block key of the trend's draws (the horizons fit's draws use (b,))
GRID = 60                       # points of each trend curve
AHEAD_YEARS = 2.0               # the curves run this far beyond the newest model (and to every forecast date)


def holdout_split(days: np.ndarray, k: int) -> np.ndarray:
    """Which models are held out (a boolean mask): the newest ``k`` by release day, and every model
    released on the day of the oldest of them; the rest must span :data:`MIN_DATES` release days. k = 0
    holds out nothing (no held-out score)."""
    n = days.size
    if k == 0:
        return np.zeros(n, dtype=bool)
    if k >= n:
        raise v.ParameterError("holdout", f"must be smaller than the number of models on the trend, {n} (got {k})")
    boundary = np.sort(days)[n - k]
    held = days >= boundary
    left = np.unique(days[~held]).size
    if left < MIN_DATES:
        ties = f", {int(held.sum())} with the models released the same day" if held.sum() > k else ""
        raise v.ParameterError("holdout", f"holding out the newest {k} models{ties} leaves {left} release dates to "
                                          f"fit on; a trend needs {MIN_DATES} (got {k})")
    return held


class Frame:
    """The time axis: release days, years from the reference day, the held-out split, the grid of the
    curves, and the forecast dates and reach levels in the trend's units."""

    def __init__(self, days, held, forecast, reach):
        self.days, self.held = days, held
        self.reference = float(days.mean())
        self.u = self.years(days)
        _, self.date_id = np.unique(days, return_inverse=True)
        self.dates = int(self.date_id.max()) + 1
        end = max([days.max() + AHEAD_YEARS * DAYS_PER_YEAR] + [day(d) for d in forecast])
        self.grid = np.linspace(days.min(), end, GRID)
        self.forecast_u = self.years(np.array([day(d) for d in forecast]))
        self.levels = np.log2(np.array(reach, dtype=float))

    def years(self, days):
        return (np.asarray(days, dtype=float) - self.reference) / DAYS_PER_YEAR

    def day_of(self, u):
        return self.reference + np.asarray(u) * DAYS_PER_YEAR

    @property
    def reference_date(self) -> str:
        return iso(self.reference)

    def distinct_dates(self, weights: np.ndarray) -> np.ndarray:
        """Per row of ``weights`` (D, n), the number of distinct release days with positive weight."""
        onehot = np.zeros((self.u.size, self.dates))
        onehot[np.arange(self.u.size), self.date_id] = 1.0
        return ((weights > 0) @ onehot > 0).sum(axis=-1)


def joint_draws(per_model, bootstrap: int) -> np.ndarray | None:
    """(draws, models) from every model's own draws when each has ``bootstrap`` of them, else None."""
    if bootstrap == 0 or any(d is None or len(d) != bootstrap for d in per_model):
        return None
    return np.array(per_model, dtype=float).T


class Draws:
    """Per bootstrap draw b (from ``block_generator(root, TREND_STREAM, b)`` only): how often each model is
    drawn (``counts``) and the standard normal deviates of its p50 (``z``) and its beta (``z_beta``); or,
    from :meth:`joint`, the horizons fit's own draws of beta (``beta``), every model once a draw."""

    beta = None

    def __init__(self, root, count: int, n: int):
        self.counts, self.z, self.z_beta = np.zeros((count, n)), np.zeros((count, n)), np.zeros((count, n))
        for b in range(count):
            rng = block_generator(root, TREND_STREAM, b)
            self.counts[b] = rng.multinomial(n, np.full(n, 1.0 / n))
            self.z[b] = rng.standard_normal(n)
            self.z_beta[b] = rng.standard_normal(n)

    @classmethod
    def joint(cls, p50: np.ndarray, beta: np.ndarray | None) -> Draws:
        draws = cls(None, 0, p50.shape[1])
        draws.counts = np.ones_like(p50)
        draws.z = draws.z_beta = np.zeros_like(p50)
        draws.beta = beta
        return draws

    @property
    def count(self) -> int:
        return self.counts.shape[0]


def scales(center, low, high):
    """Split-normal scales (below, above) that put ``low`` and ``high`` at the 2.5% and 97.5% points; an
    unbounded or missing end takes the other side's scale, and both missing give 0 (no noise)."""
    with np.errstate(invalid="ignore"):
        below, above = (center - low) / Z95, (high - center) / Z95
    below_ok, above_ok = np.isfinite(below), np.isfinite(above)
    below = np.where(below_ok, below, np.where(above_ok, above, 0.0))
    above = np.where(above_ok, above, below)
    return below, above


def least_squares(frame: Frame, y, w, degree: int) -> np.ndarray:
    """Weighted least squares of y on 1, u, ..., u^degree, one fit per row: y, w (D, n) -> coefficients
    (D, degree + 1), NaN for rows with fewer than degree + 1 distinct release days of positive weight."""
    w = np.atleast_2d(w)
    return solve(np.vander(frame.u, degree + 1, increasing=True), y, w, frame.distinct_dates(w) > degree)


def solve(x, y, w, ok) -> np.ndarray:
    """Weighted least squares of y on the columns of ``x`` (n, p), one fit per row of y, w (D, n);
    coefficients (D, p), NaN where ``ok`` (D,) is False."""
    y, w = np.atleast_2d(y), np.atleast_2d(w)
    xw = x[None] * w[..., None]                                               # (D, n, p)
    a = np.einsum("dnp,nq->dpq", xw, x)
    r = np.einsum("dnp,dn->dp", xw, np.where(w > 0, y, 0.0))
    a[~ok] = np.eye(x.shape[1])
    r[~ok] = 0.0
    coef = np.linalg.solve(a, r[..., None])[..., 0]
    coef[~ok] = np.nan
    return coef


def evaluate(coef, u) -> np.ndarray:
    """a + b u (+ c u^2) for every row of ``coef`` (D, p) at every u (m,) -> (D, m)."""
    return coef @ np.vander(np.asarray(u, dtype=float), coef.shape[-1], increasing=True).T


def rising_root(coef, level) -> np.ndarray:
    """Per row, the u where a + b u (+ c u^2) reaches ``level`` on its rising branch: +inf where it never
    does, -inf where the whole rising branch lies above it (a parabola opening upwards whose minimum is
    above the level)."""
    a = coef[:, 0] - level
    b = coef[:, 1]
    c = coef[:, 2] if coef.shape[1] > 2 else np.zeros_like(b)
    disc = b * b - 4.0 * c * a
    s = np.sqrt(np.maximum(disc, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        # -2a/(b + s) is (-b + s)/(2c) without the cancellation when b > 0 (and the line's -a/b when c = 0)
        root = np.where(b > 0, -2.0 * a / (b + s), np.where(c != 0, (s - b) / (2.0 * c), np.inf))
    return np.where(disc < 0, np.where(c > 0, -np.inf, np.inf), root)


def date_interval(frame: Frame, u) -> tuple[str | None, str | None] | None:
    ci = interval(u)
    return None if ci is None else (iso(frame.day_of(ci[0])), iso(frame.day_of(ci[1])))


def doubling_days(rate):
    """365.25 / (doublings per year); inf where p50 does not grow."""
    with np.errstate(divide="ignore"):
        return np.where(rate > 0, DAYS_PER_YEAR / np.where(rate > 0, rate, 1.0), np.inf)


def arrival(frame: Frame, point_u: float, draws_u) -> Arrival:
    """An :class:`Arrival` from the point estimate and the draws of the u where a trend reaches a level."""
    date_ci = date_interval(frame, draws_u) if draws_u is not None else None
    if point_u == np.inf:
        return Arrival(None, date_ci, "never: the trend does not rise to it")
    if point_u == -np.inf:
        return Arrival(None, date_ci, "the trend is above it at every date")
    date = iso(frame.day_of(point_u))
    return Arrival(date, date_ci, None if date is not None else "outside the calendar (before year 1 or after 9999)")


def estimate(point_log2: float, draws_log2) -> Estimate:
    with np.errstate(over="ignore"):
        ci = interval(np.exp2(draws_log2)) if draws_log2 is not None else None
        return Estimate(float(np.exp2(point_log2)), ci)


def band_of(frame: Frame, point, draws) -> Band:
    """A trend along the frame's grid with the 95% band of its draws (D, grid)."""
    ends = band(draws) if draws is not None else None
    low, high = (None, None) if ends is None else (tuple(ends[0].tolist()), tuple(ends[1].tolist()))
    return Band(tuple(frame.grid.tolist()), tuple(np.asarray(point, dtype=float).tolist()), low, high)


def holdout_score(frame: Frame, models, forecast_log2, y) -> tuple[float | None, Holdout]:
    """The held-out score from forecasts (log2 p50, NaN where none) of the held-out models."""
    held = np.flatnonzero(frame.held)
    errors = forecast_log2 - y[held]
    finite = errors[np.isfinite(errors)]
    rmse = float(np.sqrt(np.mean(finite ** 2))) if finite.size else None
    mean = float(finite.mean()) if finite.size else None
    return rmse, Holdout(models=tuple(models[i] for i in held), train=int((~frame.held).sum()),
                         errors=tuple(float(e) if np.isfinite(e) else None for e in errors), mean_error=mean)
