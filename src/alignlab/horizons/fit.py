r"""Fit every curve family to every agent of a runs file: maximum likelihood, horizons, information
criteria, leave-one-family-out cross-validation and METR's hierarchical bootstrap.

Per agent and family (:func:`fit_horizons`):

* **Likelihood.** Weighted Bernoulli: :math:`L = \sum_i w_i [y_i \log p(t_i) + (1 - y_i)\log(1 - p(t_i))]`.
  A fractional score :math:`y_i` counts as a success of weight :math:`w_i y_i` and a failure of weight
  :math:`w_i(1-y_i)`, as METR splits them; runs at the same task length pool into one cell, so a fit
  costs the same whatever the number of runs. With ``penalty`` C the logistic maximises
  :math:`L - b^2/(2C)` (scikit-learn's ``LogisticRegression(C)`` with weights summing to 1: METR's
  method is ``weights="invsqrt", penalty=10``).
* **Global maximum.** The logistic, exponential and Weibull likelihoods are concave in their linear
  predictors (logit and complementary log-log links), so one start reaches the maximum. The steps
  families are not: 15 starts spread over beta, tau and the budget, the best few polished to full
  precision.
* **Horizons** ``p50_minutes``, ``p80_minutes``: the task length where the curve falls through 0.5
  and 0.8 (None where it does not, e.g. a logistic whose success rises with length).
* **Cross-validation** (``cv="family"``): for each task family, refit on the other families (from
  the full-data fit) and score the held-out runs; ``cv_loglik`` is the sum over folds. A curve that
  calls a held-out success impossible scores -inf.
* **Bootstrap** (``bootstrap`` draws, :mod:`alignlab.horizons.bootstrap`): every family refitted to
  every draw from its full-data fit; 95% percentile intervals for the horizons and every parameter.
  Draws in which an agent's runs all fail or all succeed are left out for that agent (as METR does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._limits import check_work
from alignlab._progress import tracker
from alignlab._random import seed_sequence, seed_used
from alignlab.horizons import bootstrap as bs
from alignlab.horizons.families import FAMILIES
from alignlab.horizons.optimize import loglik, maximise
from alignlab.horizons.results import AgentHorizons, Binned, Curve, FamilyFit, HorizonsResult
from alignlab.horizons.runs import WEIGHTS, Runs, load_runs, run_weights

LEVELS = (0.5, 0.8)
CV_CHOICES = ("family", "none")
_CHUNK = 50                 # bootstrap draws per task
MAX_REFITS = 1e5            # bootstrap draws x agents x families (2e4 took 60 s here) unless max_work says more
_BOOTSTRAP_ITERATIONS = 30  # bootstrap and CV fits start at the full-data optimum; a few crawl along ridges
_POLISH = 2                 # multi-start: the best starts taken to full precision
_BINS = 8


@dataclass(frozen=True)
class AgentData:
    """One agent's runs, pooled by task length: ``minutes`` (C,) ascending, each run's cell, weight, score
    and task family (an index), and its position in the runs file (for bootstrap multiplicities)."""

    name: str
    minutes: np.ndarray
    cell: np.ndarray
    weight: np.ndarray
    score: np.ndarray
    family: np.ndarray
    position: np.ndarray
    tasks: int

    def totals(self, multiplicity=None):
        """Weighted successes and failures per cell (rows: one per row of ``multiplicity``)."""
        w = self.weight if multiplicity is None else multiplicity[..., self.position] * self.weight
        w = np.atleast_2d(w)
        cells = self.minutes.size
        index = self.cell + cells * np.arange(w.shape[0])[:, None]
        s = np.bincount(index.ravel(), (w * self.score).ravel(), minlength=w.shape[0] * cells)
        f = np.bincount(index.ravel(), (w * (1.0 - self.score)).ravel(), minlength=w.shape[0] * cells)
        return s.reshape(-1, cells), f.reshape(-1, cells)


def fit_horizons(runs, *, agents=None, families=None, weights: str = "invsqrt", penalty: float | None = None,
                 bootstrap: int = 1000, cv: str = "family", seed=None, workers: int | None = None,
                 scheduler: str | None = None, progress=False, max_work: float | None = None) -> HorizonsResult:
    """Fit ``families`` (default: all five) to each agent of ``runs`` (a :class:`Runs` or a path read
    with the default columns); see the module docstring. ``workers`` local processes (default: one
    per core; 1 runs everything in this process) or the Dask scheduler at ``scheduler`` share the work.
    The refits (bootstrap draws x agents x families) are checked against :data:`MAX_REFITS` before any
    work (``max_work`` raises it)."""
    if not isinstance(runs, Runs):
        runs = load_runs(runs)
    weights = v.choice("weights", weights, WEIGHTS)
    cv = v.choice("cv", cv, CV_CHOICES)
    names = tuple(FAMILIES) if families is None else tuple(families)
    if not names:
        raise v.ParameterError("family", f"needs at least one of {', '.join(FAMILIES)}")
    for name in names:
        v.choice("family", name, tuple(FAMILIES))
    names = tuple(dict.fromkeys(names))
    if penalty is not None:
        penalty = v.real("penalty", penalty, low=0.0, low_open=True)
    bootstrap = v.integer("bootstrap", bootstrap, low=0, high=1_000_000)
    if workers is not None:
        workers = v.integer("workers", workers, low=1, high=1024)
    scheduler = v.scheduler_address("scheduler", scheduler)
    if agents is not None:
        runs = runs.select(tuple(agents))
    check_work("bootstrap", float(bootstrap) * len(runs.agents) * len(names), MAX_REFITS,
               "refits (bootstrap draws x agents x families)", max_work)
    root = seed_sequence(seed)
    data = _agent_data(runs, run_weights(runs, weights))
    table = None
    if any(FAMILIES[n].__class__.__name__ == "Steps" for n in names):
        from alignlab.horizons import lomax_table
        table = lomax_table.table()
    context = {"agents": data, "families": names, "penalty": penalty, "cv": cv,
               "hierarchy": bs.Hierarchy.of(runs.family, runs.task, runs.agent), "root": root}
    chunks = [range(a, min(a + _CHUNK, bootstrap)) for a in range(0, bootstrap, _CHUNK)]
    with tracker(progress, len(data) + bootstrap, "fitting curves") as bar, \
            bs.Workers(context, workers=workers, scheduler=scheduler, table=table) as pool:
        fits = pool.map(_fit_agent, range(len(data)), lambda i: bar.advance(1, f"fitted {data[i].name}"))
        draws = pool.map(_bootstrap_chunk, [(chunk, fits) for chunk in chunks],
                         lambda i: bar.advance(len(chunks[i]), "bootstrap"))
    results = tuple(_summarise(agent, fit, [d[i] for d in draws], names, weights)
                    for i, (agent, fit) in enumerate(zip(data, fits)))
    return HorizonsResult(runs.source, weights, penalty, results, bootstrap, cv, seed_used(root))


def _agent_data(runs: Runs, weight: np.ndarray) -> list[AgentData]:
    _, family_index = np.unique(runs.family, return_inverse=True)
    out = []
    for name in runs.agents:
        position = np.flatnonzero(runs.agent == name)
        minutes, cell = np.unique(runs.minutes[position], return_inverse=True)
        out.append(AgentData(name, minutes, cell, weight[position], runs.score[position], family_index[position],
                             position, int(np.unique(runs.task[position]).size)))
    return out


def _degenerate(s, f) -> np.ndarray:
    """Rows in which every run fails or every run succeeds (no curve can be fitted)."""
    return (s.sum(axis=-1) <= 0) | (f.sum(axis=-1) <= 0)


def _fit_agent(context, index):
    """Full-data fit of every family for one agent, with its cross-validation."""
    agent: AgentData = context["agents"][index]
    s, f = agent.totals()
    if _degenerate(s, f)[0]:
        return None
    rate = float(s.sum() / (s.sum() + f.sum()))
    out = {}
    for name in context["families"]:
        family = FAMILIES[name]
        bounds = family.bounds(agent.minutes)
        starts = family.starts(agent.minutes, rate)
        rows = len(starts)
        if rows > 1:
            # every start briefly, then the best few to full precision
            rough = maximise(family, agent.minutes, np.repeat(s, rows, 0), np.repeat(f, rows, 0), starts, bounds,
                             context["penalty"], tolerance=1e-7, iterations=25)
            best = np.argsort(np.where(np.isfinite(rough.objective), -rough.objective, np.inf))[:_POLISH]
            starts = rough.theta[best]
        batch = maximise(family, agent.minutes, np.repeat(s, len(starts), 0), np.repeat(f, len(starts), 0),
                         starts, bounds, context["penalty"])
        best = int(np.argmax(np.where(np.isfinite(batch.objective), batch.objective, -np.inf)))
        theta = batch.theta[best]
        cv_value = _cross_validate(agent, family, theta, bounds, context["penalty"]) \
            if context["cv"] == "family" else None
        out[name] = {"theta": theta, "converged": bool(batch.converged[best]), "at_bound": batch.at_bound[best],
                     "cv": cv_value}
    return out


def _cross_validate(agent: AgentData, family, theta, bounds, penalty):
    """Sum over task families of the held-out log-likelihood of a fit to the other families."""
    folds = np.unique(agent.family)
    keep = (agent.family[None, :] != folds[:, None]).astype(float)           # (folds, runs)
    s, f = agent.totals(_expand(keep, agent))
    held_s, held_f = agent.totals(_expand(1.0 - keep, agent))
    usable = ~_degenerate(s, f)
    if not usable.any():
        return None
    batch = maximise(family, agent.minutes, s[usable], f[usable], np.tile(theta, (int(usable.sum()), 1)),
                     bounds, penalty, tolerance=1e-9, iterations=40)
    return float(loglik(family, batch.theta, agent.minutes, held_s[usable], held_f[usable]).sum())


def _expand(per_run, agent: AgentData):
    """Per-run factors of this agent's runs as multiplicities over the whole file's positions."""
    out = np.zeros(per_run.shape[:-1] + (int(agent.position.max()) + 1,))
    out[..., agent.position] = per_run
    return out


def _bootstrap_chunk(context, item):
    """Refit every agent and family to the draws of ``item`` = (draw indices, full-data fits): per agent,
    per family, (theta, horizons) arrays with NaN where the draw left the agent no curve to fit. All
    agents of a family are fitted as one batch, on the union of their task lengths (an agent's other
    lengths carry no weight)."""
    draws, fits = item
    mult = bs.multiplicities(context["hierarchy"], context["root"], draws)
    agents = [(a, fit) for a, fit in zip(context["agents"], fits) if fit is not None]
    union = np.unique(np.concatenate([a.minutes for a, _ in agents])) if agents else np.zeros(0)
    rows_s, rows_f, owner = [], [], []
    for i, (agent, _) in enumerate(agents):
        s, f = agent.totals(mult)
        usable = np.flatnonzero(~_degenerate(s, f))
        cells = np.searchsorted(union, agent.minutes)
        full_s, full_f = np.zeros((usable.size, union.size)), np.zeros((usable.size, union.size))
        full_s[:, cells], full_f[:, cells] = s[usable], f[usable]
        rows_s.append(full_s)
        rows_f.append(full_f)
        owner.append(np.stack([np.full(usable.size, i), usable], axis=1))
    out = {a.name: {name: (np.full((len(draws), FAMILIES[name].k), np.nan), np.full((len(draws), len(LEVELS)), np.nan))
                    for name in context["families"]} for a, _ in agents}
    if not agents:
        return [None] * len(context["agents"])
    s, f, owner = np.concatenate(rows_s), np.concatenate(rows_f), np.concatenate(owner)
    if owner.size:
        for name in context["families"]:
            family = FAMILIES[name]
            start = np.stack([agents[i][1][name]["theta"] for i in owner[:, 0]])
            bounds = np.stack([family.bounds(agents[i][0].minutes) for i in owner[:, 0]])
            batch = maximise(family, union, s, f, start, bounds, context["penalty"], tolerance=1e-7,
                             iterations=_BOOTSTRAP_ITERATIONS)
            horizons = np.stack([family.horizon(batch.theta, q) for q in LEVELS], axis=1)
            for row, (i, d) in enumerate(owner):
                theta, hz = out[agents[i][0].name][name]
                theta[d], hz[d] = batch.theta[row], horizons[row]
    return [out.get(a.name) for a in context["agents"]]


def _summarise(agent: AgentData, fit, draws, names, weights) -> AgentHorizons:
    s, f = agent.totals()
    s, f = s[0], f[0]
    runs = int(agent.score.size)
    successes = float(agent.score.sum())
    lo, hi = float(agent.minutes.min()), float(agent.minutes.max())
    binned = _binned(agent)
    if fit is None:
        outcome = "fail" if s.sum() <= 0 else "succeed"
        note = f"all {runs} runs {outcome}: no curve can be fitted, every horizon is null"
        empty = {n: FamilyFit({p: None for p in FAMILIES[n].param_names}, None, None, None, None, None, None, None,
                              None, None, {"p50": False, "p80": False}, False, note) for n in names}
        return AgentHorizons(agent.name, runs, successes, agent.tasks, _families(agent), (lo, hi), empty, None, None,
                             Curve(tuple(agent.minutes.tolist()), {}), note, binned)
    n_eff = float(agent.weight.sum() ** 2 / (agent.weight ** 2).sum())
    scale = n_eff / float(agent.weight.sum())
    fits, curves = {}, {}
    for name in names:
        family = FAMILIES[name]
        theta = fit[name]["theta"]
        value = float(loglik(family, theta[None], agent.minutes, s[None], f[None])[0])
        horizon = [float(family.horizon(theta[None], q)[0]) for q in LEVELS]
        horizon = [h if math.isfinite(h) else None for h in horizon]
        params = {k: float(np.asarray(x)) for k, x in family.params(theta).items()}
        k = family.k
        aic = 2 * k - 2 * value * scale
        bic = k * math.log(n_eff) - 2 * value * scale
        p50_ci = p80_ci = params_ci = p50_draws = param_draws = None
        boot = [d[name] for d in draws if d is not None]
        if boot:
            thetas = np.concatenate([b[0] for b in boot])
            hz = np.concatenate([b[1] for b in boot])
            ok = ~np.isnan(thetas).any(axis=1)
            if ok.any():
                p50_ci, p80_ci = (_interval(hz[ok, i]) for i in range(len(LEVELS)))
                named = family.params(thetas[ok])
                params_ci = {p: _interval(np.asarray(x, dtype=float)) for p, x in named.items()}
                every = family.params(np.where(ok[:, None], thetas, thetas[ok][0]))
                p50_draws = tuple(np.where(ok, np.where(np.isnan(hz[:, 0]), np.inf, hz[:, 0]), np.nan).tolist())
                param_draws = {p: tuple(np.where(ok, np.asarray(x, dtype=float), np.nan).tolist())
                               for p, x in every.items()}
        converged = fit[name]["converged"]
        notes = [] if converged else ["the optimiser stopped before reaching a maximum"]
        if value > -1e-6 * float(agent.weight.sum()):
            # the likelihood approaches its supremum 0: every run is predicted with certainty
            converged = False
            notes = ["the runs are perfectly separated by task length: no finite maximum (try a penalty)"]
        bounds = family.bounds(agent.minutes)
        for i, (p, hit) in enumerate(zip(family.param_names, fit[name]["at_bound"])):
            if hit:
                side = "lower" if abs(theta[i] - bounds[i, 0]) <= abs(theta[i] - bounds[i, 1]) else "upper"
                notes.append(f"{p} at the {side} end of its range ({params[p]:.3g})")
        if name == "logistic" and params["slope"] >= 0:
            notes.append("success does not fall with task length (slope >= 0): no horizon")
        extrapolated = {f"p{int(q * 100)}": h is not None and not lo <= h <= hi for q, h in zip(LEVELS, horizon)}
        fits[name] = FamilyFit(params, value, aic, bic, horizon[0], horizon[1], p50_ci, p80_ci, params_ci,
                               fit[name]["cv"], extrapolated, converged, "; ".join(notes) or None,
                               p50_draws, param_draws)
        curves[name] = tuple(np.exp(family.evaluate(theta[None], agent.minutes, gradient=False)[0][0]).tolist())
    best_bic = min(fits, key=lambda n: fits[n].bic)
    scored = {n: x.cv_loglik for n, x in fits.items() if x.cv_loglik is not None}
    best_cv = max(scored, key=scored.get) if scored else None
    return AgentHorizons(agent.name, runs, successes, agent.tasks, _families(agent), (lo, hi), fits, best_bic,
                         best_cv, Curve(tuple(agent.minutes.tolist()), curves), None, binned, scale)


def _families(agent: AgentData) -> int:
    return int(np.unique(agent.family).size)


def _interval(values: np.ndarray) -> tuple[float, float]:
    """The 2.5% and 97.5% percentiles; a horizon that does not exist in a draw counts as +inf."""
    values = np.where(np.isnan(values), np.inf, values)
    lo, hi = np.quantile(values, [0.025, 0.975], method="inverted_cdf")
    return float(lo), float(hi)


def _binned(agent: AgentData) -> Binned:
    """Weighted success in equal bins of log task length, with the standard error of a weighted mean."""
    log_t = np.log(agent.minutes[agent.cell])
    edges = np.linspace(log_t.min(), log_t.max() + 1e-9, _BINS + 1)
    which = np.clip(np.searchsorted(edges, log_t, side="right") - 1, 0, _BINS - 1)
    rows = []
    for b in range(_BINS):
        mine = which == b
        if not mine.any():
            continue
        w, y = agent.weight[mine], agent.score[mine]
        rate = float((w * y).sum() / w.sum())
        se = float(math.sqrt(((w * (y - rate)) ** 2).sum()) / w.sum())
        rows.append((float(np.exp((w * log_t[mine]).sum() / w.sum())), rate, se, int(mine.sum())))
    m, r, e, c = zip(*rows)
    return Binned(tuple(np.exp(edges).tolist()), m, r, e, c)

