r"""Log densities, log tails and partial expectations in standard coordinates, accurate far into
the tails, for the scipy families where scipy's own ``logsf``/``logpdf`` underflow or overflow.

Every function takes the standardised argument ``z = (x - loc) / scale`` and the family's shape
parameters. Each is a closed form (with its source) or a convergent series; none integrates.

The *partial expectation* of a variable ``Z`` with mean ``mu`` is

.. math:: H(z) = E[(Z - \mu)\, 1\{Z > z\}] = \int_z^\infty (w - \mu) f(w)\, dw \ \ge 0,

which Stein-type identities give in closed form for several families (``H = f`` for the standard
normal). :mod:`alignlab.goodhart` uses it to compute conditional gains without cancellation.
"""

from __future__ import annotations

import numpy as np

from alignlab._lazy import lazy_module

special = lazy_module("scipy.special")    # imported when a function first runs: reading the family table stays light

_LOG_HALF = np.log(0.5)
_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


def log1mexp(log_y):
    """log(1 - exp(-y)) from log y, accurate for tiny and huge y (the 'log1mexp' of Maechler 2012)."""
    log_y = np.asarray(log_y, dtype=float)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        y = np.exp(np.minimum(log_y, 700.0))
        small = log_y < -20.0       # 1 - e^-y = y (1 - y/2 + ...)
        big = y > 0.6931471805599453
        out = np.where(small, log_y - 0.5 * np.exp(np.minimum(log_y, 0.0)),
                       np.where(big, np.log1p(-np.exp(-y)), np.log(-np.expm1(-y))))
    return out


def _log_sq(z):
    """log(z^2) without overflow."""
    with np.errstate(divide="ignore"):
        return 2.0 * np.log(np.abs(z))


# -- normal -------------------------------------------------------------------------------------

def norm_logpdf(z):
    return -0.5 * z * z - _LOG_SQRT_2PI


def norm_logsf(z):
    return special.log_ndtr(-z)


def norm_logcdf(z):
    return special.log_ndtr(z)


def norm_logh(z):
    """Stein's identity: E[Z 1{Z > z}] = phi(z)."""
    return norm_logpdf(z)


# -- Student t (and Cauchy = t with 1 degree of freedom) -----------------------------------------

def _log1p_sq_over(z, df):
    """log(1 + z^2/df), also for |z| beyond 1e154 where z^2 overflows."""
    z = np.abs(z)
    with np.errstate(over="ignore", divide="ignore"):
        huge = z > 1e100
        zs = np.where(huge, 1.0, z)
        out = np.where(huge, _log_sq(z) - np.log(df) + np.log1p(df / np.where(huge, z, 1.0) ** 2),
                       np.log1p(zs * zs / df))
    return out


def t_logpdf(z, df):
    const = special.gammaln((df + 1) / 2) - special.gammaln(df / 2) - 0.5 * np.log(df * np.pi)
    return const - (df + 1) / 2 * _log1p_sq_over(z, df)


def t_logsf(z, df):
    r"""log P(T > z) for Student t with ``df`` degrees of freedom.

    P(T > z) = I_w(df/2, 1/2)/2 with w = df/(df + z^2) for z > 0. For small w the incomplete beta
    is written as w^a (1-w)^b / (a B(a,b)) 2F1(a+b, 1; a+1; w) (DLMF 8.17.8), in logs, so the tail
    is exact to below 1e-300 and beyond.
    """
    z = np.asarray(z, dtype=float)
    df = float(df)
    a, b = df / 2, 0.5
    log_w = -_log1p_sq_over(z, df)            # log w = log df - log(df + z^2)
    w = np.exp(log_w)
    small = w < 0.05
    log_upper = np.empty_like(log_w)          # log P(T > |z|)
    with np.errstate(divide="ignore", invalid="ignore"):
        lw, zs = log_w[small], z[small]
        log_1mw = _log_sq(zs) - np.log(df) + lw
        log_upper[small] = (_LOG_HALF + a * lw + b * log_1mw - np.log(a) - special.betaln(a, b)
                            + np.log(special.hyp2f1(a + b, 1.0, a + 1.0, w[small])))
        log_upper[~small] = _LOG_HALF + np.log(special.betainc(a, b, w[~small]))
        lower = np.log1p(-np.exp(log_upper))                               # log P(T <= |z|)
    return np.where(z > 0, log_upper, lower)


def t_logcdf(z, df):
    return t_logsf(-np.asarray(z, dtype=float), df)


def t_logh(z, df):
    """E[T 1{T > z}] = (df + z^2)/(df - 1) f(z) for df > 1 (differentiate (df + z^2) f(z))."""
    log_num = np.log(df) + _log1p_sq_over(z, df)          # log(df + z^2)
    return log_num - np.log(df - 1.0) + t_logpdf(z, df)


