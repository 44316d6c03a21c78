r"""The joint law of error ``X`` and utility ``V`` behind a proxy ``U = X + V``, as integrals.

Three models share one interface: :class:`IndependentModel` (``X`` and ``V`` independent
distributions), :class:`DependentModel` (``X | V = v`` given by a :class:`Dependence`) and
:class:`EmpiricalModel` (``X`` resampled from data: Monte Carlo only). Each gives, for arrays of
thresholds,

* ``log_sf(t)`` = log P(U >= t), ``log_cdf(t)`` = log P(U <= t), ``log_pdf(u)`` = log f_U(u);
* ``tail_gain(t)`` = E[V | U >= t] - E[V] and ``point_gain(u)`` = E[V | U = u] - E[V];
* ``sample(n, rng)`` = n draws of (X, V).

For independent ``X`` and ``V`` the gain is computed without cancellation. Integrating by parts
with the partial expectation :math:`H(v) = E[(V-\mu) 1\{V > v\}]` (:math:`H' = -(v-\mu) f_V`):

.. math:: E[(V - \mu) 1\{X + V \ge t\}] = \int (v-\mu) f_V(v) P(X \ge t - v)\, dv
          = \int H(v)\, f_X(t - v)\, dv \ \ge 0,

so ``tail_gain = int H f_X(t - .) / int f_V P(X >= t - .)`` is a ratio of two positive integrals,
accurate in relative terms even when the gain is 1e-100 of the scale of ``V``.
"""

from __future__ import annotations

import math

import numpy as np

from alignlab._validate import ParameterError
from alignlab.dists.samples import EmpiricalSamples
from alignlab.dists.law import Continuous
from alignlab.goodhart.convolution import Factor, combine, log_convolution
from alignlab.goodhart.dependence import Dependence, Piece, evaluate_grouped
from alignlab.numerics.quadrature import RTOL, LogIntegral, log_integral



def signed_sum(logs, signs, errors, log_den=0.0):
    """sum_i sign_i exp(logs_i - log_den) and its absolute error sum_i exp(logs_i - log_den) err_i,
    per column: a signed sum of log-space terms divided by exp(log_den) without leaving the range."""
    logs = np.asarray(logs, dtype=float)
    with np.errstate(invalid="ignore", under="ignore", over="ignore"):
        w = np.where(np.isfinite(logs), np.exp(logs - log_den), 0.0)
        value = np.sum(np.asarray(signs) * w, axis=0)
        err = np.sum(w * np.asarray(errors), axis=0)
    return value, err


class IndependentModel:
    """X and V independent, both :class:`Continuous`."""

    kind = "independent"

    def __init__(self, error: Continuous, utility: Continuous, rtol: float = RTOL):
        self.error, self.utility, self.rtol = error, utility, rtol
        x, v = error, utility
        self.mu = v.mean
        self._v_pdf = Factor(v.logpdf, v.median, v.width, *v.support)
        self._v_h = Factor(v.log_partial_expectation, self.mu, v.width, *v.support)
        x_lo, x_hi = x.support
        self._x_sf = Factor(x.logsf, x.median, x.width, -np.inf, x_hi)
        self._x_cdf = Factor(x.logcdf, x.median, x.width, x_lo, np.inf)
        self._x_pdf = Factor(x.logpdf, x.median, x.width, x_lo, x_hi)

    @property
    def center(self) -> float:
        return self.error.median + self.utility.median

    @property
    def spread(self) -> float:
        return max(self.error.width, self.utility.width)

    def log_sf(self, t) -> LogIntegral:
        return log_convolution(t, self._v_pdf, self._x_sf, self.rtol)

    def log_cdf(self, t) -> LogIntegral:
        return log_convolution(t, self._v_pdf, self._x_cdf, self.rtol)

    def log_pdf(self, u) -> LogIntegral:
        return log_convolution(u, self._v_pdf, self._x_pdf, self.rtol)

    def tail_gain(self, t, log_sf: LogIntegral | None = None):
        """(gain, absolute error, log_sf) with gain = E[V | U >= t] - E[V] >= 0."""
        log_sf = self.log_sf(t) if log_sf is None else log_sf
        num = log_convolution(t, self._v_h, self._x_pdf, self.rtol)
        with np.errstate(invalid="ignore", over="ignore"):
            gain = np.where(np.isfinite(num.log_value), np.exp(num.log_value - log_sf.log_value), 0.0)
            err = np.where(gain > 0, gain * (num.rel_error + log_sf.rel_error), 0.0)
        return gain, err, log_sf

    def point_gain(self, u):
        """(gain, absolute error) with gain = E[V | U = u] - E[V]."""
        v, mu = self.utility, self.mu
        lo, hi = v.support
        up = Factor(lambda y: _log_dist(y, mu) + v.logpdf(y), mu + v.width, v.width, max(lo, mu), hi)
        down = Factor(lambda y: _log_dist(y, mu) + v.logpdf(y), mu - v.width, v.width, lo, min(hi, mu))
        parts = [log_convolution(u, f, self._x_pdf, self.rtol) for f in (up, down)]
        dens = self.log_pdf(u)
        value, err = signed_sum([p.log_value for p in parts], [[1.0], [-1.0]], [p.rel_error for p in parts],
                                dens.log_value)
        return value, err + np.abs(value) * dens.rel_error

    def sample(self, n: int, rng: np.random.Generator):
        return self.error.rvs(n, rng), self.utility.rvs(n, rng)


