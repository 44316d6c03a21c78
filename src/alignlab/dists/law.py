r"""A law from the family table with its parameters: accurate log tails, tail classes, moments, draws.

``continuous("t(df=3)")`` parses the spec with :func:`alignlab.dists.spec.parse_spec` (never
``eval``), checks every parameter against the family's domain and returns a :class:`Continuous`:
the frozen scipy distribution plus what alignlab's numerics need and scipy does not give reliably:
log functions that stay finite and accurate far into the tails (to P = 1e-300 and beyond), their
inverse in log space, the partial expectation :math:`H(x) = E[(X - EX) 1\{X > x\}]`, and the tail
class of each tail. :meth:`Continuous.min_of` gives the law of the minimum of ``q`` copies, the
subtask time of the steps model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from alignlab import _validate as v
from alignlab._validate import ParameterError
from alignlab.dists.families import FAMILIES, FAMILY_NAMES, LOOKUP, Family
from alignlab.dists.spec import Spec, format_number, parse_spec
from alignlab.dists.tails import TailClass, TailKind

# the parameter ranges in which the log functions are tested far into the tails
SHAPE_RANGE = (1e-3, 1e6)
SCALE_RANGE = (1e-100, 1e100)

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
    """A law of the family table with its shapes, ``loc`` and ``scale``: ``X = loc + scale * Z``.

    ``tail`` is the class of the right tail (what ``P(X > t)`` does), ``left_tail`` that of the
    left tail. Log functions return ``-inf`` only where the probability is zero or below the
    smallest positive double's logarithm range, never ``nan``.
    """

    def __init__(self, family: Family, shapes: tuple[float, ...], loc: float = 0.0, scale: float = 1.0):
        self.family = family
        self.shapes = tuple(float(s) for s in shapes)
        self.loc = float(loc)
        self.scale = float(scale)
        self.frozen = family.scipy(*self.shapes, loc=self.loc, scale=self.scale)
        self._std = family.scipy(*self.shapes)
        params = dict(zip(family.shape_names, self.shapes))
        self.tail: TailClass = family.right_tail(params, self.scale)
        self.left_tail: TailClass = family.left_tail(params, self.scale)

    # -- identity -----------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.family.name

    @property
    def spec(self) -> str:
        parts = [f"{k}={format_number(x)}" for k, x in zip(self.family.shape_names, self.shapes)]
        if self.loc != 0:
            parts.append(f"loc={format_number(self.loc)}")
        if self.scale != 1:
            parts.append(f"scale={format_number(self.scale)}")
        return f"{self.name}({', '.join(parts)})" if parts else self.name

    def __repr__(self) -> str:
        return f"Continuous({self.spec!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Continuous) and self.spec == other.spec

    def __hash__(self) -> int:
        return hash(self.spec)

    def __reduce__(self):
        return (continuous, (self.spec,))

    @property
    def tail_index(self) -> float | None:
        """The index of a regularly varying right tail (moments below it are finite), else None."""
        return self.tail.index if self.tail.kind is TailKind.REGULARLY_VARYING else None

    # -- log functions ---------------------------------------------------------------------
    def _z(self, x):
        with np.errstate(over="ignore"):        # a point far out on a tiny scale is +-inf, its true limit
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

    def sf(self, x):
        return np.exp(self.logsf(x))

    def cdf(self, x):
        return -np.expm1(self.logsf(x))

    def isf_log(self, log_p):
        """x with log P(X > x) = ``log_p`` (``log_p <= 0``)."""
        with np.errstate(over="ignore", invalid="ignore"):
            out = self.loc + self.scale * np.asarray(self.family.isf_log(np.asarray(log_p, dtype=float),
                                                                         *self.shapes), dtype=float)
        return out[()] if out.ndim == 0 else out

    def log_isf_log(self, log_p):
        """log x with log P(X > x) = ``log_p``, for laws on [0, inf): finite where x itself overflows
        (super-heavy tails), which the steps model needs for its subtask times."""
        if self.loc < 0 or not self.family.positive:
            raise ParameterError("spec", f"{self.spec} takes negative values; log x is defined for laws on [0, inf)")
        with np.errstate(divide="ignore", over="ignore"):
            log_z = np.asarray(self.family.log_isf_log(np.asarray(log_p, dtype=float), *self.shapes), dtype=float)
            out = math.log(self.scale) + log_z
            if self.loc > 0:
                out = np.logaddexp(math.log(self.loc), out)
        return out[()] if out.ndim == 0 else out

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
        """Half the interquartile range: the scale on which the body of the law varies (infinite where the
        upper quartile overflows a double, as for lomax or pareto with a shape below about 1/1000)."""
        with np.errstate(over="ignore"):
            low, high = float(self.frozen.ppf(0.25)), float(self.frozen.ppf(0.75))
        return math.inf if math.isinf(high) else (high - low) / 2

    @property
    def support(self) -> tuple[float, float]:
        lo, hi = self.frozen.support()
        return float(lo), float(hi)

    def rvs(self, size, rng: np.random.Generator) -> np.ndarray:
        return np.asarray(self.frozen.rvs(size=size, random_state=rng), dtype=float)

    # -- derived laws -----------------------------------------------------------------------
    def min_of(self, q: float) -> Minimum:
        """The law of the minimum of ``q`` independent copies (see :class:`Minimum`)."""
        return Minimum(self, float(q))

    @property
    def lomax_form(self) -> tuple[float, float, float] | None:
        """``(offset, c, index)`` when X = offset + c Y with Y unit Lomax(index) (pareto and lomax), else None.

        ``pareto(b, loc, scale)`` is ``loc + scale + scale * Lomax(b)``; ``lomax(c, loc, scale)`` is
        ``loc + scale * Lomax(c)``. The steps model inverts sums of these exactly."""
        if self.name == "pareto":
            return self.loc + self.scale, self.scale, self.shapes[0]
        if self.name == "lomax":
            return self.loc, self.scale, self.shapes[0]
        return None


@dataclass(frozen=True)
class Minimum:
    r"""The minimum of ``q`` independent copies of ``law``: :math:`\log P(M > t) = q \log P(X > t)`.

    The steps model's subtask time: ``law`` is one approach's time (support in [1, inf)) and ``q``
    the mind's power, any real >= 1 here (explicit simulation needs it whole). Quantiles and draws
    follow from the law's inverse, :math:`\log M = \log \mathrm{isf}_X(p^{1/q})`, in log space.
    """

    law: Continuous
    q: float
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def tail(self) -> TailClass:
        return self.law.tail.min_of(self.q)

    @property
    def beta(self) -> float | None:
        """Tail index ``q * alpha`` of the minimum, for regularly varying laws."""
        return self.tail.index if self.tail.kind is TailKind.REGULARLY_VARYING else None

    @property
    def exponential_form(self) -> bool:
        """Whether M = exp(E / beta) with E standard exponential: the minimum of q standard Pareto laws
        (``pareto(b)``, loc 0, scale 1), the fast path of every simulation backend."""
        law = self.law
        return law.name == "pareto" and law.loc == 0.0 and law.scale == 1.0

    def logsf(self, t):
        return self.q * self.law.logsf(t)

    def sf(self, t):
        return np.exp(self.logsf(t))

    def cdf(self, t):
        return -np.expm1(self.logsf(t))

    def log_isf_log(self, log_p):
        """log t with log P(M > t) = ``log_p``."""
        return self.law.log_isf_log(np.asarray(log_p, dtype=float) / self.q)

    def ppf(self, p):
        p = np.asarray(p, dtype=float)
        out = np.exp(self.log_isf_log(np.log1p(-p)))
        return out[()] if out.ndim == 0 else out

    def isf(self, p):
        return np.exp(self.log_isf_log(np.log(np.asarray(p, dtype=float))))

    def median(self) -> float:
        return float(np.exp(self.log_isf_log(math.log(0.5))))

    def sample_log(self, gen: np.random.Generator, size) -> np.ndarray:
        """log M for ``size`` independent draws: P(M > m) = exp(-E) with E standard exponential."""
        return self.log_isf_log(-gen.standard_exponential(size))

    def mean(self) -> float:
        r""":math:`E[M] = a + \int_0^\infty P(X > a + x)^q\,dx` (``a`` the lower end of the support);
        ``inf`` when the tail makes it infinite."""
        if "mean" not in self._cache:
            self._cache["mean"] = self._mean()
        return self._cache["mean"]

    def _mean(self) -> float:
        if not self.tail.moment_finite(1.0):
            return math.inf
        form = self.law.lomax_form
        if form is not None:                       # offset + c E[min of q Lomax] = offset + c/(beta - 1)
            offset, c, _ = form
            return offset + c / (self.beta - 1.0)
        low = self.law.support[0]
        return low + _integrate_exp_log_scale(lambda x: self.logsf(low + x), tail_index=self.beta)

    def variance(self) -> float:
        """Var[M]; ``inf`` when the second moment is infinite."""
        if not self.tail.moment_finite(2.0):
            return math.inf
        form = self.law.lomax_form
        if form is not None:
            c, beta = form[1], self.beta
            return c * c * beta / ((beta - 1.0) ** 2 * (beta - 2.0))
        low = self.law.support[0]
        second = 2.0 * _integrate_exp_log_scale(lambda x: self.logsf(low + x), 1, tail_index=self.beta)
        m1 = self.mean() - low
        return second - m1 * m1


def _integrate_exp_log_scale(logf, weight_power: int = 0, tail_index: float | None = None) -> float:
    r""":math:`\int_0^\infty x^k e^{\mathrm{logf}(x)} dx` by quadrature in :math:`u = \log x`.

    Beyond :math:`x_0 = e^{40}` a regularly varying integrand (``tail_index`` b, so that
    :math:`e^{\mathrm{logf}(x)} \approx C x^{-b}`) is integrated in closed form,
    :math:`x_0^{k+1} e^{\mathrm{logf}(x_0)} / (b - k - 1)`; slowly decaying tails need it.
    """
    from scipy import integrate
    k1 = weight_power + 1

    def integrand(u):
        return math.exp(float(logf(math.exp(u))) + k1 * u)

    u_end = 40.0 if tail_index is not None else 700.0
    total = 0.0
    # the mass sits around x ~ 1 for the usual scales; split there and let quad map the left end
    for lo, hi in ((-math.inf, -5.0), (-5.0, 5.0), (5.0, 40.0), (40.0, u_end)):
        if hi > lo:
            total += integrate.quad(integrand, lo, hi, limit=400, epsabs=0.0, epsrel=1e-11)[0]
    if tail_index is not None:
        total += integrand(u_end) / (tail_index - k1)
    return total


def _logsumexp(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return (np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m).squeeze(axis)


# -- parsing -----------------------------------------------------------------------------------------

def family(name: str, param: str, text: str) -> Family:
    """The family named ``name`` (or one of its aliases); unknown names raise naming ``param``."""
    found = LOOKUP.get(name)
    if found is None:
        raise ParameterError(param, f"unknown distribution {name!r} in {text!r}; known: {', '.join(FAMILY_NAMES)} "
                                    f"(alignlab dists list)")
    return found


def continuous(spec, param: str = "spec", *, fill: dict | None = None) -> Continuous:
    """A :class:`Continuous` from a spec string, a :class:`Spec`, a frozen scipy distribution or a
    :class:`Continuous` (returned as is). Every problem raises :class:`ParameterError` naming ``param``.

    ``fill`` supplies parameters the spec leaves out (``{"tail": 0.5}`` fills the family's tail-index
    shape: ``pareto`` with ``fill={"tail": 0.5}`` is ``pareto(b=0.5)``)."""
    if isinstance(spec, Continuous):
        return spec
    if hasattr(spec, "dist") and hasattr(spec, "args") and hasattr(spec, "kwds"):
        return from_frozen(spec, param)
    parsed = spec if isinstance(spec, Spec) else parse_spec(spec, param)
    fam = family(parsed.name, param, str(parsed))
    values = parameters(fam, parsed, param)
    for key, value in (fill or {}).items():
        name = fam.tail_shape if key == "tail" else key
        if name is not None and name not in values:
            values[name] = value
    return build(fam, values, param)


def parameters(fam: Family, parsed: Spec, param: str) -> dict[str, float]:
    """The spec's values by parameter name (shapes, then loc and scale), checked for unknown and repeated names."""
    names = fam.shape_names + ("loc", "scale")
    if len(parsed.args) > len(names):
        raise ParameterError(param, f"{fam.name} takes at most {len(names)} arguments ({', '.join(names)}) "
                                    f"(got {parsed})")
    values = dict(zip(names, parsed.args))
    for key, value in parsed.kwargs:
        if key not in names:
            raise ParameterError(param, f"{fam.name} takes {', '.join(names)} (got {key}={format_number(value)})"
                                        + _legacy_hint(fam, parsed))
        if key in values:
            raise ParameterError(param, f"{fam.name} got {key} twice (got {parsed})")
        values[key] = value
    return values