def cauchy_logpdf(z):
    return t_logpdf(z, 1.0)


def cauchy_logsf(z):
    z = np.asarray(z, dtype=float)
    return np.log(np.arctan2(1.0, z) / np.pi)


def cauchy_logcdf(z):
    return cauchy_logsf(-np.asarray(z, dtype=float))


# -- Laplace, logistic, Gumbel, exponential --------------------------------------------------------

def laplace_logpdf(z):
    return -np.abs(z) + _LOG_HALF


def laplace_logsf(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, _LOG_HALF - z, np.log1p(-0.5 * np.exp(np.minimum(z, 0.0))))


def laplace_logcdf(z):
    return laplace_logsf(-np.asarray(z, dtype=float))


def laplace_logh(z):
    """E[Z 1{Z > z}] = (1 + |z|) e^(-|z|) / 2 (symmetric, mean 0)."""
    a = np.abs(z)
    return np.log1p(a) - a + _LOG_HALF


def logistic_logh(z):
    """E[Z 1{Z > z}] = |z| S(|z|) + log(1 + e^(-|z|)) (mean 0, symmetric)."""
    a = np.abs(np.asarray(z, dtype=float))
    with np.errstate(divide="ignore", under="ignore"):
        log_softplus = np.where(a > 35.0, -a, np.log(np.log1p(np.exp(-np.minimum(a, 35.0)))))
        log_first = np.log(a) - np.logaddexp(0.0, a)
    return np.logaddexp(log_first, log_softplus)


def gumbel_logsf(z):
    """log(1 - exp(-e^(-z)))."""
    return log1mexp(-np.asarray(z, dtype=float))


def expon_logh(z):
    """E[(Z - 1) 1{Z > z}] = z e^(-z) for z >= 0."""
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(z > 0, np.log(np.where(z > 0, z, 1.0)) - z, -np.inf)


# -- gamma and inverse gamma ---------------------------------------------------------------------

def _log_upper_gamma_cf(a, z, terms: int = 60):
    """log Gamma(a, z) (unregularised upper incomplete gamma) by its continued fraction, z > a + 1."""
    tiny = 1e-300
    b = z + 1.0 - a
    c = np.full_like(z, 1.0 / tiny)
    d = 1.0 / b
    log_h = -np.log(b)
    for i in range(1, terms + 1):
        an = -i * (i - a)
        b = b + 2.0
        d = an * d + b
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        log_h = log_h + np.log(d * c)
    return -z + a * np.log(z) + log_h


def gamma_logsf(z, a):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore"):
        direct = np.log(special.gammaincc(a, np.maximum(z, 0.0)))
        far = z > max(a + 1.0, 50.0)
        cf = _log_upper_gamma_cf(a, np.where(far, z, a + 2.0)) - special.gammaln(a)
    return np.where(far, cf, np.where(z > 0, direct, 0.0))


def invgamma_logsf(z, a):
    """P(Z > z) = P(a, 1/z) (lower regularised); for small y = 1/z the series
    y^a e^(-y) / Gamma(a+1) * sum_k y^k / ((a+1)...(a+k))."""
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        y = 1.0 / np.where(z > 0, z, 1.0)
        direct = np.log(special.gammainc(a, y))
        log_y = -np.log(np.where(z > 0, z, 1.0))
        series = (a * log_y - y - special.gammaln(a + 1.0)
                  + np.log1p(y / (a + 1) * (1 + y / (a + 2) * (1 + y / (a + 3)))))
    out = np.where(y < 1e-3, series, direct)
    return np.where(z > 0, out, 0.0)


# -- Levy, Pareto, half-normal: closed forms scipy evaluates without logs -------------------------

