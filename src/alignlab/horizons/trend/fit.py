r"""Trends of the 50% horizon against release date: exponential, accelerating, broken at a fixed date, and the
steps model's beta.

Model i was released on day :math:`d_i` (:mod:`alignlab.horizons.trend.dates`); :math:`u_i = (d_i - \bar d)/365.25`
is its release date in years from the reference date :math:`\bar d`, the mean release day of the models on
the trend, and :math:`y_i = \log_2 p50_i` (p50 in minutes). Four trends:

* **exponential** (METR): :math:`y = a + b u` by ordinary least squares. p50 doubles every
  :math:`365.25/b` days (inf where b <= 0); ``r2`` is the in-sample :math:`R^2`.
* **accelerating**: :math:`y = a + b u + c u^2` by ordinary least squares; ``acceleration`` = 2c, the
  change in the growth rate (doublings per year) per year, and the local doubling time
  :math:`365.25/(b + 2cu)` at the oldest and newest release dates. A quadratic and not two segments with
  a fitted break: with 10 to 30 models the break's likelihood is flat and ragged (it moves by a year
  when one model is left out, and a bootstrap of it piles up at the data's dates), while the curvature is
  one linear coefficient, identified by every model, with a bootstrap distribution that is smooth.
* **broken** at a date fixed in advance (``break_date``, default 2023-01-01): a continuous line with a
  hinge there, and a test of a change of doubling time (:mod:`alignlab.horizons.trend.broken`). Fixed,
  not fitted: the test is then an F test of nested linear models.
* **steps** (:mod:`alignlab.horizons.trend.steps`): each agent's beta (= Q alpha) from a fit of a steps curve, against release date:
  :math:`\beta = \beta_0 + g u` by weighted least squares with weights :math:`1/s_i^2`,
  :math:`s_i = (\beta_{hi} - \beta_{lo})/(2 \cdot 1.96)` from beta's 95% interval (at least
  ``SE_FLOOR``). Only *identified* agents count: beta not at an end of the range the horizons fit
  allows (the lower end, 0.05, is the constant-hazard limit), and an interval spanning at most
  ``IDENTIFIED_SPAN`` of that range in log beta. It needs ``MIN_IDENTIFIED`` identified agents;
  beta crosses 1 and 2 at :math:`u = (1 - \beta_0)/g` and :math:`(2 - \beta_0)/g` when g > 0 (never
  otherwise). Along the trend the steps model gives p50 = H(beta): the horizon of the steps curve at
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

import numpy as np

from alignlab import _validate as v
from alignlab._limits import check_memory, check_work
from alignlab._seeding import seed_sequence, seed_used
from alignlab.horizons.trend.broken import BREAK_DATE, broken_trend
from alignlab.horizons.trend.dates import day, parse_date
from alignlab.horizons.trend.frame import GRID, Draws, Frame, holdout_split, joint_draws, scales
from alignlab.horizons.trend.polynomial import polynomial_trend
from alignlab.horizons.trend.results import Forecast, ModelPoint, Reach, TrendResult, Trends
from alignlab.horizons.trend.sources import (STEPS_CURVES, TrendInput, check_dates, check_undated, date_filter,
                                             fitted_input)
from alignlab.horizons.trend.steps import steps_trend

MAX_VALUES = 2e7                # draws x values per draw (about 6 s here: 1e5 draws of 7 models) unless
                                # max_work says more
MAX_HOLDOUT = 10 ** 6           # far more models than any trend has: keeps the messages short


def trend_options(holdout, forecast, reach, bootstrap, break_date=BREAK_DATE):
    """The trend's options checked (before any work): ``holdout`` k >= 0, ``forecast`` dates, ``reach``
    minutes > 0, ``bootstrap`` draws >= 0, ``break_date`` a date."""
    holdout = v.integer("holdout", holdout, low=0, high=MAX_HOLDOUT)
    bootstrap = v.integer("bootstrap", bootstrap, low=0)
    forecast = tuple(d if isinstance(d, dt.date) else parse_date("forecast", d) for d in (forecast or ()))
    reach = tuple(v.real("reach", m, low=0.0, low_open=True) for m in (reach or ()))
    break_date = break_date if isinstance(break_date, dt.date) else parse_date("break", break_date)
    return holdout, forecast, reach, bootstrap, break_date


def fit_trends(data: TrendInput, *, holdout: int = 3, forecast=(), reach=(), bootstrap: int = 1000, seed=0,
               break_date=BREAK_DATE, max_work: float | None = None) -> TrendResult:
    """Fit the four trends to ``data`` (see the module docstring; the broken line at ``break_date``), forecast
    p50 on the ``forecast`` dates and the dates the trends reach the ``reach`` horizons (minutes).
    ``max_work`` raises the limit :data:`MAX_VALUES` on the bootstrap's work."""
    holdout, forecast, reach, bootstrap, break_date = trend_options(holdout, forecast, reach, bootstrap, break_date)
    points = tuple(sorted(data.points, key=lambda p: (p.release_date, p.model)))
    check_dates([p.release_date for p in points])
    n = len(points)
    days = np.array([day(p.release_date) for p in points])
    held = holdout_split(days, holdout)
    _check_work(bootstrap, n, forecast, reach, max_work)
    root = seed_sequence(seed)
    frame = Frame(days, held, forecast, reach)
    y = np.log2([p.p50_minutes for p in points])
    ci = np.log2(np.array([p.p50_ci if p.p50_ci else (np.nan, np.nan) for p in points], dtype=float))
    joint = joint_draws([p.p50_draws for p in points], bootstrap)
    if joint is not None:                     # the horizons fit's own draws, joint across agents
        draws = Draws.joint(joint, joint_draws([p.beta_draws for p in points], bootstrap))
        with np.errstate(divide="ignore", invalid="ignore"):
            y_draws = np.log2(joint)
        y_draws[~np.isfinite(y_draws).all(axis=1)] = np.nan
    else:
        draws = Draws(root, bootstrap, n)
        below, above = scales(y, ci[:, 0], ci[:, 1])
        y_draws = y + draws.z * np.where(draws.z > 0, above, below)
    models = [p.model for p in points]
    exp_fit = polynomial_trend(frame, y, y_draws, draws.counts, 1, models)
    acc_fit = polynomial_trend(frame, y, y_draws, draws.counts, 2, models)
    broken = broken_trend(frame, y, y_draws, draws.counts, break_date)
    steps = steps_trend(frame, points, y, draws, data.source.steps_curve)
    forecasts = tuple(Forecast(date.isoformat(), exp_fit.forecasts[i], acc_fit.forecasts[i],
                               steps.forecasts[i] if steps.forecasts else None) for i, date in enumerate(forecast))
    reaches = tuple(Reach(m, exp_fit.arrivals[i], acc_fit.arrivals[i], steps.arrivals[i] if steps.arrivals else None)
                    for i, m in enumerate(reach))
    points_out = tuple(ModelPoint(model=p.model, release_date=p.release_date.isoformat(), p50_minutes=p.p50_minutes,
                                  p50_ci=p.p50_ci) for p in points)
    source = dataclasses.replace(data.source, bootstrap=bootstrap, holdout=holdout)
    return TrendResult(source=source, models=points_out,
                       trends=Trends(exp_fit.result, acc_fit.result, steps.result, broken),
                       forecasts=forecasts, reach=reaches, seed=seed_used(root))


