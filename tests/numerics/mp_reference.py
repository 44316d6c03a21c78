"""Independent high-precision reference for the exact task-time distribution (tests only).

Written from the definitions with mpmath and sharing no code with alignlab: the Lomax transform
G(s) = beta e^s E_{beta+1}(s) comes from its power series (|s| < 2) or mpmath's ``expint``, and
the CDF and density of Y_n = S_n - n come from mpmath's own inversion routines:

* ``talbot``: mpmath's fixed Talbot contour on G(s)^n / s, for laws spread out from zero;
* ``centered``: for laws concentrated far from zero (large n with a finite mean), mpmath's de Hoog
  method on Z = (Y_n - c)/w, with c = E[Y_n] - 30 w and w the scale of the fluctuations, whose
  transform is e^{uc/w} G(u/w)^n. The mass of Y_n below c is bounded by Chernoff,
  P(Y_n < c) <= exp(sc + n log G(s)), and the bound is returned so tests can check it is negligible.
"""

from __future__ import annotations

import mpmath as mp


def lomax_transform(s, beta):
    """G(s) = E exp(-sY), Y ~ Lomax(beta), at the working precision."""
    s = mp.mpc(s)
    if abs(s) < 2:
        b = mp.mpf(beta)
        gap = mp.mpf(10) ** (-(mp.mp.dps // 3))
        if abs(b - mp.nint(b)) < gap:      # the series has cancelling poles at integers
            b = b + gap
        psi = mp.gamma(1 - b) * mp.power(s, b) * mp.exp(s)
        k, prod = 0, -b
        tol = mp.mpf(10) ** (-mp.mp.dps - 5) * (abs(psi) + abs(s))
        while True:
            k += 1
            prod *= (k - b)
            term = b * s ** k / prod
            psi += term
            if abs(term) < tol and k > 3:
                break
        return 1 - psi
    return beta * mp.exp(s) * mp.expint(beta + 1, s)


def talbot(beta, n, y, dps):
    """(F(y), f(y)) of Y_n by mpmath's Talbot inversion."""
    with mp.workdps(dps):
        g = lambda s: mp.exp(n * mp.log(lomax_transform(s, beta)))
        F = mp.invertlaplace(lambda s: g(s) / s, mp.mpf(y), method="talbot")
        f = mp.invertlaplace(g, mp.mpf(y), method="talbot")
        return float(mp.re(F)), float(mp.re(f))


def centered(beta, n, y, dps, spread=30):
    """(F(y), f(y), log of the Chernoff bound on the neglected mass) by de Hoog on the centred law."""
    with mp.workdps(dps):
        b = mp.mpf(beta)
        mean = mp.mpf(n) / (b - 1)
        # the scale of the fluctuations: n^(1/beta) well below 2, sqrt(n v) well above it, and near 2
        # (where v -> inf and the stable scale Gamma(1-beta)^(1/beta) -> inf) the truncated-variance
        # scale sqrt(n log n)
        if beta > 2:
            w = mp.sqrt(n * min(b / ((b - 1) ** 2 * (b - 2)), mp.log(n)))
        elif beta >= 1.5:
            w = max(mp.mpf(n) ** (1 / b), mp.sqrt(n * mp.log(n)))
        else:
            w = mp.mpf(n) ** (1 / b)
        c = mean - spread * w
        s = mp.mpf(spread) / w
        log_bound = mp.re(s * c + n * mp.log(lomax_transform(s, beta)))
        h = lambda u: mp.exp(u * c / w + n * mp.log(lomax_transform(u / w, beta)))
        z = (mp.mpf(y) - c) / w
        F = mp.invertlaplace(lambda u: h(u) / u, z, method="dehoog")
        f = mp.invertlaplace(h, z, method="dehoog") / w
        return float(mp.re(F)), float(mp.re(f)), float(log_bound)


def small_beta(beta, n, log_y, dps=40):
    """(F(y), y f(y)) of Y_n at y = e^log_y from the singular part of the transform alone:
    G(s)^n ~ (1 - Gamma(1-beta) s^beta)^n, inverted term by term (s^(k beta) -> y^(-k beta) / Gamma(1 - k beta)),

        F(y) = sum_k C(n, k) (-Gamma(1-beta) w)^k / Gamma(1 - k beta),   w = y^-beta.

    The terms dropped (of order s against s^beta) change F by a relative n^(1 - 1/beta) or less: use it for
    beta <= 0.02, where that is below 2^-49 for every n >= 2. Any n (the sum stops when terms vanish)."""
    with mp.workdps(dps):
        b, n = mp.mpf(beta), mp.mpf(n)
        x = -mp.gamma(1 - b) * mp.exp(-b * mp.mpf(log_y))
        F, dens, k = mp.mpf(0), mp.mpf(0), 0
        coef = mp.mpf(1)                                   # C(n, k) x^k
        tol = mp.mpf(10) ** (-dps)
        while True:
            term = coef * mp.rgamma(1 - k * b)
            F += term
            dens += -k * b * term
            k += 1
            if k > n:
                break
            coef = coef * (n - k + 1) / k * x
            if k > 20 and abs(coef) * mp.gamma(k * b + 1) < tol:
                break
        return float(F), float(dens)