def build(fam: Family, values: dict, param: str) -> Continuous:
    """Check ``values`` against the family's domains and the ranges where its tails are tested."""
    missing = [s for s in fam.shape_names if s not in values]
    if missing:
        example = ", ".join(f"{m}=2" for m in fam.shape_names)
        old = legacy_spelling(fam, values)
        hint = "" if old is None else f"; the old steps spelling {fam.name}(...) is now {old}"
        raise ParameterError(param, f"{fam.name} needs {', '.join(missing)} (e.g. '{fam.name}({example})'){hint}")
    shapes = []
    for shape in fam.shapes:
        value = values[shape.name]
        if not (shape.low < value < shape.high) or not math.isfinite(value):
            bound = f"> {format_number(shape.low)}" if math.isinf(shape.high) and math.isfinite(shape.low) \
                else "finite" if math.isinf(shape.low) else f"in ({format_number(shape.low)}, {format_number(shape.high)})"
            raise ParameterError(param, f"{fam.name} needs {shape.name} {bound} (got {shape.name}={format_number(value)})")
        low, high = shape.checked or (SHAPE_RANGE if shape.low == 0 else (-SHAPE_RANGE[1], SHAPE_RANGE[1]))
        if not low <= value <= high:
            raise ParameterError(param, f"{fam.name} needs {shape.name} in [{low:g}, {high:g}], the range where its "
                                        f"log tails are checked (got {shape.name}={format_number(value)})")
        shapes.append(value)
    loc = v.real(param, values.get("loc", 0.0))
    scale = values.get("scale", 1.0)
    if not (scale > 0 and math.isfinite(scale)):
        raise ParameterError(param, f"{fam.name} needs scale > 0 (got scale={format_number(scale)})")
    if not (SCALE_RANGE[0] <= scale <= SCALE_RANGE[1] and abs(loc) <= SCALE_RANGE[1]):
        raise ParameterError(param, f"{fam.name} needs scale in [{SCALE_RANGE[0]:g}, {SCALE_RANGE[1]:g}] and "
                                    f"|loc| <= {SCALE_RANGE[1]:g} (got loc={format_number(loc)}, "
                                    f"scale={format_number(scale)})")
    return Continuous(fam, tuple(shapes), loc, scale)


