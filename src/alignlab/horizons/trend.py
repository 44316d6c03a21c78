r"""Trends of the 50% horizon against release date: exponential, accelerating, and the steps model's beta.

Model i was released on day :math:`d_i` (:mod:`alignlab.horizons.dates`); :math:`u_i = (d_i - \bar d)/365.25`
is its release date in years from the reference date :math:`\bar d`, the mean release day of the models on
the trend, and :math:`y_i = \log_2 p50_i` (p50 in minutes). Three trends:

* **exponential** (METR): :math:`y = a + b u` by ordinary least squares. p50 doubles every
  :math:`365.25/b` days (inf where b <= 0); ``r2`` is the in-sample :math:`R^2`.
* **accelerating**: :math:`y = a + b u + c u^2` by ordinary least squares; ``acceleration`` = 2c, the
  change in the growth rate (doublings per year) per year, and the local doubling time
  :math:`365.25/(b + 2cu)` at the oldest and newest release dates. A quadratic and not two segments with
  a fitted break: with 10 to 30 models the break's likelihood is flat and ragged (it moves by a year
  when one model is left out, and a bootstrap of it piles up at the data's dates), while the curvature is
  one linear coefficient, identified by every model, with a bootstrap distribution that is smooth.
* **steps**: each agent's beta (= Q alpha) from a fit of the steps family, against release date:
  :math:`\beta = \beta_0 + g u` by weighted least squares with weights :math:`1/s_i^2`,
  :math:`s_i = (\beta_{hi} - \beta_{lo})/(2 \cdot 1.96)` from beta's 95% interval (at least
  :data:`SE_FLOOR`). Only *identified* agents count: beta not at an end of the range the horizons fit
  allows (the lower end, 0.05, is the constant-hazard limit), and an interval spanning at most
  :data:`IDENTIFIED_SPAN` of that range in log beta. It needs :data:`MIN_IDENTIFIED` identified agents;
  beta crosses 1 and 2 at :math:`u = (1 - \beta_0)/g` and :math:`(2 - \beta_0)/g` when g > 0 (never
  otherwise). Along the trend the steps model gives p50 = H(beta): the horizon of the steps family at
  beta, with tau, the budget B (and sigma for steps-mixed) held at the identified agents' weighted
  geometric means (in the model only Q, hence beta, changes from agent to agent); beta is clipped to the
  fitted range, so H saturates at beta = 4 (and tends to tau B as beta grows: with a fixed budget the
  steps model caps the horizon).

**Bootstrap** (``bootstrap`` draws). From a runs file, as METR does: draw b of the trend is draw b of
the horizons fit's hierarchical bootstrap for every agent at once (the same resample of task families,
tasks and runs), its p50 and beta; a trend is fitted to each draw (draws where an agent's p50 does not
exist or could not be fitted are left out). From a published table, whose draws are not published:
draw b uses only ``block_generator(root, 1, b)``; the models are resampled with replacement (which
models happened to be released) and each drawn model's log2 p50 is drawn from a split normal matching
its 95% interval (how well it was measured): :math:`y + z s_\pm`, :math:`z \sim N(0, 1)`,
:math:`s_+ = (y_{hi} - y)/1.96` for z > 0 and :math:`s_- = (y - y_{lo})/1.96` below (an end that is
unbounded takes the other side's scale; no interval: no noise). Every trend is refitted to every draw; a
draw with too few distinct release dates for a trend is left out of it (``draws`` counts those kept).
Intervals are the 2.5% and 97.5% percentiles (a date never reached counts as +inf).

**Held out**: the models are sorted by release date; the newest ``holdout`` = k are held out, and with
them every model released on the same day as the oldest held-out one (a model cannot be forecast from
one released the same day), so ties at the boundary hold out more than k. Each trend is fitted to the
rest, forecasts the held-out models, and ``holdout_error`` is the root mean square of forecast minus
actual log2 p50.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np

from alignlab import _validate as v
from alignlab._limits import check_memory, check_work
from alignlab._random import block_generator, seed_sequence, seed_used
from alignlab.horizons.dates import DAYS_PER_YEAR, day, iso, parse_date
from alignlab.horizons.fit import _interval
from alignlab.horizons.lomax_table import BETA_RANGE
from alignlab.horizons.trend_results import (AcceleratingTrend, AgentBeta, Arrival, Band, Estimate,
                                             ExponentialTrend, Forecast, Holdout, ModelPoint, Reach, StepsTrend,
                                             TrendResult, Trends)
from alignlab.horizons.trend_sources import (MIN_DATES, STEPS_FAMILIES, TrendInput, check_dates, check_undated,
                                             date_filter, fitted_input)

Z95 = 1.959963984540054
TREND_STREAM = 1                # block key of the trend's draws (the horizons fit's draws use (b,))
GRID = 60                       # points of each trend curve
AHEAD_YEARS = 2.0               # the curves run this far beyond the newest model (and to every forecast date)
MAX_VALUES = 2e7                # draws x values per draw (about 6 s here: 1e5 draws of 7 models) unless
                                # max_work says more
IDENTIFIED_SPAN = 0.5           # beta identified: its interval spans at most this share of the range, in log
MIN_IDENTIFIED = 3
SE_FLOOR = 0.01
MAX_HOLDOUT = 10 ** 6           # far more models than any trend has: keeps the messages short
BETA_LEVELS = (1.0, 2.0)


def trend_options(holdout, forecast, reach, bootstrap):
    """The trend's options checked (before any work): ``holdout`` k >= 0, ``forecast`` dates, ``reach``
    minutes > 0, ``bootstrap`` draws >= 0."""
    holdout = v.integer("holdout", holdout, low=0, high=MAX_HOLDOUT)
    bootstrap = v.integer("bootstrap", bootstrap, low=0)
    forecast = tuple(d if isinstance(d, dt.date) else parse_date("forecast", d) for d in (forecast or ()))
    reach = tuple(v.real("reach", m, low=0.0, low_open=True) for m in (reach or ()))
    return holdout, forecast, reach, bootstrap


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


def fit_trends(data: TrendInput, *, holdout: int = 3, forecast=(), reach=(), bootstrap: int = 1000, seed=None,
               max_work: float | None = None) -> TrendResult:
    """Fit the three trends to ``data`` (see the module docstring), forecast p50 on the ``forecast`` dates
    and the dates the trends reach the ``reach`` horizons (minutes). ``max_work`` raises the limit
    :data:`MAX_VALUES` on the bootstrap's work."""
    holdout, forecast, reach, bootstrap = trend_options(holdout, forecast, reach, bootstrap)
    points = tuple(sorted(data.points, key=lambda p: (p.release_date, p.model)))
    check_dates([p.release_date for p in points])
    n = len(points)
    days = np.array([day(p.release_date) for p in points])
    held = holdout_split(days, holdout)
    _check_work(bootstrap, n, forecast, reach, max_work)
    root = seed_sequence(seed)
    frame = _Frame(days, held, forecast, reach)
    y = np.log2([p.p50_minutes for p in points])
    ci = np.log2(np.array([p.p50_ci if p.p50_ci else (np.nan, np.nan) for p in points], dtype=float))
    joint = _joint_draws([p.p50_draws for p in points], bootstrap)
    if joint is not None:                     # the horizons fit's own draws, joint across agents
        draws = _Draws.joint(joint, _joint_draws([p.beta_draws for p in points], bootstrap))
        with np.errstate(divide="ignore", invalid="ignore"):
            y_draws = np.log2(joint)
        y_draws[~np.isfinite(y_draws).all(axis=1)] = np.nan
    else:
        draws = _Draws(root, bootstrap, n)
        below, above = _scales(y, ci[:, 0], ci[:, 1])
        y_draws = y + draws.z * np.where(draws.z > 0, above, below)
    fits = {}
    for name, degree in (("exponential", 1), ("accelerating", 2)):
        fits[name] = _polynomial_trend(frame, y, y_draws, draws.counts, degree, [p.model for p in points])
    steps = _steps_trend(frame, points, y, draws, data.source.steps_family)
    exp_fit, acc_fit = fits["exponential"], fits["accelerating"]
    forecasts = tuple(Forecast(date.isoformat(), exp_fit.forecasts[i], acc_fit.forecasts[i],
                               steps.forecasts[i] if steps.forecasts else None) for i, date in enumerate(forecast))
    reaches = tuple(Reach(m, exp_fit.arrivals[i], acc_fit.arrivals[i], steps.arrivals[i] if steps.arrivals else None)
                    for i, m in enumerate(reach))
    models = tuple(ModelPoint(p.model, p.release_date.isoformat(), p.p50_minutes, p.p50_ci) for p in points)
    source = dataclasses.replace(data.source, bootstrap=bootstrap, holdout=holdout)
    return TrendResult(source, models, Trends(exp_fit.result, acc_fit.result, steps.result), forecasts, reaches,
                       seed_used(root))


