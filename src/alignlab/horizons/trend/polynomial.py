"""The exponential and accelerating trends: least squares of log2 p50 on a line or a quadratic in time."""

from __future__ import annotations

import dataclasses

import numpy as np

from alignlab.horizons.intervals import interval
from alignlab.horizons.trend.frame import (Frame, arrival, band_of, doubling_days, estimate, evaluate, holdout_score,
                                           least_squares, rising_root)
from alignlab.horizons.trend.results import AcceleratingTrend, ExponentialTrend


@dataclasses.dataclass
class Fitted:
    """A trend's result with its forecasts and arrivals (one per forecast date and reach level)."""

    result: object
    forecasts: tuple = ()
    arrivals: tuple = ()


def polynomial_trend(frame: Frame, y, y_draws, counts, degree: int, models) -> Fitted:
    """The exponential (degree 1) or accelerating (degree 2) trend: least squares of log2 p50 on a
    polynomial in u, its bootstrap, held-out score, forecasts and arrival dates."""
    ones = np.ones_like(y)
    coef = least_squares(frame, y, ones, degree)[0]
    boot = least_squares(frame, y_draws, counts, degree) if counts.shape[0] else np.zeros((0, degree + 1))
    boot = boot[~np.isnan(boot).any(axis=1)]
    have = boot.shape[0] > 0
    fitted = evaluate(coef[None], frame.u)[0]
    r2 = float(1.0 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum())
    train = least_squares(frame, y, (~frame.held).astype(float), degree)[0]
    error, holdout = holdout_score(frame, models, evaluate(train[None], frame.u[frame.held])[0], y)
    grid_u = frame.years(frame.grid)
    curve = band_of(frame, evaluate(coef[None], grid_u)[0], evaluate(boot, grid_u) if have else None)
    forecasts = tuple(estimate(evaluate(coef[None], [u])[0, 0], evaluate(boot, [u])[:, 0] if have else None)
                      for u in frame.forecast_u)
    arrivals = tuple(arrival(frame, float(rising_root(coef[None], level)[0]),
                              rising_root(boot, level) if have else None) for level in frame.levels)
    shared = dict(doublings_per_year=float(coef[1]), reference_date=frame.reference_date,
                  log2_p50_at_reference=float(coef[0]), r2=r2, holdout_error=error, holdout=holdout,
                  draws=int(boot.shape[0]), curve=curve)
    if degree == 1:
        result = ExponentialTrend(**shared, doubling_days=float(doubling_days(coef[1])),
                                  doubling_days_ci=interval(doubling_days(boot[:, 1])) if have else None,
                                  doublings_per_year_ci=interval(boot[:, 1]) if have else None)
    else:
        first, last = frame.u.min(), frame.u.max()
        result = AcceleratingTrend(**shared, acceleration=float(2 * coef[2]),
                                   acceleration_ci=interval(2 * boot[:, 2]) if have else None,
                                   doubling_days_first=float(doubling_days(coef[1] + 2 * coef[2] * first)),
                                   doubling_days_last=float(doubling_days(coef[1] + 2 * coef[2] * last)),
                                   doubling_days_last_ci=interval(doubling_days(boot[:, 1] + 2 * boot[:, 2] * last))
                                   if have else None)
    return Fitted(result, forecasts, arrivals)
