r"""Approach-time distributions for the independent-steps model.

An approach takes time :math:`T \ge 1` (1 is the optimal speed). Each family is written as
:math:`T = 1 + X` with :math:`X \ge 0` and states only what is special about it: the log survival
function of the excess, its inverse, and its tail class. Everything a mind of power ``q`` needs
follows generically from ``logsf``: the subtask time :math:`M = \min(T_1, \dots, T_q)` has

.. math:: \log P(M > t) = q \log P(T > t),

so its quantiles are :math:`\mathrm{isf}_T(p^{1/q})` and a draw is :math:`\mathrm{isf}_T(e^{-E/q})`
with :math:`E` standard exponential (see :class:`SubtaskTime`).

The families and their tails:

==============  ======================================  =============================
family          P(X > x)                                tail class
==============  ======================================  =============================
pareto(alpha)   (1 + x)^(-alpha)  (T is Pareto on [1,inf)) regularly varying, index alpha
lomax(alpha,    (1 + x/scale)^(-alpha)                  regularly varying, index alpha
  scale)
frechet(alpha,  1 - exp(-(x/scale)^(-alpha))            regularly varying, index alpha
  scale)
loglogistic     1 / (1 + (x/scale)^alpha)               regularly varying, index alpha
  (alpha, scale)
lognormal       Phi(-(log x - mu) / sigma)              subexponential, all moments finite
  (sigma, mu)
weibull(shape,  exp(-(x/scale)^shape)                   subexponential for shape < 1
  scale)
logcauchy       1/2 - arctan((log x - mu)/scale)/pi     super-heavy (~ scale/(pi log x))
  (scale, mu)
logpareto(a)    (1 + log(1 + x))^(-a)                   super-heavy (~ (log x)^(-a))
==============  ======================================  =============================
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from scipy import integrate, special

from alignlab import _validate as v
from alignlab._validate import ParameterError
from alignlab.dists.spec import Spec, parse_spec
from alignlab.dists.tails import TailClass, TailKind


def _log_excess_to_log_time(log_x):
    """log(1 + x) from log x, without overflow."""
    return np.logaddexp(0.0, log_x)


class ApproachTime:
    """Base class: the time ``T = 1 + X`` one approach takes. Subclasses state the excess ``X``."""

    family: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    parameters: ClassVar[tuple[str, ...]]
    defaults: ClassVar[dict[str, float]] = {}

    def __init__(self, **params: float):
        unknown = set(params) - set(self.parameters)
        if unknown:
            raise ParameterError("approach", f"{self.family} takes {', '.join(self.parameters)} "
                                             f"(got {', '.join(sorted(unknown))})")
        values = {**self.defaults, **params}
        missing = [p for p in self.parameters if p not in values]
        if missing:
            raise ParameterError("approach", f"{self.family} needs {', '.join(missing)}")
        for name in self.parameters:
            setattr(self, name, self._check(name, values[name]))

    def _check(self, name: str, value: float) -> float:
        if name == "mu":
            return v.real(name, value)
        return v.real(name, value, low=0.0, low_open=True)

    # -- what each family states -------------------------------------------------------------
    tail: TailClass

    def _logsf_excess(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _log_isf_excess(self, log_p: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- derived -----------------------------------------------------------------------------
    @property
    def tail_index(self) -> float | None:
        """Tail index for regularly varying families, else ``None``."""
        return self.tail.index if self.tail.kind is TailKind.REGULARLY_VARYING else None

    def logsf(self, t):
        """log P(T > t); 0 for t <= 1."""
        t = np.asarray(t, dtype=float)
        x = np.maximum(t - 1.0, 0.0)
        with np.errstate(divide="ignore"):
            out = np.where(t > 1.0, self._logsf_excess(np.where(x > 0, x, 1.0)), 0.0)
        return out[()] if out.ndim == 0 else out

    def log_isf(self, log_p):
        """log t such that P(T > t) = exp(log_p), for log_p <= 0."""
        log_p = np.asarray(log_p, dtype=float)
        with np.errstate(divide="ignore", over="ignore"):
            out = _log_excess_to_log_time(self._log_isf_excess(log_p))
        return out[()] if out.ndim == 0 else out

    def spec(self) -> str:
        args = ", ".join(f"{p}={_fmt(getattr(self, p))}" for p in self.parameters)
        return f"{self.family}({args})"

    def __repr__(self) -> str:
        return self.spec()

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.spec() == other.spec()

    def __hash__(self) -> int:
        return hash(self.spec())

    def min_of(self, q: float) -> "SubtaskTime":
        return SubtaskTime(self, q)

    def _mean_min_closed(self, q: float) -> float | None:
        """Closed-form E[min of q], or None where there is none."""
        return None


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


class Lomax(ApproachTime):
    """T = 1 + scale * Lomax(alpha): P(T > t) = (1 + (t - 1)/scale)^(-alpha)."""

    family = "lomax"
    parameters = ("alpha", "scale")
    defaults = {"scale": 1.0}

    @property
    def tail(self) -> TailClass:
        return TailClass(TailKind.REGULARLY_VARYING, self.alpha)

    def _logsf_excess(self, x):
        return -self.alpha * np.log1p(x / self.scale)

    def _log_isf_excess(self, log_p):
        return np.log(self.scale) + np.log(np.expm1(-log_p / self.alpha))

    def _mean_min_closed(self, q):
        beta = q * self.alpha
        return 1.0 + self.scale / (beta - 1.0) if beta > 1 else math.inf


class Pareto(Lomax):
    """T ~ Pareto(alpha) on [1, inf): P(T > t) = t^(-alpha). The model's default approach."""

    family = "pareto"
    parameters = ("alpha",)
    defaults = {}
    scale = 1.0

    def log_isf(self, log_p):
        out = -np.asarray(log_p, dtype=float) / self.alpha
        return out[()] if out.ndim == 0 else out