def runs_trend(runs, release_dates, *, agents=None, family: str = "logistic", steps_family: str = "steps-mixed",
               skip_undated: bool = False, frontier_only: bool = False, since=None, weights: str = "invsqrt",
               penalty: float | None = None, bootstrap: int = 1000, holdout: int = 3, forecast=(), reach=(),
               seed=None, workers: int | None = None, scheduler: str | None = None, progress=False,
               max_work: float | None = None) -> TrendResult:
    """Trends of agents fitted from a runs file: ``runs`` (a :class:`~alignlab.horizons.runs.Runs` or a
    path) and ``release_dates`` (agent -> date, or a CSV path; :func:`~alignlab.horizons.dates.read_release_dates`).
    Everything is checked before the fit: the options, every agent's release date (``skip_undated``
    leaves undated agents out), that the filters leave a trend to fit, and the work of the horizons fit
    (``bootstrap`` draws x agents x families, at most ``fit.MAX_REFITS`` unless ``max_work`` says more).
    Then :func:`~alignlab.horizons.fit.fit_horizons` fits ``family`` (whose p50 is trended) and
    ``steps_family`` (beta) with ``bootstrap`` draws and no cross-validation, and :func:`fit_trends` fits
    the trends with as many draws, from the same ``seed``."""
    from alignlab.horizons.dates import read_release_dates
    from alignlab.horizons.families import FAMILIES
    from alignlab.horizons.fit import fit_horizons
    from alignlab.horizons.runs import Runs, load_runs

    holdout, forecast, reach, bootstrap = trend_options(holdout, forecast, reach, bootstrap)
    family = v.choice("family", family, tuple(FAMILIES))
    steps_family = v.choice("steps-family", steps_family, STEPS_FAMILIES)
    since = None if since is None else date_filter(since)
    if not isinstance(runs, Runs):
        runs = load_runs(runs)
    dates_file = None
    if not isinstance(release_dates, dict):
        dates_file = str(release_dates)
        release_dates = read_release_dates(release_dates, agent_column=runs.columns["agent"])
    if agents is not None:
        runs = runs.select(tuple(agents))
    undated = check_undated(runs.agents, release_dates, skip_undated, dates_file)
    dated = [a for a in runs.agents if a not in undated]
    kept = [release_dates[a] for a in dated if since is None or release_dates[a] >= since]
    check_dates(kept, since=since)
    holdout_split(np.array([day(d) for d in kept]), holdout)
    _check_work(bootstrap, len(kept), forecast, reach, max_work)
    families = tuple(dict.fromkeys((family, steps_family)))
    root = seed_sequence(seed)
    result = fit_horizons(runs.select(dated), families=families, weights=weights, penalty=penalty,
                          bootstrap=bootstrap, cv="none", seed=root, workers=workers, scheduler=scheduler,
                          progress=progress, max_work=max_work)
    data = fitted_input(result, release_dates, family=family, steps_family=steps_family, frontier_only=frontier_only,
                        since=since, release_dates_file=dates_file,
                        left_out=[f"{a}: no release date" for a in undated])
    return fit_trends(data, holdout=holdout, forecast=forecast, reach=reach, bootstrap=bootstrap, seed=root,
                      max_work=max_work)


