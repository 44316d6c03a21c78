r"""``fit_joint``: the joint models fitted to a runs file, with likelihood-ratio tests, the hierarchical
bootstrap, held-out tests and the new-agents test.

The work runs in three rounds through :func:`alignlab._executor.ordered_map` (local processes or a Dask
scheduler): every model, per-agent baseline and nested model fitted to all the data; then, from those
optima, the cross-validation folds, the bootstrap draws and the profile-likelihood interval of any shared
parameter whose estimate lies at an end of its range (where a Wald interval is not valid); then the
summaries. Randomness (folds,
calibration tasks, draws) comes from ``block_generator(seed, ...)`` keyed by what it is for, so the
numbers do not depend on ``workers`` or ``scheduler``.
"""

from __future__ import annotations

import math

import numpy as np

from alignlab import _validate as v
from alignlab._executor import ordered_map
from alignlab._limits import check_work
from alignlab._progress import tracker
from alignlab._seeding import block_generator, seed_sequence, seed_used
from alignlab.horizons.joint import crossval
from alignlab.horizons.joint import marginal as mq
from alignlab.horizons.joint import models as jm
from alignlab.horizons.joint import summary
from alignlab.horizons.joint._house import WEIGHTS, Runs, load_runs
from alignlab.horizons.joint.bootstrap import resample
from alignlab.horizons.joint.data import cells_of, degenerate_agents
from alignlab.horizons.joint.fitting import fit as fit_model
from alignlab.horizons.joint.fitting import profile_interval
from alignlab.horizons.joint.results import Bin, Calibration, JointResult, NewAgent, NewAgents, Score, Test

MAX_WORK = 2e4              # model fits (full, folds, bootstrap draws) unless max_work says more
_CHUNK = 4                  # bootstrap draws per work item
_CALIBRATION_BINS = 10
P50_FACTOR = 2.0            # agent test: a calibrated p50 within this factor of the full fit's agrees with it
# nested hypotheses: (model, parameter held, value, on the boundary of its range)
NESTED = {"logistic-joint": (("s", 0.0, True),), "rasch": (("s", 0.0, True),),
          "weibull-joint": (("s", 0.0, True),), "irt-2pl": (("s", 0.0, True),),
          "steps-joint": (("sigma", 0.0, True), ("gamma", 1.0, False))}
_SEED_FOLDS, _SEED_AGENT, _SEED_BOOT, _SEED_NEW = 1, 2, 3, 4


