r"""The marginal likelihood: every task's effect integrated out over the product of all its runs.

For task j with cells c (one per agent that ran it), :math:`\ell_c(z)` the cell's log-likelihood
(:mod:`~alignlab.horizons.joint.links`) at :math:`z_j = z`:

.. math:: \log L = \sum_j \log \int \varphi(z) \exp\Bigl(\sum_{c \in j} \ell_c(z)\Bigr)\,dz .

**Adaptive Gauss-Hermite quadrature** (Liu and Pierce 1994; Pinheiro and Bates 1995). Each task's
integrand :math:`e^{h_j(z)}`, :math:`h_j = \log\varphi + \sum_c \ell_c`, is centred at its mode
:math:`\hat z_j` and scaled by :math:`\hat\sigma_j = (-h_j''(\hat z_j))^{-1/2}`; with the K Gauss-Hermite
nodes :math:`x_k` and weights :math:`w_k` of :math:`\int e^{-x^2} g(x)\,dx`,

.. math:: \int e^{h_j(z)}dz \approx \sqrt2\hat\sigma_j \sum_k w_k e^{x_k^2} e^{h_j(\hat z_j + \sqrt2\hat\sigma_j x_k)},

exact for a Gaussian integrand and very accurate near one (it is Laplace's method when K = 1). The
modes come from Newton's method on all tasks at once (a grid scan first, backtracking steps, secant
curvatures after the first step, a task leaving once its step is below 1e-9; warm starts from the last
call), the curvature from the links' second derivatives. The error is measured, not assumed: :func:`quadrature_error` recomputes with twice the nodes.

**Gradient.** The nodes are held where they were placed, so the gradient of the approximation is the
posterior-weighted sum :math:`\sum_k \pi_{jk}\,\partial h_j(z_{jk})/\partial\theta` with
:math:`\pi_{jk} \propto w_k e^{x_k^2} e^{h_j(z_{jk})}`, the same weights that give the posterior mean
and SD of each :math:`z_j`.

Tasks without data (a held-out family, a task of another benchmark) integrate over the prior alone, on
a dense grid (:func:`prior_grid`) so that a steep curve is still averaged correctly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from alignlab.horizons.joint.links import cell_terms, log_probabilities
from alignlab.horizons.joint.models import Linear

NODES = 24                  # Gauss-Hermite nodes per task (the error is measured with twice as many)
QUADRATURE_TOLERANCE = 1e-8 # nats: the largest quadrature error a fit accepts (it adds nodes until below)
_SCAN = np.linspace(-8.0, 8.0, 33)
_NEWTON = 60
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


@dataclass(frozen=True)
class Nodes:
    """Quadrature nodes ``z`` (J, K) and log weights ``log_w`` (J, K), the prior density included:
    :math:`\\int \\varphi(z) g(z)\\,dz \\approx \\sum_k e^{\\mathrm{log\\_w}_k} g(z_k)` for each task."""

    z: np.ndarray
    log_w: np.ndarray


@dataclass(frozen=True)
class Integral:
    """Per task the log of its integral (J,), their sum, the gradient in theta and the posterior weights
    of the nodes (J, K)."""

    per_task: np.ndarray
    loglik: float
    gradient: np.ndarray | None
    weights: np.ndarray
    nodes: Nodes
    task_gradients: np.ndarray | None = None      # (J, P): each task's share of the gradient

    def posterior(self) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and SD of every task's z."""
        mean = (self.weights * self.nodes.z).sum(axis=1)
        var = (self.weights * (self.nodes.z - mean[:, None]) ** 2).sum(axis=1)
        return mean, np.sqrt(np.maximum(var, 0.0))


@lru_cache(maxsize=16)
def gauss_hermite(count: int):
    """Nodes and weights of :math:`\\int e^{-x^2} g(x)\\,dx` (scipy's, stable for hundreds of nodes)."""
    from scipy.special import roots_hermite
    return roots_hermite(count)


def adaptive_nodes(mode: np.ndarray, curvature: np.ndarray, count: int = NODES) -> Nodes:
    """The adaptive Gauss-Hermite nodes of every task (``curvature`` = :math:`-h''` at the mode)."""
    x, w = gauss_hermite(count)
    scale = math.sqrt(2.0) / np.sqrt(curvature)
    z = mode[:, None] + scale[:, None] * x[None, :]
    with np.errstate(divide="ignore"):          # the outermost weights of many nodes underflow to 0
        log_w_x = np.log(w)
    log_w = np.log(scale)[:, None] + log_w_x[None, :] + x[None, :] ** 2 - 0.5 * z * z - _LOG_SQRT_2PI
    return Nodes(z, log_w)


