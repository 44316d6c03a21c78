r"""Distribution functions of a non-negative random variable from its Laplace transform.

Given :math:`\log \mathcal{L}(s) = \log E[e^{-sY}]`, analytic in the complex plane cut along the
negative real axis, :class:`TransformDistribution` computes the CDF, survival function, density and
quantiles of :math:`Y` by numerically inverting

.. math::  P(Y \le y) = \frac{1}{2\pi i}\int_\Gamma e^{sy}\,\frac{\mathcal{L}(s)}{s}\,ds,\qquad
           P(Y > y) = \frac{1}{2\pi i}\int_\Gamma e^{sy}\,\frac{1-\mathcal{L}(s)}{s}\,ds,\qquad
           f(y) = \frac{1}{2\pi i}\int_\Gamma e^{sy}\,\mathcal{L}(s)\,ds.

Two contours, chosen per point:

* **Talbot** (Weideman's optimised contour, Weideman 2006, *SIAM J. Numer. Anal.* 44:2342,
  :math:`s(\theta) = \tfrac{N}{y}(\sigma + \mu\,\theta\cot(a\theta) + i\nu\theta)` with
  :math:`\sigma=-0.6122, \mu=0.5017, a=0.6407, \nu=0.2645`): error :math:`O(e^{-1.36N})` with little
  round-off, ideal for spread-out, heavy-tailed laws. It fails for laws concentrated far from 0
  (large sums with a finite mean), whose transforms grow like a Gaussian in the left half-plane.
  Every Talbot value is computed with two node counts (24 and 32); when they disagree the point is
  recomputed with the second contour.
* **Bromwich line through the saddle point** (Abate & Whitt's Fourier-series method without
  series acceleration): the vertical line :math:`\mathrm{Re}\,s = a`, with :math:`a` the saddle
  point of :math:`sy + \log\mathcal{L}(s)` when there is one, trapezoid step :math:`h = 2\pi/L`.
  By Poisson summation the error is exactly the aliasing :math:`\sum_{k\ne0} e^{-akL}F(y+kL)`;
  :math:`L` is chosen so the right terms are below :math:`10^{-16}` and Chernoff bounds make the
  left terms as small.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from alignlab._validate import ParameterError


class LaplaceInversionError(ArithmeticError):
    """The transform could not be inverted to the requested accuracy."""


class _Inaccurate(LaplaceInversionError):
    """Talbot's contours leave a quantile less accurate than asked (the line may still reach it)."""

    def __init__(self, y: float, message: str):
        super().__init__(message)
        self.y = y


class _Underflow(Exception):
    """The Chernoff bound puts F(y) below the smallest double."""


_LOG_TINY = math.log(1e-300)


def clog1p(z):
    """log(1 + z) for complex ``z``, accurate for tiny ``|z|`` (numpy's complex log1p is not)."""
    z = np.asarray(z, dtype=complex)
    x, y = z.real, z.imag
    return 0.5 * np.log1p(2.0 * x + x * x + y * y) + 1j * np.arctan2(y, 1.0 + x)


# Weideman's optimised Talbot contour
_SIGMA, _MU, _A, _NU = -0.6122, 0.5017, 0.6407, 0.2645
TALBOT_NODES = (24, 32)
_ABSOLUTE_FLOOR = 1e-12   # the two Talbot node counts agree to round-off (~1e-13) below this
_MAX_LINE_NODES = 20_000
QUANTILE_TOLERANCE = 1e-6  # a quantile whose estimated relative error exceeds this is refused, not returned


