r"""Convolution integrals :math:`\int a(v)\, b(t - v)\, dv` in log space, for many ``t`` at once.

The mass of such an integral sits near two places: where the first factor is typical
(``v`` near the median of ``V``) and where the second is (``t - v`` near the median of ``X``). For
``t = 1e100`` the second place cannot even be written in ``v`` to better than 1e84, so the line is
cut at the midpoint ``c`` between the two: the ``V`` side is integrated in ``v``, the ``X`` side in
``x = t - v``. Each side is one :func:`~alignlab.numerics.quadrature.log_integral` batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from alignlab.numerics.quadrature import LogIntegral, grows_toward, log_integral


@dataclass(frozen=True)
class Factor:
    """One factor of a convolution: its log function, where it is typical and where it is nonzero."""

    log: Callable[[np.ndarray], np.ndarray]
    median: float
    width: float
    lo: float = -np.inf          # the factor is zero outside (lo, hi)
    hi: float = np.inf


def log_convolution(t, first: Factor, second: Factor, rtol: float = 1e-12) -> LogIntegral:
    r"""log of :math:`\int e^{\mathrm{first}(v) + \mathrm{second}(t - v)} dv` for every ``t``."""
    t = np.atleast_1d(np.asarray(t, dtype=float))
    B = t.size
    c = (first.median + (t - second.median)) / 2
    a_left = first.median <= t - second.median             # V's anchor left of X's anchor (in v)
    scale = np.full(B, min(first.width, second.width))
    # V side, in v: v on the anchor's side of c, first and second both nonzero
    v_lo = np.maximum(first.lo, t - second.hi)
    v_hi = np.minimum(first.hi, t - second.lo)
    a_left, c = _own_edges(first, second, t, v_lo, v_hi, a_left, c)
    lo_a = np.where(a_left, v_lo, np.maximum(v_lo, c))
    hi_a = np.where(a_left, np.minimum(v_hi, c), v_hi)
    part_a = log_integral(lambda v, rows: first.log(v) + second.log(t[rows] - v), lo_a, hi_a,
                          np.full((B, 1), first.median), np.full((B, 1), first.width), rtol=rtol,
                          lo_scale=_soft(lo_a, c, scale), hi_scale=_soft(hi_a, c, scale))
    # X side, in x = t - v
    x_lo = np.maximum(second.lo, t - first.hi)
    x_hi = np.minimum(second.hi, t - first.lo)
    cx = t - c
    lo_b = np.where(a_left, x_lo, np.maximum(x_lo, cx))
    hi_b = np.where(a_left, np.minimum(x_hi, cx), x_hi)
    part_b = log_integral(lambda x, rows: first.log(t[rows] - x) + second.log(x), lo_b, hi_b,
                          np.full((B, 1), second.median), np.full((B, 1), second.width), rtol=rtol,
                          lo_scale=_soft(lo_b, cx, scale), hi_scale=_soft(hi_b, cx, scale))
    return combine(part_a, part_b)


def _own_edges(first: Factor, second: Factor, t, v_lo, v_hi, a_left, c):
    """Which side is integrated in v, and where the cut is: by default V's side is the lower one when
    V's anchor lies left of X's (``a_left``), cut at ``c``. But a factor unbounded at a finite end of
    the range must be integrated in its own variable, where offsets from that end are exact (V's end
    reached through ``t - x`` is rounded to the spacing of doubles near ``t``): the first of flipping
    the sides, moving the cut to the middle of the range, or both, that puts every such end on its
    factor's side is taken. Rows that no placement satisfies keep the default."""
    need_v_lo = _singular(first, first.lo, 1.0) & (v_lo == first.lo)            # V's own ends on V's side
    need_v_hi = _singular(first, first.hi, -1.0) & (v_hi == first.hi)
    need_x_lo = _singular(second, second.hi, -1.0) & (v_lo == t - second.hi)   # X's own ends on X's side
    need_x_hi = _singular(second, second.lo, 1.0) & (v_hi == t - second.lo)
    if not (np.any(need_v_lo | need_v_hi | need_x_lo | need_x_hi)):
        return a_left, c

    def fits(left, cut):
        lo_on_v = np.where(left, cut > v_lo, cut <= v_lo)
        hi_on_v = np.where(left, cut >= v_hi, cut < v_hi)
        return ((~need_v_lo | lo_on_v) & (~need_v_hi | hi_on_v) & (~need_x_lo | ~lo_on_v)
                & (~need_x_hi | ~hi_on_v))

    with np.errstate(invalid="ignore"):
        mid = np.where(np.isfinite(v_lo) & np.isfinite(v_hi), (v_lo + v_hi) / 2, c)
    done = fits(a_left, c)
    left, cut = a_left.copy(), c.copy()
    for try_left, try_cut in ((~a_left, c), (a_left, mid), (~a_left, mid)):
        take = ~done & fits(try_left, try_cut)
        left, cut = np.where(take, try_left, left), np.where(take, try_cut, cut)
        done |= take
    return left, cut


def _singular(factor: Factor, end: float, inward: float) -> bool:
    """Whether the factor grows without bound toward a finite end of its support
    (:func:`~alignlab.numerics.quadrature.grows_toward`, 2^-30 of its scale away)."""
    if not np.isfinite(end):
        return False
    d = max(abs(end), factor.width) * 2.0 ** -30 * np.array([1.0, np.exp(2.0)])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        near, far = np.asarray(factor.log(end + inward * d), dtype=float)
    return bool(grows_toward(near, far, *np.log(d)))


def _soft(limit, cut, scale):
    """The cut between the two sides is no edge of the integrand: give it a scale (nan: a true edge)."""
    return np.where(limit == cut, scale, np.nan)


def combine(*parts: LogIntegral) -> LogIntegral:
    """The sum of several integrals over disjoint pieces."""
    logs = np.array([p.log_value for p in parts])
    total = np.logaddexp.reduce(logs, axis=0)
    with np.errstate(invalid="ignore", over="ignore"):
        weights = np.exp(logs - total)
        err = np.nansum(np.array([p.rel_error for p in parts]) * np.nan_to_num(weights), axis=0)
    err = np.where(np.isfinite(total), err, 0.0)
    best = np.argmax(logs, axis=0)
    peak = np.array([p.peak for p in parts])[best, np.arange(total.size)]
    return LogIntegral(total, err, peak, sum(p.evaluations for p in parts))
