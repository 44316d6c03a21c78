"""The frozen results of :func:`alignlab.horizons.trend.fit.fit_trends` (their ``to_json`` is ``trend --json``).

Dates are ``YYYY-MM-DD`` strings (None where a trend never gets there); p50 in minutes; growth in
doublings of p50 per year; errors in log2 minutes; 95% percentile intervals over the trend's bootstrap
(None without one; an end that is never reached is None in JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alignlab._results import BULK, Result
from alignlab.horizons.trend.sources import TrendSource


@dataclass(frozen=True)
class ModelPoint(Result):
    """One model on the trend: its release date and its 50% horizon with the 95% interval of its source."""

    model: str
    release_date: str
    p50_minutes: float
    p50_ci: tuple[float, float] | None


@dataclass(frozen=True)
class Holdout(Result):
    """The out-of-sample score: the trend fitted to the ``train`` oldest models forecasts the held-out
    ``models`` (the newest k, and every model released the same day as the oldest of them); ``errors``
    are forecast minus actual log2 p50, one per held-out model (None where the trend gives no forecast);
    ``mean_error`` below 0 means the newest models beat the trend."""

    models: tuple[str, ...]
    train: int
    errors: tuple[float | None, ...]
    mean_error: float | None


@dataclass(frozen=True)
class Band(Result):
    """A trend along a grid of days: its central value and the 95% band of its bootstrap (what the
    figures draw). ``days`` are day numbers (:func:`alignlab.horizons.trend.dates.day`)."""

    days: tuple[float, ...]
    value: tuple[float, ...]
    low: tuple[float, ...] | None
    high: tuple[float, ...] | None


@dataclass(frozen=True)
class PolynomialTrend(Result):
    """What the two least-squares trends of log2 p50 share: the growth rate ``doublings_per_year`` at
    ``reference_date`` (the mean release date), log2 p50 there, ``r2`` in sample, ``holdout_error`` the root
    mean square of the held-out errors (log2 minutes) with the ``holdout`` itself, and ``draws``, the
    bootstrap draws that could be fitted."""

    doublings_per_year: float
    reference_date: str
    log2_p50_at_reference: float
    r2: float
    holdout_error: float | None
    holdout: Holdout
    draws: int
    curve: Band | None = field(default=None, metadata=BULK)


@dataclass(frozen=True, kw_only=True)
class ExponentialTrend(PolynomialTrend):
    """log2 p50 = a + b u, u in years from ``reference_date``, by ordinary least squares (b =
    ``doublings_per_year``): p50 doubles every ``doubling_days`` = 365.25 / b (inf where it does not grow)."""

    doubling_days: float
    doubling_days_ci: tuple[float, float] | None
    doublings_per_year_ci: tuple[float, float] | None


@dataclass(frozen=True, kw_only=True)
class AcceleratingTrend(PolynomialTrend):
    """log2 p50 = a + b u + c u^2, u in years from ``reference_date``, by ordinary least squares (b =
    ``doublings_per_year``, the rate at the reference date). ``acceleration`` = 2c is the change of the
    growth rate per year (doublings per year, per year; > 0: faster and faster); ``doubling_days_first``
    and ``doubling_days_last`` the local doubling time 365.25 / (b + 2c u) at the oldest and newest
    release dates (inf where p50 is not growing there)."""

    acceleration: float
    acceleration_ci: tuple[float, float] | None
    doubling_days_first: float
    doubling_days_last: float
    doubling_days_last_ci: tuple[float, float] | None


@dataclass(frozen=True, kw_only=True)
class BrokenTrend(Result):
    """log2 p50 = a + b u + c (u - u_0)_+ with the break u_0 on ``break_date``, fixed in advance
    (:mod:`alignlab.horizons.trend.broken`): p50 grows ``doublings_per_year_before`` (b) and ``_after``
    (b + c) doublings a year, doubling every ``doubling_days_before`` and ``_after`` days; ``change`` = c.
    ``f_statistic`` and ``p_value`` test c = 0 (a constant doubling time) against the broken line (F with 1
    and n - 3 degrees of freedom), ``lr`` is the likelihood ratio n log(RSS_line / RSS_broken). Intervals
    over the trend's bootstrap (``draws`` fitted). Everything but the counts is None, with ``note``, when a
    side of the break has too few models to test."""

    break_date: str
    models_before: int
    models_after: int
    doublings_per_year_before: float | None = None
    doublings_per_year_before_ci: tuple[float, float] | None = None
    doublings_per_year_after: float | None = None
    doublings_per_year_after_ci: tuple[float, float] | None = None
    doubling_days_before: float | None = None
    doubling_days_before_ci: tuple[float, float] | None = None
    doubling_days_after: float | None = None
    doubling_days_after_ci: tuple[float, float] | None = None
    change: float | None = None
    change_ci: tuple[float, float] | None = None
    f_statistic: float | None = None
    p_value: float | None = None
    lr: float | None = None
    rss_line: float | None = None
    rss_broken: float | None = None
    draws: int = 0
    note: str | None = None
    curve: Band | None = field(default=None, metadata=BULK)


@dataclass(frozen=True)
class AgentBeta(Result):
    """One agent's beta from the steps curve, with its interval; ``identified`` says whether the trend
    uses it and ``weight`` its share of the trend's weight (0 when not identified); ``note`` says why not."""

    model: str
    release_date: str
    beta: float | None
    beta_ci: tuple[float, float] | None
    identified: bool
    weight: float
    note: str | None