def _log_dist(y, mu):
    with np.errstate(divide="ignore"):
        return np.log(np.abs(np.asarray(y, dtype=float) - mu))


class DependentModel:
    """V a :class:`Continuous`, X | V = v from a :class:`Dependence`."""

    kind = "dependent"

    def __init__(self, dependence: Dependence, utility: Continuous, rtol: float = RTOL):
        self.dependence, self.utility, self.rtol = dependence, utility, rtol
        self.mu = utility.mean
        self.pieces: tuple[Piece, ...] = dependence.pieces(*utility.support)

    @property
    def center(self) -> float:
        v = self.utility
        law = self.dependence.at(v.median)
        return v.median + (law if isinstance(law, float) else law.median)

    @property
    def spread(self) -> float:
        law = self.dependence.at(self.utility.median)
        return max(self.utility.width, 0.0 if isinstance(law, float) else law.width)

    # -- one integral over v per distribution piece, closed forms on point-mass pieces ---------
    def _pieces_integral(self, t, law_method: str, weight=None, atom_term=None, side=None):
        """Per-piece contributions to int f_V(v) w(v) law_v.<law_method>(t - v) dv as LogIntegrals."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        v = self.utility
        out = []
        for piece in self.pieces:
            if piece.atom is not None:
                out.append(atom_term(t, piece))
                continue
            lo, hi = piece.lo, piece.hi
            if side == "up":
                lo = max(lo, self.mu)
            elif side == "down":
                hi = min(hi, self.mu)
            if not lo < hi:
                continue
            mid = self.dependence.at(_clip_inside(v.median, lo, hi))

            def logf(y, rows, piece=piece):
                laws = self.dependence.laws(y, piece)
                val = evaluate_grouped(laws, t[rows] - y, law_method) + v.logpdf(y)
                return val if weight is None else val + weight(y)

            anchors = np.column_stack([np.full(t.size, _clip_inside(v.median, lo, hi)), t - mid.median])
            scales = np.column_stack([np.full(t.size, v.width), np.full(t.size, mid.width)])
            out.append(log_integral(logf, np.full(t.size, lo), np.full(t.size, hi), anchors, scales, rtol=self.rtol))
        return out

    def _atom_probability(self, t, piece, upper: bool):
        """log P(V in piece, V >= t - c) (upper) or log P(V in piece, V <= t - c)."""
        cut = t - piece.atom
        lo = np.maximum(piece.lo, cut) if upper else np.full(t.size, piece.lo)
        hi = np.full(t.size, piece.hi) if upper else np.minimum(piece.hi, cut)
        return _exact(log_prob_between(self.utility, lo, hi))

    def log_sf(self, t) -> LogIntegral:
        return combine(*self._pieces_integral(t, "logsf", atom_term=lambda t, p: self._atom_probability(t, p, True)))

    def log_cdf(self, t) -> LogIntegral:
        return combine(*self._pieces_integral(t, "logcdf", atom_term=lambda t, p: self._atom_probability(t, p, False)))

    def log_pdf(self, u) -> LogIntegral:
        def atom(u, piece):
            y = u - piece.atom
            inside = (y > piece.lo) & (y < piece.hi)
            return _exact(np.where(inside, self.utility.logpdf(np.where(inside, y, self.mu)), -np.inf))
        return combine(*self._pieces_integral(u, "logpdf", atom_term=atom))

    def _signed_parts(self, t, law_method: str):
        """The distribution pieces' int |v - mu| f_V(v) law_v(t - v) dv above and below the mean,
        as (logs, signs, relative errors) for :func:`signed_sum`; point-mass pieces come after."""
        logs, signs, errs = [], [], []
        for side, sign in (("up", 1.0), ("down", -1.0)):
            for part in self._pieces_integral(t, law_method, weight=lambda y: _log_dist(y, self.mu),
                                              atom_term=lambda t, p: None, side=side):
                if part is not None:
                    logs.append(part.log_value), signs.append(np.full(t.size, sign)), errs.append(part.rel_error)
        return logs, signs, errs

    def tail_gain(self, t, log_sf: LogIntegral | None = None):
        """(gain, absolute error, log_sf); the gain may be negative when X depends on V."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        log_sf = self.log_sf(t) if log_sf is None else log_sf
        logs, signs, errs = self._signed_parts(t, "logsf")
        for piece in self.pieces:
            if piece.atom is None:
                continue
            # int_lo^hi (v - mu) f_V dv = H(lo) - H(hi) over the piece above t - c
            lo = np.maximum(piece.lo, t - piece.atom)
            hi = np.full(t.size, piece.hi)
            inside = lo < hi
            for end, sign in ((lo, 1.0), (hi, -1.0)):
                logs.append(np.where(inside, _log_h(self.utility, end), -np.inf))
                signs.append(np.full(t.size, sign)), errs.append(np.full(t.size, 1e-14))
        gain, err = signed_sum(logs, signs, errs, log_sf.log_value)
        return gain, err + np.abs(gain) * log_sf.rel_error, log_sf

    def point_gain(self, u):
        u = np.atleast_1d(np.asarray(u, dtype=float))
        logs, signs, errs = self._signed_parts(u, "logpdf")
        for piece in self.pieces:
            if piece.atom is None:
                continue
            y = u - piece.atom
            inside = (y > piece.lo) & (y < piece.hi)
            yy = np.where(inside, y, self.mu + 1.0)
            logs.append(np.where(inside, _log_dist(yy, self.mu) + self.utility.logpdf(yy), -np.inf))
            signs.append(np.sign(yy - self.mu)), errs.append(np.full(u.size, 1e-15))
        dens = self.log_pdf(u)
        gain, err = signed_sum(logs, signs, errs, dens.log_value)
        return gain, err + np.abs(gain) * dens.rel_error

    def sample(self, n: int, rng: np.random.Generator):
        v = self.utility.rvs(n, rng)
        x = np.empty(n)
        groups: dict[int, list[int]] = {}
        laws: dict[int, object] = {}
        for i, vi in enumerate(v):
            law = self.dependence.at(vi)
            key = id(law) if not isinstance(law, float) else hash(("atom", law))
            groups.setdefault(key, []).append(i)
            laws[key] = law
        for key, idx in groups.items():
            law = laws[key]
            x[idx] = law if isinstance(law, float) else law.rvs(len(idx), rng)
        return x, v


