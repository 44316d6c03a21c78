r"""The KL-regularised optimum :math:`\pi_\beta \propto \pi_0 \, e^{U/\beta}` (the RLHF objective
:math:`E_\pi[U] - \beta\, KL(\pi \| \pi_0)` is maximised by it; Korbak et al. 2022).

With :math:`s = 1/\beta` and independent ``X`` and ``V`` the tilt factorises: each variable is
exponentially tilted on its own, and by parts with the partial expectation ``H``

.. math:: E_s[V] = \frac{E[V e^{sV}]}{E[e^{sV}]} = E[V] + s\,\frac{\int H(v) e^{sv} dv}{\int f_V(v) e^{sv} dv},
          \qquad KL = s\,(E_s[U] - E[U]) - \log E[e^{s (U - E U)}],

all positive integrals in log space. The optimum exists only while :math:`E[e^{sU}] < \infty`:
for every ``s > 0`` unless both tails are light, and for ``s`` below the rate of an exponential
tail. With a heavy-tailed error there is no optimum at all; :func:`alignlab.goodhart.construction`
shows what happens instead (Kwa, Thomas & Garriga-Alonso 2024, theorem 4).

**Domain.** A strong tilt (small ``beta``) moves the optimum far out, where doubles run out: for a
normal ``V`` the log-moment is ``s^2/2``. The Chernoff bound
:math:`\log E[e^{s(X-\mu)}] \ge s a + \log P(X - \mu > a)` for every ``a >= 0`` gives a lower
bound from the exact log tails alone; a ``beta`` whose bound overflows the double range is refused
before any quadrature, and one whose quadrature falls below the bound or whose relative error estimate
exceeds :data:`UNRESOLVED` (the tilted law lies beyond what the quadrature resolves: a normal tilted
by ``s`` above about 1e6, a Weibull shape just above 1 already at moderate ``s``) is refused after
it. Both name ``beta``; estimates above :data:`NOTED` get a note.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignlab._validate import ParameterError
from alignlab.dists.law import Continuous
from alignlab.dists.tails import TailKind
from alignlab.goodhart._inputs import reals
from alignlab.goodhart.convolution import combine
from alignlab.goodhart.joint_law import DependentModel, signed_sum
from alignlab.goodhart.result_fields import PolicyMeans
from alignlab.numerics.quadrature import RTOL, LogIntegral, log_integral

NOTED = 1e-8          # a relative error estimate above this gets a note
UNRESOLVED = 1e-3     # ... above this the tilt is refused: the tilted law lies where the quadrature cannot follow


@dataclass(frozen=True, kw_only=True)
class Tilt(PolicyMeans):
    """E[V], E[U], E[X] and KL(pi_beta || pi_0) of the KL-regularised optimum at each penalty weight ``beta``."""

    AXIS = "beta"

    beta: tuple[float, ...]


def check_exponential_moment(dist: Continuous, s: float, role: str) -> None:
    """Raise unless E[exp(s X)] < inf for ``dist`` (s > 0): the right tail must be light, or
    exponential with rate above s."""
    tail = dist.tail
    if tail.kind in (TailKind.BOUNDED, TailKind.LIGHT):
        return
    if tail.kind is TailKind.EXPONENTIAL:
        if s < tail.index:
            return
        raise ParameterError("beta", f"must exceed 1/rate = {1 / tail.index:g} for the {role} {dist.spec} (got "
                                     f"beta = {1 / s:g}): E[exp(U/beta)] is infinite, so no KL-regularised optimum "
                                     "exists there")
    raise ParameterError(role, f"{dist.spec} has a {tail} right tail, so E[exp(U/beta)] is infinite for every "
                               "beta > 0: no KL-regularised optimum exists. Heavy tails defeat the KL penalty: "
                               "see construct (alignlab goodhart construct) for policies with arbitrarily high "
                               "mean proxy at arbitrarily small KL")


def log_moment_bound(dist: Continuous, s) -> np.ndarray:
    r"""For each s, a lower bound on :math:`\log E[e^{s(X-\mu)}]`: the largest
    :math:`s a + \log P(X - \mu > a)` over ``a = 0`` and ``a`` from 1e-3 widths to the double range
    (Chernoff). ``inf`` where it leaves the double range."""
    s = np.atleast_1d(np.asarray(s, dtype=float))
    with np.errstate(over="ignore"):
        a = np.concatenate([[0.0], dist.width * 10.0 ** np.arange(-3.0, 310.0, 0.125)])
        a = a[np.isfinite(dist.mean + a)]
    log_sf = np.asarray(dist.logsf(dist.mean + a), dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        terms = np.where(np.isfinite(log_sf), s[:, None] * a[None, :] + log_sf[None, :], -np.inf)
    return np.max(terms, axis=1)


SYMBOL = {"utility": "V", "error": "X", "dependence": "X | V"}


def _in_range(dist: Continuous, s: np.ndarray, beta: np.ndarray, role: str) -> np.ndarray:
    """:func:`log_moment_bound` of ``dist``; a ParameterError naming ``beta`` where it overflows."""
    bound = log_moment_bound(dist, s)
    far = ~np.isfinite(bound)
    if far.any():
        raise ParameterError("beta", f"at beta = {beta[far][0]:g} the tilted {role} law {dist.spec} lies beyond the "
                                     f"double range (log E[exp(({SYMBOL[role]} - mean)/beta)] > 1e308); use a "
                                     "larger beta")
    return bound


def _unresolved(beta: float, what: str, err: float, detail: str = "") -> ParameterError:
    return ParameterError("beta", f"at beta = {beta:g} the tilted {what} lies beyond what the quadrature resolves "
                                  f"(relative error estimate {err:.2g}{detail}); use a larger beta")


def _tilted(dist: Continuous, s: np.ndarray, beta: np.ndarray, role: str):
    """:func:`exponential_tilt` of ``dist`` inside the domain of the module docstring, else a
    ParameterError naming ``beta``."""
    bound = _in_range(dist, s, beta, role)
    log_m, gain, err = exponential_tilt(dist, s)
    missed = ~(log_m >= bound - 1e-9 * np.maximum(1.0, np.abs(bound))) | ~np.isfinite(gain) | ~(err <= UNRESOLVED)
    if missed.any():
        i = int(np.flatnonzero(missed)[0])
        raise _unresolved(beta[i], f"{role} law {dist.spec}", err[i],
                          f"; log E[exp(({SYMBOL[role]} - mean)/beta)] = {log_m[i]:.6g}, at least {bound[i]:.6g} by "
                          "the Chernoff bound")
    return log_m, gain, err


def exponential_tilt(dist: Continuous, s) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each s: log E[exp(s (X - mu))], the tilted mean gain E_s[X] - mu and its relative error."""
    s = np.atleast_1d(np.asarray(s, dtype=float))
    mu = dist.mean
    lo, hi = dist.support
    B = s.size
    anchors = np.full((B, 1), dist.median)
    scales = np.full((B, 1), dist.width)
    lo_, hi_ = np.full(B, lo), np.full(B, hi)

    def tilted(log_f):
        # where the density (or H) is zero, or below the double range, so is the tilted one: no -inf + inf
        def g(x, rows):
            base = log_f(x)
            with np.errstate(over="ignore", invalid="ignore"):
                return np.where(base == -np.inf, -np.inf, base + s[rows] * (x - mu))
        return g

    z = log_integral(tilted(dist.logpdf), lo_, hi_, anchors, scales, rtol=RTOL)
    h = log_integral(tilted(dist.log_partial_expectation), lo_, hi_, np.full((B, 1), mu), scales, rtol=RTOL)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        gain = s * np.exp(h.log_value - z.log_value)
    return z.log_value, gain, z.rel_error + h.rel_error


