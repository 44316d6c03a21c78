"""Independent high-precision references for the Goodhart tests (mpmath only, no alignlab code).

For normal utility V ~ N(mu, sigma^2) and any error density f_X, both integrals are taken over the
error x = t - y (alignlab integrates over v with the partial expectation of V), using the textbook
partial expectation of the normal, E[(V - mu) 1{V > y}] = sigma phi((y - mu)/sigma):

    P(U >= t)           = int f_X(t - y) Phibar((y - mu)/sigma) dy
    E[(V - mu) 1{U>=t}] = int f_X(t - y) sigma phi((y - mu)/sigma) dy.
"""

from __future__ import annotations

import mpmath as mp


def t_pdf(df):
    df = mp.mpf(df)
    c = mp.gamma((df + 1) / 2) / (mp.sqrt(df * mp.pi) * mp.gamma(df / 2))
    return lambda x: c * (1 + x * x / df) ** (-(df + 1) / 2)


def lognorm_pdf(s):
    s = mp.mpf(s)
    return lambda x: mp.exp(-mp.log(x) ** 2 / (2 * s * s)) / (x * s * mp.sqrt(2 * mp.pi)) if x > 0 else mp.mpf(0)


def levy_pdf():
    return lambda x: mp.exp(-1 / (2 * x)) / mp.sqrt(2 * mp.pi * x ** 3) if x > 0 else mp.mpf(0)


def normal_utility_condexp(pdf_x, sf_x, t, mu=0.0, sigma=1.0, x_lo=None, features=(), dps: int = 30):
    """(E[V | U >= t], E[V | U >= t] - mu, log P(U >= t)) for V ~ N(mu, sigma^2).

    In y = t - x only y in [mu - 60 sigma, mu + 60 sigma] carries normal mass; below it the normal
    factors are 1 and 0 to within exp(-1800), so that piece of P(U >= t) is the closed form
    P(X > t - mu + 60 sigma). ``features`` are places where f_X changes character (its body)."""
    with mp.workdps(dps):
        t, mu, sigma = mp.mpf(t), mp.mpf(mu), mp.mpf(sigma)
        phibar = lambda z: mp.erfc(z / mp.sqrt(2)) / 2                       # noqa: E731
        phi = lambda z: mp.exp(-z * z / 2) / mp.sqrt(2 * mp.pi)             # noqa: E731
        lo, hi = mu - 60 * sigma, mu + 60 * sigma
        if x_lo is not None:
            hi = min(hi, t - mp.mpf(x_lo))
        pts = {lo, hi} | {mu + k * sigma for k in (-30, -10, -5, -2, -1, 0, 1, 2, 5, 10, 30)}
        pts |= {t - mp.mpf(f) for f in features}
        pts = sorted(p for p in pts if lo <= p <= hi)
        # mpmath's quad stops on an absolute tolerance: integrate relative to the integrand's size
        scale = max(pdf_x(t - y) for y in pts) or mp.mpf(1)
        p_body = scale * mp.quad(lambda y: pdf_x(t - y) / scale * phibar((y - mu) / sigma), pts)
        n = scale * mp.quad(lambda y: pdf_x(t - y) / scale * sigma * phi((y - mu) / sigma), pts)
        p = p_body + sf_x(t - lo)
        return float(mu + n / p), float(n / p), float(mp.log(p))


def lognorm_sf(s):
    s = mp.mpf(s)
    return lambda x: mp.erfc(mp.log(x) / (s * mp.sqrt(2))) / 2 if x > 0 else mp.mpf(1)


def levy_sf():
    return lambda x: mp.erf(1 / mp.sqrt(2 * x)) if x > 0 else mp.mpf(1)


def direct_condexp(pdf_v, sf_x, t, mean_v, breaks, dps: int = 40, v_lo=-mp.inf):
    """E[V | U >= t] from its definition, int v f_V(v) P(X >= t - v) dv / int f_V(v) P(X >= t - v) dv,
    at high precision (the signed numerator cancels, hence the precision). ``v_lo`` cuts off a
    left tail that is zero to every digit (a Gumbel density below -40 is exp(-e^40))."""
    with mp.workdps(dps):
        t = mp.mpf(t)
        pts = sorted(set([mp.mpf(v_lo)] + [mp.mpf(b) for b in breaks if b > v_lo] + [t, mp.inf]))
        scale = max(pdf_v(v) * sf_x(t - v) for v in pts if mp.isfinite(v)) or mp.mpf(1)
        num = mp.quad(lambda v: (v - mean_v) * pdf_v(v) * sf_x(t - v) / scale, pts)
        den = mp.quad(lambda v: pdf_v(v) * sf_x(t - v) / scale, pts)
        return float(mean_v + num / den), float(mp.log(den * scale))


def t_sf(df):
    df = mp.mpf(df)

    def sf(x):
        w = df / (df + x * x)
        upper = mp.betainc(df / 2, mp.mpf(1) / 2, 0, w, regularized=True) / 2
        return upper if x > 0 else 1 - upper
    return sf


def normal_pdf(mu=0.0, sigma=1.0):
    mu, sigma = mp.mpf(mu), mp.mpf(sigma)
    return lambda v: mp.exp(-((v - mu) / sigma) ** 2 / 2) / (sigma * mp.sqrt(2 * mp.pi))


def normal_sf(mu=0.0, sigma=1.0):
    mu, sigma = mp.mpf(mu), mp.mpf(sigma)
    return lambda x: mp.erfc((x - mu) / (sigma * mp.sqrt(2))) / 2


def expected_max_normal(n: int, dps: int = 30) -> float:
    """E[max of n standard normals]."""
    with mp.workdps(dps):
        f = lambda x: x * n * mp.npdf(x) * mp.ncdf(x) ** (n - 1)            # noqa: E731
        return float(mp.quad(f, [-mp.inf, -5, 0, 2, 4, 6, 8, mp.inf]))
