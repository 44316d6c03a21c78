r"""Maximum marginal likelihood for one joint model: Levenberg-Marquardt on the tasks' scores (with
quasi-Newton updates of the curvature), a Newton polish, the observed information and its Wald intervals.

The objective is :math:`\log L(\theta) - \mathrm{pen}(\theta)` (:mod:`~alignlab.horizons.joint.marginal`; the
penalty is irt-2pl's prior on its discriminations, zero otherwise). Tasks are independent given theta, so the
outer product of their scores, :math:`I = \sum_j g_j g_j^T` (Berndt, Hall, Hall and Hausman 1974), estimates
the information; each step solves :math:`(B + \mu\,\mathrm{diag})\Delta = g` inside the box, is kept when it
raises the objective (then :math:`\mu` shrinks, else it grows), and the task modes are warm-started from the
last step. B starts as :math:`I + \nabla^2\mathrm{pen}` at the start and, after each kept step s with gradient
change y, takes the BFGS update :math:`B - Bss^TB/(s^TBs) + yy^T/(y^Ts)` (skipped unless :math:`s^Ty > 0`):
the score outer product alone is a poor curvature near the optimum for random-effects models (convergence was
linear: 200-400 steps for logistic-joint, and irt-2pl did not converge in 1,600), the updated one converges in
30-240 steps to the same or a higher optimum. steps-joint keeps the plain score outer product at every step
(:data:`QUASI_NEWTON`): on its ridged likelihood the updated climb stopped 0.3 nats lower on one of two
simulated data sets. The quadrature error (:func:`~alignlab.horizons.joint.marginal.quadrature_error`) is then
checked: above :data:`~alignlab.horizons.joint.marginal.QUADRATURE_TOLERANCE` the nodes are doubled and the
climb resumed. On the final nodes the Hessian :math:`H` of the objective is taken by central differences of
the analytic gradient and Newton steps :math:`-H^{-1}g` polish the optimum while they gain more than 1e-10
nats (each gaining step takes a new Hessian; 2k gradients for k parameters). The covariance of the free
parameters is :math:`(-H)^{-1}` (for irt-2pl, of the penalised objective: a posterior covariance in its
discriminations).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignlab.horizons.joint import marginal as mq

MAX_NODES = 256
QUASI_NEWTON = frozenset({"logit", "cloglog"})      # the links whose climb updates its curvature (docstring)
_HESSIAN_STEP = 1e-5
_ITERATIONS = 400
_MU0, _MU_MAX = 1e-2, 1e10


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
    """Maximise ``model``'s marginal likelihood on ``cells`` from ``start`` (see the module docstring)."""
    agents, tasks = cells.n_agents, cells.n_tasks
    bounds = model.bounds(agents, tasks, cells.minutes)
    theta = np.clip(model.with_fixed(start, agents), bounds[:, 0], bounds[:, 1])
    used = 0
    while True:                                  # climb, then double the nodes until the quadrature is exact
        objective = _Objective(model, cells, theta, count)
        box = bounds[objective.free]
        x, converged, steps = _climb(objective, theta[objective.free], box, iterations,
                                     update=model.link in QUASI_NEWTON)
        used += steps
        theta = objective.theta(x)
        error = mq.quadrature_error(model, theta, cells, count)
        if error <= mq.QUADRATURE_TOLERANCE or 2 * count > MAX_NODES:
            break
        count *= 2
    hessian = None
    if covariance:                               # polished and its Hessian taken once, on the final nodes
        x, hessian = _polish(objective, x, box)
        theta = objective.theta(x)
        error = mq.quadrature_error(model, theta, cells, count)
    integral, mode = mq.marginal(model, theta, cells, count)
    pen = model.penalty(theta, agents)[0]
    cov = _covariance(hessian, objective.free) if hessian is not None else None
    return Fitted(model, theta, integral.loglik, integral.loglik - pen, cov, count, error, integral, mode,
                  converged, used)


def _climb(objective: _Objective, x, box, iterations, update: bool = True):
    """Levenberg-Marquardt with the score-outer-product information, BFGS-updated when ``update``, else
    taken afresh at every point (module docstring)."""
    value, grad, info = objective.state(x)
    if not np.isfinite(value):
        return x, False, 0
    mu = _MU0
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
            return x, True, step_count          # the quadratic model promises nothing more
        trial = np.clip(x + step, lower, upper)
        t_value, t_grad, t_info = objective.state(trial, information=not update)
        if t_value > value:
            gain = t_value - value
            if update:
                info = _bfgs(info, trial - x, grad - t_grad)
            else:
                info = t_info
            x, value, grad = trial, t_value, t_grad
            mu = max(mu / 4.0, 1e-12)
            if gain < 1e-10 * (1.0 + abs(value)):
                return x, True, step_count
        else:
            mu *= 5.0
            if mu > _MU_MAX or np.abs(trial - x).max() < 1e-12:
                return x, bool(np.abs(g).max() < 1e-3), step_count
    return x, False, iterations


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


def _polish(objective: _Objective, x, box, steps: int = 12):
    """Newton steps with the finite-difference Hessian, halved until they gain, while they gain more than
    1e-10 nats (the score-outer-product climb is slow where a parameter belongs to a single task, such as
    irt-2pl's discriminations); a step that gains less is not taken, so that the Hessian in hand is the
    one at the point returned. Returns the point and the Hessian there."""
    value, grad, _ = objective.state(x, information=False)
    hessian = _hessian(objective, x)
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
        hessian = _hessian(objective, x)
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
