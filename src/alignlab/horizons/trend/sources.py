"""Where the points of a horizon trend come from: METR's published table, or a horizons fit with release dates.

A point is one model: its release date, its 50% horizon (p50, minutes) with a 95% interval, whether it
was at the frontier when released, and, from a fit of a steps curve, its beta with an interval and
the other parameters of that fit. Two sources:

* :func:`published_input`: METR's published results (``metr_published_horizons.csv``: ``suite_version``,
  ``model``, ``release_date``, ``p50_minutes``, ``p50_ci_low``, ``p50_ci_high``, ``is_sota``), one suite
  at a time; the frontier is METR's ``is_sota`` flag. No beta: the table holds no runs.
* :func:`fitted_input`: a :class:`~alignlab.horizons.fit.results.HorizonsResult` and each agent's release
  date; p50 from the curve asked for, beta from the steps curve. An agent is at the frontier when its
  p50 exceeds that of every agent released before it (the published flag's meaning, computed). An
  agent without a release date stops the work unless ``skip_undated``; an agent without a p50 (all runs
  fail, or a curve that does not fall) is left out with the reason.

Filters (``frontier_only``, ``since``: released on or after) apply to both; a trend needs at least
:data:`MIN_DATES` distinct release dates after them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field

from alignlab import _validate as v
from alignlab._results import Result
from alignlab._validate import ParameterError
from alignlab.horizons.fit.curves import STEPS_CURVES
from alignlab.horizons.trend.dates import parse_date, read_csv, require_columns, row_date

MIN_DATES = 3               # a quadratic in time needs three release dates
PUBLISHED_COLUMNS = ("suite_version", "model", "release_date", "p50_minutes", "p50_ci_low", "p50_ci_high", "is_sota")
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


@dataclass(frozen=True)
class TrendSource(Result):
    """Where the points came from and what was done to them. ``kind`` is ``published`` or ``runs``;
    ``file`` the published table or the runs file; ``curve`` the curve whose p50 is trended (METR's
    logistic for the published table); ``steps_curve`` the steps curve beta comes from (None: none);
    ``left_out`` says, per model, why it is not on the trend; ``bootstrap`` and ``holdout`` are the trend's
    bootstrap draws and the number of newest models held out (set by the trend fit)."""

    kind: str
    file: str
    release_dates: str | None
    suite: str | None
    curve: str
    steps_curve: str | None
    frontier_only: bool
    since: str | None
    left_out: tuple[str, ...]
    bootstrap: int = 0
    holdout: int = 0


@dataclass(frozen=True)
class HorizonPoint:
    """One model on the trend (see the module docstring). ``steps`` holds the steps curve's public
    parameters (``beta``, ``tau_minutes``, ``budget``, and ``sigma`` for steps-mixed) and ``beta_ci`` its
    interval for beta; both None without a steps fit."""

    model: str
    release_date: dt.date
    p50_minutes: float
    p50_ci: tuple[float, float] | None
    frontier: bool
    steps: dict | None = None
    beta_ci: tuple[float, float] | None = None
    steps_note: str | None = field(default=None, compare=False)
    p50_draws: tuple[float, ...] | None = field(default=None, compare=False, repr=False)   # the fit's bootstrap
    beta_draws: tuple[float, ...] | None = field(default=None, compare=False, repr=False)  # draws, joint by index


@dataclass(frozen=True)
class TrendInput:
    """The points of a trend, oldest first, and their source."""

    source: TrendSource
    points: tuple[HorizonPoint, ...]


def published_input(path, suite, *, frontier_only: bool = False, since=None) -> TrendInput:
    """METR's published horizons of one ``suite`` (``1.0`` or ``1.1`` in METR's file: whatever the file
    holds), filtered (module docstring)."""
    name, header, rows = read_csv(path, "published horizons")
    require_columns(name, header, PUBLISHED_COLUMNS)
    suites = sorted({(r.get("suite_version") or "").strip() for r in rows} - {""})
    if suite is None:
        raise ParameterError("suite", f"give the suite to trend, one of {', '.join(suites)}")
    suite = v.choice("suite", str(suite).strip(), suites)
    since = None if since is None else date_filter(since)
    points, seen = [], set()
    for line, row in enumerate(rows, start=2):
        if (row.get("suite_version") or "").strip() != suite:
            continue
        model = (row.get("model") or "").strip()
        if not model:
            raise ParameterError(name, f"line {line}: column 'model' is empty")
        if model in seen:
            raise ParameterError(name, f"line {line}: model {model!r} appears twice in suite {suite}")
        seen.add(model)
        p50 = _number(name, line, row, "p50_minutes", positive=True)
        low, high = (_number(name, line, row, c, positive=False, optional=True) for c in ("p50_ci_low", "p50_ci_high"))
        ci = None
        if low is not None and high is not None:
            if not low <= p50 <= high:
                raise ParameterError(name, f"line {line}: the interval [{low:g}, {high:g}] must hold p50_minutes "
                                           f"({p50:g})")
            ci = (low, high)
        points.append(HorizonPoint(model=model, release_date=row_date(name, line, row.get("release_date")),
                                   p50_minutes=p50, p50_ci=ci, frontier=_flag(name, line, row.get("is_sota"))))
    source = TrendSource(kind="published", file=name, release_dates=None, suite=suite, curve="logistic",
                         steps_curve=None, frontier_only=bool(frontier_only),
                         since=None if since is None else since.isoformat(), left_out=())
    return _filtered(source, points, frontier_only, since)


def fitted_input(result, release_dates: dict, *, curve: str | None = None, steps_curve: str | None = "steps-mixed",
                 frontier_only: bool = False, since=None, skip_undated: bool = False,
                 release_dates_file: str | None = None, left_out=(), family=None, steps_family=None) -> TrendInput:
    """The agents of a :class:`~alignlab.horizons.fit.results.HorizonsResult` on a trend (module docstring):
    p50 from ``curve`` (default logistic), beta from ``steps_curve`` (None: no beta); ``release_dates`` maps
    agent to date; ``left_out`` adds notes on agents the caller left out before the fit. ``family=`` and
    ``steps_family=`` are old spellings."""
    curve = v.renamed("family", "curve", curve, family) or "logistic"
    steps_curve = v.renamed("steps_family", "steps_curve", steps_curve if steps_family is None else None, steps_family)
    fitted = [a for a in result.agents if a.fits]
    curves = tuple(fitted[0].fits) if fitted else ()
    curve = v.choice("curve", curve, curves) if curves else curve
    if steps_curve is not None:
        steps_curve = v.choice("steps_curve", steps_curve, STEPS_CURVES)
    since = None if since is None else date_filter(since)
    notes = list(left_out)
    undated = check_undated([a.agent for a in result.agents], release_dates, skip_undated, release_dates_file)
    notes += [f"{name}: no release date" for name in undated]
    points = []
    for agent in result.agents:
        if agent.agent in undated:
            continue
        fit = agent.fits.get(curve)
        if fit is None or fit.p50_minutes is None or not fit.p50_minutes > 0:
            why = agent.note or (fit.note if fit is not None and fit.note else "the curve does not fall through 50%")
            notes.append(f"{agent.agent}: no {curve} p50 ({why})")
            continue
        steps = agent.fits.get(steps_curve) if steps_curve else None
        params = beta_ci = note = beta_draws = None
        if steps is not None and steps.params.get("beta") is not None:
            params = dict(steps.params)
            beta_ci = steps.params_ci.get("beta") if steps.params_ci else None
            note = steps.note
            beta_draws = steps.param_draws.get("beta") if steps.param_draws else None
        points.append(HorizonPoint(model=agent.agent, release_date=release_dates[agent.agent],
                                   p50_minutes=float(fit.p50_minutes), p50_ci=fit.p50_ci, frontier=False, steps=params,
                                   beta_ci=beta_ci, steps_note=note, p50_draws=fit.p50_draws, beta_draws=beta_draws))
    points = _with_frontier(points)
    source = TrendSource(kind="runs", file=result.runs_file, release_dates=release_dates_file, suite=None,
                         curve=curve, steps_curve=steps_curve, frontier_only=bool(frontier_only),
                         since=None if since is None else since.isoformat(), left_out=())
    return _filtered(source, points, frontier_only, since, notes)


def check_undated(agents, release_dates: dict, skip: bool, release_dates_file: str | None = None) -> list[str]:
    """The ``agents`` without a release date; an error naming the first unless ``skip``."""
    undated = [a for a in agents if a not in release_dates]
    if undated and not skip:
        raise ParameterError("release_dates", f"no release date for agent {undated[0]!r}"
                                              + (f" (nor for {len(undated) - 1} more)" if len(undated) > 1 else "")
                                              + " in " + (release_dates_file or "the release dates")
                                              + "; add it, or leave such agents out with skip_undated=True")
    return undated


def check_dates(dates, frontier_only: bool = False, since: dt.date | None = None) -> None:
    """Refuse a trend on fewer than :data:`MIN_DATES` distinct release ``dates`` (those left by the filters)."""
    dates = list(dates)
    if len(set(dates)) < MIN_DATES:
        filters = (["frontier only"] if frontier_only else []) + ([f"since {since}"] if since else [])
        raise ParameterError("models", f"a trend needs at least {MIN_DATES} release dates; {len(dates)} models on "
                                       f"{len(set(dates))} dates are left" + (f" after filtering ({', '.join(filters)})"
                                                                              if filters else ""))


def date_filter(since) -> dt.date:
    return since if isinstance(since, dt.date) else parse_date("since", since)


def _with_frontier(points: list[HorizonPoint]) -> list[HorizonPoint]:
    """Each point marked frontier when its p50 exceeds that of every point released strictly before it."""
    out = []
    for p in points:
        earlier = [q.p50_minutes for q in points if q.release_date < p.release_date]
        out.append(dataclasses.replace(p, frontier=not earlier or p.p50_minutes > max(earlier)))
    return out


def _filtered(source: TrendSource, points, frontier_only, since, notes=()) -> TrendInput:
    notes = list(notes)
    kept = []
    for p in sorted(points, key=lambda p: (p.release_date, p.model)):
        if frontier_only and not p.frontier:
            notes.append(f"{p.model}: not at the frontier when released")
        elif since is not None and p.release_date < since:
            notes.append(f"{p.model}: released before {since.isoformat()}")
        else:
            kept.append(p)
    check_dates([p.release_date for p in kept], frontier_only, since)
    return TrendInput(dataclasses.replace(source, left_out=tuple(notes)), tuple(kept))


def _number(name, line, row, column, *, positive: bool, optional: bool = False) -> float | None:
    text = (row.get(column) or "").strip()
    if not text and optional:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and (value > 0 if positive else value >= 0)):
        allowed = "a positive number of minutes" if positive else "a number of minutes >= 0"
        raise ParameterError(name, f"line {line}: column {column!r} must be {allowed} (got {text[:40]!r})")
    return value


def _flag(name, line, text) -> bool:
    value = (text or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ParameterError(name, f"line {line}: column 'is_sota' must be True or False (got {value[:40]!r})")
