r"""The xmin scan of Clauset, Shalizi & Newman: the exact minimum of the KS distance over every candidate.

For a candidate ``c`` (a distinct data value :math:`x_c`, with :math:`m_c` values at or above it) and
a distinct value :math:`x_p \ge x_c`, the CSN distance compares the fitted tail CDF with the
empirical one just below :math:`x_p` (as Clauset's ``plfit`` and the ``powerlaw`` package do):

.. math:: e_c(p) = \Bigl(1 - S_c(x_p)\Bigr) - \frac{m_c - R_p}{m_c} = \frac{R_p}{m_c} - S_c(x_p),
          \qquad D_c = \max_{p \ge c} |e_c(p)|,

where :math:`R_p` counts values :math:`\ge x_p` and :math:`S_c` is the fitted survival function
:math:`P(X \ge x \mid X \ge x_c)`. Computing every :math:`D_c` is :math:`O(n^2)`; this module finds
:math:`\arg\min_c D_c` exactly without doing so.

*Bound on a gap.* Between two evaluated points ``s < t`` both :math:`R/m` and :math:`S_c` are
monotone, so every point strictly inside satisfies
:math:`|e_c| \le \max(e_c(t), -e_c(s)) + (R_s - R_t - 1)/m_c`. A gap whose bound does not exceed
the largest :math:`|e_c|` already seen cannot hold the maximum; otherwise it is split in two. This
gives :math:`D_c` exactly after :math:`O(1/D_c)` evaluations instead of :math:`m_c`.

*Witnesses.* :math:`D_c > U` as soon as one point has :math:`|e_c(p)| > U`. Exact distances of a
few "seed" candidates give :math:`U` (the best so far) and their maximising points; neighbouring
candidates share most of their tail, so the seeds' maximising points (and a few evenly spaced
probes) prove almost every candidate worse than :math:`U` with a handful of evaluations each.
The survivors get new seeds and the round repeats; the last survivors are computed exactly.

The answer is exact whatever the heuristics do: a candidate is discarded only when a point shows
:math:`D_c > U \ge \min D`, and the minimum is taken over exact values (ties: smallest ``x_c``).
In practice the work is a few tens of evaluations per candidate after the :math:`O(n\log n)` sort
(about one second at n = 1e6 on a laptop core); a worst case remains quadratic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Survival = Callable[[np.ndarray, np.ndarray], np.ndarray]   # (c of shape (K,), P of shape (K, J)) -> (K, J)

_PROBES = 16            # evenly spaced points per candidate in the exact search
_SCAN_PROBES = 4        # ... and in the witness rounds
_SEEDS = 256
_CHUNK = 1 << 16
_ROUNDS = 8
_SMALL = 512            # at most this many candidates: compute all exactly


@dataclass(frozen=True)
class Scan:
    best: int           # index (into the distinct values) of the chosen xmin
    distance: float     # its KS distance, exact
    evaluations: int    # deviations computed (a naive scan computes about n^2 / 2)


class Deviation:
    """:math:`e_c(p)` for the distinct values with counts ``R`` and a fitted survival function."""

    def __init__(self, at_or_above: np.ndarray, survival: Survival):
        self.R = at_or_above.astype(float)
        self.last = at_or_above.size - 1
        self.survival = survival
        self.evaluations = 0

    def grid(self, c: np.ndarray, P: np.ndarray) -> np.ndarray:
        self.evaluations += P.size
        out = self.survival(c, P)
        return np.subtract(self.R[P] / self.R[c][:, None], out, out=out)

    def points(self, c: np.ndarray, p: np.ndarray) -> np.ndarray:
        return self.grid(c, p[:, None])[:, 0]


def exact_distances(dev: Deviation, cands: np.ndarray, limit: float = np.inf):
    """Exact :math:`D_c` and a maximising point for each candidate (or, where it exceeds ``limit``,
    a lower bound above ``limit`` and the point showing it)."""
    cands = np.asarray(cands, dtype=np.int64)
    local = np.arange(cands.size)
    k = np.arange(_PROBES + 1)
    P = cands[:, None] + ((dev.last - cands)[:, None] * k[None, :]) // _PROBES
    E = dev.grid(cands, P)
    best = np.zeros(cands.size)
    arg = cands.copy()
    _record(best, arg, np.repeat(local, _PROBES + 1), P.ravel(), E.ravel())
    s, t = P[:, :-1].ravel(), P[:, 1:].ravel()
    es, et = E[:, :-1].ravel(), E[:, 1:].ravel()
    owner = np.repeat(local, _PROBES)
    inside = t > s + 1
    s, t, es, et, owner = s[inside], t[inside], es[inside], et[inside], owner[inside]
    while s.size:
        c = cands[owner]
        bound = (dev.R[s] - dev.R[t] - 1.0) / dev.R[c] + np.maximum(et, -es)
        open_ = (bound > best[owner]) & (best[owner] <= limit)
        s, t, es, et, owner = s[open_], t[open_], es[open_], et[open_], owner[open_]
        if not s.size:
            break
        q = (s + t) // 2
        eq = dev.points(cands[owner], q)
        _record(best, arg, owner, q, eq)
        s, t = np.concatenate([s, q]), np.concatenate([q, t])
        es, et = np.concatenate([es, eq]), np.concatenate([eq, et])
        owner = np.concatenate([owner, owner])
        inside = t > s + 1
        s, t, es, et, owner = s[inside], t[inside], es[inside], et[inside], owner[inside]
    return best, arg


def _record(best: np.ndarray, arg: np.ndarray, owner: np.ndarray, point: np.ndarray, value: np.ndarray) -> None:
    size = np.abs(value)
    np.maximum.at(best, owner, size)
    hit = size == best[owner]
    arg[owner[hit]] = point[hit]


def argmin_distance(dev: Deviation, cands: np.ndarray) -> Scan:
    """The candidate with the smallest KS distance, exactly (see the module docstring)."""
    cands = np.asarray(cands, dtype=np.int64)
    if cands.size <= _SMALL:
        dist, _ = exact_distances(dev, cands)
        i = int(np.argmin(dist))
        return Scan(int(cands[i]), float(dist[i]), dev.evaluations)
    n_c = cands.size
    pos = np.unique(np.concatenate([
        n_c - np.unique(np.geomspace(n_c, 1, _SEEDS // 2).astype(np.int64)),   # dense where tails are small
        np.linspace(0, n_c - 1, _SEEDS // 2).astype(np.int64)]))
    seeds = cands[pos]
    seed_d, seed_arg = exact_distances(dev, seeds)
    limit = float(seed_d.min())
    alive = np.ones(n_c, dtype=bool)
    alive[pos] = False
    for _ in range(_ROUNDS):
        alive_idx = np.flatnonzero(alive)
        for lo in range(0, alive_idx.size, _CHUNK):
            idx = alive_idx[lo:lo + _CHUNK]
            worse = _witness_bound(dev, cands[idx], seeds, seed_arg) > limit
            alive[idx[worse]] = False
        alive_idx = np.flatnonzero(alive)
        if alive_idx.size <= _SMALL:
            break
        new_pos = alive_idx[np.linspace(0, alive_idx.size - 1, _SEEDS).astype(np.int64)]
        new_d, new_arg = exact_distances(dev, cands[new_pos])
        alive[new_pos] = False
        seeds, seed_d, seed_arg = _merge(seeds, seed_d, seed_arg, cands[new_pos], new_d, new_arg)
        limit = min(limit, float(new_d.min()))
    rest = cands[alive]
    rest_d, _ = exact_distances(dev, rest, limit)
    all_c = np.concatenate([seeds, rest])
    all_d = np.concatenate([seed_d, rest_d])
    order = np.lexsort((all_c, all_d))
    return Scan(int(all_c[order[0]]), float(all_d[order[0]]), dev.evaluations)


def _witness_bound(dev: Deviation, c: np.ndarray, seeds: np.ndarray, seed_arg: np.ndarray) -> np.ndarray:
    """max |e_c| over the maximising points of the nearest seeds on each side and a few probes."""
    at = np.searchsorted(seeds, c)
    left = seed_arg[np.clip(at - 1, 0, seeds.size - 1)]
    right = seed_arg[np.clip(at, 0, seeds.size - 1)]
    k = np.arange(1, _SCAN_PROBES)
    P = np.concatenate([np.maximum(left, c)[:, None], np.maximum(right, c)[:, None],
                        c[:, None] + ((dev.last - c)[:, None] * k[None, :]) // _SCAN_PROBES], axis=1)
    return np.abs(dev.grid(c, P)).max(axis=1)


def _merge(seeds, d, arg, new_seeds, new_d, new_arg):
    seeds = np.concatenate([seeds, new_seeds])
    order = np.argsort(seeds, kind="stable")
    return seeds[order], np.concatenate([d, new_d])[order], np.concatenate([arg, new_arg])[order]