def talbot_contour(n_nodes: int):
    """Nodes ``zeta`` and weights ``w`` of Weideman's optimised Talbot contour with ``n_nodes`` nodes, the
    half with theta > 0 (conjugate symmetry; the weights include the factor 2 of the real part). At a
    point y the contour is s = (N / y) zeta with weights (N / y) w: P(Y <= y) is the real part of
    sum (N / y) w e^{s y} L(s) / s."""
    theta = (np.arange(n_nodes // 2) + 0.5) * (2.0 * np.pi / n_nodes)
    zeta = _SIGMA + _MU * theta / np.tan(_A * theta) + 1j * _NU * theta
    dzeta = _MU * (1.0 / np.tan(_A * theta) - _A * theta / np.sin(_A * theta) ** 2) + 1j * _NU
    # conjugate symmetry: sum over theta > 0 and take twice the real part; weight dtheta / (2 pi i)
    weight = dzeta * (2.0 * np.pi / n_nodes) / (1j * np.pi)
    return zeta, weight


_CONTOURS = {n: talbot_contour(n) for n in TALBOT_NODES}


@dataclass(frozen=True)
class Evaluation:
    """CDF, survival function and density at one point, with how they were computed."""

    y: float
    cdf: float
    sf: float
    pdf: float
    method: str
    cdf_error: float          # estimated absolute errors of F and of S (nan: not estimated)
    sf_error: float

    @property
    def error(self) -> float:
        return max(self.cdf_error, self.sf_error)

    def tail_error(self, upper: bool) -> float:
        """The error of S (``upper``) or of F."""
        return self.sf_error if upper else self.cdf_error


class TransformDistribution:
    """Distribution of ``Y >= 0`` known through ``log_lt(s) = log E[exp(-sY)]`` (vectorised over complex s).

    ``mean`` (``inf`` when infinite) tells the line method where the saddle point exists.
    """

    def __init__(self, log_lt: Callable[[np.ndarray], np.ndarray], mean: float = math.inf,
                 tolerance: float = 1e-10, quantile_tolerance: float = QUANTILE_TOLERANCE):
        self.log_lt = log_lt
        self.mean = mean
        self.tolerance = tolerance
        self.quantile_tolerance = quantile_tolerance
        self._cached_rule: _LineRule | None = None

    # -- public -------------------------------------------------------------------------------
    def evaluate(self, y: float, check: bool = True, line: bool = False) -> Evaluation:
        """F, S and f at y. ``check=False`` trusts a single Talbot contour when it looks sane (used
        inside Newton iterations, whose final point is always evaluated with the check); ``line=True``
        uses the Bromwich line only."""
        y = float(y)
        if y <= 0.0:
            return Evaluation(y, 0.0, 1.0, 0.0, "support", 0.0, 0.0)
        if not math.isfinite(y):
            return Evaluation(y, 1.0, 0.0, 0.0, "support", 0.0, 0.0)
        if line:
            return self._line(y)
        if self._cached_rule is not None and self._cached_rule.covers(y):
            return self._line(y)
        if not check:
            cdf, sf, pdf = self._talbot(y, TALBOT_NODES[1])
            if all(np.isfinite((cdf, sf, pdf))) and pdf >= 0 and -1e-9 < cdf < 1 + 1e-9 and -1e-9 < sf < 1 + 1e-9:
                return Evaluation(y, cdf, sf, pdf, "talbot-unchecked", math.nan, math.nan)
        first, second = self._talbot_contours(y, TALBOT_NODES)
        small = max(min(second[0], second[1]), 1e-300)
        talbot = Evaluation(y, second[0], second[1], second[2], "talbot", abs(first[0] - second[0]),
                            abs(first[1] - second[1]))
        error = talbot.error
        sane = all(np.isfinite(second)) and second[2] >= 0
        if sane and error <= max(self.tolerance * small, _ABSOLUTE_FLOOR):
            return talbot
        try:
            return self._line(y)
        except LaplaceInversionError:
            # far out in a tail neither contour resolves to full accuracy: keep Talbot's value, which
            # is still monotone enough to bracket a quantile, with its (honest) error estimate
            if sane:
                return talbot
            raise

    def cdf(self, y):
        return self._map(y, "cdf")

    def sf(self, y):
        return self._map(y, "sf")

    def pdf(self, y):
        return self._map(y, "pdf")

    def _map(self, y, attr):
        arr = np.asarray(y, dtype=float)
        out = np.array([getattr(self.checked_evaluation(v), attr) for v in arr.ravel()]).reshape(arr.shape)
        return out[()] if out.ndim == 0 else out

    def checked_evaluation(self, y: float) -> Evaluation:
        """evaluate(y), refused (LaplaceInversionError) where neither contour reached the smaller tail to
        relative 1e-6 or absolute 1e-12 (evaluate keeps such a Talbot value for bracketing quantiles)."""
        ev = self.evaluate(y)
        error = ev.tail_error(ev.sf < ev.cdf)
        if error <= max(QUANTILE_TOLERANCE * min(ev.cdf, ev.sf), _ABSOLUTE_FLOOR):
            return ev
        raise LaplaceInversionError(f"F and S at y = {y:.6g} are uncertain by {error:.2g}")

    def ppf(self, p: float, guess: float | None = None) -> float:
        """The p-quantile by safeguarded Newton iteration on log y (relative step below 1e-12).

        The residual is taken on the log of the smaller tail, ``log F(y) - log p`` below the median
        and ``log(1 - p) - log S(y)`` above it: both tails are then solved to relative accuracy and
        Newton converges fast even where the tail falls off like a Gaussian.

        The answer's error is that of the tail value at it carried to y by the density,
        ``error / (y f(y))`` relative; beyond ``quantile_tolerance`` (far upper tails, where the sums
        for S(y) cancel to a few 1e-14 absolute) :class:`LaplaceInversionError` is raised instead.
        """
        if not 0.0 < p < 1.0:
            raise ParameterError("quantile", f"must be in (0, 1) (got {p})")
        try:
            return self._newton(p, guess, line=False)
        except _Inaccurate as talbot:
            # Talbot's values are not accurate enough there (a far tail): solve again on the Bromwich line
            return self._newton(p, talbot.y, line=True)

    def _newton(self, p: float, guess: float | None, line: bool) -> float:
        if guess is not None and math.isinf(guess):
            return math.inf                   # the caller knows the quantile is beyond the float range
        y = guess if guess is not None and math.isfinite(guess) and guess > 0 else self._default_guess()
        lo, hi = 0.0, math.inf            # bracket in y
        upper = p > 0.5
        log_target = math.log1p(-p) if upper else math.log(p)
        # The first point is evaluated with the two-contour check; when Talbot passed it, the Newton
        # iterates use one contour and the final point is checked again.
        checked = True
        last_good = None
        for _ in range(200):
            try:
                ev = self.evaluate(y, check=checked, line=line)
            except LaplaceInversionError:
                # a far tail neither contour resolves: step back halfway (geometrically) and go on
                if last_good is None:
                    raise
                y = math.sqrt(y * last_good)
                continue
            last_good = y
            if checked and ev.method == "talbot" and lo == 0.0 and hi == math.inf:
                checked = False
            tail = ev.sf if upper else ev.cdf
            if tail > 0:
                # resid > 0 means y is too large
                resid = (log_target - math.log(tail)) if upper else (math.log(tail) - log_target)
                slope = y * ev.pdf / tail
            else:
                resid = 1.0 if upper else -1.0
                slope = 0.0
            if resid > 0:
                hi = min(hi, y)
            else:
                lo = max(lo, y)
            if resid == 0.0:
                return self._accurate(p, y, ev)
            step = -resid / slope if slope > 0 and math.isfinite(slope) else (-1.0 if resid > 0 else 1.0)
            step = max(-1.0, min(1.0, step))
            if abs(step) <= 1e-12:
                if checked:
                    return self._accurate(p, y * math.exp(step), ev)
                checked = True
                continue
            new = y * math.exp(step)
            if not (lo < new < hi):       # Newton left the bracket: bisect (geometrically when possible)
                if hi == math.inf:
                    new = y * math.e ** 2
                elif lo == 0.0:
                    new = y * math.e ** -2
                else:
                    new = math.sqrt(lo * hi)
            if abs(new - y) <= 1e-12 * y:
                if checked:
                    return self._accurate(p, new, ev)
                checked = True
            if new > 1e300:
                return math.inf
            y = new
        raise LaplaceInversionError(f"quantile {p} did not converge (last y = {y:.6g})")

    def _accurate(self, p: float, y: float, ev: Evaluation) -> float:
        """y, when the error of the tail value at it (F below the median, S above) moves the quantile by at
        most quantile_tolerance, ``error <= tolerance * y f(y)``.

        On Talbot's contour the error is estimated from the 24- and 32-node values of that tail. Above the
        median S(y) is a sum of terms of order one that cancel, whose round-off and transform errors do
        not fall with the node count: the whole difference is taken (it exceeded the 32-node error in
        every far upper tail of Lomax sums checked against mpmath). Below, F(y) is a sum of terms of its
        own size and the error falls with the node count: a thousandth of the difference is taken (the
        32-node error was at most 1.4e-4 of it in the lower tails checked, down to F = 1e-100)."""
        if not math.isfinite(ev.error):           # a single unchecked contour: estimate at the answer
            ev = self.evaluate(y)
        upper = p > 0.5
        error = ev.tail_error(upper) * (1e-3 if ev.method == "talbot" and not upper else 1.0)
        if error <= self.quantile_tolerance * y * ev.pdf:
            return y
        message = (f"quantile {p}: the inversion's error {error:.2g} in the tail at y = {y:.6g} moves the "
                   f"quantile by more than {self.quantile_tolerance:g} relative")
        if ev.method.startswith("talbot"):
            raise _Inaccurate(y, message)
        raise LaplaceInversionError(message)

    def _default_guess(self) -> float:
        return self.mean if math.isfinite(self.mean) else 1.0

    # -- Talbot -------------------------------------------------------------------------------
    def _talbot(self, y: float, n_nodes: int):
        return self._talbot_contours(y, (n_nodes,))[0]

    def _talbot_contours(self, y: float, node_counts) -> list[tuple[float, float, float]]:
        """(F, S, f) at y from each Talbot contour; the transform is evaluated once for all nodes
        together (its cost is mostly per call, not per node)."""
        zetas, weights = zip(*(_CONTOURS[n] for n in node_counts))
        scale = np.repeat([n / y for n in node_counts], [z.size for z in zetas])
        s = scale * np.concatenate(zetas)
        w = scale * np.concatenate(weights)
        log_l = self.log_lt(s)
        ends = np.cumsum([z.size for z in zetas])
        with np.errstate(over="ignore", invalid="ignore"):
            esy = np.exp(s * y)
            e = np.exp(s * y + log_l)
            terms = np.stack([e / s * w, -np.expm1(log_l) * esy / s * w, e * w])
            return [tuple(float(part.sum().real) for part in block)
                    for block in np.split(terms, ends[:-1], axis=1)]

    # -- Bromwich line ------------------------------------------------------------------------
    def _phi_slope(self, s: np.ndarray, y: float) -> tuple[np.ndarray, np.ndarray]:
        """phi(s) = s y + log L(s) and phi'(s) at real s > 0, both from one complex-step evaluation."""
        s = np.asarray(s, dtype=float)
        h = s * 1e-20
        val = self.log_lt(s + 1j * h)
        return s * y + val.real, y + val.imag / h

    def _saddle(self, y: float, start: float | None = None) -> float | None:
        """The root of phi'(s) = y - E_s[Y] on s > 0 (Newton in log s), or None when y >= E[Y]."""
        if math.isfinite(self.mean) and y >= self.mean:
            return None
        log_s = math.log(start if start else 1.0 / y)
        lo, hi = -math.inf, math.inf
        eps = 1e-4
        for _ in range(100):
            s = math.exp(log_s)
            _, slopes = self._phi_slope(np.array([s, s * (1 + eps)]), y)
            if slopes[0] < 0:
                lo = log_s
            else:
                hi = log_s
            curvature = (slopes[1] - slopes[0]) / eps           # d phi' / d log s
            step = -slopes[0] / curvature if curvature > 0 else (2.0 if slopes[0] < 0 else -2.0)
            step = max(-3.0, min(3.0, step))
            new = log_s + step
            if not lo < new < hi:
                new = (lo + hi) / 2 if math.isfinite(lo) and math.isfinite(hi) else log_s + (3.0 if slopes[0] < 0 else -3.0)
            if abs(new - log_s) < 1e-9:
                return math.exp(new)
            if new < math.log(1e-12 / y):
                return None                                     # y is (numerically) at the mean
            log_s = new
        raise LaplaceInversionError(f"saddle point not found at y = {y:.6g}")

    def _line_rule(self, y: float) -> "_LineRule":
        previous = self._cached_rule
        saddle = self._saddle(y, previous.saddle if previous is not None else None)
        phi_min = float(self._phi_slope(np.array([saddle]), y)[0][0]) if saddle is not None else 0.0
        if phi_min < _LOG_TINY:
            raise _Underflow(phi_min)
        # Move right of the saddle until phi has risen by 2: the integrand then stays within e^2 of
        # the Chernoff bound e^{phi_min} >= F(y), and a is large enough for a short period.
        target = phi_min + 2.0
        log_a = math.log(saddle if saddle is not None else 1.0 / y)
        for _ in range(200):
            phi, slope = self._phi_slope(np.array([math.exp(log_a)]), y)
            gap = float(phi[0]) - target
            if abs(gap) < 0.05:
                break
            d = float(slope[0]) * math.exp(log_a)              # d phi / d log a
            step = -gap / d if d > 0 else 1.0
            log_a += max(-1.0, min(2.0, step))
        a = math.exp(log_a)
        phi_a = float(self._phi_slope(np.array([a]), y)[0][0])
        log_bound = min(0.0, phi_min)     # log of a bound on F(y); errors are measured against it
        length = (40.0 - log_bound) / a   # right aliasing e^{-aL} <= 1e-17 F
        for _ in range(60):
            if y - length <= 0:
                break
            tilts = a * np.array([1.5, 2.0, 4.0, 8.0, 16.0])
            bounds = tilts * (y - length) + self.log_lt(tilts.astype(complex)).real + a * length
            if float(bounds.min()) <= log_bound - 40.0:
                break
            length *= 1.5
        else:
            raise LaplaceInversionError(f"no aliasing-free period found at y = {y:.6g}")
        h = 2.0 * math.pi / length
        nodes, values = [], []
        k0, block = 0, 64
        while True:
            s = a + 1j * h * np.arange(k0, k0 + block)
            log_l = self.log_lt(s)
            nodes.append(s)
            values.append(log_l)
            k0 += block
            with np.errstate(under="ignore"):
                tail = np.exp((s[-block // 2:] * y + log_l[-block // 2:]).real - phi_a).max()
            if tail < 1e-19:
                break
            if k0 > _MAX_LINE_NODES:
                raise LaplaceInversionError(f"Bromwich sum did not converge at y = {y:.6g}")
        rule = _LineRule(y, a, h, length, saddle, phi_a, np.concatenate(nodes), np.concatenate(values))
        self._cached_rule = rule
        return rule

    def _line(self, y: float) -> Evaluation:
        rule = self._cached_rule
        if rule is None or not rule.covers(y):
            try:
                rule = self._line_rule(y)
            except _Underflow as under:
                # Chernoff: F(y) <= e^{phi_min} < 1e-300, zero in double precision
                bound = math.exp(under.args[0])
                return Evaluation(y, 0.0, 1.0, 0.0, "chernoff-bound", bound, bound)
        s, log_l = rule.nodes, rule.log_l
        shift = rule.a * y + float(self.log_lt(np.array([rule.a + 0j]))[0].real) if y != rule.y else rule.phi_a
        with np.errstate(over="ignore", under="ignore"):
            e = np.exp(s * y + log_l - shift)
        e[0] *= 0.5
        scale = math.exp(shift) * rule.h / math.pi
        cdf = float((e / s).sum().real) * scale
        pdf = float(e.sum().real) * scale
        # round-off of the sum (aliasing is held below 1e-17 F); S = 1 - F adds half an ulp of 1
        error = 4e-16 * scale * float(np.abs(e / s).sum())
        return Evaluation(y, cdf, 1.0 - cdf, pdf, "line", error, error + 1.1e-16)


@dataclass(frozen=True)
class _LineRule:
    """Trapezoid nodes on the line Re s = a, built for the point y and reusable near it."""

    y: float
    a: float
    h: float
    length: float
    saddle: float | None
    phi_a: float
    nodes: np.ndarray
    log_l: np.ndarray

    def covers(self, y: float) -> bool:
        # Moving y by d changes the integrand by e^{a d} and the Chernoff bounds on the left aliasing
        # (tilts up to 16 a) by at most e^{16 a d}: within d = 1/(2a) the e^-40 margins keep >= e^-32.
        return abs(y - self.y) * self.a <= 0.5