class Frechet(ApproachTime):
    """T = 1 + X, X Frechet: P(X > x) = 1 - exp(-(x/scale)^(-alpha))."""

    family = "frechet"
    parameters = ("alpha", "scale")
    defaults = {"scale": 1.0}

    @property
    def tail(self) -> TailClass:
        return TailClass(TailKind.REGULARLY_VARYING, self.alpha)

    def _logsf_excess(self, x):
        return np.log(-np.expm1(-(x / self.scale) ** (-self.alpha)))

    def _log_isf_excess(self, log_p):
        # (x/scale)^(-alpha) = -log(1 - p)
        p = np.exp(log_p)
        log_u = np.where(log_p < -30, log_p + np.log1p(p / 2), np.log(-np.log1p(-p)))
        return np.log(self.scale) - log_u / self.alpha


class LogLogistic(ApproachTime):
    """T = 1 + X, X log-logistic (Fisk): P(X > x) = 1 / (1 + (x/scale)^alpha)."""

    family = "loglogistic"
    aliases = ("log-logistic", "fisk")
    parameters = ("alpha", "scale")
    defaults = {"scale": 1.0}

    @property
    def tail(self) -> TailClass:
        return TailClass(TailKind.REGULARLY_VARYING, self.alpha)

    def _logsf_excess(self, x):
        return -np.logaddexp(0.0, self.alpha * np.log(x / self.scale))

    def _log_isf_excess(self, log_p):
        # (x/scale)^alpha = 1/p - 1
        log_ratio = np.where(log_p < -30, -log_p + np.log1p(-np.exp(log_p)), np.log(np.expm1(-log_p)))
        return np.log(self.scale) + log_ratio / self.alpha


class LogNormal(ApproachTime):
    """T = 1 + exp(mu + sigma Z): all moments finite, heavier than any exponential."""

    family = "lognormal"
    aliases = ("lognorm",)
    parameters = ("sigma", "mu")
    defaults = {"sigma": 1.0, "mu": 0.0}
    tail = TailClass(TailKind.SUBEXPONENTIAL)

    def _logsf_excess(self, x):
        return special.log_ndtr(-(np.log(x) - self.mu) / self.sigma)

    def _log_isf_excess(self, log_p):
        return self.mu - self.sigma * special.ndtri_exp(log_p)


