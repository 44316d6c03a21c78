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
from scipy import optimize, special

from alignlab.numerics.laplace import TALBOT_NODES, LaplaceInversionError, TransformDistribution, clog1p, talbot_contour

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


LARGE_BETA = 5.0           # from here on, Y_n is inverted in V_n = beta Y_n (ScaledLomaxSum)
_MIX_STEP = 0.2            # trapezoid step in z (see _mixing_rule)
_MIX_Z = np.arange(-24.0, 16.0 + _MIX_STEP / 2, _MIX_STEP)
_MIX_BLOCK = 256           # transform points per block (bounds memory: block x nodes complex values)


def _expm1_minus_x(x: np.ndarray) -> np.ndarray:
    """e^x - 1 - x without cancellation for small |x| (Taylor series to x^13 below |x| = 0.1)."""
    out = np.expm1(x) - x
    small = np.abs(x) < 0.1
    if small.any():
        xs = x[small]
        term, total = xs * xs / 2.0, np.zeros_like(xs)
        for k in range(3, 15):
            total += term
            term = term * xs / k
        out[small] = total
    return out


@lru_cache(maxsize=64)
def _mixing_rule(beta: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Nodes :math:`R_k` and weights :math:`w_k` (summing to 1) of the trapezoid rule for
    :math:`E[h(R)]`, :math:`R \sim \mathrm{Gamma}(\beta, \text{rate } \beta)`, in
    :math:`z = \sqrt\beta \log R`, whose density is proportional to
    :math:`\exp(-\beta(e^{x} - 1 - x))`, :math:`x = z/\sqrt\beta` (a standard normal as beta grows).
    Normalising by the weights' sum replaces the constant :math:`\beta^\beta/\Gamma(\beta)`, which
    overflows."""
    x = _MIX_Z / math.sqrt(beta)
    with np.errstate(under="ignore"):
        w = np.exp(-beta * _expm1_minus_x(x))
    return np.exp(x), w / w.sum()


def scaled_lomax_log_laplace(t, beta: float) -> np.ndarray:
    r""":math:`\log E[e^{-tV}]` for :math:`V = \beta Y`, :math:`Y \sim \mathrm{Lomax}(\beta)`, complex t
    off the negative real axis (vectorised), for beta >= :data:`LARGE_BETA`.

    The Lomax law is a gamma mixture of exponentials: :math:`Y \mid \Lambda \sim \mathrm{Exp}(\Lambda)`,
    :math:`\Lambda \sim \mathrm{Gamma}(\beta, 1)`, since :math:`E[e^{-\Lambda y}] = (1+y)^{-\beta}`. So
    :math:`V \mid R \sim \mathrm{Exp}(R)` with :math:`R = \Lambda/\beta` of mean 1 and variance
    :math:`1/\beta`, and

    .. math:: E[e^{-tV}] = E\Bigl[\frac{R}{R+t}\Bigr],\qquad 1 - E[e^{-tV}] = t\,E\Bigl[\frac{1}{R+t}\Bigr],

    analytic off :math:`t \in (-\infty, 0]`, the principal branch the inversion contours need. The
    expectation is a trapezoid sum over :math:`z = \sqrt\beta\log R \in [-24, 16]`, step 0.2. The
    integrand is analytic in the strip :math:`|\mathrm{Im}\,z| < \sqrt\beta\,(\pi - |\arg t|)`
    (the pole at :math:`R = -t`); Talbot's nodes keep :math:`\pi - |\arg t| \ge 0.55` and the Bromwich
    line :math:`\pi/2`, a strip of half-width at least 1.2 for beta >= 5, so the trapezoid error is
    about :math:`e^{-2\pi \cdot 1.1/0.2} \approx 10^{-15}` at worst and falls fast as beta grows; the
    mass cut off beyond the ends is below :math:`e^{-48}` at beta = 5 and less above. As beta grows V
    tends to a standard exponential (:math:`R \to 1`), and nothing overflows for any finite beta.
    Checked against mpmath (quantiles of the sum to 1e-11 relative and better from beta = 3 on).
    """
    t = np.atleast_1d(np.asarray(t, dtype=complex))
    r, w = _mixing_rule(float(beta))
    out = np.empty(t.shape, dtype=complex)
    flat, result = t.ravel(), out.reshape(-1)
    for start in range(0, flat.size, _MIX_BLOCK):
        tt = flat[start:start + _MIX_BLOCK]
        inverse = 1.0 / (r[None, :] + tt[:, None])
        psi = tt * (inverse @ w)                     # 1 - L, accurate for small |t|
        lt = (inverse * r[None, :]) @ w             # L, accurate for large |t|
        near = np.abs(tt) <= 1.0
        with np.errstate(divide="ignore"):
            result[start:start + tt.size] = np.where(near, clog1p(-psi), np.log(lt))
    return out


class ScaledLomaxSum:
    r"""Y_n for large beta, inverted in :math:`V_n = \beta Y_n` (from :data:`LARGE_BETA` on).

    Y_n sits near n/(beta - 1) with spread of the same order, so in y the inversion contours scale
    like beta / n; the y-space transform's series lose digits as beta grows (quantiles off by 1e-6
    at beta = 9.9 and 15.3 against mpmath; the integer-beta coefficients overflow from beta = 171);
    :math:`V_n` has mean :math:`n\beta/(\beta-1)` and tends to a Gamma(n) law, whatever
    beta. Its transform is :func:`scaled_lomax_log_laplace` to the power n; the inversion is
    :class:`TransformDistribution`'s. The methods take and return values of Y_n (``cdf(y)`` is
    :math:`P(V_n \le \beta y)`)."""

    def __init__(self, beta: float, n: float):
        if not LARGE_BETA <= beta < math.inf:
            raise ValueError(f"beta: must be finite and at least {LARGE_BETA:g} for the scaled sum (got {beta})")
        self.beta = float(beta)
        self.n = int(n) if float(n).is_integer() else float(n)
        self.scaled = TransformDistribution(lambda t: self.n * scaled_lomax_log_laplace(t, self.beta),
                                            mean=self.n * (self.beta / (self.beta - 1.0)))

    def _v(self, y):
        """beta y (inf where that overflows: F is then 1 to double precision)."""
        with np.errstate(over="ignore"):
            return np.asarray(y, dtype=float) * self.beta

    def cdf(self, y):
        return self.scaled.cdf(self._v(y))

    def sf(self, y):
        return self.scaled.sf(self._v(y))

    def pdf(self, y):
        with np.errstate(over="ignore"):
            return self.scaled.pdf(self._v(y)) * self.beta

    def ppf(self, p: float, guess: float | None = None) -> float:
        """The p-quantile of Y_n (solved for V_n, starting from ``guess`` of Y_n)."""
        start = None if guess is None else float(self._v(guess))
        return self.scaled.ppf(p, guess=start) / self.beta


_LOG_NODES = {n: talbot_contour(n) for n in TALBOT_NODES}
_POWER_ONLY = 40.0          # |s|^(1 - beta) < e^-40: psi(s) is its s^beta term to relative 4e-18
_LOG_AGREEMENT = 1e-8       # quantiles: the contours' difference moves log y by at most this (x |log y| / 709 beyond 1e308)


def _cexpm1(z: np.ndarray) -> np.ndarray:
    """exp(z) - 1 for complex z, accurate for tiny |z|."""
    x, y = z.real, z.imag
    return np.expm1(x) * np.cos(y) - 2.0 * np.sin(0.5 * y) ** 2 + 1j * np.exp(x) * np.sin(y)


def _log1mexp(x: float) -> float:
    """log(1 - exp(x)) for x < 0, without cancellation near 0 or for very negative x."""
    return math.log(-math.expm1(x)) if x > -math.log(2.0) else math.log1p(-math.exp(x))


def _clog1mexp(z: np.ndarray) -> np.ndarray:
    """log(1 - exp(z)) for complex z, without cancellation near z = 0 or for very negative Re z."""
    z = np.asarray(z, dtype=complex)
    out = np.empty(z.shape, dtype=complex)
    near = z.real > -math.log(2.0)
    out[near] = np.log(-_cexpm1(z[near]))
    out[~near] = clog1p(-np.exp(z[~near]))
    return out


class LogLomaxSum:
    r"""Y_n, the sum of n unit Lomax(beta) variables, handled in :math:`\ell = \log y` (beta < 1).

    For small beta, Y_n spreads over so many decades that y itself leaves the double range
    (the median of Y_2 at beta = 0.001 is near 1e533). Talbot's contour at y is
    :math:`s = (N/y)\zeta`, so :math:`sy = N\zeta` and every term depends on y only through
    :math:`\log s = \log(N\zeta) - \ell`:

    .. math:: F(e^\ell) = \mathrm{Re}\sum_k w_k\, e^{N\zeta_k}\,\frac{G(s_k)^n}{\zeta_k},\qquad
              e^\ell f(e^\ell) = \mathrm{Re}\sum_k N w_k\, e^{N\zeta_k} G(s_k)^n .

    Where :math:`|s|^{1-\beta} < e^{-40}` the transform is its leading term,
    :math:`\log G(s)^n = n \log(1 - e^{\log\Gamma(1-\beta) + \beta\log s})` (the terms dropped, of order
    :math:`s` against :math:`s^\beta`, are below 4e-18 relative); elsewhere it is
    :func:`lomax_log_laplace`. Quantiles are solved in :math:`\ell` between the bounds
    :math:`\max_i Y_i \le Y_n \le n \max_i Y_i`, whose law is closed-form (where those bounds differ by
    less than 1e-13 relative in log y, as for tiny beta, their midpoint is the answer). A quantile whose
    log y moves by more than 1e-8 between the two contours (24 and 32 nodes; beyond 1e308, relative
    1.4e-11 in log y) is retried in y where y is a double, else raises :class:`~alignlab.numerics.laplace.LaplaceInversionError`.
    """

    def __init__(self, beta: float, n: float):
        if not 0.0 < beta < 1.0:
            raise ValueError(f"beta: must be in (0, 1) for the log-space sum (got {beta})")
        self.beta = float(beta)
        self.n = float(n)
        self._log_gamma = float(special.gammaln(1.0 - self.beta))       # ~ euler_gamma * beta for tiny beta
        self._quantiles: dict[float, float] = {}        # log_ppf by p: a task's quantile and its log10 share it

    def _log_transform(self, log_nz: np.ndarray, ell: float) -> np.ndarray:
        """n log G(s) at log s = log(N zeta) - ell (kept apart so that beta * ell stays exact)."""
        log_s = log_nz - ell
        out = np.empty(log_nz.shape, dtype=complex)
        power = -log_s.real * (1.0 - self.beta) > _POWER_ONLY
        if power.any():
            out[power] = self.n * _clog1mexp(self._log_gamma + self.beta * log_nz[power] - self.beta * ell)
        if (~power).any():
            out[~power] = self.n * lomax_log_laplace(np.exp(log_s[~power]), self.beta)
        return out

    def evaluate(self, ell: float) -> tuple[float, float, float, float]:
        """(F, S, density of log Y, error estimate) at y = e^ell."""
        values = []
        for nodes in TALBOT_NODES:
            zeta, weight = _LOG_NODES[nodes]
            nz = nodes * zeta
            log_nz = np.log(nz)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                if np.all(-(log_nz.real - ell) * (1.0 - self.beta) > _POWER_ONLY):
                    values.append(self._factored(log_nz, nz, zeta, weight, nodes, ell))
                    continue
                log_l = self._log_transform(log_nz, ell)
                e = np.exp(nz + log_l)
                cdf = float((e * weight / zeta).sum().real)
                sf = float((-np.expm1(log_l) * np.exp(nz) * weight / zeta).sum().real)
                density = float((e * weight * nodes).sum().real)
            values.append((cdf, sf, density))
        (f1, s1, _), (cdf, sf, density) = values
        return cdf, sf, density, max(abs(f1 - cdf), abs(s1 - sf))

    def _factored(self, log_nz, nz, zeta, weight, nodes, ell):
        r"""(F, S, density of log Y) where every node has the power-only transform, with its part common
        to all nodes taken out: with :math:`A = \Gamma(1-\beta)e^{-\beta\ell}` and
        :math:`\delta = e^{\beta\log(N\zeta)} - 1`, :math:`G^n = C e^{X}`, :math:`C = (1-A)^n`,
        :math:`X = n\log(1 - A\delta/(1-A))`. The contour integrals of :math:`1/s` and :math:`1` are
        1 and 0 exactly, so only :math:`e^X - 1` (of order beta) is integrated numerically: for tiny
        beta the dependence on the node, of relative order :math:`\beta\log|N\zeta|`, is then not
        lost against :math:`\beta\ell`."""
        log_a = self._log_gamma - self.beta * ell            # < 0 here (ell > 40); 1 - A ~ beta (ell - gamma)
        a, one_minus_a = math.exp(log_a), -math.expm1(log_a)
        log_c = self.n * _log1mexp(log_a)
        c, one_minus_c = math.exp(log_c), -math.expm1(log_c)
        delta = _cexpm1(self.beta * log_nz)
        x = self.n * clog1p(-a * delta / one_minus_a)
        terms = np.exp(nz) * _cexpm1(x) * weight
        phi = float((terms / zeta).sum().real)
        density = c * float((terms * nodes).sum().real)
        return c * (1.0 + phi), one_minus_c - c * phi, density

    def _max_log_quantile(self, p: float) -> float:
        """log of the p-quantile of max Y_i: (1 + y)^-beta = 1 - p^(1/n)."""
        big = -_log1mexp(math.log(p) / self.n) / self.beta          # log(1 + y), > 0
        return math.log(math.expm1(big)) if big < 700 else big + math.log1p(-math.exp(-big))

    def log_ppf(self, p: float) -> float:
        """log of the p-quantile of Y_n."""
        if p not in self._quantiles:
            self._quantiles[p] = self._solve(p)
        return self._quantiles[p]

    def _solve(self, p: float) -> float:
        lo = self._max_log_quantile(p)
        if self.n == 1:
            return lo
        hi = lo + math.log(self.n)
        if hi - lo <= 1e-13 * abs(lo):
            return 0.5 * (lo + hi)          # the bounds pin log y (tiny beta: the sum is its largest term)
        upper = p > 0.5
        target = math.log1p(-p) if upper else math.log(p)

        def residual(ell: float) -> float:          # increasing in ell, zero at the quantile
            cdf, sf, _, _ = self.evaluate(ell)
            tail = sf if upper else cdf
            if not math.isfinite(tail):
                raise LaplaceInversionError(f"quantile {p}: no finite tail at log y = {ell:.6g}")
            if tail <= 0.0:
                return math.inf if upper else -math.inf
            return target - math.log(tail) if upper else math.log(tail) - target

        pad = 1e-9 * max(1.0, abs(lo)) + 1e-9
        a, b = lo - pad, hi + pad
        if residual(a) > 0 or residual(b) < 0:
            raise LaplaceInversionError(f"quantile {p} is not bracketed by the bounds on log y [{a:.6g}, {b:.6g}]")
        ell = float(optimize.brentq(residual, a, b, xtol=1e-13 * max(1.0, abs(lo)), rtol=4 * np.finfo(float).eps,
                           maxiter=200))
        # the contours' difference, carried to log y by the density there, within the stated accuracy
        _, _, density, error = self.evaluate(ell)
        shift = error / density if density > 0 else math.inf
        if shift <= _LOG_AGREEMENT * max(1.0, abs(ell) / 709.0):
            return ell
        if b < 700.0:
            # a far tail inside the double range (tiny p): the y-space inversion has the Bromwich line too
            return math.log(LomaxSum(self.beta, self.n).ppf(p, guess=math.exp(ell)))
        raise LaplaceInversionError(f"quantile {p}: the contours leave log y uncertain by {shift:.3g} at {ell:.6g}")

    def log_cdf_sf(self, ell: float) -> tuple[float, float]:
        """(F, S) at y = e^ell, checked like the quantiles (absolute agreement 1e-12 at least)."""
        cdf, sf, _, error = self.evaluate(ell)
        if not error <= max(1e-9 * min(cdf, sf), 1e-12):
            raise LaplaceInversionError(f"the contours disagree at log y = {ell:.6g} (difference {error:.3g})")
        return min(max(cdf, 0.0), 1.0), min(max(sf, 0.0), 1.0)
