r"""Maximum marginal likelihood for one joint model: Levenberg-Marquardt on the tasks' scores (with
quasi-Newton updates of the curvature), a Newton polish, the observed information and its Wald intervals.

The objective is :math:`\log L(\theta) - \mathrm{pen}(\theta)` (:mod:`~alignlab.horizons.joint.marginal`; the
penalty is irt-2pl's prior on its discriminations, zero otherwise). Tasks are independent given theta, so the
outer product of their scores, :math:`I = \sum_j g_j g_j^T` (Berndt, Hall, Hall and Hausman 1974), estimates
the information; each step solves :math:`(B + \mu\,\mathrm{diag})\Delta = g` inside the box, is kept when it
raises the objective (then :math:`\mu` shrinks, else it grows), and the task modes are warm-started from the
last step. B starts as :math:`I + \nabla^2\mathrm{pen}` and, after each kept step s with gradient change y,
takes the BFGS update :math:`B - Bss^TB/(s^TBs) + yy^T/(y^Ts)` (skipped unless :math:`s^Ty > 0`); a rejected
step raises :math:`\mu`, except that a step rejected under an updated B at :math:`\mu \ge 1` resets B to the
score outer product at the current point (and :math:`\mu` to its start) instead. The score outer product alone is a poor curvature near the optimum for
random-effects models (convergence was linear: 200-400 steps for logistic-joint, irt-2pl did not converge
in 1,600, steps-joint stopped on a ridge 3.6 nats below its optimum on METR's file); the updated one converges
in 30-300 steps, and the reset keeps it from stalling where the updates have gone stale.

The quadrature error (:func:`~alignlab.horizons.joint.marginal.quadrature_error`) is then
checked: above :data:`~alignlab.horizons.joint.marginal.QUADRATURE_TOLERANCE` the nodes are doubled and the
climb resumed. The Hessian :math:`H` of the objective is taken by central differences of the analytic
gradient (2k gradients for k parameters), on the fewest nodes of that doubling whose quadrature error was
below :data:`HESSIAN_TOLERANCE` (1e-6 nats), and Newton steps :math:`-H^{-1}g`, g on the final nodes, polish
the optimum while they gain more than 1e-10 nats (each gaining step takes a new Hessian). The curvature of
a quadrature error that small is far below what the intervals show: at steps-joint's optimum on METR's
file, the Hessians on 96 nodes (error 2.9e-6 nats), 192 (7.2e-8) and 384 (7.1e-9) give standard errors
within 1.4e-5 and 6.8e-7 (relative) of the 384 nodes' ones, and the 192 nodes' Hessian costs 40% of the
384 nodes' one. The covariance of the free
parameters is :math:`(-H)^{-1}` (for irt-2pl, of the penalised objective: a posterior covariance in its
discriminations).

**Starts.** steps-joint's likelihood has several local maxima and ridges on METR's file (climbs from
different starts and with either curvature ended up to 3.7 nats apart, gamma at or near its lower bound), so
:func:`fit` takes one or more starts: each is climbed on the base nodes (for the links in
:data:`BOTH_CLIMBS`, when there are several starts, both with the updated curvature and with the score
outer product taken afresh at every kept step: neither climb found the higher optimum on both of METR's
data sets, with and without the human baseliners), the best end is kept and refined, and
:attr:`Fitted.starts` records where each climb ended (the objective on the base nodes). The climbs are
independent, so they run on this process's threads (:func:`alignlab._executor.ordered_map`, ``threads=True``:
the Lomax kernel releases the GIL; steps-joint on METR's file 17.3 s -> 14.9 s on 2 cores); each is its own
computation, so where it ran changes no number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab._executor import local_threads, ordered_map
from alignlab.horizons.joint import marginal as mq

MAX_NODES = 512                   # steps-joint on METR's file: 384 for an error below 1e-8 (docs/horizons_joint.md)
_HESSIAN_STEP = 1e-5
HESSIAN_TOLERANCE = 1e-6          # nats: the Hessian is taken on the fewest nodes whose quadrature error is below
_ITERATIONS = 400
_MU0, _MU_MAX = 1e-2, 1e10
BOTH_CLIMBS = frozenset({"steps"})  # links whose several starts are each climbed both ways (docstring)
_MU_RESET = 1.0             # a step rejected at this damping or more resets the updated curvature


@dataclass(frozen=True)
class Fitted:
    """A fitted model (internal): theta (P,), the marginal log-likelihood (no penalty), the penalised
    objective, covariance (P, P; zero rows for fixed parameters, None where the information is not
    positive definite), the quadrature (nodes per task and measured error), the integral at the optimum
    (posterior weights of every task), the task modes and whether the climb converged."""

    model: object
    theta: np.ndarray
    loglik: float
    objective: float
    covariance: np.ndarray | None
    nodes: int
    quadrature_error: float
    integral: mq.Integral
    mode: np.ndarray
    converged: bool
    iterations: int
    starts: tuple = ()          # the objective where each start's climb ended (base nodes), when several


class _Objective:
    """log L - penalty over the free parameters, with its gradient and score-outer-product information,
    warm-starting the task modes."""

    def __init__(self, model, cells, theta, count):
        self.model, self.cells, self.count = model, cells, count
        self.full = np.array(theta, dtype=float)
        self.free = model.free(cells.n_agents, cells.n_tasks)
        self.mode = None

    def theta(self, x):
        out = self.full.copy()
        out[self.free] = x
        return out

    def state(self, x, information: bool = True):
        theta = self.theta(x)
        integral, mode = mq.marginal(self.model, theta, self.cells, self.count, self.mode)
        pen, pen_grad, pen_hess = self.model.penalty(theta, self.cells.n_agents)
        value = integral.loglik - pen
        if not np.isfinite(value):
            return -np.inf, None, None
        self.mode = mode
        grad = (integral.gradient - pen_grad)[self.free]
        if not information:
            return value, grad, None
        scores = integral.task_gradients[:, self.free]
        return value, grad, scores.T @ scores + np.diag(pen_hess[self.free])


def fit(model, cells, start: np.ndarray, count: int = mq.NODES, covariance: bool = True,
        iterations: int = _ITERATIONS) -> Fitted:
    """Maximise ``model``'s marginal likelihood on ``cells`` from ``start`` (a theta, or one theta per row:
    the best of their climbs is kept; see the module docstring)."""
    agents, tasks = cells.n_agents, cells.n_tasks
    bounds = model.bounds(agents, tasks, cells.minutes)
    starts = np.atleast_2d(np.asarray(start, dtype=float))
    climbs = [(np.clip(model.with_fixed(row, agents), bounds[:, 0], bounds[:, 1]), update) for row in starts
              for update in ((True, False) if len(starts) > 1 and model.link in BOTH_CLIMBS else (True,))]
    box = bounds[model.free(agents, tasks)]

    def climb(job):                              # each start climbed on the base nodes; the best kept
        theta, update = job
        objective = _Objective(model, cells, theta, count)
        x, converged, steps, value = _climb(objective, theta[objective.free], box, iterations, update)
        return value, objective.theta(x), converged, steps

    # several climbs on threads (their kernels release the GIL): each is its own computation, the same anywhere
    ends = list(ordered_map(climb, climbs, workers=local_threads(), threads=True))
    best = max(range(len(ends)), key=lambda i: ends[i][0] if np.isfinite(ends[i][0]) else -np.inf)
    _, theta, converged, _ = ends[best]
    used = sum(e[3] for e in ends)
    errors = {}                                  # the quadrature error measured on each count of nodes
    while True:                                  # double the nodes until the quadrature is exact, climbing on
        error = errors[count] = mq.quadrature_error(model, theta, cells, count)
        if error <= mq.QUADRATURE_TOLERANCE or 2 * count > MAX_NODES:
            break
        count *= 2
        objective = _Objective(model, cells, theta, count)
        x, converged, steps, _ = _climb(objective, theta[objective.free], box, iterations)
        used += steps
        theta = objective.theta(x)
    objective = _Objective(model, cells, theta, count)
    x = theta[objective.free]
    hessian = None
    if covariance:                               # polished on the final nodes, its Hessian on the fewest exact ones
        fewest = min(c for c, e in errors.items() if e <= HESSIAN_TOLERANCE or c == count)
        x, hessian = _polish(objective, x, box, _Objective(model, cells, theta, fewest))
        theta = objective.theta(x)
        error = mq.quadrature_error(model, theta, cells, count)
    integral, mode = mq.marginal(model, theta, cells, count)
    pen = model.penalty(theta, agents)[0]
    cov = _covariance(hessian, objective.free) if hessian is not None else None
    return Fitted(model, theta, integral.loglik, integral.loglik - pen, cov, count, error, integral, mode,
                  converged, used, tuple(float(e[0]) for e in ends) if len(ends) > 1 else ())


PROFILE_LEVEL = 3.841458820694124    # chi2 with 1 degree of freedom, 95%: the profile interval's drop x 2
_PROFILE_STEP = 0.25                 # the first step from the range's end (optimiser's scale), doubled until past
_PROFILE_TOLERANCE = 0.01            # the crossing, to this on the optimiser's scale


def profile_interval(model, cells, theta, loglik: float, name: str) -> tuple[float, float]:
    r"""The 95% profile-likelihood interval of shared parameter ``name`` of the fit ``theta`` (log-likelihood
    ``loglik``) whose estimate lies at an end of its range, where a Wald interval is not valid: from that
    end to the value v where :math:`2(\log\hat L - \max_{	ext{rest}} \log L(v))` reaches
    :data:`PROFILE_LEVEL` (chi2 with one degree of freedom; at the end itself the statistic is a mixture
    of chi2_0 and chi2_1, so the interval is conservative there), or to the range's other end where it never
    does. Each point is a fit with ``name`` held (warm-started from the last); the crossing is bracketed by
    steps doubling from the end and found by bisection to :data:`_PROFILE_TOLERANCE` on the optimiser's
    scale. Returns the ends on the public scale, in increasing order."""
    agents, tasks = cells.n_agents, cells.n_tasks
    index = model.shared_index(name, agents)
    low, high = model.bounds(agents, tasks, cells.minutes)[index]
    end = float(theta[index])
    away = 1.0 if end - low <= high - end else -1.0            # from the end it sits at, into the range
    far = high if away > 0 else low
    public = (lambda x: math.exp(x)) if model.scales.get(name) == "log" else (lambda x: x)
    last = np.array(theta, dtype=float)

    def deviance(x):
        nonlocal last
        held = fit(model.fix(**{name: public(x)}), cells, last, covariance=False)
        last = held.theta
        return 2.0 * (loglik - held.loglik)

    inside, step = end, _PROFILE_STEP
    while True:
        x = end + away * step
        if away * (x - far) >= 0:
            x = far
        if deviance(x) >= PROFILE_LEVEL:
            outside = x
            break
        if x == far:
            return tuple(sorted((public(end), public(far))))
        inside, step = x, 2 * step
    while abs(outside - inside) > _PROFILE_TOLERANCE:
        middle = 0.5 * (inside + outside)
        if deviance(middle) >= PROFILE_LEVEL:
            outside = middle
        else:
            inside = middle
    return tuple(sorted((public(end), public(0.5 * (inside + outside)))))


def _climb(objective: _Objective, x, box, iterations, update: bool = True):
    """Levenberg-Marquardt with the score-outer-product information: BFGS-updated after each kept step and
    reset to a fresh one at the current point when a step after updates is rejected at damping
    :data:`_MU_RESET` or more (``update``), else taken afresh at every kept step (module docstring).
    Returns the point, whether it converged, the steps taken and the objective there."""
    value, grad, info = objective.state(x)
    if not np.isfinite(value):
        return x, False, 0, value
    mu = _MU0
    fresh, mode = True, objective.mode           # whether info is the score outer product at x; x's modes
    lower, upper = box[:, 0], box[:, 1]
    for step_count in range(1, iterations + 1):
        frozen = ((x <= lower) & (grad < 0)) | ((x >= upper) & (grad > 0))
        g = np.where(frozen, 0.0, grad)
        system = np.where(frozen[:, None] | frozen[None, :], 0.0, info)
        scale = np.maximum(np.diag(system), 1e-12)
        system = system + np.diag(mu * scale + frozen)
        try:
            step = np.linalg.solve(system, g)
        except np.linalg.LinAlgError:
            mu *= 10
            continue
        if mu < 1.0 and 0.5 * float(g @ step) < 1e-10 * (1.0 + abs(value)):
            return x, True, step_count, value          # the quadratic model promises nothing more
        trial = np.clip(x + step, lower, upper)
        t_value, t_grad, t_info = objective.state(trial, information=not update)
        if t_value > value:
            gain = t_value - value
            info = _bfgs(info, trial - x, grad - t_grad) if update else t_info
            x, value, grad, fresh, mode = trial, t_value, t_grad, not update, objective.mode
            mu = max(mu / 4.0, 1e-12)
            if gain < 1e-10 * (1.0 + abs(value)):
                return x, True, step_count, value
            continue
        if not fresh and mu >= _MU_RESET:        # damping did not help: the score outer product at x
            objective.mode = mode
            r_value, r_grad, r_info = objective.state(x)
            fresh = True
            if r_info is not None:
                value, grad, info, mu = r_value, r_grad, r_info, _MU0
                continue
        mu *= 5.0
        if mu > _MU_MAX or np.abs(trial - x).max() < 1e-12:
            return x, bool(np.abs(g).max() < 1e-3), step_count, value
    return x, False, iterations, value


def _bfgs(curvature: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The BFGS update of a positive-definite curvature (minus the Hessian) for the step s, over which the
    gradient fell by y; unchanged where s'y is not positive (the update would lose definiteness)."""
    sy = float(s @ y)
    if not sy > 1e-12 * float(np.linalg.norm(s) * np.linalg.norm(y)):
        return curvature
    bs = curvature @ s
    return curvature - np.outer(bs, bs) / float(s @ bs) + np.outer(y, y) / sy


