r"""Maximum likelihood for many data sets at once: a batched, box-constrained Levenberg-Marquardt, and the
multi-start that every fit of an agent (full data or a cross-validation fold) goes through.

Every row d of a batch is its own problem: maximise

.. math:: L_d(\theta) = \sum_c s_{dc}\log p_c(\theta) + f_{dc}\log(1 - p_c(\theta)) - \mathrm{pen}(\theta)

over a box, where :math:`s_{dc}` and :math:`f_{dc}` are the weighted successes and failures at task
length c (bootstrap draws, folds of cross-validation and starting points are rows). A step solves
:math:`(I + \lambda\,\mathrm{diag}\,I)\Delta = g` with the gradient
:math:`g = \sum_c (s_c(1-p_c) - f_c p_c) G_c` and the Fisher information
:math:`I = \sum_c (s_c + f_c) p_c(1-p_c) G_c G_c^T` (:math:`G = \nabla p / (p(1-p))`, from the curve),
is kept only when it raises :math:`L_d` (then :math:`\lambda` shrinks, else it grows), and freezes a
coordinate that sits on its bound with the gradient pointing out. Along a long, narrow ridge (the steps
curves' beta at an end of its range leaves tau and the budget to trade off) such steps are short and
zig-zag, but their sum over a few steps points the same way again and again: when a row's move over
its last :data:`_BLOCK` steps points the way of its move over the block before (cosine above
:data:`_ALIGNED`), it also tries that move stretched 2, 4, 8, ... times (kept only when it raises
:math:`L_d`, the stretch reset when it does not), and travels the ridge in a few dozen steps instead of
thousands. For the logistic the Fisher
information is the Hessian, so the steps are Newton's. The rows never interact: each row's path
depends only on its own data and start, so a row gives the same numbers in any batch (results do not
depend on how work is split among workers).

**When a row stops** (:class:`Effort`): *converged* when the quadratic model's gain from a full Newton
step, :math:`\tfrac12 g^T I^{-1} g`, is at most ``tolerance`` (relative to :math:`1 + |L|`), or when the
objective rose by at most ``stall`` (relative) over the last ``window`` steps (the steps curves have long,
nearly flat ridges along which the parameters crawl while the likelihood no longer changes); *stuck*
after 8 refused steps in a row (the maximum is reached to the precision the curve is computed with:
converged when the projected gradient is negligible); *at the limit* when it is still moving after
``iterations`` steps. Fits report the rows that stopped at the limit; the tests double every limit
(:meth:`Effort.doubled`) and check that no reported number moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_LAMBDA0, _LAMBDA_MAX = 1e-3, 1e12
_REFUSALS = 8
_ALIGNED = 0.9              # cosine between successive moves that counts as the same direction
_BLOCK = 5                  # steps over which a row's move is compared with its previous one


@dataclass(frozen=True)
class Effort:
    """How long the optimiser works on a row (module docstring)."""

    iterations: int = 2000
    window: int = 10
    tolerance: float = 1e-12
    stall: float = 1e-10

    def doubled(self) -> Effort:
        """Every limit doubled: twice the steps, and a stall judged over twice the window."""
        return Effort(2 * self.iterations, 2 * self.window, self.tolerance, self.stall)


@dataclass(frozen=True)
class Batch:
    """Fitted rows: theta (D, k), the objective (D,), converged (D,), whether each parameter ended on a bound
    (D, k), and ``at_limit`` (D,): still moving when the iterations ran out."""

    theta: np.ndarray
    objective: np.ndarray
    converged: np.ndarray
    at_bound: np.ndarray
    at_limit: np.ndarray


def loglik(curve, theta, minutes, successes, failures):
    """The weighted log-likelihood of each row (no penalty); -inf where a curve calls an observed outcome
    impossible."""
    log_p, log_q = curve.evaluate(theta, minutes, gradient=False)
    return _total(log_p, log_q, successes, failures)


def _total(log_p, log_q, successes, failures):
    with np.errstate(invalid="ignore"):
        terms = np.where(successes > 0, successes * log_p, 0.0) + np.where(failures > 0, failures * log_q, 0.0)
    return terms.sum(axis=-1)


def fit_best(curve, minutes, successes, failures, penalty=None, effort: Effort = Effort()) -> Batch:
    """Each row of ``successes``/``failures`` (D, C) at task lengths ``minutes`` ((C,) or (D, C)) fitted as a
    data set of its own: every start of ``curve`` for that row (from the task lengths the row has weight at
    and its success rate), inside the row's own bounds, run to convergence, and the best kept. A task
    length without weight in a row takes the row's first length with weight, so that nothing of it (the
    range of lengths that starts, bounds and steps-mixed's knots are placed over) depends on cells the
    row does not have: a fold of cross-validation is fitted exactly as the same runs alone would be."""
    successes, failures = np.atleast_2d(successes), np.atleast_2d(failures)
    rows, cells = successes.shape
    minutes = np.broadcast_to(minutes, (rows, cells))
    present = (successes + failures) > 0
    own = np.where(present, minutes, minutes[np.arange(rows), present.argmax(axis=1)][:, None])
    starts, bounds, owner = [], [], []
    for d in range(rows):
        lengths = own[d, present[d]]
        rate = float(successes[d].sum() / (successes[d].sum() + failures[d].sum()))
        s = curve.starts(lengths, rate)
        starts.append(s)
        bounds.append(np.broadcast_to(curve.bounds(lengths), (len(s),) + (curve.k, 2)))
        owner.append(np.full(len(s), d))
    owner = np.concatenate(owner)
    batch = maximise(curve, own[owner], successes[owner], failures[owner], np.concatenate(starts),
                     np.concatenate(bounds), penalty, effort)
    score = np.where(np.isfinite(batch.objective), batch.objective, -np.inf)
    best = np.array([np.flatnonzero(owner == d)[np.argmax(score[owner == d])] for d in range(rows)])
    return Batch(batch.theta[best], batch.objective[best], batch.converged[best], batch.at_bound[best],
                 batch.at_limit[best])


def maximise(curve, minutes, successes, failures, start, bounds, penalty=None, effort: Effort = Effort()) -> Batch:
    """Fit every row: ``successes``/``failures`` (D, C) at task lengths ``minutes`` ((C,) or (D, C)), from
    ``start`` (D, k), inside ``bounds`` ((k, 2), or (D, k, 2) for bounds of its own per row); ``penalty`` the
    logistic's C (or None). Rows stop as the module docstring says."""
    theta = np.array(start, dtype=float)
    lower = np.broadcast_to(bounds[..., 0], theta.shape)
    upper = np.broadcast_to(bounds[..., 1], theta.shape)
    theta = np.clip(theta, lower, upper)
    rows, k = theta.shape
    per_row = np.ndim(minutes) == 2
    weight = successes + failures
    value, grad, info = _state(curve, theta, minutes, successes, failures, weight, penalty)
    lam = np.full(rows, _LAMBDA0)
    refused = np.zeros(rows, dtype=int)             # consecutive steps that did not gain
    history = np.repeat(value[:, None], effort.window, axis=1)      # the objective over the last steps
    steps = np.zeros(rows, dtype=int)
    done = ~np.isfinite(value)                       # an infeasible start is left as it is
    converged = np.zeros(rows, dtype=bool)
    anchor, last = theta.copy(), np.zeros_like(theta)    # each row's block start, its last block's move,
    stretch = np.full(rows, 2.0)                          # and how far the next jump stretches it
    eye = np.eye(k)
    for _ in range(effort.iterations):
        active = np.flatnonzero(~done)
        if active.size == 0:
            break
        steps[active] += 1
        th, g, inf = theta[active], grad[active], info[active]
        lo, hi = lower[active], upper[active]
        frozen = ((th <= lo) & (g < 0)) | ((th >= hi) & (g > 0))
        g = np.where(frozen, 0.0, g)
        mask = ~frozen[:, :, None] & ~frozen[:, None, :]
        pinned = np.where(frozen, 1.0, 0.0)[:, :, None] * eye
        system = np.where(mask, inf, 0.0)
        scale = np.where(frozen, 1.0, np.maximum(np.einsum("dii->di", system), 1e-12))
        step = _solve(system + (lam[active, None] * scale)[:, :, None] * eye + pinned, g)
        # the quadratic model's gain from a full Newton step (lambda = 0) bounds what a step can still give
        newton = _solve(system + pinned + (1e-12 * scale)[:, :, None] * eye, g)
        size = 1.0 + np.abs(value[active])
        flat = 0.5 * np.einsum("dk,dk->d", g, newton) <= effort.tolerance * size
        trial = np.clip(th + step, lo, hi)
        t_value, t_grad, t_info = _state(curve, trial, minutes[active] if per_row else minutes, successes[active],
                                         failures[active], weight[active], penalty)
        better = np.isfinite(t_value) & (t_value > value[active])
        idx = active[better]
        theta[idx], value[idx], grad[idx], info[idx] = trial[better], t_value[better], t_grad[better], t_info[better]
        block = active[steps[active] % _BLOCK == 0]
        if block.size:
            moved = theta[block] - anchor[block]
            norms = np.linalg.norm(moved, axis=1) * np.linalg.norm(last[block], axis=1)
            aligned = np.einsum("dk,dk->d", moved, last[block]) > _ALIGNED * np.where(norms > 0, norms, np.inf)
            last[block] = moved
            _stretch(curve, minutes, successes, failures, weight, penalty, block[aligned], theta, value, grad, info,
                     last, stretch, lower, upper, per_row)
            stretch[block[~aligned]] = 2.0
            anchor[block] = theta[block]
        lam[idx] = np.maximum(lam[idx] / 4.0, 1e-12)
        lam[active[~better]] *= 5.0
        refused[idx] = 0
        refused[active[~better]] += 1
        history[active] = np.roll(history[active], -1, axis=1)
        history[active, -1] = value[active]
        stalled = (steps[active] >= effort.window) & (value[active] - history[active, 0] <= effort.stall * size)
        # steps that keep failing: the maximum is reached to the precision the curve is computed with
        stuck = (refused[active] >= _REFUSALS) | (lam[active] > _LAMBDA_MAX)
        finished = flat | stalled | stuck
        ended = active[finished]
        converged[ended] = (flat | stalled)[finished] | _stationary(grad[ended], theta[ended], lower[ended],
                                                                     upper[ended], weight[ended].sum(axis=1))
        done[ended] = True
    at_bound = (np.isclose(theta, lower, rtol=0, atol=1e-9) | np.isclose(theta, upper, rtol=0, atol=1e-9))
    return Batch(theta, value, converged & np.isfinite(value), at_bound, ~done)