def _check_work(bootstrap: int, models: int, forecast, reach, max_work) -> None:
    """The trend bootstrap's values (draws x values per draw) against :data:`MAX_VALUES`, and its memory."""
    per_draw = 2 * models + 3 * (GRID + len(forecast) + len(reach))
    check_work("bootstrap", float(bootstrap) * per_draw, MAX_VALUES, "values drawn and evaluated", max_work)
    check_memory("bootstrap", 8.0 * bootstrap * per_draw * 4, "the trend bootstrap")


# -- shared pieces -----------------------------------------------------------------------------------
class _Frame:
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


def _joint_draws(per_model, bootstrap: int) -> np.ndarray | None:
    """(draws, models) from every model's own draws when each has ``bootstrap`` of them, else None."""
    if bootstrap == 0 or any(d is None or len(d) != bootstrap for d in per_model):
        return None
    return np.array(per_model, dtype=float).T


class _Draws:
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
    def joint(cls, p50: np.ndarray, beta: np.ndarray | None) -> _Draws:
        draws = cls(None, 0, p50.shape[1])
        draws.counts = np.ones_like(p50)
        draws.z = draws.z_beta = np.zeros_like(p50)
        draws.beta = beta
        return draws

    @property
    def count(self) -> int:
        return self.counts.shape[0]


