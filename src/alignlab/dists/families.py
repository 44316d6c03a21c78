r"""The family table: every distribution alignlab knows, by scipy's name and parameterisation.

A spec such as ``"t(df=3)"`` or ``"lognorm(s=1, loc=1)"`` names a family here and its parameters:
the shapes, then ``loc`` and ``scale``, with :math:`X = \mathrm{loc} + \mathrm{scale}\, Z` and
:math:`Z` the standard variable. A name means one law everywhere (steps approaches, goodhart error
and utility, sweeps): ``pareto(b=0.5)`` is :math:`P(X > x) = x^{-1/2}` on :math:`[1, \infty)` wherever
it is typed.

Each family states only what is special about it, as scipy's ``rv_continuous`` subclasses do:

* its shapes and their domains, its standard support and a one-line formula;
* the tail class of each tail (:mod:`alignlab.dists.tails`) and, for power-law tails, which shape is
  the tail index (``tail_shape``; ``--alpha`` fills it for steps approaches);
* log functions that scipy evaluates inaccurately far in the tails (``logsf``, ``logcdf``,
  ``logpdf``), the inverse of the log survival function (``isf_log``, and ``log_isf_log`` where
  :math:`\log z` stays finite while :math:`z` overflows), and the closed-form partial expectation
  (``logh``) where one exists.

Everything else (moments, quantiles, draws) comes from the scipy distribution, and everything a
consumer derives (the minimum of ``q`` copies, conditional expectations) from these few functions.

Families not in scipy: ``logcauchy(sigma)`` (:math:`\log Z` Cauchy) and ``logpareto(a)``
(:math:`P(Z > z) = (1 + \log z)^{-a}` on :math:`[1, \infty)`), the two super-heavy laws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab._lazy import lazy_module
from alignlab.dists import logtails as lt
from alignlab.dists.tails import TailClass, TailKind

special = lazy_module("scipy.special")    # SciPy (0.2 s to import; scipy.stats 0.4 s) only when a law is used

LIGHT = TailClass(TailKind.LIGHT)
BOUNDED = TailClass(TailKind.BOUNDED)
SUBEXPONENTIAL = TailClass(TailKind.SUBEXPONENTIAL)
SUPER_HEAVY = TailClass(TailKind.SUPER_HEAVY)
_LOG2 = math.log(2.0)


def regularly_varying(index: float) -> TailClass:
    return TailClass(TailKind.REGULARLY_VARYING, float(index))


def exponential(rate: float) -> TailClass:
    return TailClass(TailKind.EXPONENTIAL, float(rate))


@dataclass(frozen=True)
class Shape:
    """A shape parameter and its open domain ``(low, high)``. ``checked`` is the range in which the
    family's log tails are tested far into the tails (None: the default of :mod:`alignlab.dists.law`);
    closed forms that are exact for every value check the whole domain."""

    name: str
    low: float = 0.0
    high: float = math.inf
    checked: tuple[float, float] | None = None

    def describe(self) -> str:
        if math.isinf(self.low) and math.isinf(self.high):
            return f"{self.name} real"
        if math.isinf(self.high):
            return f"{self.name} > {self.low:g}"
        return f"{self.name} in ({self.low:g}, {self.high:g})"


class Family:
    """Base class: what every family shares. Subclasses set the class attributes and override the
    log functions scipy gets wrong far in the tails (standard coordinates ``z``, shapes positional)."""

    name: str
    aliases: tuple[str, ...] = ()
    shapes: tuple[Shape, ...] = ()
    tail_shape: str | None = None           # the shape that is the right tail's index
    support: tuple[float, float] = (0.0, math.inf)
    formula: str = ""
    tail_text: str = ""                     # the right tail class in words, as a function of the parameters
    symmetric: bool = False                 # left tail mirrors the right

    @property
    def scipy(self):
        from scipy import stats
        return getattr(stats, self.name)

    @property
    def shape_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.shapes)

    # -- tails ---------------------------------------------------------------------------------
    def right_tail(self, params: dict, scale: float) -> TailClass:   # pragma: no cover - abstract
        raise NotImplementedError

    def left_tail(self, params: dict, scale: float) -> TailClass:
        if self.symmetric:
            return self.right_tail(params, scale)
        return BOUNDED if math.isfinite(self.support[0]) else LIGHT

    # -- log functions in standard coordinates (None: use scipy's) -------------------------------
    logpdf = None
    logsf = None
    logcdf = None
    logh = None                              # log E[(Z - E Z) 1{Z > z}]

    def isf_log(self, log_p, *shapes):
        """z with log P(Z > z) = log_p."""
        with np.errstate(under="ignore"):
            return self.scipy.isf(np.exp(log_p), *shapes)

    def log_isf_log(self, log_p, *shapes):
        """log z with log P(Z > z) = log_p, for families on (0, inf); finite where z itself overflows."""
        with np.errstate(divide="ignore"):
            return np.log(self.isf_log(log_p, *shapes))

    @property
    def positive(self) -> bool:
        """Support within [0, inf): usable as a time (``loc`` shifts it to start at the optimal speed)."""
        return self.support[0] >= 0.0


# -- symmetric and two-sided laws ---------------------------------------------------------------

class Norm(Family):
    name, aliases = "norm", ("normal", "gaussian")
    support, symmetric = (-math.inf, math.inf), True
    formula, tail_text = "density exp(-z^2/2)/sqrt(2 pi)", "light"
    logpdf, logsf, logcdf, logh = (staticmethod(lt.norm_logpdf), staticmethod(lt.norm_logsf),
                                   staticmethod(lt.norm_logcdf), staticmethod(lt.norm_logh))

    def right_tail(self, params, scale):
        return LIGHT

    def isf_log(self, log_p, *shapes):
        return -special.ndtri_exp(log_p)


class T(Family):
    name, aliases = "t", ("student_t", "studentt")
    shapes, tail_shape = (Shape("df"),), "df"
    support, symmetric = (-math.inf, math.inf), True
    formula, tail_text = "Student t with df degrees of freedom", "regularly varying, index df (both tails)"
    logpdf, logsf, logcdf = staticmethod(lt.t_logpdf), staticmethod(lt.t_logsf), staticmethod(lt.t_logcdf)
    logh = staticmethod(lt.t_logh)

    def right_tail(self, params, scale):
        return regularly_varying(params["df"])


class Cauchy(Family):
    name = "cauchy"
    support, symmetric = (-math.inf, math.inf), True
    formula, tail_text = "density 1/(pi (1 + z^2))", "regularly varying, index 1 (both tails)"
    logpdf, logsf, logcdf = (staticmethod(lt.cauchy_logpdf), staticmethod(lt.cauchy_logsf),
                             staticmethod(lt.cauchy_logcdf))

    def right_tail(self, params, scale):
        return regularly_varying(1.0)


class Laplace(Family):
    name = "laplace"
    support, symmetric = (-math.inf, math.inf), True
    formula, tail_text = "density exp(-|z|)/2", "exponential, rate 1/scale (both tails)"
    logpdf, logsf, logcdf = (staticmethod(lt.laplace_logpdf), staticmethod(lt.laplace_logsf),
                             staticmethod(lt.laplace_logcdf))
    logh = staticmethod(lt.laplace_logh)

    def right_tail(self, params, scale):
        return exponential(1 / scale)


class Logistic(Family):
    name = "logistic"
    support, symmetric = (-math.inf, math.inf), True
    formula, tail_text = "P(Z > z) = 1/(1 + e^z)", "exponential, rate 1/scale (both tails)"
    logh = staticmethod(lt.logistic_logh)

    def right_tail(self, params, scale):
        return exponential(1 / scale)


class Gumbel(Family):
    name, aliases = "gumbel_r", ("gumbel",)
    support = (-math.inf, math.inf)
    formula, tail_text = "P(Z <= z) = exp(-e^-z)", "exponential, rate 1/scale (left tail light)"
    logsf = staticmethod(lt.gumbel_logsf)

    def right_tail(self, params, scale):
        return exponential(1 / scale)


# -- laws on a half line -------------------------------------------------------------------------

class HalfNorm(Family):
    name, aliases = "halfnorm", ("halfnormal",)
    formula, tail_text = "|N(0, 1)|", "light"
    logsf = staticmethod(lt.halfnorm_logsf)

    def right_tail(self, params, scale):
        return LIGHT

    def isf_log(self, log_p, *shapes):
        return -special.ndtri_exp(np.asarray(log_p, dtype=float) - _LOG2)


class Uniform(Family):
    name = "uniform"
    support = (0.0, 1.0)
    formula, tail_text = "uniform on [0, 1]", "bounded"
    logh = staticmethod(lt.uniform_logh)

    def right_tail(self, params, scale):
        return BOUNDED

    def isf_log(self, log_p, *shapes):
        return -np.expm1(log_p)


class WeibullMin(Family):
    name, aliases = "weibull_min", ("weibull",)
    shapes = (Shape("c"),)
    formula = "P(Z > z) = exp(-z^c)"
    tail_text = "light (c > 1), exponential rate 1/scale (c = 1), subexponential (c < 1)"

    def right_tail(self, params, scale):
        c = params["c"]
        return LIGHT if c > 1 else exponential(1 / scale) if c == 1 else SUBEXPONENTIAL

    def logsf(self, z, c):
        z = np.asarray(z, dtype=float)
        return np.where(z > 0, -np.maximum(z, 0.0) ** c, 0.0)

    def isf_log(self, log_p, c):
        return (-np.asarray(log_p, dtype=float)) ** (1.0 / c)

    def log_isf_log(self, log_p, c):
        with np.errstate(divide="ignore"):
            return np.log(-np.asarray(log_p, dtype=float)) / c


class Expon(Family):
    name, aliases = "expon", ("exponential",)
    formula, tail_text = "P(Z > z) = e^-z", "exponential, rate 1/scale"
    logh = staticmethod(lt.expon_logh)

    def right_tail(self, params, scale):
        return exponential(1 / scale)

    def logsf(self, z):
        z = np.asarray(z, dtype=float)
        return np.where(z > 0, -z, 0.0)

    def isf_log(self, log_p):
        return -np.asarray(log_p, dtype=float)


class Gamma(Family):
    name = "gamma"
    shapes = (Shape("a"),)
    formula, tail_text = "density z^(a-1) e^-z / Gamma(a)", "exponential, rate 1/scale"
    logsf = staticmethod(lt.gamma_logsf)

    def right_tail(self, params, scale):
        return exponential(1 / scale)


class LogNorm(Family):
    name, aliases = "lognorm", ("lognormal",)
    shapes = (Shape("s"),)
    formula, tail_text = "log Z ~ N(0, s^2)", "subexponential (every moment finite)"
    logh = staticmethod(lt.lognorm_logh)

    def right_tail(self, params, scale):
        return SUBEXPONENTIAL

    def logsf(self, z, s):
        z = np.asarray(z, dtype=float)
        with np.errstate(divide="ignore"):
            return np.where(z > 0, special.log_ndtr(-np.log(np.where(z > 0, z, 1.0)) / s), 0.0)

    def isf_log(self, log_p, s):
        with np.errstate(over="ignore"):
            return np.exp(self.log_isf_log(log_p, s))

    def log_isf_log(self, log_p, s):
        return -s * special.ndtri_exp(np.asarray(log_p, dtype=float))


class Levy(Family):
    name = "levy"
    formula, tail_text = "Z = 1/N(0,1)^2", "regularly varying, index 1/2"
    logpdf = staticmethod(lt.levy_logpdf)

    def right_tail(self, params, scale):
        return regularly_varying(0.5)

    def isf_log(self, log_p):
        with np.errstate(divide="ignore"):
            return 1.0 / special.ndtri_exp(np.asarray(log_p, dtype=float) - _LOG2) ** 2

    def log_isf_log(self, log_p):
        with np.errstate(divide="ignore"):
            return -2.0 * np.log(-special.ndtri_exp(np.asarray(log_p, dtype=float) - _LOG2))


class Pareto(Family):
    name = "pareto"
    shapes, tail_shape = (Shape("b", checked=(0.0, math.inf)),), "b"
    support = (1.0, math.inf)
    formula, tail_text = "P(Z > z) = z^-b on [1, inf)", "regularly varying, index b"
    logpdf, logsf = staticmethod(lt.pareto_logpdf), staticmethod(lt.pareto_logsf)
    logh = staticmethod(lt.pareto_logh)

    def right_tail(self, params, scale):
        return regularly_varying(params["b"])

    def isf_log(self, log_p, b):
        with np.errstate(over="ignore"):
            return np.exp(self.log_isf_log(log_p, b))

    def log_isf_log(self, log_p, b):
        return -np.asarray(log_p, dtype=float) / b


class Lomax(Family):
    name = "lomax"
    shapes, tail_shape = (Shape("c", checked=(0.0, math.inf)),), "c"
    formula, tail_text = "P(Z > z) = (1 + z)^-c on [0, inf)", "regularly varying, index c"
    logh = staticmethod(lt.lomax_logh)

    def right_tail(self, params, scale):
        return regularly_varying(params["c"])

    def logsf(self, z, c):
        z = np.asarray(z, dtype=float)
        return np.where(z > 0, -c * np.log1p(np.maximum(z, 0.0)), 0.0)

    def isf_log(self, log_p, c):
        with np.errstate(over="ignore"):
            return np.expm1(-np.asarray(log_p, dtype=float) / c)

    def log_isf_log(self, log_p, c):
        return _log_expm1(-np.asarray(log_p, dtype=float) / c)


class GenPareto(Family):
    name = "genpareto"
    shapes = (Shape("c", -math.inf, math.inf),)
    formula = "P(Z > z) = (1 + c z)^(-1/c)"
    tail_text = "regularly varying, index 1/c (c > 0); exponential (c = 0); bounded (c < 0)"

    def right_tail(self, params, scale):
        c = params["c"]
        return regularly_varying(1 / c) if c > 0 else exponential(1 / scale) if c == 0 else BOUNDED


class InvGamma(Family):
    name = "invgamma"
    shapes, tail_shape = (Shape("a"),), "a"
    formula, tail_text = "1/Z ~ Gamma(a)", "regularly varying, index a"
    logsf = staticmethod(lt.invgamma_logsf)

    def right_tail(self, params, scale):
        return regularly_varying(params["a"])


class Fisk(Family):
    name, aliases = "fisk", ("loglogistic", "log-logistic")
    shapes, tail_shape = (Shape("c"),), "c"
    formula, tail_text = "P(Z > z) = 1/(1 + z^c) (log-logistic)", "regularly varying, index c"
    logsf, logcdf = staticmethod(lt.fisk_logsf), staticmethod(lt.fisk_logcdf)

    def right_tail(self, params, scale):
        return regularly_varying(params["c"])

    def isf_log(self, log_p, c):
        with np.errstate(over="ignore"):
            return np.exp(self.log_isf_log(log_p, c))

    def log_isf_log(self, log_p, c):
        return _log_expm1(-np.asarray(log_p, dtype=float)) / c      # z^c = 1/p - 1


class InvWeibull(Family):
    name, aliases = "invweibull", ("frechet",)
    shapes, tail_shape = (Shape("c"),), "c"
    formula, tail_text = "P(Z <= z) = exp(-z^-c) (Frechet)", "regularly varying, index c"
    logpdf, logsf = staticmethod(lt.invweibull_logpdf), staticmethod(lt.invweibull_logsf)

    def right_tail(self, params, scale):
        return regularly_varying(params["c"])

    def isf_log(self, log_p, c):
        with np.errstate(over="ignore"):
            return np.exp(self.log_isf_log(log_p, c))

    def log_isf_log(self, log_p, c):
        # z^-c = -log(1 - p); for tiny p that is p (1 + p/2 + ...)
        log_p = np.asarray(log_p, dtype=float)
        p = np.exp(log_p)
        with np.errstate(divide="ignore"):
            log_u = np.where(log_p < -30, log_p + np.log1p(p / 2), np.log(-np.log1p(-p)))
        return -log_u / c


# -- super-heavy laws (not in scipy: their scipy distributions live in alignlab.dists.superheavy) --------

class LogCauchy(Family):
    name, aliases = "logcauchy", ("log-cauchy",)
    shapes = (Shape("sigma"),)
    formula, tail_text = "log Z ~ Cauchy(0, sigma); P(Z > z) ~ sigma/(pi log z)", "super-heavy"
    logpdf, logsf, logcdf = (staticmethod(lt.logcauchy_logpdf), staticmethod(lt.logcauchy_logsf),
                             staticmethod(lt.logcauchy_logcdf))

    @property
    def scipy(self):
        from alignlab.dists.superheavy import logcauchy
        return logcauchy

    def right_tail(self, params, scale):
        return SUPER_HEAVY

    def isf_log(self, log_p, sigma):
        with np.errstate(over="ignore"):
            return np.exp(self.log_isf_log(log_p, sigma))

    def log_isf_log(self, log_p, sigma):
        log_p = np.asarray(log_p, dtype=float)
        p = np.exp(log_p)
        # log z = sigma cot(pi p); for tiny p, 1/(pi p) - pi p/3 without overflow in between
        with np.errstate(over="ignore", divide="ignore"):
            return sigma * np.where(log_p < -20, np.exp(-log_p) / np.pi - np.pi * p / 3, 1.0 / np.tan(np.pi * p))


class LogPareto(Family):
    name, aliases = "logpareto", ("log-pareto",)
    shapes = (Shape("a"),)
    support = (1.0, math.inf)
    formula, tail_text = "P(Z > z) = (1 + log z)^-a on [1, inf)", "super-heavy"
    logpdf, logsf = staticmethod(lt.logpareto_logpdf), staticmethod(lt.logpareto_logsf)

    @property
    def scipy(self):
        from alignlab.dists.superheavy import logpareto
        return logpareto

    def right_tail(self, params, scale):
        return SUPER_HEAVY

    def isf_log(self, log_p, a):
        with np.errstate(over="ignore"):
            return np.exp(self.log_isf_log(log_p, a))

    def log_isf_log(self, log_p, a):
        with np.errstate(over="ignore"):
            return np.expm1(-np.asarray(log_p, dtype=float) / a)


def _log_expm1(x):
    """log(e^x - 1) for x > 0, without overflow for large x."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        return np.where(x > 30, x + np.log1p(-np.exp(-np.minimum(x, 700.0))), np.log(np.expm1(np.minimum(x, 30.0))))


FAMILY_LIST: tuple[Family, ...] = tuple(cls() for cls in (
    Norm, HalfNorm, Uniform, WeibullMin, Expon, Laplace, Logistic, Gumbel, Gamma, LogNorm, T, Cauchy, Levy,
    Pareto, Lomax, GenPareto, InvGamma, Fisk, InvWeibull, LogCauchy, LogPareto))
FAMILIES: dict[str, Family] = {f.name: f for f in FAMILY_LIST}
LOOKUP: dict[str, Family] = {**{a: f for f in FAMILY_LIST for a in f.aliases}, **FAMILIES}
FAMILY_NAMES: tuple[str, ...] = tuple(sorted(FAMILIES))

__all__ = ["FAMILIES", "FAMILY_LIST", "FAMILY_NAMES", "Family", "LOOKUP", "Shape", "exponential",
           "regularly_varying"]
