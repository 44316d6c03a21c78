r"""Fit every curve to every agent of a runs file: maximum likelihood, horizons, information criteria,
leave-one-task-family-out cross-validation and METR's hierarchical bootstrap.

Per agent and curve (:func:`fit_horizons`):

* **Likelihood.** Weighted Bernoulli: :math:`L = \sum_i w_i [y_i \log p(t_i) + (1 - y_i)\log(1 - p(t_i))]`.
  A fractional score :math:`y_i` counts as a success of weight :math:`w_i y_i` and a failure of weight
  :math:`w_i(1-y_i)`, as METR splits them; runs at the same task length pool into one cell, so a fit
  costs the same whatever the number of runs. With ``penalty`` C the logistic maximises
  :math:`L - b^2/(2C)` (scikit-learn's ``LogisticRegression(C)`` with weights summing to 1: METR's
  method is ``weights="invsqrt", penalty=10``).
* **Global maximum.** The logistic, exponential and Weibull likelihoods are concave in their linear
  predictors (logit and complementary log-log links), so one start reaches the maximum. The steps
  curves are not: 15 starts spread over beta, tau and the budget, every one run to convergence
  (:func:`~alignlab.horizons.fit.optimize.fit_best`).
* **Horizons** ``p50_minutes``, ``p80_minutes``: the task length where the curve falls through 0.5
  and 0.8 (None where it does not, e.g. a logistic whose success rises with length).
* **Cross-validation** (``cv="family"``, :mod:`~alignlab.horizons.fit.crossval`): each task family in
  turn left out, the curve fitted to the others as if it did not exist (the same multi-start, on the
  fold's own data, to convergence), the held-out runs scored; ``cv_loglik`` is the sum over folds. A
  curve that calls a held-out success impossible scores -inf.
* **Bootstrap** (``bootstrap`` draws, :mod:`~alignlab.horizons.fit.bootstrap`): every curve refitted to
  every draw, warm-started at its full-data fit, to convergence; 95% percentile intervals
  (:mod:`alignlab.horizons.intervals`) for the horizons and every parameter. Draws in which an agent's
  runs all fail or all succeed are left out for that agent (as METR does).

Folds and draws still moving when the optimiser's iterations run out are counted per curve
(``cv_at_limit``, ``bootstrap_at_limit``). Agents (full fit and folds) and chunks of draws are shared
among workers by :func:`alignlab._executor.ordered_map`; every number depends on the seed only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._executor import ordered_map
from alignlab._limits import check_work
from alignlab._progress import tracker
from alignlab._seeding import seed_sequence, seed_used
from alignlab.horizons._names import names as name_list
from alignlab.horizons.fit.bootstrap import LEVELS, refit_draws
from alignlab.horizons.fit.crossval import fit_agent
from alignlab.horizons.fit.curves import CURVES, Steps
from alignlab.horizons.fit.data import AgentData, agent_data, binned
from alignlab.horizons.fit.optimize import Effort, loglik
from alignlab.horizons.fit.results import AgentHorizons, CurveFit, CurveValues, HorizonsResult
from alignlab.horizons.hierarchy import Hierarchy
from alignlab.horizons.intervals import interval, percentile_interval
from alignlab.horizons.runs import WEIGHTS, Runs, load_runs, run_weights

CV_CHOICES = ("family", "none")
CHUNK = 50                  # bootstrap draws per task sent to a worker
MAX_REFITS = 1e5            # bootstrap draws x agents x curves (2e4 took 60 s here) unless max_work says more
# seconds one agent's fit of each curve takes here (every start to convergence): whether workers pay
SECONDS = {"logistic": 0.003, "exponential": 0.003, "weibull": 0.005, "steps": 0.1, "steps-mixed": 0.3}
DRAW_SHARE = 0.1            # a warm-started bootstrap refit costs about this share of a full fit


@dataclass(frozen=True)
class FitContext:
    """What every worker needs, sent to each once: the agents' data, the task family names, the curves
    (the steps curves holding the Lomax table), the options, the resampling hierarchy and the seed."""

    agents: tuple[AgentData, ...]
    family_names: tuple[str, ...]
    curves: dict
    penalty: float | None
    cv: bool
    effort: Effort
    renormalise: bool
    hierarchy: Hierarchy
    root: np.random.SeedSequence


def fit_horizons(runs, *, curve=None, agent=None, weights: str = "invsqrt", penalty: float | None = None,
                 bootstrap: int = 1000, cv: str = "family", seed=0, workers: int | None = None,
                 scheduler: str | None = None, progress=False, max_work: float | None = None,
                 effort: Effort | None = None, columns: dict | None = None, families=None,
                 agents=None) -> HorizonsResult:
    """Fit ``curve`` (a name or a list; default all five, :data:`~alignlab.horizons.fit.curves.CURVES`) to
    ``agent`` (a name or a list; default every agent) of ``runs`` (a :class:`Runs`, a path, a shipped data
    set's name or a DataFrame, read by :func:`load_runs` with ``columns``); see the module docstring.
    ``workers`` cores (default all; 1: this process only) or the Dask scheduler at ``scheduler`` share the
    work. The refits
    (bootstrap draws x agents x curves) are checked against :data:`MAX_REFITS` before any work
    (``max_work`` raises it). ``effort`` sets the optimiser's limits
    (:class:`~alignlab.horizons.fit.optimize.Effort`). ``families=`` and ``agents=`` are the old spellings
    of ``curve=`` and ``agent=``."""
    curve = v.renamed("families", "curve", curve, families)
    agent = v.renamed("agents", "agent", agent, agents)
    if not isinstance(runs, Runs):
        runs = load_runs(runs, columns=columns)
    weights = v.choice("weights", weights, WEIGHTS)
    cv = v.choice("cv", cv, CV_CHOICES)
    curves = name_list("curve", curve, tuple(CURVES)) or tuple(CURVES)
    if penalty is not None:
        penalty = v.real("penalty", penalty, low=0.0, low_open=True)
    bootstrap = v.integer("bootstrap", bootstrap, low=0, high=1_000_000)
    if workers is not None:
        workers = v.integer("workers", workers, low=1, high=1024)
    scheduler = v.scheduler_address("scheduler", scheduler)
    effort = effort if effort is not None else Effort()
    chosen = name_list("agent", agent)
    if chosen is not None:
        runs = runs.select(chosen)
    check_work("bootstrap", float(bootstrap) * len(runs.agents) * len(curves), MAX_REFITS,
               "refits (bootstrap draws x agents x curves)", max_work)
    root = seed_sequence(seed)
    data, family_names = agent_data(runs, run_weights(runs, weights))
    bound = {name: CURVES[name] for name in curves}
    if any(isinstance(c, Steps) for c in bound.values()):
        from alignlab.horizons.lomax_table import table
        law = table()
        bound = {name: c.with_table(law) if isinstance(c, Steps) else c for name, c in bound.items()}
    context = FitContext(data, family_names, bound, penalty, cv == "family", effort, weights != "none",
                         Hierarchy.of(runs.family, runs.task, runs.agent), root)
    per_agent = sum(SECONDS[n] for n in curves)
    folds = 1 + (np.mean([a.families for a in data]) if cv == "family" else 0)
    chunks = [range(a, min(a + CHUNK, bootstrap)) for a in range(0, bootstrap, CHUNK)]
    with tracker(progress, len(data) + bootstrap, "fitting curves") as bar:
        fits = list(ordered_map(_fit_one, range(len(data)), workers=workers, scheduler=scheduler, shared=context,
                                seconds=per_agent * len(data) * folds,
                                on_done=lambda i, _: bar.advance(1, f"fitted {data[i].name}")))
        starts = [None if fit is None else {n: e.theta for n, e in fit.items()} for fit in fits]
        draws = list(ordered_map(_refit_chunk, [(chunk, starts) for chunk in chunks], workers=workers,
                                 scheduler=scheduler, shared=context,
                                 seconds=per_agent * DRAW_SHARE * len(data) * bootstrap,
                                 on_done=lambda i, _: bar.advance(len(chunks[i]), "bootstrap")))
    results = tuple(_summarise(a, fit, [d[i] for d in draws], curves, context)
                    for i, (a, fit) in enumerate(zip(data, fits)))
    return HorizonsResult(runs_file=runs.source, weights=weights, penalty=penalty, agents=results,
                          bootstrap=bootstrap, cv=cv, seed=seed_used(root))


def _fit_one(context: FitContext, index: int):
    """Full-data fit and folds of every curve for one agent (a worker's task)."""
    return fit_agent(context.agents[index], context.curves, context.family_names, context.penalty, context.cv,
                     context.effort, context.renormalise)


def _refit_chunk(context: FitContext, item):
    """The refits of one chunk of bootstrap draws (a worker's task)."""
    draws, starts = item
    return refit_draws(context, draws, starts)


def _summarise(agent: AgentData, fit, draws, names, context: FitContext) -> AgentHorizons:
    s, f = agent.totals()
    s, f = s[0], f[0]
    runs = int(agent.score.size)
    lo, hi = float(agent.minutes.min()), float(agent.minutes.max())
    common = dict(agent=agent.name, runs=runs, successes=float(agent.score.sum()), tasks=agent.tasks,
                  families=agent.families, minutes_range=(lo, hi), binned=binned(agent))
    if fit is None:
        outcome = "fail" if s.sum() <= 0 else "succeed"
        note = f"all {runs} runs {outcome}: no curve can be fitted, every horizon is null"
        empty = {n: CurveFit(curve=n, params={p: None for p in CURVES[n].param_names}, note=note) for n in names}
        return AgentHorizons(**common, fits=empty, curve=CurveValues(tuple(agent.minutes.tolist()), {}), note=note)
    scale = agent.n_eff / float(agent.weight.sum())
    fits, curves = {}, {}
    for name in names:
        curve = context.curves[name]
        estimate = fit[name]
        theta = estimate.theta
        value = float(loglik(curve, theta[None], agent.minutes, s[None], f[None])[0])
        horizon = [float(curve.horizon(theta[None], q)[0]) for q in LEVELS]
        horizon = [h if math.isfinite(h) else None for h in horizon]
        params = {k: float(np.asarray(x)) for k, x in curve.params(theta).items()}
        boot = _bootstrap_summary(curve, [d[name] for d in draws if d is not None])
        converged = estimate.converged
        notes = [] if converged else ["the optimiser stopped at its iteration limit" if estimate.at_limit else
                                      "the optimiser stopped before reaching a maximum"]
        if value > -1e-6 * float(agent.weight.sum()):
            # the likelihood approaches its supremum 0: every run is predicted with certainty
            converged = False
            notes = ["the runs are perfectly separated by task length: no finite maximum (try a penalty)"]
        bounds = curve.bounds(agent.minutes)
        for i, (p, hit) in enumerate(zip(curve.param_names, estimate.at_bound)):
            if hit:
                side = "lower" if abs(theta[i] - bounds[i, 0]) <= abs(theta[i] - bounds[i, 1]) else "upper"
                notes.append(f"{p} at the {side} end of its range ({params[p]:.3g})")
        if name == "logistic" and params["slope"] >= 0:
            notes.append("success does not fall with task length (slope >= 0): no horizon")
        folds = estimate.folds
        fits[name] = CurveFit(
            curve=name, params=params, loglik=value, aic=2 * curve.k - 2 * value * scale,
            bic=curve.k * math.log(agent.n_eff) - 2 * value * scale, p50_minutes=horizon[0], p80_minutes=horizon[1],
            cv_loglik=float(sum(folds.values())) if folds else None, cv_folds=len(folds) if folds else None,
            cv_skipped=estimate.skipped, cv_at_limit=estimate.folds_at_limit, fold_loglik=folds,
            extrapolated={f"p{int(q * 100)}": h is not None and not lo <= h <= hi for q, h in zip(LEVELS, horizon)},
            converged=converged, note="; ".join(notes) or None, **boot)
        curves[name] = tuple(curve.success(theta[None], agent.minutes)[0].tolist())
    best_bic = min(fits, key=lambda n: fits[n].bic)
    scored = {n: x.cv_loglik for n, x in fits.items() if x.cv_loglik is not None}
    best_cv = max(scored, key=scored.get) if scored else None
    return AgentHorizons(**common, fits=fits, best_bic=best_bic, best_cv=best_cv,
                         curve=CurveValues(tuple(agent.minutes.tolist()), curves), loglik_scale=scale)


def _bootstrap_summary(curve, boot) -> dict:
    """The intervals and per-draw values of one curve's refits (keyword arguments of :class:`CurveFit`)."""
    if not boot:
        return {}
    theta = np.concatenate([b.theta for b in boot])
    horizons = np.concatenate([b.horizons for b in boot])
    at_limit = int(np.concatenate([b.at_limit for b in boot]).sum())
    ok = ~np.isnan(theta).any(axis=1)
    if not ok.any():
        return {"bootstrap_at_limit": at_limit}
    named = curve.params(np.where(ok[:, None], theta, theta[ok][0]))
    p50 = np.where(np.isnan(horizons[:, 0]), np.inf, horizons[:, 0])
    return {"p50_ci": percentile_interval(horizons[ok, 0]), "p80_ci": percentile_interval(horizons[ok, 1]),
            "params_ci": {p: interval(np.where(ok, x, np.nan)) for p, x in named.items()},
            "bootstrap_draws": int(ok.sum()), "bootstrap_at_limit": at_limit,
            "p50_draws": tuple(np.where(ok, p50, np.nan).tolist()),
            "param_draws": {p: tuple(np.where(ok, np.asarray(x, dtype=float), np.nan).tolist())
                            for p, x in named.items()}}
