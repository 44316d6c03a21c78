r"""Peaks over a threshold: the generalized Pareto shape of the excesses, a formal exponential-QQ test.

Above a high threshold ``u`` the excesses :math:`y = x - u` of any distribution in a domain of
attraction are approximately generalized Pareto (Pickands 1975; Balkema & de Haan 1974),
:math:`P(Y > y) = (1 + \xi y/\sigma)^{-1/\xi}`, with the same extreme-value index :math:`\xi` at
every high threshold. :math:`\xi = 0` is the exponential: the exponential QQ plot of the excesses
is straight exactly then, bends up for :math:`\xi > 0` (heavier than exponential) and down for
:math:`\xi < 0`. The shape is estimated by maximum likelihood with Grimshaw's (1993) reduction to
one parameter :math:`\theta = \xi/\sigma`: for fixed :math:`\theta`,
:math:`\hat\xi(\theta) = \frac1k\sum\log(1+\theta y_i)` and the profile log-likelihood is
:math:`-k\log(\hat\xi/\theta) - k(1+\hat\xi)` (:math:`-k\log\bar y - k` at :math:`\theta = 0`).
The likelihood is unbounded as :math:`\xi \to -\infty`, so the search is kept to
:math:`\xi \ge -1`; the standard error :math:`(1+\xi)/\sqrt{k}` (Smith 1985) holds for
:math:`\xi > -1/2`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from alignlab._results import Result


@dataclass(frozen=True)
class ThresholdFit(Result):
    """Generalized Pareto fit to the ``k`` excesses over the ``level`` quantile ``threshold``."""

    level: float
    threshold: float
    k: int
    xi: float
    sigma: float
    se: float          # nan where xi <= -1/2 (irregular)

    def interval(self, z: float = 1.96) -> tuple[float, float]:
        if not math.isfinite(self.se):
            return (-math.inf, self.xi)
        return (self.xi - z * self.se, self.xi + z * self.se)


def _profile(theta: float, y: np.ndarray) -> tuple[float, float]:
    """(profile log-likelihood, xi) at theta."""
    k = y.size
    if abs(theta) * y.max() < 1e-12:
        return -k * math.log(y.mean()) - k, 0.0
    xi = float(np.log1p(theta * y).mean())
    return -k * math.log(xi / theta) - k * (1.0 + xi), xi


def fit_gpd(excesses: np.ndarray) -> tuple[float, float]:
    """MLE (xi, sigma) of the generalized Pareto distribution for positive ``excesses``, xi >= -1."""
    y = np.asarray(excesses, dtype=float)
    y_max = float(y.max())
    # theta = tau / y_max with tau > -1; a grid on both sides of 0, then Brent between grid neighbours
    taus = np.concatenate([-1.0 + np.geomspace(1e-8, 1.0, 40)[:-1], [0.0], np.geomspace(1e-6, 1e6, 60)])
    values = []
    for tau in taus:
        ll, xi = _profile(tau / y_max, y)
        values.append(ll if xi >= -1.0 else -math.inf)
    values = np.array(values)
    i = int(np.argmax(values))
    lo, hi = taus[max(i - 1, 0)], taus[min(i + 1, taus.size - 1)]

    def negative(tau):
        ll, xi = _profile(tau / y_max, y)
        return -ll if xi >= -1.0 else 1e300     # finite: Brent's parabolic steps cannot use inf

    res = optimize.minimize_scalar(negative, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
    tau = float(res.x) if res.fun <= -values[i] else float(taus[i])
    _, xi = _profile(tau / y_max, y)
    sigma = y.mean() if abs(tau) < 1e-12 else xi / (tau / y_max)
    return xi, float(sigma)


def threshold_fit(x: np.ndarray, level: float, min_excesses: int = 1) -> ThresholdFit | None:
    """GPD fit to the excesses of ``x`` over its ``level`` quantile; None when ties leave fewer than
    ``min_excesses`` values strictly above it."""
    ordered = np.sort(x)
    k = int(round((1.0 - level) * x.size))
    u = float(ordered[x.size - k - 1])
    excess = ordered[x.size - k:] - u
    excess = excess[excess > 0]
    if excess.size < max(1, min_excesses):
        return None
    xi, sigma = fit_gpd(excess)
    se = (1.0 + xi) / math.sqrt(excess.size) if xi > -0.5 else math.nan
    return ThresholdFit(level, u, int(excess.size), xi, sigma, se)
