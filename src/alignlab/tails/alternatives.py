r"""Alternatives to the power law above the same ``xmin`` (continuous data), fitted by maximum likelihood.

All densities are conditional on :math:`x \ge x_{min}` and written with :math:`t = x/x_{min}`,
:math:`y = \log t` (CSN 2009, table 2.1):

* exponential: :math:`p(x) = \lambda e^{-\lambda(x-x_{min})}`, :math:`\hat\lambda = 1/\overline{x-x_{min}}`.
* lognormal: :math:`p(x) \propto \frac1x \exp(-(\log x-\mu)^2/2\sigma^2)`. In :math:`y` this is
  :math:`\exp(-a y - b y^2/2)/Z(a, b)` with :math:`b = 1/\sigma^2`, :math:`a = (\log x_{min}-\mu)/\sigma^2`:
  an exponential family whose log-likelihood is concave in :math:`(a, b)`, so the fit has one
  maximum. :math:`b = 0` is the power law with :math:`\alpha = 1 + a`, the limit
  :math:`\sigma \to \infty, \mu \to -\infty` where a :math:`(\mu, \sigma)` optimiser wanders off
  (``powerlaw`` reports mu = -625 there); here that case is reported as degenerate.
* stretched exponential: :math:`P(X \ge x) = e^{-\theta(t^\beta - 1)}`; for fixed :math:`\beta` the MLE
  is :math:`\hat\theta = m/\sum(t_i^\beta - 1)` (``expm1`` keeps it exact), leaving one parameter.
  :math:`\beta \to 0` is again the power law (degenerate).
* truncated power law: :math:`p(x) \propto x^{-\alpha}e^{-\lambda x}`, normalised by
  :math:`x_{min}^{1-\alpha}E_\alpha(\lambda x_{min})`, :math:`E_s(z) = \int_1^\infty t^{-s}e^{-zt}dt`
  (:func:`log_expint`); concave in :math:`(\alpha, \lambda)`. :math:`\lambda = 0` is the power law, so
  this is the one nested comparison.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import integrate, optimize, special

from alignlab.tails.power_law_model import log_ratio

# An alternative whose log density differs from a straight line in log x (a power law) by less than
# this many nats across the whole observed tail cannot be told from the power law: its parameters
# (a lognormal with mu far below xmin, a stretched exponential with beta near 0) describe nothing.
DEGENERATE_NATS = 1.0
# The alternatives are fitted in t = x / xmin (the truncated power law's likelihood holds the sum of t):
# a tail spanning more than this cannot be compared in double precision.
MAX_SPAN = 1e300


@dataclass(frozen=True)
class Fitted:
    """One family fitted above ``xmin``: parameters, per-point log densities and any degeneracy."""

    name: str
    nested: bool                      # is the power law a special case (a nested comparison)?
    parameters: dict
    logpdf: np.ndarray = field(repr=False)
    degenerate: bool = False
    note: str = ""


def power_law_logpdf(x: np.ndarray, xmin: float, alpha: float) -> np.ndarray:
    return math.log(alpha - 1.0) - math.log(xmin) - alpha * log_ratio(x, xmin)


def exponential(x: np.ndarray, xmin: float) -> Fitted:
    excess = x - xmin
    with np.errstate(over="ignore"):
        mean = float(excess.mean())
        rate = 1.0 / mean
    if math.isfinite(mean) and math.isfinite(rate):
        return Fitted("exponential", False, {"lambda": rate}, math.log(rate) - rate * excess)
    # values near either end of the double range: the mean of the scaled excess, and no rate in the logs
    top = float(excess.max())
    mean = float(np.mean(excess / top)) * top
    with np.errstate(over="ignore"):
        rate = 1.0 / mean                   # inf for a subnormal mean (JSON null)
    return Fitted("exponential", False, {"lambda": rate}, -math.log(mean) - excess / mean)


def _log_z_gauss(a: float, b: float) -> float:
    r""":math:`\log\int_0^\infty e^{-ay - by^2/2}dy`, stable for every sign of ``a`` and ``b`` down to 0."""
    if b <= 0.0:
        return -math.log(a) if a > 0 else math.inf
    z = a / math.sqrt(2.0 * b)
    if z >= 0:
        return 0.5 * math.log(math.pi / (2.0 * b)) + math.log(special.erfcx(z))
    return 0.5 * math.log(2.0 * math.pi / b) + a * a / (2.0 * b) + float(special.log_ndtr(-a / math.sqrt(b)))


def lognormal(x: np.ndarray, xmin: float) -> Fitted:
    y = log_ratio(x, xmin)
    m, s1, s2 = y.size, y.sum(), (y * y).sum()

    def nll(p):
        a, b = p
        value = a * s1 + 0.5 * b * s2 + m * _log_z_gauss(a, b)
        return value if math.isfinite(value) else 1e300

    start = [1.0 / y.mean(), 1e-3 / max(y.var(), 1e-12)]
    res = optimize.minimize(nll, start, method="L-BFGS-B", bounds=[(None, None), (0.0, None)],
                            options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000})
    a, b = (float(v) for v in res.x)
    logpdf = -a * y - 0.5 * b * y * y - _log_z_gauss(a, b) - np.log(x)
    sigma = math.inf if b <= 0 else 1.0 / math.sqrt(b)
    mu = -math.inf if b <= 0 else math.log(xmin) - a / b
    curvature = 0.5 * b * float(y.max()) ** 2          # nats between it and the power law 1 + a
    degenerate = curvature < DEGENERATE_NATS
    note = (f"the lognormal fit is the power-law limit (sigma = {sigma:.3g}, mu = {mu:.4g}): over the observed "
            f"tail it differs from a power law with alpha = {1 + a:.4g} by {curvature:.2g} nats, so its "
            f"parameters mean nothing and the two cannot be told apart" if degenerate else "")
    return Fitted("lognormal", False, {"mu": mu, "sigma": sigma}, logpdf, degenerate, note)


def stretched_exponential(x: np.ndarray, xmin: float) -> Fitted:
    y = log_ratio(x, xmin)
    m, sy = y.size, y.sum()
    upper = min(20.0, 600.0 / max(y.max(), 1e-300))

    def profile(log_beta):
        beta = math.exp(log_beta)
        theta = m / np.expm1(beta * y).sum()
        return -(m * math.log(beta) + m * math.log(theta) + (beta - 1.0) * sy - m)

    res = optimize.minimize_scalar(profile, bounds=(math.log(1e-6), math.log(upper)), method="bounded",
                                   options={"xatol": 1e-10})
    beta = math.exp(res.x)
    theta = m / np.expm1(beta * y).sum()
    logpdf = math.log(beta) + math.log(theta) - math.log(xmin) + (beta - 1.0) * y - theta * np.expm1(beta * y)
    y_max = float(y.max())
    curvature = theta * (math.expm1(beta * y_max) - beta * y_max)   # nats away from a power law
    degenerate = curvature < DEGENERATE_NATS
    note = (f"the stretched-exponential fit is the power-law limit (beta = {beta:.2g}): over the observed tail it "
            f"differs from a power law by {curvature:.2g} nats" if degenerate else "")
    with np.errstate(over="ignore"):
        lam = float(theta * np.float64(xmin) ** (-beta))     # inf beyond the double range (JSON null)
    return Fitted("stretched_exponential", False, {"beta": beta, "lambda": lam}, logpdf, degenerate, note)


def log_expint(s: float, z: float) -> float:
    r""":math:`\log E_s(z)`, :math:`E_s(z) = \int_1^\infty t^{-s}e^{-zt}dt`, for real ``s`` and :math:`z \ge 0`.

    With :math:`t = e^r` the integrand is :math:`e^{h(r)}`, :math:`h(r) = -(s-1)r - z(e^r-1) - z`,
    concave in ``r``: its mode :math:`r^* = \max(0, \log((1-s)/z))` is factored out and the rest
    integrated by adaptive quadrature up to where :math:`h` has fallen by 745 (exp underflow).
    """
    if z <= 0.0:
        return -math.log(s - 1.0) if s > 1.0 else math.inf
    r_star = math.log((1.0 - s) / z) if s < 1.0 and (1.0 - s) > z else 0.0

    log_z = math.log(z)

    def h(r):
        # z (e^r - 1), as e^(log z + r) where e^r alone would overflow (a tiny z puts the mode far out)
        grow = z * math.expm1(r) if r < 700.0 else math.exp(min(log_z + r, 700.0))
        return -(s - 1.0) * r - grow

    peak = h(r_star)
    upper = r_star + 1.0
    while h(upper) - peak > -745.0:
        upper = r_star + 2.0 * (upper - r_star)
    points = [r_star] if r_star > 0 else None
    value, _ = integrate.quad(lambda r: math.exp(h(r) - peak), 0.0, upper, points=points, epsabs=0.0,
                              epsrel=1e-12, limit=200)
    return peak - z + math.log(value)


def truncated_power_law(x: np.ndarray, xmin: float, alpha_start: float) -> Fitted:
    t = x / xmin                      # at most MAX_SPAN (checked by compare)
    y = log_ratio(x, xmin)
    m, sy, st = y.size, y.sum(), t.sum()

    def nll(p):
        alpha, mu = p
        value = alpha * sy + mu * st + m * log_expint(alpha, mu)
        return value if math.isfinite(value) else 1e300

    best = None
    for start in ([alpha_start, 1e-3 / t.mean()], [max(alpha_start - 0.5, 0.1), 1.0 / t.mean()]):
        res = optimize.minimize(nll, start, method="L-BFGS-B", bounds=[(-10.0, 50.0), (0.0, None)],
                                options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000})
        if best is None or res.fun < best.fun:
            best = res
    alpha, mu = (float(v) for v in best.x)
    logpdf = -alpha * y - mu * t - log_expint(alpha, mu) - math.log(xmin)
    note = "the cutoff is zero: the truncated power law is the power law itself" if mu == 0.0 else ""
    return Fitted("truncated_power_law", True, {"alpha": alpha, "lambda": mu / xmin}, logpdf, False, note)


ALTERNATIVES = ("exponential", "lognormal", "stretched_exponential", "truncated_power_law")
