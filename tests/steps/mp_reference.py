"""Independent high-precision reference for the exact task-time distribution (tests only).

Written from the definitions with mpmath, sharing no code with alignlab: the Lomax transform
G(s) = beta e^s E_{beta+1}(s) comes from its power series (|s| < 2) or mpmath's ``expint``, and the
CDF and density of Y_n = S_n - n are inverted either with mpmath's own Talbot routine at high
precision or, for laws concentrated far from zero, by mpmath quadrature along the vertical line
through the saddle point. Each value is computed at two precisions and must agree.
"""

from __future__ import annotations

import mpmath as mp


def lomax_transform(s, beta):
    """(G(s), 1 - G(s)) at the working precision."""
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
        return 1 - psi, psi
    g = beta * mp.exp(s) * mp.expint(beta + 1, s)
    return g, 1 - g


def _talbot(beta, n, y, dps, density):
    with mp.workdps(dps):
        def f(s):
            g = lomax_transform(s, beta)[0]
            val = mp.exp(n * mp.log(g))
            return val if density else val / s
        return mp.invertlaplace(f, mp.mpf(y), method="talbot")


def _line(beta, n, y, dps, density):
    with mp.workdps(dps):
        y = mp.mpf(y)
        logg = lambda s: n * mp.log(lomax_transform(s, beta)[0])
        phi = lambda s: s * y + logg(s)
        dphi = lambda s: mp.diff(phi, s)
        mean = mp.mpf(n) / (beta - 1) if beta > 1 else mp.inf
        if y < mean:
            a = mp.findroot(dphi, mp.mpf(1) / y * 3, solver="secant")
            a = abs(a)
        else:
            a = 1 / mp.sqrt(mp.diff(phi, mp.mpf(1) / y * 10, 2))
        width = 1 / mp.sqrt(mp.diff(phi, a, 2))
        pa = phi(a)

        def integrand(u):
            s = a + 1j * u
            e = mp.exp(phi(s) - pa)
            return mp.re(e if density else e / s)
        points = [k * width for k in range(0, 80)]
        return mp.exp(pa) / mp.pi * mp.quad(integrand, points)


def cdf_pdf(beta, n, y, method="talbot", dps=40):
    """(F(y), f(y)) of Y_n, validated by agreement between dps and dps + 20."""
    fn = _talbot if method == "talbot" else _line
    out = []
    for density in (False, True):
        lo = fn(beta, n, y, dps, density)
        hi = fn(beta, n, y, dps + 20, density)
        if abs(lo - hi) > mp.mpf(10) ** (-12) * abs(hi):
            raise ArithmeticError(f"reference unstable at beta={beta} n={n} y={y}: {lo} vs {hi}")
        out.append(hi)
    return out
