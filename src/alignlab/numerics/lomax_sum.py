r"""Sums of Lomax variables, exactly: the law behind the steps model's finite-n task times (and the
agent-horizon fits that use it).

With Pareto(alpha) approaches and power q, a subtask takes :math:`M = 1 + Y` where
:math:`Y \sim \mathrm{Lomax}(\beta)`, :math:`\beta = q\alpha`, :math:`P(Y > y) = (1+y)^{-\beta}`.
(With Lomax approaches of scale c, :math:`M = 1 + cY`.) The task time is
:math:`S_n = n + c\,Y_n` with :math:`Y_n = Y_1 + \dots + Y_n`, whose Laplace transform is
:math:`G(s)^n`. The Lomax law is infinitely divisible, so :math:`G(s)^n` is a Laplace transform for
every real :math:`n > 0`, not only whole n:

.. math::  G(s) = E[e^{-sY}] = \beta e^{s} E_{\beta+1}(s)
           = \frac{\beta}{s}\int_0^\infty e^{-u}\Bigl(1+\frac{u}{s}\Bigr)^{-\beta-1}du,

equivalently :math:`E[e^{-sM}] = \beta E_{\beta+1}(s)`, the transform of the mission notes.
:math:`\psi(s) = 1 - G(s)` is needed directly for small :math:`|s|` (large n), where
:math:`G \approx 1`:

.. math::  \psi(s) = \int_0^\infty e^{-u}\Bigl(1+\frac{u}{s}\Bigr)^{-\beta}du
           = \Gamma(1-\beta)\,s^\beta e^{s} + \beta\sum_{k\ge1}\frac{s^k}{\prod_{j=0}^{k}(j-\beta)}.

At an integer :math:`\beta = m` the poles of :math:`\Gamma(1-\beta)` and of the terms
:math:`k \ge m` cancel pairwise, leaving

.. math::  \psi(s) = \sum_{k=1}^{m-1} \frac{m\,s^k}{\prod_{j=0}^{k}(j-m)}
           + \frac{(-1)^m}{(m-1)!}\sum_{i\ge0}\frac{s^{m+i}}{i!}\bigl(\log s + \gamma - H_i\bigr),

with :math:`H_i` the harmonic numbers (:math:`\beta=1` gives :math:`\psi \approx -s(\log s+\gamma)`).
Both series are used for :math:`|s| \le 5/2`, the continued fraction of :math:`E_{\beta+1}` for
:math:`|s| \ge 16` (within about 60 terms off the negative axis); in between, within :math:`10^{-3}` of an
integer (where the general series cancels) and wherever the continued fraction is slow, the integral
is computed by the trapezoid rule after :math:`u = e^x` (double-exponential decay, error below :math:`10^{-13}`).
The inversion itself is :class:`alignlab.numerics.TransformDistribution`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import special

from alignlab.numerics.laplace import TransformDistribution, clog1p

_SERIES_RADIUS = 2.5       # series terms reach e^|s|: about one digit lost
_CF_RADIUS = 16.0          # below this the continued fraction needs 100+ terms: the integral is cheaper
_CF_TERMS = 120
_SERIES_TERMS = 24
_INTEGER_GAP = 1e-3


def _stieltjes_integral(s: np.ndarray, gamma: float) -> np.ndarray:
    r""":math:`I(s,\gamma) = \int_0^\infty e^{-u}(1+u/s)^{-\gamma}du` for complex s off the negative axis.

    Trapezoid rule in :math:`x = \log u`; the step is set by the distance
    :math:`\pi - |\arg s|` from the real x-axis to the branch point :math:`e^x = -s`.
    """
    out = np.empty(s.shape, dtype=complex)
    distance = np.minimum(np.pi - np.abs(np.angle(s)), np.pi / 2)
    # group points by the step they need so that most of them use a coarse step
    steps = 2.0 * np.pi * 0.5 * distance / 38.0
    bins = np.floor(np.log(steps) / math.log(1.5))
    for b in np.unique(bins):
        idx = np.nonzero(bins == b)[0]
        h = float(steps[idx].min())
        sb = s[idx]
        x_low = min(float(np.log(np.abs(sb)).min()), 0.0) - 40.0
        x = np.arange(x_low, 3.8, h)
        ex = np.exp(x)
        w = ex[None, :] / sb[:, None]
        big = np.abs(w) >= 1.0
        log1pw = np.where(big, np.log(np.where(big, w, 1.0)) + clog1p(1.0 / np.where(big, w, 1.0)),
                          clog1p(np.where(big, 0.0, w)))
        with np.errstate(under="ignore"):
            out[idx] = h * np.exp((x - ex)[None, :] - gamma * log1pw).sum(axis=1)
    return out


def _continued_fraction(s: np.ndarray, p: float) -> tuple[np.ndarray, np.ndarray]:
    r""":math:`e^s E_p(s)` by its continued fraction (modified Lentz), with a per-point convergence flag.

    .. math:: e^{s}E_p(s) = \cfrac{1}{s + p - \cfrac{1\cdot p}{s + p + 2 - \cfrac{2(p+1)}{s + p + 4 - \cdots}}}

    (Numerical Recipes, section 6.3), valid for :math:`|\arg s| < \pi`; fast for large :math:`|s|`.
    """
    b = s + p
    c = np.full(s.shape, 1e300 + 0j)
    d = 1.0 / b
    h = d.copy()
    converged = np.zeros(s.shape, dtype=bool)
    for i in range(1, _CF_TERMS):
        an = -i * (p - 1.0 + i)
        b = b + 2.0
        d = 1.0 / (an * d + b)
        c = b + an / c
        delta = c * d
        h = h * delta
        if i % 4 == 0:                   # checking costs as much as an iteration: check every fourth
            converged |= np.abs(delta - 1.0) < 1e-16
            if converged.all():
                break
    return h, converged


@lru_cache(maxsize=64)
def _series_coefficients(beta: float) -> np.ndarray:
    k = np.arange(1, _SERIES_TERMS + 1)
    # beta / prod_{j=0}^{k} (j - beta)
    prods = np.cumprod(k - beta) * (-beta)
    return beta / prods


def lomax_psi_series(s: np.ndarray, beta: float) -> np.ndarray:
    r""":math:`\psi(s) = 1 - G(s)` by its power series (``|s| <= 1/2``, beta not near an integer)."""
    coef = _series_coefficients(beta)
    powers = np.cumprod(np.broadcast_to(s[:, None], (s.size, coef.size)), axis=1)
    return special.gamma(1.0 - beta) * np.exp(beta * np.log(s) + s) + powers @ coef


def lomax_psi_series_integer(s: np.ndarray, m: int) -> np.ndarray:
    r""":math:`\psi(s)` at integer :math:`\beta = m` (the pole-free limit of the general series)."""
    k, regular = _integer_series_coefficients(m)
    i = _SERIES_INDEX
    log_s = np.log(s)[:, None]
    powers = np.exp((m + i)[None, :] * log_s)
    singular = ((-1) ** m / math.factorial(m - 1)) * \
        (powers * _INV_FACTORIAL * (log_s + np.euler_gamma - _HARMONIC)).sum(axis=1)
    if m > 1:
        singular = singular + np.exp(k[None, :] * log_s) @ regular
    return singular


_SERIES_INDEX = np.arange(_SERIES_TERMS)
_HARMONIC = np.concatenate(([0.0], np.cumsum(1.0 / np.arange(1, _SERIES_TERMS))))     # H_i
_INV_FACTORIAL = 1.0 / special.factorial(_SERIES_INDEX)                               # 1 / i!


@lru_cache(maxsize=64)
def _integer_series_coefficients(m: int) -> tuple[np.ndarray, np.ndarray]:
    """k = 1..m-1 and the regular coefficients m / prod_{j=0}^{k} (j - m)."""
    k = np.arange(1, m)
    return k, (m / (np.cumprod(k - m) * (-m)) if m > 1 else np.zeros(0))


def lomax_log_laplace(s, beta: float) -> np.ndarray:
    r"""log G(s) = log E[exp(-sY)], Y ~ Lomax(beta) with unit scale, for complex s (vectorised)."""
    s = np.atleast_1d(np.asarray(s, dtype=complex))
    out = np.empty(s.shape, dtype=complex)
    small = np.abs(s) <= _SERIES_RADIUS
    if small.any():
        ss = s[small]
        if abs(beta - round(beta)) >= _INTEGER_GAP:
            psi = lomax_psi_series(ss, beta)
        elif beta == round(beta):
            psi = lomax_psi_series_integer(ss, int(round(beta)))
        else:
            psi = _stieltjes_integral(ss, beta)
        out[small] = clog1p(-psi)
    large = np.abs(s) >= _CF_RADIUS
    if large.any():
        h, ok = _continued_fraction(s[large], beta + 1.0)
        idx = np.nonzero(large)[0]
        out[idx[ok]] = np.log(beta * h[ok])
        large[idx[~ok]] = False          # the rare slow points go to the integral below
    middle = ~small & ~large
    if middle.any():
        sm = s[middle]
        out[middle] = np.log(beta / sm * _stieltjes_integral(sm, beta + 1.0))
    return out


class LomaxSum(TransformDistribution):
    """Distribution of :math:`Y_n`, the sum of n independent unit Lomax(beta) variables (any real n > 0:
    the law with transform :math:`G(s)^n`)."""

    def __init__(self, beta: float, n: float):
        self.beta = float(beta)
        self.n = int(n) if float(n).is_integer() else float(n)
        mean = self.n / (self.beta - 1.0) if self.beta > 1 else math.inf
        super().__init__(lambda s: self.n * lomax_log_laplace(s, self.beta), mean=mean)