def from_frozen(frozen, param: str = "spec") -> Continuous:
    """Wrap a frozen scipy distribution (``scipy.stats.norm(0, 2)``) of a known family."""
    name = getattr(frozen.dist, "name", None)
    fam = FAMILIES.get(name)
    if fam is None:
        raise ParameterError(param, f"must be one of the families {', '.join(FAMILY_NAMES)} (got scipy '{name}')")
    shapes, loc, scale = frozen.dist._parse_args(*frozen.args, **frozen.kwds)
    values = {**dict(zip(fam.shape_names, (float(np.asarray(s)) for s in shapes))), "loc": float(np.asarray(loc)),
              "scale": float(np.asarray(scale))}
    return build(fam, values, param)


# Spellings of the steps model's approach families before the one language (alignlab 0.1): their
# parameters described the excess T - 1 of the approach time T >= 1. They fail with the new spelling.
LEGACY_PARAMETERS: dict[str, tuple[str, ...]] = {
    "pareto": ("alpha",), "lomax": ("alpha", "scale"), "invweibull": ("alpha", "scale"),
    "fisk": ("alpha", "scale"), "lognorm": ("sigma", "mu"), "weibull_min": ("shape", "scale"),
    "logcauchy": ("scale", "mu"),
}


def legacy_spelling(fam: Family, old: dict[str, float]) -> str | None:
    """The one-language spelling of an old steps approach spec (``lognormal(sigma=1)`` ->
    ``lognorm(s=1, loc=1)``), or None when ``old`` is not one."""
    known = LEGACY_PARAMETERS.get(fam.name)
    if known is None or not set(old) <= set(known):
        return None
    a = old.get("alpha")
    scale = old.get("scale", 1.0)
    mu = old.get("mu", 0.0)

    def spec(shapes: str, scale_: float) -> str:
        rest = "" if scale_ == 1 else f", scale={format_number(scale_)}"
        return f"{fam.name}({shapes}, loc=1{rest})"

    if fam.name == "pareto":
        return f"pareto(b={format_number(a)})" if a is not None else "pareto(b=ALPHA)"
    alpha_text = format_number(a) if a is not None else "ALPHA"
    if fam.name in ("lomax", "invweibull", "fisk"):
        return spec(f"c={alpha_text}", scale)
    if fam.name == "lognorm":
        return spec(f"s={format_number(old.get('sigma', 1.0))}", math.exp(mu))
    if fam.name == "weibull_min":
        return spec(f"c={format_number(old.get('shape', 1.0))}", scale)
    if fam.name == "logcauchy":
        return spec(f"sigma={format_number(old.get('scale', 1.0))}", math.exp(mu))
    return None


def _legacy_hint(fam: Family, parsed: Spec) -> str:
    new = legacy_spelling(fam, dict(parsed.kwargs))
    return "" if new is None else f"; the old steps spelling {parsed} is now {new}"


__all__ = ["Continuous", "Minimum", "SCALE_RANGE", "SHAPE_RANGE", "build", "continuous", "family", "from_frozen",
           "legacy_spelling", "parameters"]
