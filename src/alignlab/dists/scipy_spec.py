"""scipy.stats continuous distributions named by spec strings, with accurate log tails and tail classes.

``continuous("t(df=3)")`` parses the spec with :func:`alignlab.dists.spec.parse_spec` (never
``eval``), checks every parameter against the family's domain and returns a :class:`Continuous`:
the frozen scipy distribution plus what the Goodhart numerics need and scipy does not give
reliably: ``logpdf``/``logsf``/``logcdf`` that stay finite and accurate far into the tails (to
P = 1e-300 and beyond), the partial expectation ``H(x) = E[(X - E X) 1{X > x}]``, and the tail
class of each tail from closed-form knowledge of the family.

Spec syntax follows scipy: positional arguments are the shape parameters, then ``loc`` and
``scale``; ``"norm(0, 1)"``, ``"t(df=3)"``, ``"lognorm(s=1)"``, ``"levy"``, ``"pareto(b=2.5)"``,
``"genpareto(c=0.5)"``, ``"expon(scale=2)"``. The families (right tail):

=============== =========================================================
family          tail class
=============== =========================================================
norm, halfnorm  light
uniform         bounded
weibull_min(c)  light (c > 1), exponential rate 1/scale (c = 1), subexponential (c < 1)
expon, laplace, exponential, rate 1/scale
logistic,
gumbel_r, gamma
lognorm         subexponential
t(df)           regularly varying, index df (both tails)
cauchy          regularly varying, index 1 (both tails)
levy            regularly varying, index 1/2
pareto(b),      regularly varying, index b (resp. c, a, c, c)
lomax(c),
invgamma(a),
fisk(c),
invweibull(c)
genpareto(c)    regularly varying, index 1/c (c > 0); exponential (c = 0); bounded (c < 0)
logcauchy(sigma) super-heavy: P(X > x) ~ sigma / (pi log x)
=============== =========================================================
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from alignlab import _validate as v
from alignlab._validate import ParameterError
from alignlab.dists import logtails as lt
from alignlab.dists.spec import Spec, parse_spec
from alignlab.dists.tails import TailClass, TailKind


class _logcauchy_gen(stats.rv_continuous):
    """log X ~ Cauchy(0, sigma): X = exp(sigma C). Super-heavy: no moment of positive order."""

    def _argcheck(self, sigma):
        return sigma > 0

    def _logpdf(self, x, sigma):
        return lt.logcauchy_logpdf(x, sigma)

    def _pdf(self, x, sigma):
        return np.exp(lt.logcauchy_logpdf(x, sigma))

    def _cdf(self, x, sigma):
        return np.arctan2(1.0, -np.log(x) / sigma) / np.pi

    def _sf(self, x, sigma):
        return np.arctan2(1.0, np.log(x) / sigma) / np.pi

    def _ppf(self, q, sigma):
        return np.exp(sigma * np.tan(np.pi * (q - 0.5)))

    def _isf(self, q, sigma):
        return np.exp(sigma * np.tan(np.pi * (0.5 - q)))


logcauchy = _logcauchy_gen(a=0.0, name="logcauchy", shapes="sigma")

LIGHT = TailClass(TailKind.LIGHT)
BOUNDED = TailClass(TailKind.BOUNDED)
SUBEXPONENTIAL = TailClass(TailKind.SUBEXPONENTIAL)
SUPER_HEAVY = TailClass(TailKind.SUPER_HEAVY)


def _rv(index: float) -> TailClass:
    return TailClass(TailKind.REGULARLY_VARYING, float(index))


def _rate(rate: float) -> TailClass:
    return TailClass(TailKind.EXPONENTIAL, float(rate))


def _weibull_tail(p, scale):
    c = p["c"]
    return LIGHT if c > 1 else _rate(1 / scale) if c == 1 else SUBEXPONENTIAL


def _genpareto_tail(p, scale):
    c = p["c"]
    return _rv(1 / c) if c > 0 else _rate(1 / scale) if c == 0 else BOUNDED


@dataclass(frozen=True)
class Family:
    """What alignlab knows about one scipy family, in standard coordinates z = (x - loc)/scale.

    ``right``/``left`` give the tail classes from the shape parameters and the scale; the
    optional functions replace scipy's where scipy underflows or overflows in the far tails, and
    ``logh`` is the closed-form log partial expectation where one exists.
    """

    name: str
    shapes: tuple[str, ...]
    right: Callable[[dict, float], TailClass]
    left: Callable[[dict, float], TailClass] = lambda p, s: BOUNDED
    domains: tuple[tuple[float, float], ...] = ()     # open interval per shape; default (0, inf)
    logpdf: Callable | None = None
    logsf: Callable | None = None
    logcdf: Callable | None = None
    logh: Callable | None = None
    aliases: tuple[str, ...] = ()
    scipy_dist: object = None

    @property
    def dist(self):
        return self.scipy_dist if self.scipy_dist is not None else getattr(stats, self.name)

    def domain(self, i: int) -> tuple[float, float]:
        return self.domains[i] if i < len(self.domains) else (0.0, math.inf)


def _same(p, s):                   # symmetric families: the left tail is the right tail
    return None


_FAMILY_LIST = (
    Family("norm", (), lambda p, s: LIGHT, _same, logpdf=lt.norm_logpdf, logsf=lt.norm_logsf,
           logcdf=lt.norm_logcdf, logh=lt.norm_logh, aliases=("normal", "gaussian")),
    Family("halfnorm", (), lambda p, s: LIGHT, logsf=lt.halfnorm_logsf, aliases=("halfnormal",)),
    Family("uniform", (), lambda p, s: BOUNDED, logh=lt.uniform_logh),
    Family("weibull_min", ("c",), _weibull_tail, aliases=("weibull",)),
    Family("expon", (), lambda p, s: _rate(1 / s), logh=lt.expon_logh, aliases=("exponential",)),
    Family("laplace", (), lambda p, s: _rate(1 / s), _same, logpdf=lt.laplace_logpdf, logsf=lt.laplace_logsf,
           logcdf=lt.laplace_logcdf, logh=lt.laplace_logh),
    Family("logistic", (), lambda p, s: _rate(1 / s), _same, logh=lt.logistic_logh),
    Family("gumbel_r", (), lambda p, s: _rate(1 / s), lambda p, s: LIGHT, logsf=lt.gumbel_logsf,
           aliases=("gumbel",)),
    Family("gamma", ("a",), lambda p, s: _rate(1 / s), logsf=lambda z, a: lt.gamma_logsf(z, a)),
    Family("lognorm", ("s",), lambda p, s: SUBEXPONENTIAL, logh=lambda z, s_: lt.lognorm_logh(z, s_),
           aliases=("lognormal",)),
    Family("t", ("df",), lambda p, s: _rv(p["df"]), _same, logpdf=lt.t_logpdf, logsf=lt.t_logsf,
           logcdf=lt.t_logcdf, logh=lambda z, df: lt.t_logh(z, df), aliases=("student_t", "studentt")),
    Family("cauchy", (), lambda p, s: _rv(1), _same, logpdf=lt.cauchy_logpdf, logsf=lt.cauchy_logsf,
           logcdf=lt.cauchy_logcdf),
    Family("levy", (), lambda p, s: _rv(0.5), logpdf=lt.levy_logpdf),
    Family("pareto", ("b",), lambda p, s: _rv(p["b"]), logpdf=lt.pareto_logpdf, logsf=lt.pareto_logsf,
           logh=lambda z, b: lt.pareto_logh(z, b)),
    Family("lomax", ("c",), lambda p, s: _rv(p["c"]), logh=lambda z, c: lt.lomax_logh(z, c)),
    Family("genpareto", ("c",), _genpareto_tail, domains=((-math.inf, math.inf),)),
    Family("invgamma", ("a",), lambda p, s: _rv(p["a"]), logsf=lambda z, a: lt.invgamma_logsf(z, a)),
    Family("fisk", ("c",), lambda p, s: _rv(p["c"]), logsf=lt.fisk_logsf, logcdf=lt.fisk_logcdf,
           aliases=("loglogistic", "log-logistic")),
    Family("invweibull", ("c",), lambda p, s: _rv(p["c"]), logpdf=lt.invweibull_logpdf, logsf=lt.invweibull_logsf,
           aliases=("frechet",)),
    Family("logcauchy", ("sigma",), lambda p, s: SUPER_HEAVY, logpdf=lt.logcauchy_logpdf,
           logsf=lt.logcauchy_logsf, logcdf=lt.logcauchy_logcdf, aliases=("log-cauchy",), scipy_dist=logcauchy),
)

FAMILIES: dict[str, Family] = {f.name: f for f in _FAMILY_LIST}
# the parameter ranges in which the log functions are tested far into the tails
SHAPE_RANGE = (1e-3, 1e6)
SCALE_RANGE = (1e-100, 1e100)
_LOOKUP: dict[str, Family] = {**{a: f for f in _FAMILY_LIST for a in f.aliases}, **FAMILIES}
FAMILY_NAMES: tuple[str, ...] = tuple(sorted(FAMILIES))

# double-exponential rules (Takahasi-Mori) for the partial expectation of families without a
# closed form: exp-sinh on (0, inf) and tanh-sinh on (0, 1), as offsets from the nearer end
_H = 1.0 / 16.0
_TAU = np.arange(-6.5, 6.5 + 1e-9, _H)
_Y = np.exp(0.5 * np.pi * np.sinh(_TAU))
_LOG_W = np.log(_H * 0.5 * np.pi * np.cosh(_TAU) * _Y)
_TS = np.arange(-3.5, 3.5 + 1e-9, _H)
_U = 0.5 * np.pi * np.sinh(_TS)
_TS_OFF = 1.0 / (1.0 + np.exp(2.0 * np.abs(_U)))            # distance of a node from its nearer end, on (0, 1)
_TS_LOG_W = np.log(_H * 0.5 * np.pi * np.cosh(_TS)) - 2 * np.logaddexp(_U, -_U) + 2 * np.log(2.0) - np.log(2.0)


class Continuous:
    """A frozen scipy continuous distribution with accurate log tails and its tail classes.

    ``tail`` is the class of the right tail (what ``P(X > t)`` does), ``left_tail`` that of the
    left tail. Log functions return ``-inf`` only where the probability is zero or below the
    smallest positive double's logarithm range, never ``nan``.
    """

    def __init__(self, family: Family, shapes: tuple[float, ...], loc: float = 0.0, scale: float = 1.0):
        self.family = family
        self.shapes = tuple(float(s) for s in shapes)
        self.loc = float(loc)
        self.scale = float(scale)
        self.frozen = family.dist(*self.shapes, loc=self.loc, scale=self.scale)
        self._std = family.dist(*self.shapes)
        params = dict(zip(family.shapes, self.shapes))
        self.tail: TailClass = family.right(params, self.scale)
        left = family.left(params, self.scale)
        self.left_tail: TailClass = self.tail if left is None else left

    # -- identity -----------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.family.name

    @property
    def spec(self) -> str:
        parts = [f"{k}={_fmt(x)}" for k, x in zip(self.family.shapes, self.shapes)]
        if self.loc != 0:
            parts.append(f"loc={_fmt(self.loc)}")
        if self.scale != 1:
            parts.append(f"scale={_fmt(self.scale)}")
        return f"{self.name}({', '.join(parts)})" if parts else self.name

    def __repr__(self) -> str:
        return f"Continuous({self.spec!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Continuous) and self.spec == other.spec

    def __hash__(self) -> int:
        return hash(self.spec)

    def __reduce__(self):
        return (continuous, (self.spec,))

    # -- log functions ---------------------------------------------------------------------
    def _z(self, x):
        return (np.asarray(x, dtype=float) - self.loc) / self.scale

    def _call(self, override, generic, x, at_minus_inf: float, at_plus_inf: float):
        """The log function at z = (x - loc)/scale; at z = -inf and +inf its limits (x far beyond
        the double range of the standard variable)."""
        z = np.asarray(self._z(x))
        finite = np.isfinite(z)
        out = np.where(z < 0, at_minus_inf, at_plus_inf).astype(float)
        if finite.any():
            with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
                zf = z[finite]
                out[finite] = override(zf, *self.shapes) if override is not None else generic(zf)
        out[np.isnan(z)] = np.nan
        if np.isnan(out[~np.isnan(z)]).any():
            bad = z[np.isnan(out) & ~np.isnan(z)].ravel()[0] * self.scale + self.loc
            raise FloatingPointError(f"{self.spec}: log function is nan at x = {bad!r}")
        return out[()] if out.ndim == 0 else out

    def logpdf(self, x):
        return self._call(self.family.logpdf, self._std.logpdf, x, -np.inf, -np.inf) - math.log(self.scale)

    def logsf(self, x):
        """log P(X > x)."""
        return self._call(self.family.logsf, self._std.logsf, x, 0.0, -np.inf)

    def logcdf(self, x):
        """log P(X <= x)."""
        return self._call(self.family.logcdf, self._std.logcdf, x, -np.inf, 0.0)

    def log_partial_expectation(self, x):
        r"""log H(x), H(x) = E[(X - \mu) 1\{X > x\}] >= 0 (``-inf`` where H = 0).

        Closed form where the family has one; otherwise H = (x - mu) P(X > x) + int_x^inf P(X > w) dw
        for x >= mu and (mu - x) P(X <= x) + int_-inf^x P(X <= w) dw below the mean, each integral by
        an exp-sinh rule (Takahasi-Mori) scaled by the local mean residual life.
        """
        if not self.has_finite_mean:
            raise ParameterError("utility", f"{self.spec} has no finite mean, so E[(X - mean) 1{{X > x}}] "
                                            "is undefined")
        if self.family.logh is not None:
            return self._call(self.family.logh, None, x, -np.inf, -np.inf) + math.log(self.scale)
        return self._generic_logh(np.asarray(x, dtype=float))

    def _generic_logh(self, x):
        mu = self.mean
        lo, hi = self.support
        flat = np.atleast_1d(x).ravel()
        out = np.empty_like(flat)
        right = flat >= mu
        for mask, logtail, sign, end in ((right, self.logsf, 1.0, hi), (~right, self.logcdf, -1.0, lo)):
            if not mask.any():
                continue
            xs = flat[mask]
            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                first = np.log(np.abs(xs - mu)) + logtail(xs)
                if math.isfinite(end):       # int over [x, hi] (or [lo, x]) by tanh-sinh
                    length = np.abs(end - xs)
                    near_x = xs[:, None] + sign * length[:, None] * _TS_OFF[None, :]
                    near_end = end - sign * length[:, None] * _TS_OFF[None, :]
                    nodes = np.where(_U[None, :] < 0, near_x, near_end)
                    vals = logtail(nodes) + _TS_LOG_W[None, :] + np.log(length)[:, None]
                else:                        # int over [x, inf) by exp-sinh, scaled by the mean residual life
                    lp_x = self.logpdf(xs)
                    log_c = np.clip(np.where(np.isfinite(lp_x), logtail(xs) - lp_x, 0.0), -700, 700)
                    log_c = np.minimum(log_c, np.log(self.scale) + 50.0)
                    nodes = xs[:, None] + sign * np.exp(log_c)[:, None] * _Y[None, :]
                    vals = logtail(nodes) + _LOG_W[None, :] + log_c[:, None]
                integral = _logsumexp(vals, axis=1)
            out[mask] = np.logaddexp(first, integral)
        out = out.reshape(np.shape(x))
        return out[()] if out.ndim == 0 else out

    # -- summaries -------------------------------------------------------------------------
    @property
    def has_finite_mean(self) -> bool:
        return self.tail.moment_finite(1.0) and self.left_tail.moment_finite(1.0)

    @property
    def mean(self) -> float:
        if not self.has_finite_mean:
            right, left = not self.tail.moment_finite(1.0), not self.left_tail.moment_finite(1.0)
            return math.nan if right and left else math.inf if right else -math.inf
        return float(self.frozen.mean())

    @property
    def var(self) -> float:
        return float(self.frozen.var()) if self.tail.moment_finite(2.0) and self.left_tail.moment_finite(2.0) \
            else math.inf

    @property
    def median(self) -> float:
        return float(self.frozen.median())

    @property
    def width(self) -> float:
        """Half the interquartile range: the scale on which the body of the law varies."""
        return float(self.frozen.ppf(0.75) - self.frozen.ppf(0.25)) / 2

    @property
    def support(self) -> tuple[float, float]:
        lo, hi = self.frozen.support()
        return float(lo), float(hi)

    def rvs(self, size, rng: np.random.Generator) -> np.ndarray:
        return np.asarray(self.frozen.rvs(size=size, random_state=rng), dtype=float)


def _logsumexp(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return (np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m).squeeze(axis)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def _family(name: str, param: str, text: str) -> Family:
    family = _LOOKUP.get(name)
    if family is None:
        raise ParameterError(param, f"unknown distribution {name!r} in {text!r}; known: {', '.join(FAMILY_NAMES)}")
    return family


def continuous(spec, param: str = "spec") -> Continuous:
    """A :class:`Continuous` from a spec string, a :class:`Spec`, a frozen scipy distribution or a
    :class:`Continuous` (returned as is). Every problem raises :class:`ParameterError` naming ``param``."""
    if isinstance(spec, Continuous):
        return spec
    if hasattr(spec, "dist") and hasattr(spec, "args") and hasattr(spec, "kwds"):
        return from_frozen(spec, param)
    parsed = spec if isinstance(spec, Spec) else parse_spec(spec, param)
    family = _family(parsed.name, param, str(parsed))
    names = family.shapes + ("loc", "scale")
    if len(parsed.args) > len(names):
        raise ParameterError(param, f"{family.name} takes at most {len(names)} arguments ({', '.join(names)}) "
                                    f"(got {parsed})")
    values = dict(zip(names, parsed.args))
    for key, value in parsed.kwargs:
        if key not in names:
            raise ParameterError(param, f"{family.name} takes {', '.join(names)} (got {key}={_fmt(value)})")
        if key in values:
            raise ParameterError(param, f"{family.name} got {key} twice (got {parsed})")
        values[key] = value
    return _build(family, values, param)


def _build(family: Family, values: dict, param: str) -> Continuous:
    missing = [s for s in family.shapes if s not in values]
    if missing:
        raise ParameterError(param, f"{family.name} needs {', '.join(missing)} (e.g. "
                                    f"'{family.name}({', '.join(f'{m}=2' for m in family.shapes)})')")
    shapes = []
    for i, name in enumerate(family.shapes):
        lo, hi = family.domain(i)
        value = values[name]
        if not (lo < value < hi) or not math.isfinite(value):
            bound = f"> {_fmt(lo)}" if math.isinf(hi) and math.isfinite(lo) else "finite" if math.isinf(lo) \
                else f"in ({_fmt(lo)}, {_fmt(hi)})"
            raise ParameterError(param, f"{family.name} needs {name} {bound} (got {name}={_fmt(value)})")
        low, high = (SHAPE_RANGE if lo == 0 else (-SHAPE_RANGE[1], SHAPE_RANGE[1]))
        if not low <= value <= high:
            raise ParameterError(param, f"{family.name} needs {name} in [{low:g}, {high:g}], the range where its log "
                                        f"tails are checked (got {name}={_fmt(value)})")
        shapes.append(value)
    loc = v.real(param, values.get("loc", 0.0))
    scale = values.get("scale", 1.0)
    if not (scale > 0 and math.isfinite(scale)):
        raise ParameterError(param, f"{family.name} needs scale > 0 (got scale={_fmt(scale)})")
    if not (SCALE_RANGE[0] <= scale <= SCALE_RANGE[1] and abs(loc) <= SCALE_RANGE[1]):
        raise ParameterError(param, f"{family.name} needs scale in [{SCALE_RANGE[0]:g}, {SCALE_RANGE[1]:g}] and "
                                    f"|loc| <= {SCALE_RANGE[1]:g} (got loc={_fmt(loc)}, scale={_fmt(scale)})")
    dist = Continuous(family, tuple(shapes), loc, scale)
    with np.errstate(all="ignore"):
        quartiles = dist.frozen.ppf([0.25, 0.5, 0.75])
    if not (np.isfinite(quartiles).all() and quartiles[2] > quartiles[0]):
        raise ParameterError(param, f"{dist.spec} has quartiles beyond the double range or of zero width "
                                    f"(got {', '.join(f'{q:g}' for q in quartiles)})")
    return dist


def from_frozen(frozen, param: str = "spec") -> Continuous:
    """Wrap a frozen scipy distribution (``scipy.stats.norm(0, 2)``) of a known family."""
    name = getattr(frozen.dist, "name", None)
    family = FAMILIES.get(name)
    if family is None:
        raise ParameterError(param, f"must be one of the families {', '.join(FAMILY_NAMES)} (got scipy '{name}')")
    shapes, loc, scale = frozen.dist._parse_args(*frozen.args, **frozen.kwds)
    values = {**dict(zip(family.shapes, (float(np.asarray(s)) for s in shapes))), "loc": float(np.asarray(loc)),
              "scale": float(np.asarray(scale))}
    return _build(family, values, param)


__all__ = ["FAMILIES", "FAMILY_NAMES", "Continuous", "Family", "continuous", "from_frozen", "logcauchy"]