def _scales(center, low, high):
    """Split-normal scales (below, above) that put ``low`` and ``high`` at the 2.5% and 97.5% points; an
    unbounded or missing end takes the other side's scale, and both missing give 0 (no noise)."""
    with np.errstate(invalid="ignore"):
        below, above = (center - low) / Z95, (high - center) / Z95
    below_ok, above_ok = np.isfinite(below), np.isfinite(above)
    below = np.where(below_ok, below, np.where(above_ok, above, 0.0))
    above = np.where(above_ok, above, below)
    return below, above


def _least_squares(frame: _Frame, y, w, degree: int) -> np.ndarray:
    """Weighted least squares of y on 1, u, ..., u^degree, one fit per row: y, w (D, n) -> coefficients
    (D, degree + 1), NaN for rows with fewer than degree + 1 distinct release days of positive weight."""
    y, w = np.atleast_2d(y), np.atleast_2d(w)
    x = np.vander(frame.u, degree + 1, increasing=True)                       # (n, p)
    xw = x[None] * w[..., None]                                               # (D, n, p)
    a = np.einsum("dnp,nq->dpq", xw, x)
    r = np.einsum("dnp,dn->dp", xw, np.where(w > 0, y, 0.0))
    ok = frame.distinct_dates(w) > degree
    a[~ok] = np.eye(degree + 1)
    r[~ok] = 0.0
    coef = np.linalg.solve(a, r[..., None])[..., 0]
    coef[~ok] = np.nan
    return coef


def _evaluate(coef, u) -> np.ndarray:
    """a + b u (+ c u^2) for every row of ``coef`` (D, p) at every u (m,) -> (D, m)."""
    return coef @ np.vander(np.asarray(u, dtype=float), coef.shape[-1], increasing=True).T


def _rising_root(coef, level) -> np.ndarray:
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


