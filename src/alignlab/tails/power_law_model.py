r"""The power-law tail model of Clauset, Shalizi & Newman (2009): MLEs for every candidate xmin at once,
the fitted survival functions the KS scan needs, and sampling from a fitted tail.

Continuous (CSN eq. 2.2, 3.1, 3.2): :math:`p(x) = \frac{\alpha-1}{x_{min}}(x/x_{min})^{-\alpha}`,

.. math:: \hat\alpha = 1 + m\Bigl/\sum_{x_i \ge x_{min}} \log(x_i/x_{min}), \qquad \sigma = (\hat\alpha-1)/\sqrt{m},

for all candidates in one pass over the sorted sample (see :class:`Distinct`).

Discrete (CSN eq. 2.4, 3.5, 3.6): :math:`P(X = x) = x^{-\alpha}/\zeta(\alpha, x_{min})`. The exact MLE
solves :math:`\partial_\alpha\log\zeta(\alpha, x_{min}) = -\frac1m\sum\log x_i` (the model's mean of
:math:`\log X` equals the sample's), by safeguarded Newton steps on all candidates together, and
:math:`\sigma = 1/\sqrt{m\,\mathrm{Var}_\alpha[\log X]}`. The approximation
:math:`1 + m/\sum\log(x_i/(x_{min}-\frac12))` is not used.

``alpha`` here is the exponent of the density; the tail index of :math:`P(X \ge x) \propto x^{-a}` is
:math:`a = \alpha - 1`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignlab.tails.ks_scan import Deviation, argmin_distance, exact_distances
from alignlab.tails.hurwitz import log_zeta

ALPHA_CAP = 1e4           # a discrete MLE beyond this is reported as degenerate (all mass at xmin)
_NEWTON_STEPS = 80
_TABLE = 4096            # integers above xmin tabulated for discrete sampling


@dataclass(frozen=True)
class Distinct:
    r"""A sorted positive sample by distinct values :math:`x_p`: ``at_or_above[p]`` counts values
    :math:`\ge x_p` and ``log_excess[p]`` is :math:`\sum_{x_i \ge x_p}\log(x_i/x_p)`.

    ``log_excess`` is the reverse cumulative sum of the non-negative terms
    :math:`R_{p+1}(\log x_{p+1} - \log x_p)`, so no candidate loses digits to the cancellation
    in :math:`\sum\log x_i - m\log x_{min}`.
    """

    values: np.ndarray
    log_values: np.ndarray
    at_or_above: np.ndarray
    log_excess: np.ndarray
    n: int

    @classmethod
    def of(cls, sorted_x: np.ndarray) -> "Distinct":
        n = sorted_x.size
        values, first = np.unique(sorted_x, return_index=True)
        z = np.log(values)
        at_or_above = n - first
        # log(x_{p+1}/x_p) from the exact difference of neighbours, not from two rounded logs
        steps = at_or_above[1:] * np.log1p(np.diff(values) / values[:-1])
        log_excess = np.concatenate([np.cumsum(steps[::-1])[::-1], [0.0]])
        return cls(values, z, at_or_above, log_excess, n)


@dataclass(frozen=True)
class TailModel:
    """MLE alpha (and what the KS scan needs) for candidate xmins ``cands`` (indices into ``distinct``)."""

    distinct: Distinct
    discrete: bool
    cands: np.ndarray
    alpha: np.ndarray
    log_zeta_xmin: np.ndarray | None = None   # discrete only

    @classmethod
    def fit(cls, distinct: Distinct, cands: np.ndarray, discrete: bool) -> "TailModel":
        m = distinct.at_or_above[cands].astype(float)
        spread = distinct.log_excess[cands]
        if not discrete:
            return cls(distinct, False, cands, 1.0 + m / spread)
        alpha = discrete_alpha(distinct.values[cands], distinct.log_values[cands] + spread / m)
        return cls(distinct, True, cands, alpha, log_zeta(alpha, distinct.values[cands]))

    def survival(self, c: np.ndarray, P: np.ndarray) -> np.ndarray:
        r""":math:`P(X \ge x_P \mid X \ge x_c)` under candidate ``c``'s fit (``c`` indexes distinct values)."""
        i = np.searchsorted(self.cands, c)
        alpha = self.alpha[i][:, None]
        if not self.discrete:
            z = self.distinct.log_values
            return np.exp((1.0 - alpha) * (z[P] - z[c][:, None]))
        values = self.distinct.values
        return np.exp(log_zeta(np.broadcast_to(alpha, P.shape), values[P]) - self.log_zeta_xmin[i][:, None])

    def deviation(self) -> Deviation:
        return Deviation(self.distinct.at_or_above, self.survival)

    def best(self):
        """(index into ``cands`` of the KS-minimising xmin, its KS distance)."""
        scan = argmin_distance(self.deviation(), self.cands)
        return int(np.searchsorted(self.cands, scan.best)), scan.distance

    def distances(self, which: np.ndarray) -> np.ndarray:
        """Exact KS distances of the candidates at positions ``which`` of ``cands``."""
        return exact_distances(self.deviation(), self.cands[which])[0]

    def sigma(self, i: int) -> float:
        m = float(self.distinct.at_or_above[self.cands[i]])
        if not self.discrete:
            return float((self.alpha[i] - 1.0) / np.sqrt(m))
        _, _, var_log = log_zeta(self.alpha[i], self.distinct.values[self.cands[i]], derivatives=2)
        return float(1.0 / np.sqrt(m * var_log))