class EmpiricalModel:
    """X resampled from data, V a :class:`Continuous`: only simulation-based methods apply."""

    kind = "empirical"

    def __init__(self, error: EmpiricalSamples, utility: Continuous):
        self.error, self.utility = error, utility
        self.mu = utility.mean

    def _only_mc(self, *args, **kwargs):
        raise ParameterError("error", f"{self.error.spec} is an empirical sample: only Monte Carlo applies "
                                      f"(method='mc'); the exact methods need a distribution (fit one to the "
                                      f"sample's tail with alignlab.tails)")

    log_sf = log_cdf = log_pdf = tail_gain = point_gain = _only_mc
    center = spread = property(_only_mc)

    def sample(self, n: int, rng: np.random.Generator):
        return self.error.rvs(n, rng), self.utility.rvs(n, rng)


def _exact(log_value) -> LogIntegral:
    log_value = np.atleast_1d(np.asarray(log_value, dtype=float))
    return LogIntegral(log_value, np.full(log_value.size, 1e-14), np.full(log_value.size, np.nan), 0)


def _clip_inside(x: float, lo: float, hi: float) -> float:
    if lo < x < hi:
        return x
    if math.isinf(lo) and math.isinf(hi):
        return 0.0
    if math.isinf(lo):
        return hi - 1.0
    if math.isinf(hi):
        return lo + 1.0
    return (lo + hi) / 2


def _log_h(v: Continuous, x):
    """log H(x), with H(-inf) = 0 (all of E[V - mu] = 0 lies above) and H(+inf) = 0."""
    x = np.asarray(x, dtype=float)
    finite = np.isfinite(x)
    out = np.full(x.shape, -np.inf)
    if finite.any():
        out[finite] = v.log_partial_expectation(x[finite])
    return out


def log_prob_between(v: Continuous, lo, hi):
    """log P(lo < V < hi), from whichever tail keeps the difference accurate."""
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    ok = lo < hi
    lo_ = np.where(ok, lo, 0.0)
    hi_ = np.where(ok, hi, 1.0)
    upper = lo_ >= v.median
    with np.errstate(divide="ignore", invalid="ignore"):
        a_sf, b_sf = v.logsf(lo_), v.logsf(hi_)
        a_cdf, b_cdf = v.logcdf(lo_), v.logcdf(hi_)
        from_sf = a_sf + np.log(-np.expm1(np.minimum(b_sf - a_sf, 0.0)))
        from_cdf = b_cdf + np.log(-np.expm1(np.minimum(a_cdf - b_cdf, 0.0)))
    return np.where(ok, np.where(upper, from_sf, from_cdf), -np.inf)