def fit_joint(runs, *, model=None, agent=None, weights: str = "none", cv=None, folds: int = 5,
              calibration_tasks: int = 10, new_agents=None, bootstrap: int = 0, seed=0,
              workers: int | None = None, scheduler: str | None = None, progress=False,
              max_work: float | None = None, columns: dict | None = None, cv_kinds=None) -> JointResult:
    """Fit ``model`` (one name or a list; default all of :data:`~alignlab.horizons.joint.models.MODELS`)
    to ``runs`` (a :class:`Runs`, a path, a shipped data set's name or a DataFrame, read with ``columns``)
    with the per-agent baselines, and run the held-out tests ``cv`` (one or a list of ``cells``,
    ``family``, ``agent``; default ``cells``; ``()`` for none), ``bootstrap`` hierarchical draws and, with
    ``new_agents`` (another runs file, read with the same ``columns``), the new-agents test. Agents whose
    runs all fail or all succeed are left out (``left_out`` says so). ``cv_kinds=`` is the old spelling
    of ``cv=``."""
    cv = v.renamed("cv_kinds", "cv", cv, cv_kinds)
    if not isinstance(runs, Runs):
        runs = load_runs(runs, columns=columns)
    names = _names("model", model, jm.MODELS, default=jm.MODELS)
    kinds = _names("cv", ("cells",) if cv is None else cv, crossval.KINDS, default=())
    weights = v.choice("weights", weights, WEIGHTS)
    folds = v.integer("folds", folds, low=2, high=100)
    calibration_tasks = v.integer("calibration_tasks", calibration_tasks, low=1, high=10_000)
    bootstrap = v.integer("bootstrap", bootstrap, low=0, high=100_000)
    scheduler = v.scheduler_address("scheduler", scheduler)
    if agent is not None:
        runs = runs.select((agent,) if isinstance(agent, str) else tuple(agent))
    left_out = degenerate_agents(runs)
    keep = [a for a in runs.agents if a not in left_out]
    if len(keep) < 2:
        raise v.ParameterError("agent", f"needs at least two agents whose runs neither all fail nor all succeed "
                                        f"(got {len(keep)})")
    runs = runs.select(keep)
    cells = cells_of(runs, weights)
    other = None
    if new_agents is not None:
        other_runs = new_agents if isinstance(new_agents, Runs) else load_runs(new_agents, columns=columns)
        other = cells_of(other_runs, weights)
    fits_per_model = 1 + folds * ("cells" in kinds) + len(np.unique(cells.task_family)) * ("family" in kinds) + \
        cells.n_agents * ("agent" in kinds) + bootstrap
    check_work("bootstrap", float(fits_per_model * (len(names) + 2)), MAX_WORK,
               "model fits (models x (1 + folds + bootstrap draws))", max_work)
    root = seed_sequence(seed)
    context = {"cells": cells, "root": root, "calibration_tasks": calibration_tasks,
               "folds": crossval.assign_folds(cells, folds, block_generator(root, _SEED_FOLDS))}
    every = tuple(f"baseline:{b}" for b in jm.BASELINES) + names
    nested = [(n, p, value, edge) for n in names for p, value, edge in NESTED[n]
              if not (n in ("logistic-joint", "weibull-joint") and p == "s")]
    run = dict(workers=workers, scheduler=scheduler, shared=context)
    with tracker(progress, len(every) + len(nested), "fitting joint models") as bar:
        items = [("fit", n, ()) for n in every] + [("fit", n, ((p, value),)) for n, p, value, _ in nested]
        fitted = dict(zip([_key(i[1], i[2]) for i in items],
                          ordered_map(_work, items, on_done=lambda i, r: bar.advance(1), seconds=30.0, **run)))
    second = []
    for name in names:                      # a shared parameter at an end of its range: its profile interval
        second += [("profile", name, (p, fitted[name].theta, fitted[name].loglik))
                   for p in _profiled(fitted[name], cells)]
    for name in every:
        theta = fitted[name].theta
        for kind in kinds:
            count = {"cells": folds, "family": len(np.unique(cells.task_family)), "agent": cells.n_agents}[kind]
            second += [("cv", name, (kind, i, theta, fitted[name].nodes)) for i in range(count)]
        for start in range(0, bootstrap if not name.startswith("baseline") else 0, _CHUNK):
            draws = tuple(range(start, min(start + _CHUNK, bootstrap)))
            second.append(("boot", name, (draws, theta)))
    with tracker(progress, len(second), "held-out tests and bootstrap") as bar:
        results = list(ordered_map(_work, second, on_done=lambda i, r: bar.advance(1), seconds=60.0, **run))
    scores, boots = _collect(second, results, cells, fitted)
    out = {}
    for name in every:
        tests = _tests(name, fitted, nested, cells)
        boot = boots.get(name)
        out[name] = summary.summarise(fitted[name], cells, name.removeprefix("baseline:"),
                                      boot_thetas=None if boot is None else boot[0],
                                      boot_horizons=None if boot is None else boot[1], tests=tests,
                                      note=None if boot is None or not boot[2] else
                                      f"{boot[2]} of {bootstrap} bootstrap refits stopped before converging",
                                      cv=scores.get(name), calibration=_calibration(name, fitted[name], cells,
                                                                                    scores.get(name, {}), results,
                                                                                    second),
                                      profiles={args[0]: r for (what, n, args), r in zip(second, results)
                                                if what == "profile" and n == name})
    new = None
    if other is not None:
        new = _new_agents(names[0] if len(names) == 1 else _best(out, names), fitted, cells, other, root,
                          calibration_tasks, str(new_agents if not isinstance(new_agents, Runs) else new_agents.source))
    return JointResult(runs.source, weights, cells.agents, {n: out[n] for n in names},
                       {b: out[f"baseline:{b}"] for b in jm.BASELINES}, bootstrap, folds, calibration_tasks,
                       seed_used(root), left_out, new)


def _names(param, value, allowed, default):
    if value is None:
        return tuple(default)
    values = (value,) if isinstance(value, str) else tuple(value)
    for x in values:
        v.choice(param, x, allowed)
    return tuple(dict.fromkeys(values))


def _key(name, fixed) -> str:
    return name + "".join(f"|{p}={value:g}" for p, value in fixed)


def _model(name, fixed=()):
    m = jm.baseline(name.removeprefix("baseline:")) if name.startswith("baseline:") else jm.model(name)
    return m.fix(**dict(fixed)) if fixed else m


STEPS_STARTS = (30.0, 3.0)        # steps-joint's starts: subtasks at the reference length (fitting, "Starts")


