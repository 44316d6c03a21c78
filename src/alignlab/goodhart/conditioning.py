r"""Optimisation as conditioning: :math:`E[V \mid U \ge t]` and :math:`E[V \mid U = u]`.

By quadrature (``method="exact"``, :mod:`alignlab.goodhart.joint_law`)

.. math:: E[V \mid U \ge t] = \frac{\int v f_V(v) P(X \ge t - v)\, dv}{\int f_V(v) P(X \ge t - v)\, dv}
          = E[V] + \frac{\int H(v) f_X(t - v)\, dv}{P(U \ge t)}

(Kwa, Thomas & Garriga-Alonso 2024, section 3), or by Monte Carlo (``method="mc"``) with its standard
error. ``method="quadrature"`` is the old spelling of ``"exact"``, kept one release with a warning.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._progress import ProgressLike
from alignlab._seeding import SeedLike, seed_sequence, seed_used
from alignlab.goodhart._inputs import reals
from alignlab.goodhart.montecarlo import MAX_COUNT, check_draws, conditional_moments
from alignlab.goodhart.result_fields import ConditionalMeans, Provenance

METHODS = ("exact", "mc")
OLD_METHODS = {"quadrature": "exact"}       # old spelling -> new, kept for one release
RELIABLE = 1e-6        # a quadrature value whose relative error estimate exceeds this gets a note


@dataclass(frozen=True, kw_only=True)
class ConditionalUtility(ConditionalMeans, Provenance):
    """E[V | U >= t] at each threshold ``t``, with log P(U >= t).

    The quadrature (``method="exact"``) fills ``relative_error``; Monte Carlo fills ``standard_error``, ``accepted`` (draws
    with ``U >= t``), ``samples`` and ``seed`` instead.
    """

    AXIS = "t"

    t: tuple[float, ...]
    log_tail_probability: tuple[float, ...]
    standard_error: tuple[float, ...] | None = None
    accepted: tuple[int, ...] | None = None
    samples: int | None = None


@dataclass(frozen=True, kw_only=True)
class PointConditional(ConditionalMeans):
    """E[V | U = u] and the log density of U at each ``u``."""

    AXIS = "u"

    u: tuple[float, ...]
    log_density: tuple[float, ...]


def method_spelled(method: str) -> str:
    """``method`` in the one vocabulary (``exact`` or ``mc``): an old spelling gives its new one, with a
    DeprecationWarning naming it."""
    if method in OLD_METHODS:
        warnings.warn(f"method={method!r} is renamed method={OLD_METHODS[method]!r}; {method!r} will be removed in "
                      f"the next release", DeprecationWarning, stacklevel=3)
        return OLD_METHODS[method]
    return v.choice("method", method, METHODS)


def conditional_utility(model, t, method: str = "exact", samples: int = 1_000_000,
                        seed: SeedLike = 0, progress: ProgressLike = False,
                        max_work: float | None = None) -> ConditionalUtility:
    """E[V | U >= t] for each ``t``: by quadrature (``method="exact"``), or by Monte Carlo (``method="mc"``)
    with ``samples`` draws from ``seed`` (``progress`` counts blocks of draws; more than
    :data:`~alignlab.goodhart.montecarlo.MAX_DRAWS` draws are refused unless ``max_work`` allows them)."""
    t = reals("t", t)
    method = method_spelled(method)
    if method == "mc":
        samples = v.integer("samples", samples, low=1, high=MAX_COUNT)
        check_draws("samples", samples, model, max_work)
        return _monte_carlo(model, t, samples, seed_sequence(seed), progress)
    return by_quadrature(model, t)


def by_quadrature(model, t: np.ndarray) -> ConditionalUtility:
    """E[V | U >= t] by quadrature for checked thresholds ``t`` (a float array)."""
    gain, err, log_sf = model.tail_gain(t)
    empty = ~np.isfinite(log_sf.log_value)
    if empty.any():
        raise v.ParameterError("t", f"P(U >= t) = 0 at t = {float(t[empty][0])!r}: E[V | U >= t] is undefined "
                                    "there")
    value, rel, notes = _with_error(model.mu + gain, err, t, "t")
    return ConditionalUtility(t=tuple(t), conditional_utility=tuple(value), gain=tuple(gain),
                              log_tail_probability=tuple(log_sf.log_value), utility_mean=float(model.mu),
                              method="exact", relative_error=tuple(rel), notes=notes)


def _with_error(value, err, where, name):
    """(value, its relative error, notes on the values whose estimate exceeds ``RELIABLE``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(value != 0, err / np.abs(value), err)
    bad = ~(rel <= RELIABLE)
    notes = tuple(f"{name} = {x:g}: relative error estimate {r:.2g} (the integrand's peak is too far out for "
                  "double precision to resolve; the value is indicative only)" for x, r in zip(where[bad], rel[bad]))
    return value, rel, notes


def _monte_carlo(model, t, samples: int, root: np.random.SeedSequence, progress) -> ConditionalUtility:
    count, s1, s2 = conditional_moments(model, t, samples, root, progress)
    notes = []
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = s1 / count
        var = (s2 - count * mean * mean) / (count - 1)
        se = np.sqrt(np.maximum(var, 0.0) / count)
        log_p = np.log(count / samples)
    for x, k in zip(t, count):
        if k == 0:
            notes.append(f"t = {x:g}: no draw of {samples} reached U >= t (P(U >= t) < ~{1 / samples:.1g}); "
                         "use method='exact'")
        elif k == 1:
            notes.append(f"t = {x:g}: a single draw reached U >= t; no standard error")
    return ConditionalUtility(t=tuple(t), conditional_utility=tuple(mean), gain=tuple(mean - model.mu),
                              log_tail_probability=tuple(log_p), utility_mean=float(model.mu), method="mc",
                              standard_error=tuple(np.where(count > 1, se, np.nan)),
                              accepted=tuple(int(c) for c in count), samples=samples, seed=seed_used(root),
                              notes=tuple(notes))


def conditional_utility_at(model, u) -> PointConditional:
    """E[V | U = u] for each ``u`` (quadrature)."""
    u = reals("u", u)
    gain, err = model.point_gain(u)
    dens = model.log_pdf(u)
    if (~np.isfinite(dens.log_value)).any():
        bad = float(u[~np.isfinite(dens.log_value)][0])
        raise v.ParameterError("u", f"the density of U is zero at u = {bad!r}: E[V | U = u] is undefined there")
    value, rel, notes = _with_error(model.mu + gain, err, u, "u")
    return PointConditional(u=tuple(u), conditional_utility=tuple(value), gain=tuple(gain),
                            log_density=tuple(dens.log_value), relative_error=tuple(rel),
                            utility_mean=float(model.mu), notes=notes)


def log_tail_probability(model, t):
    """log P(U >= t) (an array; a float for a scalar ``t``)."""
    scalar = np.ndim(t) == 0
    out = model.log_sf(reals("t", t)).log_value
    return float(out[0]) if scalar else out


__all__ = ["ConditionalUtility", "PointConditional", "by_quadrature", "conditional_utility",
           "conditional_utility_at", "log_tail_probability"]