def _ci(values) -> tuple[float, float] | None:
    """The 95% percentile interval of the draws that could be fitted (NaN rows left out)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    return _interval(values) if values.size else None


def _date_ci(frame: _Frame, u) -> tuple[str | None, str | None] | None:
    ci = _ci(u)
    return None if ci is None else (iso(frame.day_of(ci[0])), iso(frame.day_of(ci[1])))


def _doubling_days(rate):
    """365.25 / (doublings per year); inf where p50 does not grow."""
    with np.errstate(divide="ignore"):
        return np.where(rate > 0, DAYS_PER_YEAR / np.where(rate > 0, rate, 1.0), np.inf)


def _arrival(frame: _Frame, point_u: float, draws_u) -> Arrival:
    """An :class:`Arrival` from the point estimate and the draws of the u where a trend reaches a level."""
    date_ci = _date_ci(frame, draws_u) if draws_u is not None else None
    if point_u == np.inf:
        return Arrival(None, date_ci, "never: the trend does not rise to it")
    if point_u == -np.inf:
        return Arrival(None, date_ci, "the trend is above it at every date")
    date = iso(frame.day_of(point_u))
    return Arrival(date, date_ci, None if date is not None else "outside the calendar (before year 1 or after 9999)")


def _estimate(point_log2: float, draws_log2) -> Estimate:
    with np.errstate(over="ignore"):
        ci = _ci(np.exp2(draws_log2)) if draws_log2 is not None else None
        return Estimate(float(np.exp2(point_log2)), ci)


def _band(frame: _Frame, point, draws) -> Band:
    low = high = None
    if draws is not None:
        draws = draws[~np.isnan(draws).any(axis=1)]
        if draws.shape[0]:
            low, high = np.quantile(draws, [0.025, 0.975], axis=0, method="inverted_cdf")
            low, high = tuple(low.tolist()), tuple(high.tolist())
    return Band(tuple(frame.grid.tolist()), tuple(np.asarray(point, dtype=float).tolist()), low, high)


def _holdout(frame: _Frame, models, forecast_log2, y) -> tuple[float | None, Holdout]:
    """The held-out score from forecasts (log2 p50, NaN where none) of the held-out models."""
    held = np.flatnonzero(frame.held)
    errors = forecast_log2 - y[held]
    finite = errors[np.isfinite(errors)]
    rmse = float(np.sqrt(np.mean(finite ** 2))) if finite.size else None
    mean = float(finite.mean()) if finite.size else None
    return rmse, Holdout(tuple(models[i] for i in held), int((~frame.held).sum()),
                         tuple(float(e) if np.isfinite(e) else None for e in errors), mean)


# -- exponential and accelerating ---------------------------------------------------------------------
@dataclasses.dataclass
class _Fitted:
    """A trend's result with its forecasts and arrivals (one per forecast date and reach level)."""

    result: object
    forecasts: tuple = ()
    arrivals: tuple = ()


def _polynomial_trend(frame: _Frame, y, y_draws, counts, degree: int, models) -> _Fitted:
    """The exponential (degree 1) or accelerating (degree 2) trend: least squares of log2 p50 on a
    polynomial in u, its bootstrap, held-out score, forecasts and arrival dates."""
    ones = np.ones_like(y)
    coef = _least_squares(frame, y, ones, degree)[0]
    boot = _least_squares(frame, y_draws, counts, degree) if counts.shape[0] else np.zeros((0, degree + 1))
    boot = boot[~np.isnan(boot).any(axis=1)]
    have = boot.shape[0] > 0
    fitted = _evaluate(coef[None], frame.u)[0]
    r2 = float(1.0 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum())
    train = _least_squares(frame, y, (~frame.held).astype(float), degree)[0]
    error, holdout = _holdout(frame, models, _evaluate(train[None], frame.u[frame.held])[0], y)
    grid_u = frame.years(frame.grid)
    curve = _band(frame, _evaluate(coef[None], grid_u)[0], _evaluate(boot, grid_u) if have else None)
    forecasts = tuple(_estimate(_evaluate(coef[None], [u])[0, 0], _evaluate(boot, [u])[:, 0] if have else None)
                      for u in frame.forecast_u)
    arrivals = tuple(_arrival(frame, float(_rising_root(coef[None], level)[0]),
                              _rising_root(boot, level) if have else None) for level in frame.levels)
    shared = dict(doublings_per_year=float(coef[1]), reference_date=frame.reference_date,
                  log2_p50_at_reference=float(coef[0]), r2=r2, holdout_error=error, holdout=holdout,
                  draws=int(boot.shape[0]), curve=curve)
    if degree == 1:
        result = ExponentialTrend(**shared, doubling_days=float(_doubling_days(coef[1])),
                                  doubling_days_ci=_ci(_doubling_days(boot[:, 1])) if have else None,
                                  doublings_per_year_ci=_ci(boot[:, 1]) if have else None)
    else:
        first, last = frame.u.min(), frame.u.max()
        result = AcceleratingTrend(**shared, acceleration=float(2 * coef[2]),
                                   acceleration_ci=_ci(2 * boot[:, 2]) if have else None,
                                   doubling_days_first=float(_doubling_days(coef[1] + 2 * coef[2] * first)),
                                   doubling_days_last=float(_doubling_days(coef[1] + 2 * coef[2] * last)),
                                   doubling_days_last_ci=_ci(_doubling_days(boot[:, 1] + 2 * boot[:, 2] * last))
                                   if have else None)
    return _Fitted(result, forecasts, arrivals)