def start(model, cells, n_reference: float = STEPS_STARTS[0]) -> np.ndarray:
    """A starting point for ``model`` on ``cells``: every agent's overall success rate, no slope, spread 1
    (steps: beta 1.5 and ``n_reference`` subtasks at the reference length)."""
    agents, tasks = cells.n_agents, cells.n_tasks
    s = np.bincount(cells.agent, cells.s, agents)
    f = np.bincount(cells.agent, cells.f, agents)
    rate = np.clip(s / (s + f), 0.02, 0.98)
    theta = np.zeros(model.size(agents, tasks))
    block = model.agent_block(theta, agents)
    t_mid = float(np.exp(np.mean(np.log(cells.minutes))))
    if model.link == "logit":
        block[:, 0] = np.log(rate / (1 - rate))
    elif model.link == "cloglog":
        block[:, 1] = math.log(0.5)
        block[:, 0] = math.log(t_mid) - np.log(-np.log(rate)) / 0.5
    else:
        beta = 1.5
        block[:, 0] = math.log(beta)
        kappa = np.maximum(np.log(n_reference / (1 - rate)), beta * math.log(3 * n_reference * 30.0))
        block[:, 1] = np.log(np.minimum(kappa, 29.0))
        theta[model.shared_index("log_n_reference", agents)] = math.log(n_reference)
        theta[model.shared_index("gamma", agents)] = math.log(0.5)
    theta[:block.size] = block.ravel()
    for spread in ("s", "sigma"):
        if spread in model.shared_params:
            theta[model.shared_index(spread, agents)] = 1.0
    return model.with_fixed(theta, agents)


def starts(model, cells) -> np.ndarray:
    """The starts of a full fit, one per row: :func:`start`, and for the steps link one per number of subtasks
    at the reference length in :data:`STEPS_STARTS` (its likelihood has several local maxima)."""
    if model.link != "steps":
        return start(model, cells)[None, :]
    return np.stack([start(model, cells, n) for n in STEPS_STARTS])


def _profiled(fitted, cells) -> list[str]:
    """The shared parameters (public ones) of a fit whose estimates lie at an end of their range."""
    model = fitted.model
    bound = summary.at_bounds(model, fitted.theta, cells)
    public = model.public(fitted.theta, cells.n_agents)[1]
    return [p for p in model.shared_params if p in public and bound[model.shared_index(p, cells.n_agents)]]


def _work(context, item):
    """One unit of work (top level: worker processes import it by name)."""
    what, name, args = item
    cells = context["cells"]
    if what == "fit":
        model = _model(name, args)
        return fit_model(model, cells, starts(model, cells))
    model = _model(name)
    if what == "profile":
        return profile_interval(model, cells, *args[1:], args[0])
    if what == "cv":
        kind, i, theta, count = args
        if kind == "agent":
            rng = block_generator(context["root"], _SEED_AGENT, i)
            return crossval.agent_fold(model, theta, cells, i, count, context["calibration_tasks"], rng)
        keep = context["folds"] != i if kind == "cells" else \
            cells.task_family[cells.task] != np.unique(cells.task_family)[i]
        return crossval.held_out(model, theta, cells, keep, count)
    draws, theta = args
    out = []
    for b in draws:
        drawn, origin = resample(cells, block_generator(context["root"], _SEED_BOOT, b))
        own = model.task_block(theta, cells.n_agents)
        start_theta = np.concatenate([theta[:model.size(cells.n_agents, 0)], own[origin] if own.size else own])
        refit = fit_model(model, drawn, start_theta, covariance=False)
        out.append((refit.theta[:model.size(cells.n_agents, 0)],
                    summary.draw_horizons(model, refit.theta, cells.n_agents), refit.converged))
    return out


def _collect(items, results, cells, fitted):
    """Scores per model and kind, and bootstrap draws per model, from the second round's results. Each agent of
    the ``agent`` kind states its calibrated typical p50 beside the full fit's and whether they agree within
    :data:`P50_FACTOR` (None where either has no p50)."""
    parts, boots = {}, {}
    for (what, name, args), result in zip(items, results):
        if what == "cv":
            parts.setdefault(name, {}).setdefault(args[0], []).append(result)
        elif what == "boot":
            thetas, horizons, converged = boots.setdefault(name, ([], [], []))
            for theta, h, done in result:
                thetas.append(theta)
                horizons.append(h)
                converged.append(done)
    scores = {}
    for name, kinds in parts.items():
        for kind, folds in kinds.items():
            index = np.concatenate([f[0] for f in folds])
            p = np.concatenate([f[1] for f in folds])
            nats, weighted = crossval.log_scores(cells, index, p)
            runs = float((cells.s_raw[index] + cells.f_raw[index]).sum())
            weight = float((cells.s_metr[index] + cells.f_metr[index]).sum())
            agents = ()
            if kind == "agent":
                full = summary.draw_horizons(fitted[name].model, fitted[name].theta, cells.n_agents)[:, 0]
                agents = tuple({"agent": cells.agents[i], "p50_calibrated": f[2],
                                "p50_full": float(full[i]) if np.isfinite(full[i]) else None,
                                "p50_within_factor": bool(abs(math.log(f[2] / full[i])) <= math.log(P50_FACTOR))
                                if np.isfinite(full[i]) and np.isfinite(f[2]) and f[2] > 0 else None,
                                "runs": float((cells.s_raw[f[0]] + cells.f_raw[f[0]]).sum()),
                                "nats_per_run": float(crossval.log_scores(cells, f[0], f[1])[0].sum() /
                                                      max((cells.s_raw[f[0]] + cells.f_raw[f[0]]).sum(), 1))}
                               for i, f in enumerate(folds))
            skipped = sum(f[2] for f in folds) if kind != "agent" else 0
            note = (f"{skipped:.0f} held-out runs not scored: in their fold the agent's training runs all fail or "
                    f"all succeed") if skipped else None
            per_run = (float(nats.sum() / runs), float(weighted.sum() / weight)) if runs and weight else \
                (math.nan, math.nan)
            scores.setdefault(name, {})[kind] = Score(float(nats.sum()), int(runs), *per_run, len(folds), agents,
                                                      note)                     # nan: no held-out run was scored
    return scores, {n: (np.array(t), np.array(h), int(np.sum(~np.array(c)))) for n, (t, h, c) in boots.items()}