def log_ratio(x, xmin: float) -> np.ndarray:
    """log(x / xmin), accurate near 1, and finite where x / xmin overflows (a subnormal xmin, a tail
    spanning more than the double range)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(over="ignore"):
        ratio = x / xmin
    return np.where(np.isfinite(ratio), np.log(ratio), np.log(x) - np.log(xmin))


def discrete_alpha(xmin: np.ndarray, mean_log: np.ndarray) -> np.ndarray:
    r"""Exact discrete MLE: the root of
    :math:`g(\alpha) = \partial_\alpha\log\zeta(\alpha, x_{min}) + \overline{\log x}`.

    ``g`` increases in :math:`\alpha` (its derivative is :math:`\mathrm{Var}[\log X] > 0`), from
    :math:`-\infty` at 1 to :math:`\overline{\log x} - \log x_{min} > 0` at infinity, so a bracket
    and Newton steps that fall back to bisection converge for every candidate. Candidates whose
    root lies beyond ``ALPHA_CAP`` get ``inf``.
    """
    xmin, mean_log = np.broadcast_arrays(np.asarray(xmin, float), np.asarray(mean_log, float))
    lo = np.full(xmin.shape, 1.0 + 1e-12)
    hi = np.full(xmin.shape, 2.0)
    # widen the upper end until g(hi) > 0
    for _ in range(20):
        _, d1 = log_zeta(hi, xmin, derivatives=1)
        short = d1 + mean_log <= 0
        if not short.any():
            break
        lo = np.where(short, hi, lo)
        hi = np.where(short, np.minimum(hi * 4.0, ALPHA_CAP), hi)
        if np.all(hi[short] >= ALPHA_CAP):
            break
    _, d1 = log_zeta(hi, xmin, derivatives=1)
    unbounded = d1 + mean_log <= 0
    alpha = 0.5 * (lo + hi)
    for _ in range(_NEWTON_STEPS):
        _, d1, d2 = log_zeta(alpha, xmin, derivatives=2)
        g = d1 + mean_log
        lo = np.where(g < 0, alpha, lo)
        hi = np.where(g >= 0, alpha, hi)
        step = alpha - g / d2
        inside = (step > lo) & (step < hi) & np.isfinite(step)
        new = np.where(inside, step, 0.5 * (lo + hi))
        done = np.abs(new - alpha) <= 1e-14 * alpha
        alpha = new
        if done.all():
            break
    return np.where(unbounded, np.inf, alpha)


def sample_tail(xmin: float, alpha: float, discrete: bool, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` draws from the fitted power law above ``xmin`` (inverse CDF, exact in both cases)."""
    u = 1.0 - rng.random(size)                        # in (0, 1]
    if not discrete:
        return xmin * np.exp(-np.log(u) / (alpha - 1.0))
    # exact inverse CDF: the largest x with S(x) = zeta(alpha, x)/zeta(alpha, xmin) >= u, from a table of
    # S over the first _TABLE integers and, for the rare draws beyond it, bisection on integers
    log_u = np.log(u)
    log_zmin = float(log_zeta(alpha, xmin))
    table = xmin + np.arange(_TABLE, dtype=float)
    log_sf = log_zeta(alpha, table) - log_zmin                  # decreasing
    out = table[np.searchsorted(-log_sf, -log_u, side="right") - 1]
    far = log_u < log_sf[-1]
    if far.any():
        out[far] = _bisect_discrete(alpha, table[-1], log_zmin, log_u[far])
    return out