def _hessian(objective: _Objective, x: np.ndarray) -> np.ndarray:
    """Hessian of the objective by central differences of its analytic gradient."""
    k = x.size
    out = np.empty((k, k))
    for i in range(k):
        h = _HESSIAN_STEP * (1.0 + abs(x[i]))
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g_up = objective.state(up, information=False)[1]
        g_down = objective.state(down, information=False)[1]
        if g_up is None or g_down is None:
            return None
        out[i] = (g_up - g_down) / (2 * h)
    return 0.5 * (out + out.T)


def _polish(objective: _Objective, x, box, curvature: _Objective, steps: int = 12):
    """Newton steps with the finite-difference Hessian of ``curvature`` (the same objective on fewer nodes,
    or ``objective`` itself), halved until they gain, while they gain more than 1e-10 nats (the
    score-outer-product climb is slow where a parameter belongs to a single task, such as irt-2pl's
    discriminations); a step that gains less is not taken, so that the Hessian in hand is the one at the
    point returned. Returns the point and the Hessian there."""
    value, grad, _ = objective.state(x, information=False)
    hessian = _hessian(curvature, x)
    for _ in range(steps):
        if hessian is None:
            break
        try:
            step = -np.linalg.solve(hessian, grad)
        except np.linalg.LinAlgError:
            break
        for _ in range(12):
            trial = np.clip(x + step, box[:, 0], box[:, 1])
            t_value, t_grad, _ = objective.state(trial, information=False)
            if t_value > value:
                break
            step = step / 2
        else:
            break
        if t_value - value < 1e-10:              # the optimum to 1e-10 nats: x and its Hessian stand
            break
        x, value, grad = trial, t_value, t_grad
        hessian = _hessian(curvature, x)
    return x, hessian


def _covariance(hessian: np.ndarray, free: np.ndarray) -> np.ndarray | None:
    """The inverse of the negative Hessian on the free parameters, embedded in the full theta (None where
    it is not positive definite: the optimum is not a proper maximum)."""
    try:
        np.linalg.cholesky(-hessian)
        inv = np.linalg.inv(-hessian)
    except np.linalg.LinAlgError:
        return None
    out = np.zeros((free.size, free.size))
    out[np.ix_(free, free)] = inv
    return out