def _tests(name, fitted, nested, cells) -> tuple[Test, ...]:
    from scipy.stats import chi2
    full = fitted[name]
    out = []
    pairs = [(p, value, edge, fitted[_key(name, ((p, value),))]) for n, p, value, edge in nested if n == name]
    if name in ("logistic-joint", "weibull-joint"):
        pairs.append(("s", 0.0, True, fitted["baseline:" + ("logistic" if name == "logistic-joint" else "weibull")]))
    if name == "logistic-joint" and "rasch" in fitted:
        pairs.append(("slope", "one for all agents", False, fitted["rasch"]))
    for p, value, edge, null in pairs:
        stat = max(0.0, 2.0 * (full.loglik - null.loglik))
        shape = (cells.n_agents, cells.n_tasks)
        df = int(full.model.free(*shape).sum() - null.model.free(*shape).sum())
        p_value = float(0.5 * chi2.sf(stat, df) if edge else chi2.sf(stat, df))
        text = f"{p} = {value:g}" if not isinstance(value, str) else f"{p}: {value}"
        out.append(Test(text, p, float(null.loglik), float(stat), df, p_value, edge))
    return tuple(out)


def _calibration(name, fitted, cells, scores, results, items) -> Calibration:
    """Predicted against observed success in bins of predicted probability: the held-out cells of the
    cells folds when they ran, else in sample."""
    held = [r for (what, n, args), r in zip(items, results) if what == "cv" and n == name and args[0] == "cells"]
    if held:
        index, p, source = np.concatenate([h[0] for h in held]), np.concatenate([h[1] for h in held]), "cells"
    else:
        model = fitted.model
        index = np.arange(cells.n_cells)
        p = crossval.predict_cells(model, fitted.theta, cells, index, fitted.integral.nodes.z, fitted.integral.weights,
                             np.ones(cells.n_tasks, dtype=bool))
        source = "in sample"
    runs = cells.s_raw[index] + cells.f_raw[index]
    which = np.minimum((p * _CALIBRATION_BINS).astype(int), _CALIBRATION_BINS - 1)
    pred, obs, count = [], [], []
    for b in range(_CALIBRATION_BINS):
        mine = which == b
        n = runs[mine].sum()
        if n > 0:
            pred.append(float((p[mine] * runs[mine]).sum() / n))
            obs.append(float(cells.s_raw[index][mine].sum() / n))
            count.append(int(n))
    return Calibration(source, tuple(pred), tuple(obs), tuple(count))


def _best(fits, names) -> str:
    """The model with the best held-out cells score (else the largest log-likelihood)."""
    scored = {n: fits[n].cv["cells"].nats_per_run for n in names if "cells" in fits[n].cv}
    return max(scored, key=scored.get) if scored else max(names, key=lambda n: fits[n].loglik)


def _new_agents(name, fitted, cells, other, root, k, file) -> NewAgents:
    def rng_of(i):
        return block_generator(root, _SEED_NEW, i)
    joint = crossval.new_agent_scores(fitted[name].model, fitted[name], cells, other, k, rng_of)
    base = crossval.new_agent_scores(fitted["baseline:logistic"].model, fitted["baseline:logistic"], cells, other, k,
                               rng_of)
    agents = tuple(NewAgent(a, int(runs), nats / runs if runs else math.nan, b_nats / runs if runs else math.nan,
                            tuple(Bin(*row) for row in bins), unknown)
                   for (a, nats, runs, bins, unknown), (_, b_nats, _, _, _) in zip(joint, base))
    return NewAgents(file, name, k, agents)
