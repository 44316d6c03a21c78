"""Monte Carlo cross-checks: conditioning on ``U >= t`` and best-of-n selection by simulation.

Draws come in blocks of ``BLOCK`` pairs, block ``b`` from its own stream
(:func:`alignlab._seeding.block_generator`), so a result depends only on the seed and the sample
size. Standard errors are the usual ``sd / sqrt(k)`` of the ``k`` accepted (or selected) draws.
``root`` is the caller's :class:`~numpy.random.SeedSequence` (the caller records its seed);
``progress`` counts blocks (:mod:`alignlab._progress`).

Work is bounded before any draw: :func:`check_draws` refuses more than :data:`MAX_DRAWS` draws of
``(X, V)`` (about half a minute on one core here; a dependent error calls its Python callable once
per draw and counts :data:`DEPENDENT_COST` draws each) unless ``max_work`` raises the limit.
"""

from __future__ import annotations

import numpy as np

from alignlab._limits import check_work
from alignlab._progress import ProgressLike, tracker
from alignlab._seeding import block_generator

BLOCK = 1 << 16
MAX_DRAWS = 1e8          # draws of (X, V) one Monte Carlo run may make unless max_work says more
MAX_COUNT = 10 ** 15     # trials or samples: beyond any work limit, refused as numbers before any estimate
DEPENDENT_COST = 10      # a dependent error draws about ten times slower (one callable call per draw)


def check_draws(param: str, draws: float, model, max_work: float | None = None) -> None:
    """Refuse ``draws`` draws of ``model`` beyond :data:`MAX_DRAWS` (or ``max_work``), before any is made."""
    cost = DEPENDENT_COST if getattr(model, "kind", "") == "dependent" else 1
    unit = "draws of (X, V)" if cost == 1 else f"draws of (X, V) (a dependent error counts {cost} each)"
    check_work(param, float(draws) * cost, MAX_DRAWS, unit, max_work)


def conditional_moments(model, t, samples: int, root: np.random.SeedSequence, progress: ProgressLike = False):
    """For each threshold: the number of draws with U >= t and the sums of V and V^2 over them."""
    t = np.atleast_1d(np.asarray(t, dtype=float))
    order = np.argsort(t)
    ts = t[order]
    count = np.zeros(t.size)
    s1 = np.zeros(t.size)
    s2 = np.zeros(t.size)
    starts = range(0, samples, BLOCK)
    with tracker(progress, len(starts), "Monte Carlo: blocks of draws") as bar:
        for b, start in enumerate(starts):
            size = min(BLOCK, samples - start)
            x, v = model.sample(size, block_generator(root, b))
            u = x + v
            idx = np.argsort(u)
            u, v = u[idx], v[idx]
            # suffix sums: draws with u >= t are those from searchsorted(u, t, 'left') on
            c1 = np.concatenate([np.cumsum(v[::-1])[::-1], [0.0]])
            c2 = np.concatenate([np.cumsum((v * v)[::-1])[::-1], [0.0]])
            first = np.searchsorted(u, ts, side="left")
            count[order] += size - first
            s1[order] += c1[first]
            s2[order] += c2[first]
            bar.advance()
    return count, s1, s2


def best_of_n_draws(model, n_values, trials: int, root: np.random.SeedSequence, progress: ProgressLike = False):
    """Per trial, the (U, V) of the draw with the largest U among the first n, for every n.

    Returns arrays of shape (trials, len(n_values)). Trials are drawn in blocks of
    ``max(1, BLOCK // max(n))``, block ``b`` from stream ``b``: the numbers depend only on the seed,
    the number of trials and max(n).
    """
    n_values = np.asarray(n_values, dtype=np.int64)
    n_max = int(n_values.max())
    per_block = max(1, BLOCK // n_max)
    sel_u = np.empty((trials, n_values.size))
    sel_v = np.empty((trials, n_values.size))
    starts = range(0, trials, per_block)
    with tracker(progress, len(starts), "best-of-n Monte Carlo: blocks of trials") as bar:
        for b, start in enumerate(starts):
            k = min(per_block, trials - start)
            x, v = model.sample(k * n_max, block_generator(root, b))
            u = (x + v).reshape(k, n_max)
            v = v.reshape(k, n_max)
            run = np.maximum.accumulate(u, axis=1)
            at_max = np.where(u == run, np.arange(n_max)[None, :], 0)
            where = np.maximum.accumulate(at_max, axis=1)            # index of the running maximum
            pick = where[:, n_values - 1]
            rows = np.arange(k)[:, None]
            sel_u[start:start + k], sel_v[start:start + k] = u[rows, pick], v[rows, pick]
            bar.advance()
    return sel_u, sel_v