# -- steps -----------------------------------------------------------------------------------------------
_WHY = {"no fit": "without a steps fit", "lower": "with beta at the lower end of its range ({floor:g}: the "
                                                    "constant-hazard limit)",
        "upper": "with beta at the upper end of its range ({ceiling:g})",
        "no interval": "without an interval for beta (no bootstrap)",
        "wide": "with intervals spanning more than {span:.0%} of the range in log beta"}


def _identify(point) -> tuple[bool, float | None, str | None, str | None]:
    """Whether the agent's beta is identified (module docstring), its standard error, and why not: a
    key of :data:`_WHY` and a note on this agent."""
    floor, ceiling = BETA_RANGE
    if point.steps is None:
        return False, None, "no fit", "no steps fit"
    beta = point.steps["beta"]
    if beta <= floor * (1 + 1e-6):
        return False, None, "lower", f"beta at the lower end of its range ({floor:g}: the constant-hazard limit)"
    if beta >= ceiling * (1 - 1e-6):
        return False, None, "upper", f"beta at the upper end of its range ({ceiling:g})"
    if point.beta_ci is None:
        return False, None, "no interval", "no interval for beta (the horizons fit drew no bootstrap)"
    lo, hi = point.beta_ci
    span = math.log(hi / lo) / math.log(ceiling / floor)
    if span > IDENTIFIED_SPAN:
        return False, None, "wide", f"interval [{lo:.3g}, {hi:.3g}] spans {span:.0%} of the range " \
                                    f"[{floor:g}, {ceiling:g}] in log beta"
    return True, max((hi - lo) / (2 * Z95), SE_FLOOR), None, None


def _unidentified(points, verdicts) -> str:
    """Which agents identify beta, and how many do not, by reason."""
    good = [p.model for p, v_ in zip(points, verdicts) if v_[0]]
    kinds = [v_[2] for v_ in verdicts if not v_[0]]
    floor, ceiling = BETA_RANGE
    why = ", ".join(f"{kinds.count(k)} " + _WHY[k].format(floor=floor, ceiling=ceiling, span=IDENTIFIED_SPAN)
                    for k in _WHY if k in kinds)
    return (f"beta is identified for {len(good)} of {len(points)} agents" + (f" ({', '.join(good)})" if good else "")
            + (f"; the others: {why}" if why else ""))