def levy_logpdf(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore"):
        zz = np.where(z > 0, z, 1.0)
        return np.where(z > 0, -_LOG_SQRT_2PI - 1.5 * np.log(zz) - 0.5 / zz, -np.inf)


def pareto_logsf(z, b):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(z > 1, -b * np.log(np.where(z > 1, z, 1.0)), 0.0)


def pareto_logpdf(z, b):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(z >= 1, np.log(b) - (b + 1) * np.log(np.where(z >= 1, z, 1.0)), -np.inf)


def halfnorm_logsf(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, np.log(2.0) + special.log_ndtr(-z), 0.0)


# -- log-logistic (Fisk), Frechet (inverse Weibull) -------------------------------------------------

def fisk_logsf(z, c):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(z > 0, -np.logaddexp(0.0, c * np.log(np.where(z > 0, z, 1.0))), 0.0)


def fisk_logcdf(z, c):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(z > 0, -np.logaddexp(0.0, -c * np.log(np.where(z > 0, z, 1.0))), -np.inf)


def invweibull_logpdf(z, c):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        lz = np.log(np.where(z > 0, z, 1.0))
        return np.where(z > 0, np.log(c) - (c + 1) * lz - np.exp(-c * lz), -np.inf)


def invweibull_logsf(z, c):
    """P(Z > z) = 1 - exp(-z^(-c))."""
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(z > 0, log1mexp(-c * np.log(np.where(z > 0, z, 1.0))), 0.0)


# -- lognormal, Pareto, Lomax, uniform: closed-form partial expectations ---------------------------

def _log_ndtr_diff(lo, hi):
    """log(Phi(hi) - Phi(lo)) for lo < hi, accurate in both tails: in the upper tail it is
    Phi(-lo) (1 - Phi(-hi)/Phi(-lo)), in the lower tail Phi(hi) (1 - Phi(lo)/Phi(hi))."""
    with np.errstate(divide="ignore", invalid="ignore"):
        sf_lo, sf_hi = special.log_ndtr(-lo), special.log_ndtr(-hi)
        cdf_lo, cdf_hi = special.log_ndtr(lo), special.log_ndtr(hi)
        upper = sf_lo + log1mexp(np.log(np.maximum(sf_lo - sf_hi, 1e-300)))
        lower = cdf_hi + log1mexp(np.log(np.maximum(cdf_hi - cdf_lo, 1e-300)))
        middle = np.log(special.ndtr(hi) - special.ndtr(lo))
    return np.where(lo > 0, upper, np.where(hi < 0, lower, middle))


def lognorm_logh(z, s):
    """E[(Z - m) 1{Z > z}] = m [Phi(s - y) - Phi(-y)], y = log(z)/s, m = e^(s^2/2)."""
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore"):
        y = np.log(np.where(z > 0, z, 1.0)) / s
    out = s * s / 2 + _log_ndtr_diff(-y, s - y)
    return np.where(z > 0, out, -np.inf)


def pareto_logh(z, b):
    """E[(Z - m) 1{Z > z}] = m z^(-b) (z - 1) for z >= 1, m = b/(b-1)."""
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        zz = np.where(z > 1, z, 2.0)
        out = np.log(b / (b - 1)) - b * np.log(zz) + np.log(zz - 1.0)
    return np.where(z > 1, out, -np.inf)


def lomax_logh(z, c):
    """Lomax = Pareto - 1: H(z) = m (1 + z)^(-c) z, m = c/(c-1)."""
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        zz = np.where(z > 0, z, 1.0)
        out = np.log(c / (c - 1)) - c * np.log1p(zz) + np.log(zz)
    return np.where(z > 0, out, -np.inf)


def uniform_logh(z):
    """Uniform(0, 1): E[(Z - 1/2) 1{Z > z}] = z (1 - z) / 2 on [0, 1]."""
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = (z > 0) & (z < 1)
        zz = np.where(inside, z, 0.5)
        return np.where(inside, np.log(zz) + np.log1p(-zz) + _LOG_HALF, -np.inf)


# -- log-Cauchy (super-heavy): not in scipy, so a small scipy distribution ------------------------

def logcauchy_logsf(z, sigma):
    """P(e^(sigma C) > z) = atan2(1, log(z)/sigma) / pi for a standard Cauchy C."""
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore"):
        y = np.log(np.where(z > 0, z, 1.0)) / sigma
        return np.where(z > 0, np.log(np.arctan2(1.0, y) / np.pi), 0.0)


def logcauchy_logcdf(z, sigma):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore"):
        y = np.log(np.where(z > 0, z, 1.0)) / sigma
        return np.where(z > 0, np.log(np.arctan2(1.0, -y) / np.pi), -np.inf)


def logcauchy_logpdf(z, sigma):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore"):
        lz = np.log(np.where(z > 0, z, 1.0))
        y = lz / sigma
        out = -np.log(np.pi * sigma) - lz - np.logaddexp(0.0, _log_sq(y))
    return np.where(z > 0, out, -np.inf)


# -- log-Pareto (super-heavy): P(Z > z) = (1 + log z)^(-a) on [1, inf) ------------------------------

def logpareto_logsf(z, a):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(z > 1, -a * np.log1p(np.log(np.where(z > 1, z, 1.0))), 0.0)


def logpareto_logpdf(z, a):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        lz = np.log(np.where(z >= 1, z, 1.0))
        return np.where(z >= 1, np.log(a) - (a + 1) * np.log1p(lz) - lz, -np.inf)