def tilt(model, beta, utility_role: str = "utility", error_role: str = "error") -> Tilt:
    beta = reals("beta", beta, low=0.0, low_open=True)
    s = 1.0 / beta
    if isinstance(model, DependentModel):
        return _dependent(model, beta, s)
    if not hasattr(model, "error") or not isinstance(model.error, Continuous):
        raise ParameterError("error", "the KL-regularised optimum needs an error distribution, not samples")
    for dist, role in ((model.utility, utility_role), (model.error, error_role)):
        check_exponential_moment(dist, float(s.max()), role)
    if not model.error.has_finite_mean:
        raise ParameterError(error_role, f"{model.error.spec} has no finite mean")
    log_mv, gain_v, err_v = _tilted(model.utility, s, beta, utility_role)
    log_mx, gain_x, err_x = _tilted(model.error, s, beta, error_role)
    mu_v, mu_x = model.utility.mean, model.error.mean
    kl = s * (gain_v + gain_x) - (log_mv + log_mx)
    return Tilt(beta=tuple(beta), utility=tuple(mu_v + gain_v), proxy=tuple(mu_v + gain_v + mu_x + gain_x),
                error=tuple(mu_x + gain_x), kl=tuple(kl), utility_mean=float(mu_v),
                notes=_error_notes(beta, np.maximum(err_v, err_x)))


