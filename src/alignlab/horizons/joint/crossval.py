r"""Held-out tests: what a fitted joint model predicts for runs it has not seen.

Each held-out run i is scored by its log predictive probability
:math:`\log \hat p_i^{y_i}(1-\hat p_i)^{1-y_i}`, with :math:`\hat p` the model's success probability for its
cell averaged over what the training data say about the cell's task (the task's posterior from the
training cells, or the prior for a task with none), and reported in nats per run, unweighted and under
METR's invsqrt weights. Kinds:

* ``cells``: K folds of whole agent x task cells (seeded); the held-out cell's task effect comes from the
  other agents' runs of that task.
* ``family``: each task family left out in turn; its tasks' effects are integrated over the prior.
* ``agent``: each agent left out in turn; the model is fitted to the other agents, then the agent's own
  parameters are calibrated on ``calibration_tasks`` of its tasks (seeded), with those tasks' effects
  from the other agents, and its other tasks are predicted.

**Calibration** (``agent`` and :func:`new_agents`) maximises, over the new agent's parameters
:math:`\phi` only, :math:`\sum_{j \in \mathrm{cal}} \log \int p(\mathrm{runs}_{aj} \mid \phi, z)\,
\pi_j(z)\,dz - \sum_k (\phi_k - \mu_k)^2 / (2 v_k)`, with :math:`\pi_j` the task's posterior from the
fitted agents (its quadrature nodes and weights) and an empirical-Bayes prior: :math:`\mu, v` the mean
and variance of the fitted agents' parameters (on the optimiser's scale; v at least 0.01). Ten tasks
can separate successes from failures perfectly, where an unpenalised fit runs off to infinity; the
prior is the population of agents the model has seen, and the per-agent baselines get the same
treatment from their own fits, so the comparison stays fair. The climb (L-BFGS-B in the box) starts from
the best of the prior mean and each fitted agent's own parameters: the mean can sit where the calibration
tasks' likelihood vanishes (steps-joint), and a climb from there would not move.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from scipy.optimize import minimize

from alignlab.horizons.joint import horizons as hz
from alignlab.horizons.joint import marginal as mq
from alignlab.horizons.joint.fitting import fit as fit_model
from alignlab.horizons.joint.names import CV_KINDS

KINDS = CV_KINDS
_PRIOR_VARIANCE_FLOOR = 0.01


def posterior(model, theta, cells, count):
    """Every task's posterior nodes and weights under the training ``cells`` (prior nodes for a task
    without cells), and which tasks have data."""
    integral, _ = mq.marginal(model, theta, cells, count, gradient=False)
    return integral.nodes.z, integral.weights, np.bincount(cells.task, minlength=cells.n_tasks) > 0


def predict_cells(model, theta, cells, index, z, weights, has_data) -> np.ndarray:
    """p-hat of the cells ``index`` of ``cells``: over their task's posterior where it has data, over the
    dense prior grid where it has none."""
    agent, task = cells.agent[index], cells.task[index]
    x = cells.log2_minutes[task]
    out = np.empty(index.size)
    known = has_data[task]
    if known.any():
        out[known] = mq.predict(model, theta, agent[known], x[known], task[known], cells.n_agents,
                                z[task[known]], weights[task[known]])
    if (~known).any():
        grid = mq.prior_grid(1)
        rows = int((~known).sum())
        out[~known] = mq.predict(model, theta, agent[~known], x[~known], task[~known], cells.n_agents,
                                 np.broadcast_to(grid.z[0], (rows, grid.z.shape[1])),
                                 np.broadcast_to(np.exp(grid.log_w[0]), (rows, grid.z.shape[1])))
    return out


def log_scores(cells, index, p) -> tuple[np.ndarray, np.ndarray]:
    """Held-out nats of each cell, unweighted and under METR's weights."""
    def total(s, f):        # a cell without successes (failures) adds nothing, even where p is 0 (1)
        return np.where(s > 0, s * log_p, 0.0) + np.where(f > 0, f * log_q, 0.0)

    with np.errstate(divide="ignore", invalid="ignore"):
        log_p, log_q = np.log(p), np.log1p(-p)
        return total(cells.s_raw[index], cells.f_raw[index]), total(cells.s_metr[index], cells.f_metr[index])


def assign_folds(cells, folds: int, rng) -> np.ndarray:
    """Fold of every cell: a random permutation dealt round-robin."""
    order = rng.permutation(cells.n_cells)
    out = np.empty(cells.n_cells, dtype=np.intp)
    out[order] = np.arange(cells.n_cells) % folds
    return out