class _StepsHorizon:
    """p50 of the steps family against beta, at fixed tau, budget (and sigma): log2 p50 on a grid of beta
    over the fitted range, interpolated (it rises with beta: a lighter tail of subtask times)."""

    BETAS = 97

    def __init__(self, family: str, params: dict):
        from alignlab.horizons.families import FAMILIES
        steps = FAMILIES[family]
        self.log_beta = np.linspace(math.log(BETA_RANGE[0]), math.log(BETA_RANGE[1]), self.BETAS)
        theta = np.stack([steps.theta({**params, "beta": float(b)}) for b in np.exp(self.log_beta)])
        self.log2_p50 = np.maximum.accumulate(np.log2(steps.horizon(theta, 0.5)))

    def __call__(self, beta) -> np.ndarray:
        """log2 p50 at ``beta`` (clipped to the fitted range)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.interp(np.log(np.maximum(beta, 1e-300)), self.log_beta, self.log2_p50)

    def beta_for(self, level: float) -> float:
        """The beta whose p50 is 2^level: +inf above what beta = 4 reaches, -inf below beta = 0.05's."""
        if level > self.log2_p50[-1]:
            return math.inf
        if level < self.log2_p50[0]:
            return -math.inf
        return float(np.exp(np.interp(level, self.log2_p50, self.log_beta)))


def _pooled(points, weights, family: str) -> dict:
    """tau and budget (weighted geometric means) and sigma (weighted mean) of the weighted agents' fits."""
    w = weights / weights.sum()
    keys = ("tau_minutes", "budget") + (("sigma",) if family == "steps-mixed" else ())
    out = {}
    for key in keys:
        values = np.array([p.steps[key] if w_i > 0 else 1.0 for p, w_i in zip(points, w)], dtype=float)
        out[key] = float(np.exp((w * np.log(values)).sum())) if key != "sigma" else float((w * values).sum())
    return out


