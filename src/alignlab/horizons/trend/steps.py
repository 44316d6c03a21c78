"""The steps trend: each agent's beta (= Q alpha) from its fit of a steps curve, against release date."""

from __future__ import annotations

import math

import numpy as np

from alignlab.horizons.intervals import Z95, interval
from alignlab.horizons.lomax_table import BETA_RANGE
from alignlab.horizons.trend.dates import iso
from alignlab.horizons.trend.frame import (Draws, Frame, arrival, band_of, date_interval, estimate, evaluate,
                                           holdout_score, least_squares, scales)
from alignlab.horizons.trend.polynomial import Fitted
from alignlab.horizons.trend.results import AgentBeta, Arrival, StepsTrend

IDENTIFIED_SPAN = 0.5           # beta identified: its interval spans at most this share of the range, in log
MIN_IDENTIFIED = 3
SE_FLOOR = 0.01
BETA_LEVELS = (1.0, 2.0)


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
    """p50 of the steps curve against beta, at fixed tau, budget (and sigma): log2 p50 on a grid of beta
    over the fitted range, interpolated (it rises with beta: a lighter tail of subtask times)."""

    BETAS = 97

    def __init__(self, curve: str, params: dict):
        from alignlab.horizons.fit.curves import CURVES
        steps = CURVES[curve]
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


def _pooled(points, weights, steps_curve: str) -> dict:
    """tau and budget (weighted geometric means) and sigma (weighted mean) of the weighted agents' fits."""
    w = weights / weights.sum()
    keys = ("tau_minutes", "budget") + (("sigma",) if steps_curve == "steps-mixed" else ())
    out = {}
    for key in keys:
        values = np.array([p.steps[key] if w_i > 0 else 1.0 for p, w_i in zip(points, w)], dtype=float)
        out[key] = float(np.exp((w * np.log(values)).sum())) if key != "sigma" else float((w * values).sum())
    return out