def refit(model, theta, cells, keep):
    """The model refitted to the cells where ``keep``, from ``theta`` (no intervals; climbed on the base nodes,
    which are doubled until the quadrature is exact, as in a full fit)."""
    return fit_model(model, cells.subset(keep), theta, covariance=False)


def held_out(model, theta, cells, keep, count):
    """Refit on ``keep`` and predict the other cells: (held-out index, p-hat, runs not scored). The cells
    of an agent whose training runs all fail or all succeed are not scored (no curve has a finite
    maximum there; the same for every model, since it depends on the data only)."""
    s = np.bincount(cells.agent[keep], cells.s[keep], cells.n_agents)
    f = np.bincount(cells.agent[keep], cells.f[keep], cells.n_agents)
    degenerate = (s <= 0) | (f <= 0)
    train = refit(model, theta, cells, keep & ~degenerate[cells.agent])
    z, w, has = posterior(model, train.theta, cells.subset(keep & ~degenerate[cells.agent]), max(count, train.nodes))
    index = np.flatnonzero(~keep & ~degenerate[cells.agent])
    skipped = float(cells.runs[~keep & degenerate[cells.agent]].sum())
    return index, predict_cells(model, train.theta, cells, index, z, w, has), skipped


def empirical_prior(model, theta, agents: int, others) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of the fitted agents' parameters (optimiser scale): the calibration's prior."""
    block = model.agent_block(theta, agents)[list(others)]
    var = block.var(axis=0, ddof=1) if block.shape[0] > 1 else np.full(block.shape[1], 4.0)
    return block.mean(axis=0), np.maximum(var, _PRIOR_VARIANCE_FLOOR)


def calibrate(model, theta, cells, a: int, index, z, weights, prior, others) -> np.ndarray:
    """theta with agent a's parameters fitted to the cells ``index`` (module docstring); ``z`` and
    ``weights`` (J, K) are every task's posterior nodes under the fitted agents ``others`` (never a), whose
    own parameters are candidate starts."""
    ka = len(model.agent_params)
    columns = np.arange(a * ka, (a + 1) * ka)
    sub = cells.subset(np.isin(np.arange(cells.n_cells), index))
    with np.errstate(divide="ignore"):
        nodes = mq.Nodes(z, np.log(weights))
    mean, var = prior
    bounds = model.bounds(cells.n_agents, cells.n_tasks, cells.minutes)[columns]

    def objective(phi):
        trial = theta.copy()
        trial[columns] = phi
        integral = mq.integrate(model, trial, sub, nodes)
        value = integral.loglik - 0.5 * np.sum((phi - mean) ** 2 / var)
        if not np.isfinite(value):
            return 1e300, np.zeros(ka)
        return -value, -(integral.gradient[columns] - (phi - mean) / var)

    # from the best of the prior mean and the fitted agents' own parameters (the mean can sit where the
    # calibration tasks' likelihood vanishes, and the climb would not move); never a's own (held out)
    fitted = model.agent_block(theta, cells.n_agents)[[i for i in others if i != a]]
    candidates = np.clip(np.vstack([mean, fitted]), bounds[:, 0], bounds[:, 1])
    start = min(candidates, key=lambda phi: objective(phi)[0])
    result = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=[tuple(b) for b in bounds])
    out = theta.copy()
    out[columns] = result.x
    return out


def calibration_tasks(cells, a: int, count: int, rng) -> np.ndarray:
    """Indices of agent a's cells on ``count`` of its tasks drawn at random (all of them if fewer)."""
    mine = np.flatnonzero(cells.agent == a)
    pick = rng.permutation(mine.size)[:count]
    return np.sort(mine[pick])


def agent_fold(model, theta, cells, a: int, count: int, k: int, rng):
    """Agent a left out: the other agents fitted, a calibrated on k tasks, its other tasks predicted.
    Returns (held-out index, p-hat, calibrated typical p50, or NaN)."""
    keep = cells.agent != a
    train = refit(model, theta, cells, keep)
    z, w, has = posterior(model, train.theta, cells.subset(keep), max(count, train.nodes))
    others = [i for i in range(cells.n_agents) if i != a]
    cal = calibration_tasks(cells, a, k, rng)
    calibrated = calibrate(model, train.theta, cells, a, cal, z, w,
                           empirical_prior(model, train.theta, cells.n_agents, others), others)
    rest = np.setdiff1d(np.flatnonzero(cells.agent == a), cal)
    p = predict_cells(model, calibrated, cells, rest, z, w, has)
    p50 = hz.horizons(model, calibrated, cells.n_agents, False, (0.5,))[a, 0]
    return rest, p, float(p50)


