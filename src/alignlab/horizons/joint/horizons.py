r"""Per-agent horizons and curves of a fitted joint model: typical (z = 0) and marginal (z integrated).

For agent a, a task of t minutes is *typical* at z = 0 (as hard as its length says) and *marginal*
when drawn at random among tasks of that length: :math:`\bar p_a(t) = \int p_a(t, z)\varphi(z)\,dz`,
on the dense prior grid of :func:`~alignlab.horizons.joint.marginal.prior_grid` (a steps curve can be
far steeper in z than Gauss-Hermite nodes resolve). The horizon at level q is the length where the
curve falls through q, by bisection in :math:`\log_2 t` over :data:`SEARCH` (None where the curve does
not fall through q there: a success that does not fall with length, or a level out of reach).
irt-2pl's typical task has the prior median discrimination, d = 1.
"""

from __future__ import annotations

import numpy as np

from alignlab.horizons.joint.marginal import predict, prior_grid

LEVELS = (0.5, 0.8)
SEARCH = (-10.0, 25.0)          # log2 minutes: a few seconds to 60 years
_BISECTIONS = 45


def success(model, theta, agents: int, agent: np.ndarray, x: np.ndarray, marginal: bool) -> np.ndarray:
    """Success of each (agent, log2 minutes) pair on a task not in the data (typical or marginal)."""
    if marginal:
        grid = prior_grid(1)
        z, w = grid.z[0], np.exp(grid.log_w[0])
    else:
        z, w = np.zeros(1), np.ones(1)
    rows = agent.size
    return predict(model, theta, agent, x, np.full(rows, -1), agents, np.broadcast_to(z, (rows, z.size)),
                   np.broadcast_to(w, (rows, w.size)))


def horizons(model, theta, agents: int, marginal: bool, levels=LEVELS) -> np.ndarray:
    """(A, levels) horizons in minutes, NaN where the curve does not fall through the level."""
    agent = np.arange(agents)
    out = np.full((agents, len(levels)), np.nan)
    lo_p = success(model, theta, agents, agent, np.full(agents, SEARCH[0]), marginal)
    hi_p = success(model, theta, agents, agent, np.full(agents, SEARCH[1]), marginal)
    for i, q in enumerate(levels):
        ok = (lo_p > q) & (hi_p < q)
        lo, hi = np.full(agents, SEARCH[0]), np.full(agents, SEARCH[1])
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo + hi)
            above = success(model, theta, agents, agent, mid, marginal) > q
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        out[:, i] = np.where(ok, np.exp2(0.5 * (lo + hi)), np.nan)
    return out


def curves(model, theta, agents: int, minutes: np.ndarray, marginal: bool) -> np.ndarray:
    """(A, M) success of every agent at the task lengths ``minutes``."""
    agent = np.repeat(np.arange(agents), minutes.size)
    x = np.tile(np.log2(minutes), agents)
    return success(model, theta, agents, agent, x, marginal).reshape(agents, minutes.size)