def _steps_trend(frame: _Frame, points, y, draws: _Draws, family: str | None) -> _Fitted:
    """The steps trend (module docstring) with beta from ``family`` (None: the source has none)."""
    verdicts = [_identify(p) for p in points]
    identified = np.array([ok for ok, _, _, _ in verdicts])
    se = np.array([s if s is not None else np.inf for _, s, _, _ in verdicts])
    weights = np.where(identified, 1.0 / se ** 2, 0.0)
    share = weights / weights.sum() if weights.sum() > 0 else weights
    agents = tuple(AgentBeta(p.model, p.release_date.isoformat(), p.steps["beta"] if p.steps else None,
                             p.beta_ci, bool(ok), float(share[i]), note)
                   for i, (p, (ok, _, _, note)) in enumerate(zip(points, verdicts)))
    if not any(p.steps is not None for p in points):
        family = None
    count = int(identified.sum())
    dates = int(frame.distinct_dates(weights[None])[0])
    empty = dict(beta_per_year=None, beta_per_year_ci=None, reference_date=None, beta_at_reference=None,
                 beta_crosses_1=None, beta_crosses_1_ci=None, beta_crosses_2=None, beta_crosses_2_ci=None,
                 tau_minutes=None, budget=None, sigma=None, holdout_error=None, holdout=None, draws=0)
    if family is None:
        return _Fitted(StepsTrend(None, agents, 0, **empty, note="no steps fit, hence no beta (a published table "
                                                                   "has no runs to fit; a horizons fit needs a "
                                                                   "steps family)"))
    if count < MIN_IDENTIFIED or dates < 2:
        return _Fitted(StepsTrend(family, agents, count, **empty,
                                  note=f"not identified (a trend in beta needs {MIN_IDENTIFIED} identified agents on "
                                       f"2 or more dates): {_unidentified(points, verdicts)}"))
    beta = np.array([p.steps["beta"] if ok else 0.0 for p, ok in zip(points, identified)])
    coef = _least_squares(frame, beta, weights, 1)[0]
    ci = np.array([p.beta_ci if ok else (b, b) for p, ok, b in zip(points, identified, beta)], dtype=float)
    if draws.beta is not None:                 # the horizons fit's own draws of each agent's beta
        beta_draws = np.clip(np.where(identified, draws.beta, 0.0), *BETA_RANGE)
        beta_draws[~np.isfinite(beta_draws).all(axis=1)] = np.nan
    else:
        below, above = _scales(beta, ci[:, 0], ci[:, 1])
        beta_draws = np.clip(beta + draws.z_beta * np.where(draws.z_beta > 0, above, below), *BETA_RANGE)
    boot = _least_squares(frame, beta_draws, draws.counts * weights, 1) if draws.count else np.zeros((0, 2))
    boot = boot[~np.isnan(boot).any(axis=1)]
    have = boot.shape[0] > 0
    crossings = {}
    notes = [_unidentified(points, verdicts) + " (weight 0)"] if count < len(points) else []
    for level in BETA_LEVELS:
        u = _beta_root(coef[None], level)[0]
        crossings[level] = (iso(frame.day_of(u)) if np.isfinite(u) else None,
                            _date_ci(frame, _beta_root(boot, level)) if have else None)
    if coef[1] <= 0:
        notes.append(f"beta does not rise along the trend ({coef[1]:.3g} per year): it never crosses 1 or 2")
    params = _pooled(points, weights, family)
    horizon = _StepsHorizon(family, params)
    grid_u = frame.years(frame.grid)
    beta_grid = _evaluate(coef[None], grid_u)[0]
    beta_band = _evaluate(boot, grid_u) if have else None
    curve = _band(frame, horizon(beta_grid), horizon(beta_band) if have else None)
    beta_curve = _band(frame, beta_grid, beta_band)
    forecasts = tuple(_estimate(float(horizon(_evaluate(coef[None], [u])[0, 0])),
                                horizon(_evaluate(boot, [u])[:, 0]) if have else None) for u in frame.forecast_u)
    arrivals = []
    for level in frame.levels:
        target = horizon.beta_for(level)
        if target == math.inf:
            arrivals.append(Arrival(None, None, f"never: beyond the p50 of the steps model at beta = "
                                                f"{BETA_RANGE[1]:g} ({2 ** horizon.log2_p50[-1]:.3g} min)"))
            continue
        arrivals.append(_arrival(frame, float(_beta_root(coef[None], target)[0]),
                                 _beta_root(boot, target) if have else None))
    error, holdout = _steps_holdout(frame, points, y, beta, weights, family, notes)
    result = StepsTrend(family, agents, count, beta_per_year=float(coef[1]),
                        beta_per_year_ci=_ci(boot[:, 1]) if have else None, reference_date=frame.reference_date,
                        beta_at_reference=float(coef[0]), beta_crosses_1=crossings[1.0][0],
                        beta_crosses_1_ci=crossings[1.0][1], beta_crosses_2=crossings[2.0][0],
                        beta_crosses_2_ci=crossings[2.0][1], tau_minutes=params["tau_minutes"],
                        budget=params["budget"], sigma=params.get("sigma"), holdout_error=error, holdout=holdout,
                        draws=int(boot.shape[0]), note="; ".join(notes) or None, curve=curve, beta_curve=beta_curve)
    return _Fitted(result, forecasts, tuple(arrivals))


def _beta_root(coef, level) -> np.ndarray:
    """u where beta_0 + g u = level, for rising trends; +inf where g <= 0 (or the level is never reached)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(coef[:, 1] > 0, (level - coef[:, 0]) / coef[:, 1], np.inf) if math.isfinite(level) \
            else np.full(coef.shape[0], np.inf if level > 0 else -np.inf)


def _steps_holdout(frame, points, y, beta, weights, family, notes):
    """The steps trend fitted to the older agents forecasts the held-out ones' p50."""
    train_w = np.where(frame.held, 0.0, weights)
    if (train_w > 0).sum() < MIN_IDENTIFIED or frame.distinct_dates(train_w[None])[0] < 2:
        notes.append(f"no held-out score: fewer than {MIN_IDENTIFIED} identified agents among the older ones")
        return None, None
    coef = _least_squares(frame, beta, train_w, 1)[0]
    horizon = _StepsHorizon(family, _pooled(points, train_w, family))
    forecast = horizon(_evaluate(coef[None], frame.u[frame.held])[0])
    return _holdout(frame, [p.model for p in points], forecast, y)
