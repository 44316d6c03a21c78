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

from alignlab.numerics.quadrature import LogIntegral, log_integral


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
    a_left = _own_edges(first, second, t, v_lo, v_hi, a_left)
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


def _own_edges(first: Factor, second: Factor, t, v_lo, v_hi, a_left):
    """Which side is integrated in v: by default the one where V's anchor lies (``a_left``: the lower
    one), but a factor unbounded at a finite end of the range must be integrated in its own variable,
    where offsets from that end are exact: V's lower end cut at ``v_lo`` would be ``t - x`` rounded on
    the X side. Rows whose ends ask for both orientations keep the default."""
    lower_v = (_singular(first, first.lo, 1.0) & (v_lo == first.lo)) | \
        (_singular(second, second.lo, 1.0) & (v_hi == t - second.lo))
    lower_x = (_singular(first, first.hi, -1.0) & (v_hi == first.hi)) | \
        (_singular(second, second.hi, -1.0) & (v_lo == t - second.hi))
    return np.where(lower_v & ~lower_x, True, np.where(lower_x & ~lower_v, False, a_left))


def _singular(factor: Factor, end: float, inward: float) -> bool:
    """Whether the factor grows without bound toward a finite end of its support: its mass per unit
    log offset from the end falls toward it at a rate below 0.9 (a bounded factor gives 1)."""
    if not np.isfinite(end):
        return False
    d = max(abs(end), factor.width) * 2.0 ** -30 * np.array([1.0, np.exp(2.0)])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        m = np.asarray(factor.log(end + inward * d), dtype=float) + np.log(d)
        return bool(np.isfinite(m[0]) and (m[1] - m[0]) / 2.0 < 0.9)


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