def runs_trend(runs, release_dates, *, agent=None, curve: str | None = None, steps_curve: str | None = None,
               skip_undated: bool = False, frontier_only: bool = False, since=None, weights: str = "invsqrt",
               penalty: float | None = None, bootstrap: int = 1000, holdout: int = 3, forecast=(), reach=(),
               break_date=BREAK_DATE, seed=0, workers: int | None = None, scheduler: str | None = None,
               progress=False, max_work: float | None = None, columns: dict | None = None, agents=None,
               family=None, steps_family=None) -> TrendResult:
    """Trends of agents fitted from a runs file: ``runs`` (a :class:`~alignlab.horizons.runs.Runs`, a path,
    a shipped data set's name or a DataFrame, read with ``columns``) and ``release_dates`` (agent -> date,
    or a CSV; :func:`~alignlab.horizons.trend.dates.read_release_dates`). Everything is checked before the fit: the
    options, every agent's release date (``skip_undated`` leaves undated agents out), that the filters
    leave a trend to fit, and the work of the horizons fit (``bootstrap`` draws x agents x curves, at most
    ``MAX_REFITS`` unless ``max_work`` says more). Then :func:`~alignlab.horizons.fit_horizons` fits
    ``curve`` (whose p50 is trended; default logistic) and ``steps_curve`` (beta; default steps-mixed) with
    ``bootstrap`` draws and no cross-validation, and :func:`fit_trends` fits the trends with as many draws,
    from the same ``seed``. ``agents=``, ``family=`` and ``steps_family=`` are old spellings."""
    from alignlab.horizons.fit.curves import CURVES
    from alignlab.horizons.fit.fit import fit_horizons
    from alignlab.horizons.runs import Runs, load_runs
    from alignlab.horizons.trend.dates import read_release_dates

    agent = v.renamed("agents", "agent", agent, agents)
    curve = v.renamed("family", "curve", curve, family) or "logistic"
    steps_curve = v.renamed("steps_family", "steps_curve", steps_curve, steps_family) or "steps-mixed"
    holdout, forecast, reach, bootstrap, break_date = trend_options(holdout, forecast, reach, bootstrap, break_date)
    curve = v.choice("curve", curve, tuple(CURVES))
    steps_curve = v.choice("steps_curve", steps_curve, STEPS_CURVES)
    since = None if since is None else date_filter(since)
    if not isinstance(runs, Runs):
        runs = load_runs(runs, columns=columns)
    dates_file = None
    if not isinstance(release_dates, dict):
        dates_file = str(release_dates)
        release_dates = read_release_dates(release_dates, agent_column=runs.columns["agent"])
    if agent is not None:
        runs = runs.select(agent)
    undated = check_undated(runs.agents, release_dates, skip_undated, dates_file)
    dated = [a for a in runs.agents if a not in undated]
    kept = [release_dates[a] for a in dated if since is None or release_dates[a] >= since]
    check_dates(kept, since=since)
    holdout_split(np.array([day(d) for d in kept]), holdout)
    _check_work(bootstrap, len(kept), forecast, reach, max_work)
    root = seed_sequence(seed)
    result = fit_horizons(runs.select(dated), curve=tuple(dict.fromkeys((curve, steps_curve))), weights=weights,
                          penalty=penalty, bootstrap=bootstrap, cv="none", seed=root, workers=workers,
                          scheduler=scheduler, progress=progress, max_work=max_work)
    data = fitted_input(result, release_dates, curve=curve, steps_curve=steps_curve, frontier_only=frontier_only,
                        since=since, release_dates_file=dates_file,
                        left_out=[f"{a}: no release date" for a in undated])
    return fit_trends(data, holdout=holdout, forecast=forecast, reach=reach, bootstrap=bootstrap, seed=root,
                      break_date=break_date, max_work=max_work)


def _check_work(bootstrap: int, models: int, forecast, reach, max_work) -> None:
    """The trend bootstrap's values (draws x values per draw) against :data:`MAX_VALUES`, and its memory."""
    per_draw = 2 * models + 4 * (GRID + len(forecast) + len(reach))
    check_work("bootstrap", float(bootstrap) * per_draw, MAX_VALUES, "values drawn and evaluated", max_work)
    check_memory("bootstrap", 8.0 * bootstrap * per_draw * 4, "the trend bootstrap")
