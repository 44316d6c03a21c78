"""The frozen results of :func:`alignlab.horizons.trend.fit_trends` (their ``to_json`` is ``trend --json``).

Dates are ``YYYY-MM-DD`` strings (None where a trend never gets there); p50 in minutes; growth in
doublings of p50 per year; errors in log2 minutes; 95% percentile intervals over the trend's bootstrap
(None without one; an end that is never reached is None in JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alignlab._results import BULK, Result
from alignlab.horizons.trend_sources import TrendSource


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
    figures draw). ``days`` are day numbers (:func:`alignlab.horizons.dates.day`)."""

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


@dataclass(frozen=True)
class AgentBeta(Result):
    """One agent's beta from the steps family, with its interval; ``identified`` says whether the trend
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

    family: str | None
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