def _bisect_discrete(alpha: float, lo_value: float, log_zmin: float, log_u: np.ndarray) -> np.ndarray:
    """Largest integer x >= ``lo_value`` with log S(x) >= log_u, where S(lo_value) >= u for every u given."""
    lo = np.full(log_u.size, lo_value)
    hi = lo * 2.0 + 2.0
    for _ in range(1100):                             # make sure S(hi) < u (doubling: at most ~1000 steps)
        above = log_zeta(alpha, hi) - log_zmin >= log_u
        if not above.any():
            break
        hi = np.where(above, hi * 2.0, hi)
    while True:                                       # invariant: S(lo) >= u > S(hi)
        open_ = hi - lo > 1
        if not open_.any():
            return lo
        mid = np.floor(0.5 * (lo + hi))
        ok = log_zeta(alpha, mid) - log_zmin >= log_u
        lo = np.where(open_ & ok, mid, lo)
        hi = np.where(open_ & ~ok, mid, hi)


@dataclass(frozen=True)
class Estimate:
    """The fitted tail: ``xmin`` (chosen or given), MLE ``alpha``, its ``sigma``, the tail size and KS distance."""

    xmin: float
    alpha: float
    sigma: float
    n_tail: int
    ks: float
    candidates: int


def fit_sorted(sorted_x: np.ndarray, discrete: bool, min_tail: int, xmin: float | None = None) -> Estimate | None:
    """CSN fit of a sorted positive sample; ``None`` when no xmin leaves ``min_tail`` values with a finite MLE."""
    if xmin is not None:
        return _fixed_xmin(sorted_x, discrete, xmin)
    distinct = Distinct.of(sorted_x)
    cands = np.flatnonzero(distinct.at_or_above[:-1] >= min_tail)
    if cands.size == 0:
        return None
    model = TailModel.fit(distinct, cands, discrete)
    finite = np.isfinite(model.alpha)
    if not finite.all():
        if not finite.any():
            return None
        model = TailModel(distinct, discrete, cands[finite], model.alpha[finite],
                          None if model.log_zeta_xmin is None else model.log_zeta_xmin[finite])
    i, ks = model.best()
    c = model.cands[i]
    return Estimate(float(distinct.values[c]), float(model.alpha[i]), model.sigma(i),
                    int(distinct.at_or_above[c]), ks, int(model.cands.size))


def _fixed_xmin(sorted_x: np.ndarray, discrete: bool, xmin: float) -> Estimate | None:
    """The fit with ``xmin`` given (it need not be a data value): MLE and KS distance on ``x >= xmin``."""
    tail = sorted_x[np.searchsorted(sorted_x, xmin):]
    m = tail.size
    values, first = np.unique(tail, return_index=True)
    at_or_above = (m - first).astype(float)
    log_excess = log_ratio(tail, xmin)
    if not discrete:
        alpha = 1.0 + m / log_excess.sum()
        surv = np.exp((1.0 - alpha) * log_ratio(values, xmin))
        sigma = (alpha - 1.0) / np.sqrt(m)
    else:
        alpha = float(discrete_alpha(xmin, np.log(xmin) + log_excess.mean()))
        if not np.isfinite(alpha):
            return None
        lz, _, var_log = log_zeta(alpha, xmin, derivatives=2)
        surv = np.exp(log_zeta(alpha, values) - lz)
        sigma = 1.0 / np.sqrt(m * var_log)
    ks = float(np.abs(at_or_above / m - surv).max())
    return Estimate(float(xmin), float(alpha), float(sigma), int(m), ks, 1)