def _solve(a, b) -> np.ndarray:
    """x with a x = b for each row (a: (D, k, k), b: (D, k)); a row whose matrix is singular to working
    precision (parameters the data cannot tell apart) takes the least-squares solution."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.stack([np.linalg.lstsq(m, v, rcond=None)[0] for m, v in zip(a, b)])


def _stretch(curve, minutes, successes, failures, weight, penalty, rows, theta, value, grad, info, last, stretch,
             lower, upper, per_row) -> None:
    """For ``rows`` moving the same way block after block, try their last block's move stretched ``stretch``
    times further along; keep what gains (and stretch twice as far next time), reset the stretch of the
    others. Updates the arrays in place."""
    if not rows.size:
        return
    jump = np.clip(theta[rows] + stretch[rows, None] * last[rows], lower[rows], upper[rows])
    j_value, j_grad, j_info = _state(curve, jump, minutes[rows] if per_row else minutes, successes[rows],
                                     failures[rows], weight[rows], penalty)
    gained = np.isfinite(j_value) & (j_value > value[rows])
    kept = rows[gained]
    last[kept] = jump[gained] - theta[kept]
    theta[kept], value[kept], grad[kept], info[kept] = jump[gained], j_value[gained], j_grad[gained], j_info[gained]
    stretch[kept] *= 2.0
    stretch[rows[~gained]] = 2.0


def _stationary(grad, theta, lo, hi, total):
    """Whether the projected gradient is negligible next to the data's total weight (no step could gain:
    the maximum is reached to the precision the curve is computed with)."""
    g = np.where(((theta <= lo) & (grad < 0)) | ((theta >= hi) & (grad > 0)), 0.0, grad)
    return np.abs(g).max(axis=1) < 1e-4 * total


def _state(curve, theta, minutes, successes, failures, weight, penalty):
    """Objective, gradient and Fisher information of every row at theta."""
    log_p, log_q, g_cell = curve.evaluate(theta, minutes)
    value = _total(log_p, log_q, successes, failures)
    p, q = np.exp(log_p), np.exp(log_q)
    g_cell = np.where(np.isfinite(g_cell), g_cell, 0.0)
    residual = successes * q - failures * p                       # s (1 - p) - f p
    grad = np.einsum("dc,dck->dk", residual, g_cell)
    info = np.einsum("dc,dck,dcl->dkl", weight * p * q, g_cell, g_cell)
    pen_value, pen_grad, pen_hess = curve.penalty(theta, penalty)
    return value - pen_value, grad - pen_grad, info + pen_hess
