r"""Optimisation as conditioning: :math:`E[V \mid U \ge t]` and :math:`E[V \mid U = u]`.

By quadrature (:mod:`alignlab.goodhart.model`)

.. math:: E[V \mid U \ge t] = \frac{\int v f_V(v) P(X \ge t - v)\, dv}{\int f_V(v) P(X \ge t - v)\, dv}
          = E[V] + \frac{\int H(v) f_X(t - v)\, dv}{P(U \ge t)}

(Kwa, Thomas & Garriga-Alonso 2024, section 3), or by Monte Carlo with its standard error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._random import SeedLike
from alignlab._results import Result
from alignlab.goodhart._inputs import reals
from alignlab.goodhart.montecarlo import conditional_moments

METHODS = ("quadrature", "mc")


@dataclass(frozen=True)
class ConditionalUtility(Result):
    """E[V | U >= t] at each threshold, with log P(U >= t).

    ``gain`` is ``conditional_utility - utility_mean``, computed directly (accurate where it is
    1e-100 of the scale of V). ``relative_error`` is the quadrature's error estimate for
    ``conditional_utility``; Monte Carlo fills ``standard_error``, ``accepted`` (draws with
    ``U >= t``), ``samples`` and ``seed`` instead. ``notes`` says where a value is missing or
    unreliable and why.
    """

    t: tuple[float, ...]
    conditional_utility: tuple[float, ...]
    gain: tuple[float, ...]
    log_tail_probability: tuple[float, ...]
    utility_mean: float
    method: str
    relative_error: tuple[float, ...] | None = None
    standard_error: tuple[float, ...] | None = None
    accepted: tuple[int, ...] | None = None
    samples: int | None = None
    seed: int | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PointConditional(Result):
    """E[V | U = u] and the log density of U at each u."""

    u: tuple[float, ...]
    conditional_utility: tuple[float, ...]
    gain: tuple[float, ...]
    log_density: tuple[float, ...]
    relative_error: tuple[float, ...]
    utility_mean: float
    notes: tuple[str, ...] = ()


def conditional_utility(model, t, method: str = "quadrature", samples: int = 1_000_000,
                        seed: SeedLike = 0) -> ConditionalUtility:
    t = reals("t", t)
    v.choice("method", method, METHODS)
    if method == "mc":
        return _monte_carlo(model, t, v.integer("samples", samples, low=1), seed)
    gain, err, log_sf = model.tail_gain(t)
    notes = []
    empty = ~np.isfinite(log_sf.log_value)
    if empty.any():
        raise v.ParameterError("t", f"P(U >= t) = 0 at t = {float(t[empty][0])!r}: E[V | U >= t] is undefined "
                                    "there")
    value = model.mu + gain
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(value != 0, err / np.abs(value), err)
    _note_unreliable(notes, t, rel, "t")
    return ConditionalUtility(tuple(t), tuple(value), tuple(gain), tuple(log_sf.log_value), float(model.mu),
                              "quadrature", relative_error=tuple(rel), notes=tuple(notes))


def _note_unreliable(notes, where, rel, name):
    bad = ~(rel <= 1e-6)
    for x, r in zip(where[bad], rel[bad]):
        notes.append(f"{name} = {x:g}: relative error estimate {r:.2g} (the integrand's peak is too far out for "
                     "double precision to resolve; the value is indicative only)")


def _monte_carlo(model, t, samples: int, seed) -> ConditionalUtility:
    count, s1, s2 = conditional_moments(model, t, samples, seed)
    notes = []
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = s1 / count
        var = (s2 - count * mean * mean) / (count - 1)
        se = np.sqrt(np.maximum(var, 0.0) / count)
        log_p = np.log(count / samples)
    for x, k in zip(t, count):
        if k == 0:
            notes.append(f"t = {x:g}: no draw of {samples} reached U >= t (P(U >= t) < ~{1 / samples:.1g}); "
                         "use the quadrature")
        elif k == 1:
            notes.append(f"t = {x:g}: a single draw reached U >= t; no standard error")
    return ConditionalUtility(tuple(t), tuple(mean), tuple(mean - model.mu), tuple(log_p), float(model.mu), "mc",
                              standard_error=tuple(np.where(count > 1, se, np.nan)),
                              accepted=tuple(int(c) for c in count), samples=samples,
                              seed=seed if isinstance(seed, int) else None, notes=tuple(notes))


def conditional_utility_at(model, u) -> PointConditional:
    u = reals("u", u)
    gain, err = model.point_gain(u)
    dens = model.log_pdf(u)
    if (~np.isfinite(dens.log_value)).any():
        bad = float(u[~np.isfinite(dens.log_value)][0])
        raise v.ParameterError("u", f"the density of U is zero at u = {bad!r}: E[V | U = u] is undefined there")
    value = model.mu + gain
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(value != 0, err / np.abs(value), err)
    notes = []
    _note_unreliable(notes, u, rel, "u")
    return PointConditional(tuple(u), tuple(value), tuple(gain), tuple(dens.log_value), tuple(rel), float(model.mu),
                            tuple(notes))


def log_tail_probability(model, t):
    """log P(U >= t) (an array; a float for a scalar ``t``)."""
    scalar = np.ndim(t) == 0
    out = model.log_sf(reals("t", t)).log_value
    return float(out[0]) if scalar else out


__all__ = ["ConditionalUtility", "PointConditional", "conditional_utility", "conditional_utility_at",
           "log_tail_probability"]