class Weibull(ApproachTime):
    """T = 1 + X, P(X > x) = exp(-(x/scale)^shape); subexponential for shape < 1."""

    family = "weibull"
    parameters = ("shape", "scale")
    defaults = {"scale": 1.0}

    @property
    def tail(self) -> TailClass:
        if self.shape < 1:
            return TailClass(TailKind.SUBEXPONENTIAL)
        if self.shape == 1:
            return TailClass(TailKind.EXPONENTIAL, 1.0 / self.scale)
        return TailClass(TailKind.LIGHT)

    def _logsf_excess(self, x):
        return -(x / self.scale) ** self.shape

    def _log_isf_excess(self, log_p):
        return np.log(self.scale) + np.log(-log_p) / self.shape


class LogCauchy(ApproachTime):
    """T = 1 + X, log X ~ Cauchy(mu, scale): P(X > x) ~ scale / (pi log x), super-heavy."""

    family = "logcauchy"
    aliases = ("log-cauchy",)
    parameters = ("scale", "mu")
    defaults = {"scale": 1.0, "mu": 0.0}
    tail = TailClass(TailKind.SUPER_HEAVY)

    def _logsf_excess(self, x):
        z = (np.log(x) - self.mu) / self.scale
        return np.log(np.arctan2(1.0, z) / np.pi)

    def _log_isf_excess(self, log_p):
        p = np.exp(log_p)
        # z = cot(pi p); for tiny p, 1/(pi p) - pi p / 3 without overflow in between
        z = np.where(log_p < -20, np.exp(-log_p) / np.pi - np.pi * p / 3, 1.0 / np.tan(np.pi * p))
        return self.mu + self.scale * z


class LogPareto(ApproachTime):
    """T = 1 + X, P(X > x) = (1 + log(1 + x))^(-a): super-heavy, log T = expm1(-log(p)/a)."""

    family = "logpareto"
    aliases = ("log-pareto",)
    parameters = ("a",)
    defaults = {"a": 1.0}
    tail = TailClass(TailKind.SUPER_HEAVY)

    def _logsf_excess(self, x):
        return -self.a * np.log1p(np.log1p(x))

    def log_isf(self, log_p):
        out = np.expm1(-np.asarray(log_p, dtype=float) / self.a)
        return out[()] if out.ndim == 0 else out


FAMILIES: dict[str, type[ApproachTime]] = {}
for _cls in (Pareto, Lomax, Frechet, LogLogistic, LogNormal, Weibull, LogCauchy, LogPareto):
    FAMILIES[_cls.family] = _cls
    for _alias in _cls.aliases:
        FAMILIES[_alias] = _cls

REGULARLY_VARYING = ("pareto", "lomax", "frechet", "loglogistic")


def approach_time(spec: "str | Spec | ApproachTime", alpha: float | None = None,
                  param: str = "approach") -> ApproachTime:
    """Build an approach-time distribution from a spec such as ``"frechet"`` or ``"lognormal(sigma=2)"``.

    ``alpha`` fills the tail index of a regularly varying family when the spec leaves it out; for
    the other families it must be ``None`` (their tails have no index).
    """
    if isinstance(spec, ApproachTime):
        if alpha is not None and spec.tail_index != alpha:
            raise ParameterError("alpha", f"conflicts with the approach's own tail index ({spec.tail_index})")
        return spec
    parsed = spec if isinstance(spec, Spec) else parse_spec(spec, param)
    cls = FAMILIES.get(parsed.name)
    if cls is None:
        known = ", ".join(sorted({c.family for c in FAMILIES.values()}))
        raise ParameterError(param, f"unknown approach family {parsed.name!r}; known: {known}")
    if len(parsed.args) > len(cls.parameters):
        raise ParameterError(param, f"{cls.family} takes at most {len(cls.parameters)} positional "
                                    f"parameters ({', '.join(cls.parameters)})")
    params = dict(zip(cls.parameters, parsed.args))
    for key, value in parsed.kwargs:
        if key in params:
            raise ParameterError(param, f"{cls.family}: {key} given twice")
        params[key] = value
    if alpha is not None:
        if "alpha" not in cls.parameters:
            raise ParameterError("alpha", f"applies only to regularly varying approach families "
                                          f"({', '.join(REGULARLY_VARYING)}); {cls.family} has no tail index, "
                                          f"give its parameters in the spec, e.g. {cls.family}({cls.parameters[0]}=1)")
        if "alpha" in params and params["alpha"] != alpha:
            raise ParameterError("alpha", f"is {alpha} but the approach spec says alpha={params['alpha']}")
        params["alpha"] = alpha
    return cls(**params)