def bins_by_doubling(minutes, p, y, runs):
    """Predicted and observed success per doubling of task length: (low, high, runs, predicted, observed)."""
    k = np.floor(np.log2(minutes)).astype(int)
    out = []
    for b in np.unique(k):
        mine = k == b
        n = runs[mine].sum()
        out.append((float(2.0 ** b), float(2.0 ** (b + 1)), int(n), float((p[mine] * runs[mine]).sum() / n),
                    float(y[mine].sum() / n)))
    return out


def extend_tasks(cells, other):
    """``other`` (cells of another file) re-indexed onto ``cells``' tasks: a task with the same name keeps
    its index, an unknown task gets a new one after them. Returns (other cells, task count, unknown mask)."""
    known = {name: j for j, name in enumerate(cells.task_names)}
    mapping, names, minutes, family = [], list(cells.task_names), list(cells.minutes), list(cells.task_family)
    for j, name in enumerate(other.task_names):
        if name in known:
            mapping.append(known[name])
        else:
            mapping.append(len(names))
            names.append(name)
            minutes.append(other.minutes[j])
            family.append(other.task_family[j])
    mapping = np.array(mapping, dtype=np.intp)
    moved = replace(other, task=mapping[other.task], task_names=np.array(names, dtype=object),
                    minutes=np.array(minutes), task_family=np.array(family, dtype=object))
    unknown = np.zeros(len(names), dtype=bool)
    unknown[cells.n_tasks:] = True
    return moved, unknown


def widen(model, theta, agents: int, tasks: int, new_agents: int, new_tasks: int) -> np.ndarray:
    """theta with room for ``new_agents`` more agents (at the prior mean, filled in by calibration) and
    ``new_tasks`` more tasks (irt-2pl: the prior median discrimination, log d = 0)."""
    block = model.agent_block(theta, agents)
    grown = np.concatenate([block, np.tile(block.mean(axis=0), (new_agents, 1))]).ravel()
    shared = theta[agents * len(model.agent_params):agents * len(model.agent_params) + len(model.shared_params)]
    tail = np.concatenate([model.task_block(theta, agents), np.zeros(new_tasks * len(model.task_params))])
    return np.concatenate([grown, shared, tail])


def new_agent_scores(model, fitted, cells, other, k: int, rng_of):
    """Each agent of ``other`` (cells of another runs file): calibrated on k tasks from the fit to
    ``cells`` and predicted on the rest. Returns per agent (name, held-out nats, runs, bins, unknown tasks),
    with METR's logistic (``model`` is then the baseline) scored the same way by the caller."""
    moved, unknown = extend_tasks(cells, other)
    agents, tasks = cells.n_agents, cells.n_tasks
    theta = widen(model, fitted.theta, agents, tasks, other.n_agents, moved.n_tasks - tasks)
    combined = replace(moved, agent=moved.agent + agents, agents=cells.agents + other.agents)
    count = fitted.nodes
    z_fit, w_fit = fitted.integral.nodes.z, fitted.integral.weights
    x, w = mq.gauss_hermite(count)
    prior_z, prior_w = math.sqrt(2.0) * x, w / math.sqrt(math.pi)
    z = np.vstack([z_fit, np.tile(prior_z, (moved.n_tasks - tasks, 1))])
    weights = np.vstack([w_fit, np.tile(prior_w, (moved.n_tasks - tasks, 1))])
    has = ~unknown
    prior = empirical_prior(model, fitted.theta, agents, range(agents))
    out = []
    for i, name in enumerate(other.agents):
        a = agents + i
        cal = calibration_tasks(combined, a, k, rng_of(i))
        calibrated = calibrate(model, theta, combined, a, cal, z, weights, prior, range(agents))
        rest = np.setdiff1d(np.flatnonzero(combined.agent == a), cal)
        p = predict_cells(model, calibrated, combined, rest, z, weights, has)
        nats, _ = log_scores(combined, rest, p)
        runs = combined.s_raw[rest] + combined.f_raw[rest]
        bins = bins_by_doubling(combined.minutes[combined.task[rest]], p, combined.s_raw[rest], runs)
        out.append((name, float(nats.sum()), float(runs.sum()), bins, int(unknown[combined.task[rest]].sum())))
    return out