def steps_trend(frame: Frame, points, y, draws: Draws, steps_curve: str | None) -> Fitted:
    """The steps trend (module docstring) with beta from ``steps_curve`` (None: the source has none)."""
    verdicts = [_identify(p) for p in points]
    identified = np.array([ok for ok, _, _, _ in verdicts])
    se = np.array([s if s is not None else np.inf for _, s, _, _ in verdicts])
    weights = np.where(identified, 1.0 / se ** 2, 0.0)
    share = weights / weights.sum() if weights.sum() > 0 else weights
    agents = tuple(AgentBeta(model=p.model, release_date=p.release_date.isoformat(),
                             beta=p.steps["beta"] if p.steps else None, beta_ci=p.beta_ci, identified=bool(ok),
                             weight=float(share[i]), note=note)
                   for i, (p, (ok, _, _, note)) in enumerate(zip(points, verdicts)))
    if not any(p.steps is not None for p in points):
        steps_curve = None
    count = int(identified.sum())
    dates = int(frame.distinct_dates(weights[None])[0])
    empty = dict(beta_per_year=None, beta_per_year_ci=None, reference_date=None, beta_at_reference=None,
                 beta_crosses_1=None, beta_crosses_1_ci=None, beta_crosses_2=None, beta_crosses_2_ci=None,
                 tau_minutes=None, budget=None, sigma=None, holdout_error=None, holdout=None, draws=0)
    if steps_curve is None:
        return Fitted(StepsTrend(steps_curve=None, agents=agents, identified=0, **empty, note="no steps fit, hence no beta (a published table "
                                                                   "has no runs to fit; a horizons fit needs a "
                                                                   "steps curve)"))
    if count < MIN_IDENTIFIED or dates < 2:
        return Fitted(StepsTrend(steps_curve=steps_curve, agents=agents, identified=count, **empty,
                                  note=f"not identified (a trend in beta needs {MIN_IDENTIFIED} identified agents on "
                                       f"2 or more dates): {_unidentified(points, verdicts)}"))
    beta = np.array([p.steps["beta"] if ok else 0.0 for p, ok in zip(points, identified)])
    coef = least_squares(frame, beta, weights, 1)[0]
    ci = np.array([p.beta_ci if ok else (b, b) for p, ok, b in zip(points, identified, beta)], dtype=float)
    if draws.beta is not None:                 # the horizons fit's own draws of each agent's beta
        beta_draws = np.clip(np.where(identified, draws.beta, 0.0), *BETA_RANGE)
        beta_draws[~np.isfinite(beta_draws).all(axis=1)] = np.nan
    else:
        below, above = scales(beta, ci[:, 0], ci[:, 1])
        beta_draws = np.clip(beta + draws.z_beta * np.where(draws.z_beta > 0, above, below), *BETA_RANGE)
    boot = least_squares(frame, beta_draws, draws.counts * weights, 1) if draws.count else np.zeros((0, 2))
    boot = boot[~np.isnan(boot).any(axis=1)]
    have = boot.shape[0] > 0
    crossings = {}
    notes = [_unidentified(points, verdicts) + " (weight 0)"] if count < len(points) else []
    for level in BETA_LEVELS:
        u = _beta_root(coef[None], level)[0]
        crossings[level] = (iso(frame.day_of(u)) if np.isfinite(u) else None,
                            date_interval(frame, _beta_root(boot, level)) if have else None)
    if coef[1] <= 0:
        notes.append(f"beta does not rise along the trend ({coef[1]:.3g} per year): it never crosses 1 or 2")
    params = _pooled(points, weights, steps_curve)
    horizon = _StepsHorizon(steps_curve, params)
    grid_u = frame.years(frame.grid)
    beta_grid = evaluate(coef[None], grid_u)[0]
    beta_band = evaluate(boot, grid_u) if have else None
    p50_curve = band_of(frame, horizon(beta_grid), horizon(beta_band) if have else None)
    beta_curve = band_of(frame, beta_grid, beta_band)
    forecasts = tuple(estimate(float(horizon(evaluate(coef[None], [u])[0, 0])),
                                horizon(evaluate(boot, [u])[:, 0]) if have else None) for u in frame.forecast_u)
    arrivals = []
    for level in frame.levels:
        target = horizon.beta_for(level)
        if target == math.inf:
            arrivals.append(Arrival(None, None, f"never: beyond the p50 of the steps model at beta = "
                                                f"{BETA_RANGE[1]:g} ({2 ** horizon.log2_p50[-1]:.3g} min)"))
            continue
        arrivals.append(arrival(frame, float(_beta_root(coef[None], target)[0]),
                                 _beta_root(boot, target) if have else None))
    error, holdout = _steps_holdout(frame, points, y, beta, weights, steps_curve, notes)
    result = StepsTrend(steps_curve=steps_curve, agents=agents, identified=count, beta_per_year=float(coef[1]),
                        beta_per_year_ci=interval(boot[:, 1]) if have else None, reference_date=frame.reference_date,
                        beta_at_reference=float(coef[0]), beta_crosses_1=crossings[1.0][0],
                        beta_crosses_1_ci=crossings[1.0][1], beta_crosses_2=crossings[2.0][0],
                        beta_crosses_2_ci=crossings[2.0][1], tau_minutes=params["tau_minutes"],
                        budget=params["budget"], sigma=params.get("sigma"), holdout_error=error, holdout=holdout,
                        draws=int(boot.shape[0]), note="; ".join(notes) or None, curve=p50_curve, beta_curve=beta_curve)
    return Fitted(result, forecasts, tuple(arrivals))


def _beta_root(coef, level) -> np.ndarray:
    """u where beta_0 + g u = level, for rising trends; +inf where g <= 0 (or the level is never reached)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(coef[:, 1] > 0, (level - coef[:, 0]) / coef[:, 1], np.inf) if math.isfinite(level) \
            else np.full(coef.shape[0], np.inf if level > 0 else -np.inf)


def _steps_holdout(frame, points, y, beta, weights, steps_curve, notes):
    """The steps trend fitted to the older agents forecasts the held-out ones' p50."""
    train_w = np.where(frame.held, 0.0, weights)
    if (train_w > 0).sum() < MIN_IDENTIFIED or frame.distinct_dates(train_w[None])[0] < 2:
        notes.append(f"no held-out score: fewer than {MIN_IDENTIFIED} identified agents among the older ones")
        return None, None
    coef = least_squares(frame, beta, train_w, 1)[0]
    horizon = _StepsHorizon(steps_curve, _pooled(points, train_w, steps_curve))
    forecast = horizon(evaluate(coef[None], frame.u[frame.held])[0])
    return holdout_score(frame, [p.model for p in points], forecast, y)