@dataclass(frozen=True)
class SubtaskTime:
    r"""The time of one subtask, :math:`M = \min(T_1, \dots, T_q)`: :math:`\log P(M>t) = q \log P(T>t)`.

    ``q`` may be any real >= 1 here; explicit simulation needs it whole.
    """

    approach: ApproachTime
    q: float
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def tail(self) -> TailClass:
        return self.approach.tail.min_of(self.q)

    @property
    def beta(self) -> float | None:
        """Tail index ``q * alpha`` of the subtask time, for regularly varying approaches."""
        return self.tail.index if self.tail.kind is TailKind.REGULARLY_VARYING else None

    def logsf(self, t):
        return self.q * self.approach.logsf(t)

    def sf(self, t):
        return np.exp(self.logsf(t))

    def cdf(self, t):
        return -np.expm1(self.logsf(t))

    def log_isf(self, log_p):
        return self.approach.log_isf(np.asarray(log_p, dtype=float) / self.q)

    def ppf(self, p):
        p = np.asarray(p, dtype=float)
        out = np.exp(self.log_isf(np.log1p(-p)))
        return out[()] if out.ndim == 0 else out

    def isf(self, p):
        return np.exp(self.log_isf(np.log(np.asarray(p, dtype=float))))

    def median(self) -> float:
        return float(np.exp(self.log_isf(math.log(0.5))))

    def sample_log(self, gen: np.random.Generator, size) -> np.ndarray:
        """log M for ``size`` independent subtasks: P(M > m) = exp(-E), i.e. M = isf_T(exp(-E / q))."""
        return self.log_isf(-gen.standard_exponential(size))

    def mean(self) -> float:
        r""":math:`E[M] = 1 + \int_0^\infty P(T > 1 + x)^q\,dx`; ``inf`` when the tail makes it infinite."""
        if "mean" not in self._cache:
            self._cache["mean"] = self._mean()
        return self._cache["mean"]

    def _mean(self) -> float:
        if not self.tail.moment_finite(1.0):
            return math.inf
        closed = self.approach._mean_min_closed(self.q)
        if closed is not None:
            return closed
        return 1.0 + _integrate_exp_log_scale(lambda x: self.logsf(1.0 + x), tail_index=self.beta)

    def variance(self) -> float:
        """Var[M]; ``inf`` when the second moment is infinite."""
        if not self.tail.moment_finite(2.0):
            return math.inf
        beta = self.beta
        if isinstance(self.approach, Lomax) and beta is not None:
            c = self.approach.scale
            return c * c * beta / ((beta - 1.0) ** 2 * (beta - 2.0))
        # E[(M-1)^2] = int 2x P(X > x) dx
        second = 2.0 * _integrate_exp_log_scale(lambda x: self.logsf(1.0 + x), 1, tail_index=self.beta)
        m1 = self.mean() - 1.0
        return second - m1 * m1


def _integrate_exp_log_scale(logf, weight_power: int = 0, tail_index: float | None = None) -> float:
    r""":math:`\int_0^\infty x^k e^{\mathrm{logf}(x)} dx` by quadrature in :math:`u = \log x`.

    Beyond :math:`x_0 = e^{40}` a regularly varying integrand (``tail_index`` b, so that
    :math:`e^{\mathrm{logf}(x)} \approx C x^{-b}`) is integrated in closed form,
    :math:`x_0^{k+1} e^{\mathrm{logf}(x_0)} / (b - k - 1)`; slowly decaying tails need it.
    """
    k1 = weight_power + 1

    def integrand(u):
        return math.exp(float(logf(math.exp(u))) + k1 * u)

    u_end = 40.0 if tail_index is not None else 700.0
    total = 0.0
    # the mass sits around x ~ 1 for every family here; split there and let quad map the left end
    for lo, hi in ((-math.inf, -5.0), (-5.0, 5.0), (5.0, 40.0), (40.0, u_end)):
        if hi > lo:
            total += integrate.quad(integrand, lo, hi, limit=400, epsabs=0.0, epsrel=1e-11)[0]
    if tail_index is not None:
        total += integrand(u_end) / (tail_index - k1)
    return total