def prior_grid(tasks: int, count: int = 481, reach: float = 8.0) -> Nodes:
    """The standard normal on an even grid (trapezoid weights, summing to 1), for tasks with no data."""
    z = np.linspace(-reach, reach, count)
    log_w = -0.5 * z * z
    log_w -= np.log(np.exp(log_w).sum())
    return Nodes(np.tile(z, (tasks, 1)), np.tile(log_w, (tasks, 1)))


def linear(model, theta, cells, jacobian: bool = False):
    return model.linear(theta, cells.agent, cells.log2_minutes[cells.task], cells.task, jacobian, cells.n_agents)


def _terms(model, lin, z_cell, s, f, derivatives):
    eta = lin.eta0[:, None] + lin.lam[:, None] * z_cell
    params = None if lin.link_params is None else (lin.link_params[0][:, None], lin.link_params[1][:, None])
    return cell_terms(model.link, eta, s[:, None], f[:, None], params, derivatives)


def _per_task(values: np.ndarray, task: np.ndarray, tasks: int) -> np.ndarray:
    """Sum over each task's cells of values (C, K) -> (J, K)."""
    k = values.shape[1]
    index = (task[:, None] * k + np.arange(k)[None, :]).ravel()
    return np.bincount(index, values.ravel(), tasks * k).reshape(tasks, k)


def modes(model, theta, cells, start: np.ndarray | None = None, lin=None):
    """Every task's posterior mode of z and the curvature :math:`-h''` there (at least 1, the prior's).
    Newton's method runs on the tasks still moving: a task leaves once its step is below 1e-9, so that the
    slow few do not cost an evaluation of every cell at each of their iterations. After the first step each
    task's curvature is the secant one, the change of h' over its last step, where that is positive (else
    the links' curvature): the steps link's curvature is Fisher's, not the exact one, and with it Newton's
    method converged only linearly (in one climb of steps-joint on METR's file its mode searches took 8 to 17
    evaluations of the cells' terms, some up to 421; with the secant 4 to 7, at most 85)."""
    lin = lin if lin is not None else linear(model, theta, cells)
    tasks = cells.n_tasks

    def part(active):
        """The cells of the ``active`` tasks: their indices, each one's task among the active, their terms."""
        if active.size == tasks:
            return slice(None), cells.task, lin
        keep = np.flatnonzero(np.isin(cells.task, active))
        local = np.searchsorted(active, cells.task[keep])
        params = None if lin.link_params is None else tuple(p[keep] for p in lin.link_params)
        return keep, local, Linear(lin.eta0[keep], lin.lam[keep], params)

    def state(z, active, cells_of_active):
        """h, h' and -h'' of the ``active`` tasks' integrands at their z (one per active task)."""
        keep, local, sub = cells_of_active
        ell, d1, d2, _ = _terms(model, sub, z[local][:, None], cells.s[keep], cells.f[keep], True)
        lam = sub.lam[:, None]
        h = _per_task(ell, local, active.size)[:, 0] - 0.5 * z * z
        g = _per_task(lam * d1, local, active.size)[:, 0] - z
        curv = 1.0 - _per_task(lam * lam * d2, local, active.size)[:, 0]
        return h, g, curv

    def scan():
        ell = _terms(model, lin, np.broadcast_to(_SCAN, (cells.n_cells, _SCAN.size)), cells.s, cells.f, False)
        h = _per_task(ell, cells.task, tasks) - 0.5 * _SCAN[None, :] ** 2
        return _SCAN[np.argmax(np.where(np.isfinite(h), h, -np.inf), axis=1)]

    active = np.arange(tasks)
    every = part(active)
    z = scan() if start is None else np.array(start, dtype=float)
    h, g, curv = state(z, active, every)
    if start is not None and not np.isfinite(h).all():     # a warm start where the integrand vanishes: scan there
        lost = ~np.isfinite(h)
        z = np.where(lost, scan(), z)
        h, g, curv = state(z, active, every)
    current = every
    secant = np.full(tasks, np.nan)         # -h'' from the last step's change of h': the exact curvature's estimate
    for _ in range(_NEWTON):
        za, ha, ga, ca = z[active], h[active], g[active], curv[active]
        sa = secant[active]
        step = np.clip(ga / np.maximum(np.where(sa > 0, sa, ca), 1e-12), -2.0, 2.0)
        size = np.ones(active.size)
        for _ in range(40):
            trial = za + size * step
            h_new, g_new, c_new = state(trial, active, current)
            worse = ~(h_new >= ha - 1e-12 * (1.0 + np.abs(ha)))
            if not worse.any():
                break
            size = np.where(worse, size * 0.5, size)
        with np.errstate(divide="ignore", invalid="ignore"):
            secant[active] = (ga - g_new) / (trial - za)
        z[active], h[active], g[active], curv[active] = trial, h_new, g_new, c_new
        still = np.abs(size * step) >= 1e-9
        if not still.any():
            break
        if not still.all():
            active = active[still]
            current = part(active)
    return z, np.maximum(curv, 1.0)