def _error_notes(beta, err) -> tuple[str, ...]:
    return tuple(f"beta = {b:g}: relative error estimate {e:.2g}" for b, e in zip(beta[err > NOTED], err[err > NOTED]))


def _dependent(model: DependentModel, beta, s) -> Tilt:
    """Tilt with X | V = v: weight f_V(v) e^(s v) E[e^(s X) | v] over v, piece by piece."""
    vdist = model.utility
    check_exponential_moment(vdist, float(s.max()), "utility")
    _in_range(vdist, s, beta, "utility")
    cache: dict[tuple[int, float], tuple[float, float, float]] = {}
    law_err = np.zeros(s.size)                 # the largest relative error of a conditional tilt, per beta

    def law_terms(laws, rows):
        """log E[e^(sX)|v] and E_s[X|v] per node (cached per law and s)."""
        logm = np.empty(len(laws))
        mean = np.empty(len(laws))
        for k, (law, r) in enumerate(zip(laws, rows)):
            key = (id(law), float(s[r]))
            if key not in cache:
                check_exponential_moment(law, key[1], "dependence")
                lz, g, e = _tilted(law, np.array([key[1]]), np.array([1.0 / key[1]]), "dependence")
                cache[key] = (float(lz[0]) + key[1] * law.mean, law.mean + float(g[0]), float(e[0]))
            logm[k], mean[k], e = cache[key]
            law_err[r] = max(law_err[r], e)
        return logm, mean

    B = s.size
    parts: dict[str, list[LogIntegral]] = {"z": [], "v+": [], "v-": [], "x+": [], "x-": []}
    for piece in model.pieces:
        lo, hi = np.full(B, piece.lo), np.full(B, piece.hi)
        anchors = np.column_stack([np.full(B, np.clip(vdist.median, piece.lo, piece.hi)), s * vdist.var])
        scales = np.full((B, 2), vdist.width)

        def base(y, rows, piece=piece):
            log_f = vdist.logpdf(y)
            if piece.atom is None:
                logm, mean = law_terms(model.dependence.laws(y, piece), rows)
            with np.errstate(over="ignore", invalid="ignore"):     # zero density: zero weight, never -inf + inf
                if piece.atom is None:
                    w = log_f + s[rows] * y + logm
                else:
                    w, mean = log_f + s[rows] * (y + piece.atom), np.full(y.shape, piece.atom)
                return np.where(log_f == -np.inf, -np.inf, w), mean

        def term(kind):
            def logf(y, rows):
                w, mean = base(y, rows)
                with np.errstate(divide="ignore"):
                    if kind == "z":
                        return w
                    if kind[0] == "v":
                        return w + np.log(np.maximum(y if kind == "v+" else -y, 0.0))
                    return w + np.log(np.maximum(mean if kind == "x+" else -mean, 0.0))
            return logf

        for kind in parts:
            parts[kind].append(log_integral(term(kind), lo, hi, anchors, scales, rtol=RTOL))
    z = combine(*parts["z"])
    tot = {k: combine(*p) for k, p in parts.items() if k != "z"}
    err = np.max([z.rel_error] + [t.rel_error for t in tot.values()], axis=0)
    if not (err <= UNRESOLVED).all():
        i = int(np.flatnonzero(~(err <= UNRESOLVED))[0])
        raise _unresolved(beta[i], "joint law of (X, V)", err[i])
    ev, _ = signed_sum([tot["v+"].log_value, tot["v-"].log_value], [[1.0], [-1.0]], [[0.0], [0.0]], z.log_value)
    ex, _ = signed_sum([tot["x+"].log_value, tot["x-"].log_value], [[1.0], [-1.0]], [[0.0], [0.0]], z.log_value)
    kl = s * (ev + ex) - z.log_value
    err = np.maximum(err, law_err)
    return Tilt(beta=tuple(beta), utility=tuple(ev), proxy=tuple(ev + ex), error=tuple(ex), kl=tuple(kl),
                utility_mean=float(model.mu),
                notes=("dependent error: KL = s E[U] - log E[exp(sU)] without centring; accurate to about 1e-12 of "
                       "s E[U]",) + _error_notes(beta, err))


__all__ = ["Tilt", "check_exponential_moment", "exponential_tilt", "tilt"]
