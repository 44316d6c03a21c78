r"""Limit laws for the task time (generalised central limit theorem).

With Pareto(alpha) approaches and power q the subtask excess :math:`Y = M - 1` is Lomax(beta),
:math:`\beta = q\alpha`, with :math:`\psi(s) = 1 - E e^{-sY} \approx \Gamma(1-\beta)s^\beta + s/(\beta-1)`
for small s. For :math:`Y_n = S_n - n`:

================  ======================================================  ==========================================
regime            normalisation                                           limit law (Laplace transform of X)
================  ======================================================  ==========================================
beta < 1          :math:`Y_n / n^{1/\beta}`                               :math:`\exp(-\Gamma(1-\beta)u^\beta)`, one-sided stable
beta = 1          :math:`Y_n / n - \log n`                                :math:`\exp(u\log u + \gamma u)`, totally skewed 1-stable
1 < beta < 2      :math:`(Y_n - n/(\beta-1)) / n^{1/\beta}`               :math:`\exp(-\Gamma(1-\beta)u^\beta)`, centred stable
beta = 2          :math:`(Y_n - n) / \sqrt{n\log n}`                      standard normal
beta > 2          :math:`(Y_n - n/(\beta-1)) / \sqrt{n v}`                standard normal, :math:`v = \beta/((\beta-1)^2(\beta-2))`
================  ======================================================  ==========================================

In the usual stable parameterisation the scale is :math:`\sigma^\beta = \Gamma(1-\beta)\cos(\pi\beta/2)`
(for beta = 1/2 the limit is the Levy law with scale :math:`\pi/2`). The stable laws are evaluated by
inverting their transforms with :class:`alignlab.numerics.TransformDistribution`; laws on the whole
line are shifted right by c, chosen with a Chernoff bound so that :math:`P(X < -c) < e^{-42}`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special, stats

from alignlab.numerics.laplace import TransformDistribution

_CHERNOFF_EXPONENT = 42.0
# Beyond FAR the standard law's survival function is its tail, x^-beta: with this normalisation
# P(Y_n > x n^(1/beta)) ~ n P(Y > x n^(1/beta)) = x^-beta, to relative order x^-beta (< 1e-12 here)
FAR = 1e12


@dataclass(frozen=True)
class LimitLaw:
    """Y_n ~ location + scale * X for large n, with X the limit law (for the unit Lomax sum)."""

    beta: float
    n: float
    location: float
    scale: float
    kind: str            # "stable" or "normal"

    def cdf(self, y):
        z = self._z(y)
        if self.kind == "stable":
            if z > FAR:
                return -math.expm1(-self.beta * math.log(z))
            if z < -_shift(self.beta) or (self.beta < 1 and z <= 0):
                return 0.0                      # P(X < -c) < e^-42 (one-sided laws: exactly 0)
        return float(_standard_cdf(self.beta, self.kind, z))

    def sf(self, y):
        z = self._z(y)
        if self.kind == "stable":
            if z > FAR:
                return math.exp(-self.beta * math.log(z))
            if z < -_shift(self.beta) or (self.beta < 1 and z <= 0):
                return 1.0
        return float(_standard_sf(self.beta, self.kind, z))

    def _z(self, y) -> float:
        """(y - location) / scale, with an overflowing location or scale taken to its limit."""
        with np.errstate(over="ignore", invalid="ignore"):
            if not math.isfinite(self.location):
                return -math.inf
            if not math.isfinite(self.scale):
                return 0.0 if y - self.location > 0 else -math.inf
            return float((float(y) - self.location) / self.scale)

    def ppf(self, p: float) -> float:
        return self.location + self.scale * standard_ppf(self.beta, self.kind, p)


def _power(n: float, exponent: float) -> float:
    try:
        return n ** exponent
    except OverflowError:
        return math.inf


def limit_law(beta: float, n: float) -> LimitLaw:
    """The normalisation of Y_n = S_n - n and the limit law, by regime (see the module table)."""
    if beta < 1:
        return LimitLaw(beta, n, 0.0, _power(n, 1.0 / beta), "stable")
    if beta == 1:
        return LimitLaw(beta, n, n * math.log(n), n, "stable")
    mean = n / (beta - 1.0)
    if beta < 2:
        return LimitLaw(beta, n, mean, _power(n, 1.0 / beta), "stable")
    if beta == 2:
        return LimitLaw(beta, n, mean, math.sqrt(n * math.log(n)) if n > 1 else 1.0, "normal")
    # sqrt(n v) = sqrt(n beta / (beta - 2)) / (beta - 1), in an order that neither overflows nor underflows
    return LimitLaw(beta, n, mean, math.sqrt(n) * math.sqrt(beta / (beta - 2.0)) / (beta - 1.0), "normal")


def stable_scale(beta: float) -> float:
    r"""Scale :math:`\sigma` of the stable limit in the standard parameterisation,
    :math:`\sigma^\beta = \Gamma(1-\beta)\cos(\pi\beta/2)`; beta = 1 gives :math:`\pi/2`."""
    if beta == 1:
        return math.pi / 2
    return (special.gamma(1 - beta) * math.cos(math.pi * beta / 2)) ** (1.0 / beta)


def _log_transform(beta: float):
    """log E[exp(-uX)] of the standard limit law."""
    if beta == 1:
        return lambda u: u * np.log(u) + np.euler_gamma * u
    g = special.gamma(1.0 - beta)
    return lambda u: -g * np.exp(beta * np.log(u))


@lru_cache(maxsize=128)
def _shift(beta: float) -> float:
    """c with P(X < -c) <= e^{-42} (0 for the one-sided laws)."""
    if beta < 1:
        return 0.0
    if beta == 1:
        # min_u u log u + gamma u - u c = -e^{c - 1 - gamma}
        return 1.0 + np.euler_gamma + math.log(_CHERNOFF_EXPONENT)
    # log E e^{-uX} = |Gamma(1-beta)| u^beta; min_u of that minus u c equals -(beta-1) g u*^beta
    g = -special.gamma(1.0 - beta)
    u_star = (_CHERNOFF_EXPONENT / ((beta - 1.0) * g)) ** (1.0 / beta)
    return beta * g * u_star ** (beta - 1.0)


@lru_cache(maxsize=128)
def _standard(beta: float) -> TransformDistribution:
    c = _shift(beta)
    log_lt = _log_transform(beta)
    mean = c if 1 < beta < 2 else math.inf
    return TransformDistribution(lambda u: -u * c + log_lt(u), mean=mean)


def _standard_cdf(beta, kind, x):
    if kind == "normal":
        return stats.norm.cdf(x)
    return _standard(beta).cdf(x + _shift(beta))


def _standard_sf(beta, kind, x):
    if kind == "normal":
        return stats.norm.sf(x)
    return _standard(beta).sf(x + _shift(beta))


@lru_cache(maxsize=1024)
def standard_ppf(beta: float, kind: str, p: float) -> float:
    if kind == "normal":
        return float(stats.norm.ppf(p))
    c = _shift(beta)
    if beta < 1:
        # one-sided stable: start from the Levy-like scale
        guess = 1.0
    else:
        guess = c + (1.0 if beta != 1 else 0.0)
    return _standard(beta).ppf(p, guess=guess) - c