@dataclass(frozen=True)
class StepsTrend(Result):
    """beta = beta_ref + g u by weighted least squares over the identified agents (g = ``beta_per_year``),
    the dates it crosses 1 and 2 (None with ``note`` where the data do not identify them), and the p50
    the steps model gives along it with ``tau_minutes``, ``budget`` (and ``sigma``) held at the identified
    agents' weighted geometric means. ``curve`` is log2 p50 along the trend, ``beta_curve`` beta."""

    steps_curve: str | None
    agents: tuple[AgentBeta, ...]
    identified: int
    beta_per_year: float | None
    beta_per_year_ci: tuple[float, float] | None
    reference_date: str | None
    beta_at_reference: float | None
    beta_crosses_1: str | None
    beta_crosses_1_ci: tuple[str | None, str | None] | None
    beta_crosses_2: str | None
    beta_crosses_2_ci: tuple[str | None, str | None] | None
    tau_minutes: float | None
    budget: float | None
    sigma: float | None
    holdout_error: float | None
    holdout: Holdout | None
    draws: int
    note: str | None
    curve: Band | None = field(default=None, metadata=BULK)
    beta_curve: Band | None = field(default=None, metadata=BULK)


@dataclass(frozen=True)
class Trends(Result):
    exponential: ExponentialTrend
    accelerating: AcceleratingTrend
    steps: StepsTrend
    broken: BrokenTrend | None = None


@dataclass(frozen=True)
class Estimate(Result):
    """A forecast p50 (minutes) with its 95% interval."""

    p50_minutes: float | None
    p50_ci: tuple[float, float] | None


@dataclass(frozen=True)
class Forecast(Result):
    """Each trend's p50 on ``date`` (steps: None where the steps trend is not identified)."""

    date: str
    exponential: Estimate
    accelerating: Estimate
    steps: Estimate | None


@dataclass(frozen=True)
class Arrival(Result):
    """The date a trend reaches a horizon, with its interval; None (and ``note``) where it never does."""

    date: str | None
    date_ci: tuple[str | None, str | None] | None
    note: str | None = None


@dataclass(frozen=True)
class Reach(Result):
    """When each trend reaches a p50 of ``minutes``."""

    minutes: float
    exponential: Arrival
    accelerating: Arrival
    steps: Arrival | None


@dataclass(frozen=True)
class TrendResult(Result):
    """Trends of the 50% horizon against release date (:func:`alignlab.horizons.trend.fit_trends`);
    ``seed`` reproduces the bootstrap."""

    source: TrendSource
    models: tuple[ModelPoint, ...]
    trends: Trends
    forecasts: tuple[Forecast, ...]
    reach: tuple[Reach, ...]
    seed: int | None

    def _rows(self) -> list[dict]:
        """``to_pandas()``: one row per trend (column ``trend``: exponential, accelerating, broken, steps): its
        growth (``doublings_per_year`` with ``_low`` and ``_high``; for the broken line, before and after the
        break), ``doubling_days`` likewise, ``r2``, ``holdout_error``, ``draws``, and what is particular to
        each (``acceleration``, ``change`` and ``p_value``, ``beta_per_year`` and ``beta_crosses_1``);
        NaN (None for dates) where a trend has no such number."""
        t = self.trends
        rows = []
        for name, trend in (("exponential", t.exponential), ("accelerating", t.accelerating)):
            row = {"trend": name, "doublings_per_year": trend.doublings_per_year, "r2": trend.r2,
                   "holdout_error": trend.holdout_error, "draws": trend.draws}
            if name == "exponential":
                row.update(_ends("doublings_per_year", trend.doublings_per_year_ci),
                           doubling_days=trend.doubling_days, **_ends("doubling_days", trend.doubling_days_ci))
            else:
                row.update(acceleration=trend.acceleration, **_ends("acceleration", trend.acceleration_ci),
                           doubling_days=trend.doubling_days_last, **_ends("doubling_days", trend.doubling_days_last_ci))
            rows.append(row)
        if t.broken is not None:
            b = t.broken
            for side in ("before", "after"):
                rows.append({"trend": f"broken {side} {b.break_date}",
                             "doublings_per_year": getattr(b, f"doublings_per_year_{side}"),
                             **_ends("doublings_per_year", getattr(b, f"doublings_per_year_{side}_ci")),
                             "doubling_days": getattr(b, f"doubling_days_{side}"),
                             **_ends("doubling_days", getattr(b, f"doubling_days_{side}_ci")),
                             "change": b.change, "p_value": b.p_value, "draws": b.draws})
        s = t.steps
        rows.append({"trend": "steps", "beta_per_year": s.beta_per_year, **_ends("beta_per_year", s.beta_per_year_ci),
                     "beta_crosses_1": s.beta_crosses_1, "holdout_error": s.holdout_error, "draws": s.draws})
        return rows


def _ends(name: str, ci) -> dict:
    low, high = ci if ci is not None else (None, None)
    return {f"{name}_low": low, f"{name}_high": high}