def integrate(model, theta, cells, nodes: Nodes, gradient: bool = True) -> Integral:
    """Every task's log integral over ``nodes``, the total and (``gradient``) its gradient in theta."""
    lin = linear(model, theta, cells, jacobian=gradient)
    z_cell = nodes.z[cells.task]
    ell, d1, _, d_link = _terms(model, lin, z_cell, cells.s, cells.f, True) if gradient else \
        (_terms(model, lin, z_cell, cells.s, cells.f, False), None, None, None)
    a = nodes.log_w + _per_task(ell, cells.task, cells.n_tasks)
    top = np.max(a, axis=1)
    finite = np.isfinite(top)
    safe = np.where(finite, top, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):    # a task whose integrand is nowhere finite: -inf
        per_task = np.where(finite, safe + np.log(np.exp(a - safe[:, None]).sum(axis=1)), -np.inf)
        weights = np.where(finite[:, None], np.exp(a - per_task[:, None]), 0.0)
    total = float(per_task.sum())
    if not gradient:
        return Integral(per_task, total, None, weights, nodes)
    w_cell = weights[cells.task]
    cell_grad = lin.d_eta0 * (w_cell * d1).sum(axis=1)[:, None] + lin.d_lam * (w_cell * z_cell * d1).sum(axis=1)[:, None]
    if d_link is not None:
        cell_grad += lin.d_link[0] * (w_cell * d_link[0]).sum(axis=1)[:, None] + \
            lin.d_link[1] * (w_cell * d_link[1]).sum(axis=1)[:, None]
    cell_grad = np.nan_to_num(cell_grad)
    from scipy.sparse import csr_matrix
    owner = csr_matrix((np.ones(cells.n_cells), (cells.task, np.arange(cells.n_cells))),
                       shape=(cells.n_tasks, cells.n_cells))
    task_grad = np.asarray(owner @ cell_grad)
    return Integral(per_task, total, task_grad.sum(axis=0), weights, nodes, task_grad)


def marginal(model, theta, cells, count: int = NODES, start=None, gradient: bool = True):
    """The adaptive quadrature at theta: (:class:`Integral`, modes)."""
    mode, curvature = modes(model, theta, cells, start)
    return integrate(model, theta, cells, adaptive_nodes(mode, curvature, count), gradient), mode


def quadrature_error(model, theta, cells, count: int = NODES) -> float:
    """The largest change of any task's log integral when the nodes are doubled (nats), and of the total."""
    mode, curvature = modes(model, theta, cells)
    one = integrate(model, theta, cells, adaptive_nodes(mode, curvature, count), False).per_task
    two = integrate(model, theta, cells, adaptive_nodes(mode, curvature, 2 * count), False).per_task
    with np.errstate(invalid="ignore"):
        return float(max(np.nanmax(np.abs(one - two)), abs(one.sum() - two.sum())))


def predict(model, theta, agent, x, task, agents: int, nodes_z: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Success probability of cells (agent, log2 minutes x, task index) averaged over their task's
    posterior: ``nodes_z`` and ``weights`` (one row per cell, K nodes)."""
    lin = model.linear(theta, agent, x, task, False, agents)
    eta = lin.eta0[:, None] + lin.lam[:, None] * nodes_z
    params = None if lin.link_params is None else (lin.link_params[0][:, None], lin.link_params[1][:, None])
    log_p, _ = log_probabilities(model.link, eta, params)
    return np.clip((weights * np.exp(log_p)).sum(axis=1), 0.0, 1.0)
