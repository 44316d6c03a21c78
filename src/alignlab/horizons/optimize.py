r"""Maximum likelihood for many data sets at once: a batched, box-constrained Levenberg-Marquardt.

Every row d of a batch is its own problem: maximise

.. math:: L_d(\theta) = \sum_c s_{dc}\log p_c(\theta) + f_{dc}\log(1 - p_c(\theta)) - \mathrm{pen}(\theta)

over a box, where :math:`s_{dc}` and :math:`f_{dc}` are the weighted successes and failures at task
length c (bootstrap draws, folds of cross-validation and starting points are rows). A step solves
:math:`(I + \lambda\,\mathrm{diag}\,I)\Delta = g` with the gradient
:math:`g = \sum_c (s_c(1-p_c) - f_c p_c) G_c` and the Fisher information
:math:`I = \sum_c (s_c + f_c) p_c(1-p_c) G_c G_c^T` (:math:`G = \nabla p / (p(1-p))`, from the family),
is kept only when it raises :math:`L_d` (then :math:`\lambda` shrinks, else it grows), and freezes a
coordinate that sits on its bound with the gradient pointing out. For the logistic family the
Fisher information is the Hessian, so the steps are Newton's. The rows never interact: each row's
path depends only on its own data and start, so a row gives the same numbers in any batch (bootstrap
results do not depend on how draws are split among workers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_MAX_ITERATIONS = 200
_LAMBDA0, _LAMBDA_MAX = 1e-3, 1e12
_REFUSALS = 8


@dataclass(frozen=True)
class Batch:
    """Fitted rows: theta (D, k), the objective (D,), converged (D,), and whether each parameter ended on
    a bound (D, k)."""

    theta: np.ndarray
    objective: np.ndarray
    converged: np.ndarray
    at_bound: np.ndarray


def loglik(family, theta, minutes, successes, failures):
    """The weighted log-likelihood of each row (no penalty); -inf where a curve calls an observed outcome
    impossible."""
    log_p, log_q = family.evaluate(theta, minutes, gradient=False)
    return _total(log_p, log_q, successes, failures)


def _total(log_p, log_q, successes, failures):
    with np.errstate(invalid="ignore"):
        terms = np.where(successes > 0, successes * log_p, 0.0) + np.where(failures > 0, failures * log_q, 0.0)
    return terms.sum(axis=-1)


def maximise(family, minutes, successes, failures, start, bounds, penalty=None, tolerance=1e-12,
             iterations: int = _MAX_ITERATIONS) -> Batch:
    """Fit every row: ``successes``/``failures`` (D, C) at task lengths ``minutes`` (C,), from ``start``
    (D, k), inside ``bounds`` (k, 2), or (D, k, 2) for bounds of its own per row; ``penalty`` the logistic's C
    (or None). A row stops when a step gains
    less than ``tolerance`` relative to its objective, or after ``iterations`` steps."""
    theta = np.array(start, dtype=float)
    lower = np.broadcast_to(bounds[..., 0], theta.shape)
    upper = np.broadcast_to(bounds[..., 1], theta.shape)
    theta = np.clip(theta, lower, upper)
    rows, k = theta.shape
    weight = successes + failures
    value, grad, info = _state(family, theta, minutes, successes, failures, weight, penalty)
    lam = np.full(rows, _LAMBDA0)
    refused = np.zeros(rows, dtype=int)             # consecutive steps that did not gain
    done = ~np.isfinite(value)                       # an infeasible start is left as it is
    converged = np.zeros(rows, dtype=bool)
    eye = np.eye(k)
    for _ in range(iterations):
        active = np.flatnonzero(~done)
        if active.size == 0:
            break
        th, g, inf = theta[active], grad[active], info[active]
        lo, hi = lower[active], upper[active]
        frozen = ((th <= lo) & (g < 0)) | ((th >= hi) & (g > 0))
        g = np.where(frozen, 0.0, g)
        mask = ~frozen[:, :, None] & ~frozen[:, None, :]
        system = np.where(mask, inf, 0.0)
        diag = np.einsum("dii->di", system)
        scale = np.where(frozen, 1.0, np.maximum(diag, 1e-12))
        system = system + (lam[active, None] * scale)[:, :, None] * eye + np.where(frozen, 1.0, 0.0)[:, :, None] * eye
        step = np.linalg.solve(system, g[..., None])[..., 0]
        # the quadratic model's gain from a full Newton step (lambda = 0) bounds what a step can still give
        newton = np.linalg.solve(np.where(mask, inf, 0.0) + np.where(frozen, 1.0, 0.0)[:, :, None] * eye +
                                 1e-12 * eye, g[..., None])[..., 0]
        flat = 0.5 * np.einsum("dk,dk->d", g, newton) <= tolerance * (1.0 + np.abs(value[active]))
        trial = np.clip(th + step, lo, hi)
        t_value, t_grad, t_info = _state(family, trial, minutes, successes[active], failures[active],
                                         weight[active], penalty)
        gain = t_value - value[active]
        better = np.isfinite(t_value) & (gain > 0)
        moved = np.abs(trial - th).max(axis=1)
        idx = active[better]
        theta[idx], value[idx], grad[idx], info[idx] = trial[better], t_value[better], t_grad[better], t_info[better]
        lam[idx] = np.maximum(lam[idx] / 4.0, 1e-12)
        lam[active[~better]] *= 5.0
        refused[idx] = 0
        refused[active[~better]] += 1
        small = (moved < 1e-10) | (better & (gain <= tolerance * (1.0 + np.abs(value[active])))) | flat
        # steps that keep failing: the maximum is reached to the precision the curve is computed with
        stuck = (refused[active] >= _REFUSALS) | (lam[active] > _LAMBDA_MAX)
        finished = small | stuck
        ended = active[finished]
        converged[ended] = small[finished] | _stationary(grad[ended], theta[ended], lower[ended], upper[ended],
                                                         weight[ended].sum(axis=1))
        done[ended] = True
    at_bound = (np.isclose(theta, lower, rtol=0, atol=1e-9) | np.isclose(theta, upper, rtol=0, atol=1e-9))
    return Batch(theta, value, converged & np.isfinite(value), at_bound)


def _stationary(grad, theta, lo, hi, total):
    """Whether the projected gradient is negligible next to the data's total weight (no step could gain:
    the maximum is reached to the precision the curve is computed with)."""
    g = np.where(((theta <= lo) & (grad < 0)) | ((theta >= hi) & (grad > 0)), 0.0, grad)
    return np.abs(g).max(axis=1) < 1e-4 * total


def _state(family, theta, minutes, successes, failures, weight, penalty):
    """Objective, gradient and Fisher information of every row at theta."""
    log_p, log_q, g_cell = family.evaluate(theta, minutes)
    value = _total(log_p, log_q, successes, failures)
    p, q = np.exp(log_p), np.exp(log_q)
    g_cell = np.where(np.isfinite(g_cell), g_cell, 0.0)
    residual = successes * q - failures * p                       # s (1 - p) - f p
    grad = np.einsum("dc,dck->dk", residual, g_cell)
    info = np.einsum("dc,dck,dcl->dkl", weight * p * q, g_cell, g_cell)
    pen_value, pen_grad, pen_hess = family.penalty(theta, penalty)
    return value - pen_value, grad - pen_grad, info + pen_hess
