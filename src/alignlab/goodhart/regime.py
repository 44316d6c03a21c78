r"""Which theorem decides :math:`\lim_{t\to\infty} E[V \mid X + V \ge t]`, and numbers that show it.

The theorems (Kwa, Thomas & Garriga-Alonso 2024, "Catastrophic Goodhart", section 3; X and V
independent, V with finite mean):

* **catastrophic** - X subexponential and :math:`t^p P(V > t)/P(X > t) \to 0` for some p > 1:
  the limit is E[V]. Optimisation pressure buys nothing.
* **unbounded** - X light-tailed, :math:`P(X > t+1)/P(X > t) \to 0`, V unbounded above: the
  limit is infinite. (Also whenever V's tail is at least as heavy as X's: V takes the big jump.)
* **constant-gain** - X exponential-type with rate :math:`\lambda` and
  :math:`E[e^{\lambda V}] < \infty`: the limit is the tilted mean
  :math:`E[V e^{\lambda V}]/E[e^{\lambda V}]` (:math:`E[V] + \lambda \sigma^2` for normal V).
* **power-growth** - both regularly varying, indices a < b <= a + 1: the gain grows like
  :math:`t^{1+a-b}`. "X must have heavier tails than V" is necessary, not sufficient.
* **maximal** - X light, V bounded above: the limit is the supremum of V.
* **undetermined** - no theorem applies (X depends on V; tails not comparable); the numbers decide.

The evidence is the gain :math:`E[V \mid U \ge t] - E[V]` at ``t`` one decade apart and the
least-squares slope of ``log gain`` on ``log t`` over the last four reliable decades; theory
predicts -1 (catastrophic, power-law or lognormal error), 0 (constant gain), 1 (unbounded,
linear) or 1 + a - b.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._results import Result
from alignlab.dists.law import Continuous
from alignlab.dists.tails import TailClass, TailKind

_RANK = {TailKind.BOUNDED: 0, TailKind.LIGHT: 1, TailKind.EXPONENTIAL: 2, TailKind.SUBEXPONENTIAL: 3,
         TailKind.REGULARLY_VARYING: 4, TailKind.SUPER_HEAVY: 5}
SUBEXPONENTIAL_KINDS = (TailKind.SUBEXPONENTIAL, TailKind.REGULARLY_VARYING, TailKind.SUPER_HEAVY)


@dataclass(frozen=True)
class Condition(Result):
    """One hypothesis of a theorem, whether it holds for this proxy, and why."""

    name: str
    holds: bool | None
    detail: str


@dataclass(frozen=True)
class Regime(Result):
    """The limit of E[V | U >= t] as t -> infinity: which theorem, its conditions and the numbers."""

    regime: str
    limit: float | None
    reason: str
    limit_source: str                       # "theorem" or "numerical" (or "none")
    conditions: tuple[Condition, ...]
    exponent: float | None                  # 1 + a - b for two regularly varying tails
    predicted_slope: float | None           # the log-log slope of the gain that theory predicts
    gain: float | None                      # the constant gain, where there is one
    t: tuple[float, ...]                    # thresholds where the quadrature is reliable (rel. error <= 1e-6)
    gains: tuple[float, ...]
    slope: float | None                     # fitted over the last four of them
    utility_mean: float

    def _rows(self) -> list[dict]:
        """One row per threshold of the evidence (the gain there), with the regime and its numbers."""
        from alignlab.goodhart.result_fields import points
        return points(self.to_json(), "t")


def heavier(a: TailClass, b: TailClass) -> TailClass:
    """The heavier of two tails (the tail of a sum of independent variables)."""
    ra, rb = _RANK[a.kind], _RANK[b.kind]
    if ra != rb:
        return a if ra > rb else b
    if a.kind is TailKind.REGULARLY_VARYING or a.kind is TailKind.EXPONENTIAL:
        return a if a.index <= b.index else b
    return a


def lighter_by_power(v: Continuous, x: Continuous) -> tuple[bool | None, str]:
    """Whether t^p P(V > t) / P(X > t) -> 0 for some p > 1, and why."""
    tv, tx = v.tail, x.tail
    if tx.kind not in SUBEXPONENTIAL_KINDS:
        return False, f"X's tail ({tx}) is not heavier than every exponential"
    if tv.kind in (TailKind.BOUNDED, TailKind.LIGHT, TailKind.EXPONENTIAL):
        return True, f"V's tail ({tv}) decays faster than any power; X's ({tx}) slower than any exponential"
    if tv.kind is TailKind.SUPER_HEAVY:
        return False, "V's tail is super-heavy (no moment finite)"
    if tv.kind is TailKind.REGULARLY_VARYING:
        if tx.kind is TailKind.REGULARLY_VARYING:
            ok = tv.index > tx.index + 1
            return ok, (f"P(V>t)/P(X>t) ~ t^-(b-a) with b = {tv.index:g}, a = {tx.index:g}: "
                        + (f"any p in (1, {tv.index - tx.index:g}) works" if ok else "no p > 1 works (b <= a + 1)"))
        if tx.kind is TailKind.SUPER_HEAVY:
            ok = tv.index > 1
            return ok, f"V decays like t^-{tv.index:g}, X slower than any power"
        return False, f"V's power tail (index {tv.index:g}) is heavier than X's {tx} tail"
    # V subexponential with all moments: lighter than any power-law or super-heavy X
    if tx.kind in (TailKind.REGULARLY_VARYING, TailKind.SUPER_HEAVY):
        return True, f"V's tail ({tv}) decays faster than any power, X's ({tx}) does not"
    # both subexponential with all moments finite (lognormal, Weibull < 1): compare numerically
    slopes = []
    for t in (1e50, 1e100, 1e200):
        tt = x.median + t * max(x.width, v.width)
        slopes.append(float((v.logsf(tt) - x.logsf(tt)) / math.log(tt)))
    if slopes[-1] < -10 and slopes[-1] < slopes[0]:
        return True, (f"log[P(V>t)/P(X>t)] / log t = {slopes[0]:.3g}, {slopes[1]:.3g}, {slopes[2]:.3g} at "
                      "t = 1e50, 1e100, 1e200 (decreasing without bound)")
    if slopes[-1] > -1:
        return False, f"log[P(V>t)/P(X>t)] / log t = {slopes[-1]:.3g} at t = 1e200: V is not lighter by a power"
    return None, f"log[P(V>t)/P(X>t)] / log t = {', '.join(f'{s:.3g}' for s in slopes)}: not decided"


def theory(model):
    """(regime, limit, reason, conditions, 1 + a - b or None, predicted slope, constant gain) from
    the tail classes. The gain has two parts: V typical and X large gives Var(V) x hazard of X
    (slope -1 for power-law X, when Var(V) is finite); V large gives t P(V > t)/P(X > t) (slope
    1 + a - b for two power laws). The larger decides the slope."""
    from alignlab.goodhart.tilt import exponential_tilt

    v = model.utility
    mu = model.mu
    if getattr(model, "kind", "") != "independent":
        cond = (Condition("X independent of V", False, "X is given conditionally on V: every theorem assumes "
                                                       "independence"),)
        return "undetermined", None, "X depends on V, so no theorem applies: see the numbers", cond, None, None, None
    x = model.error
    tx, tv = x.tail, v.tail
    conds = [Condition("E[V] finite", True, f"E[V] = {mu:.6g}")]
    light_x = tx.kind in (TailKind.BOUNDED, TailKind.LIGHT)
    conds.append(Condition("X light: P(X>t+1)/P(X>t) -> 0", light_x, f"X's tail is {tx}"))
    sub_x = tx.kind in SUBEXPONENTIAL_KINDS
    conds.append(Condition("X subexponential", sub_x, f"X's tail is {tx}"))
    unbounded_v = tv.kind is not TailKind.BOUNDED
    conds.append(Condition("V unbounded above", unbounded_v, f"V's tail is {tv}, sup V = {v.support[1]:g}"))
    if sub_x:
        ok, why = lighter_by_power(v, x)
        conds.append(Condition("t^p P(V>t)/P(X>t) -> 0 for some p > 1", ok, why))
        if tx.kind is TailKind.REGULARLY_VARYING and tv.kind is TailKind.REGULARLY_VARYING:
            a, b = tx.index, tv.index
            exponent = 1 + a - b
            slope = max(exponent, -1.0) if b > 2 else exponent
            if b > a + 1:
                return ("catastrophic", mu, f"X and V regularly varying with a = {a:g} < b = {b:g}, b > a + 1: "
                        f"the gain vanishes (its part from large V like t^(1+a-b) = t^{exponent:g}); "
                        "E[V | U >= t] -> E[V]", tuple(conds), exponent, slope, None)
            if a < b:
                return ("power-growth" if exponent > 0 else "undetermined", math.inf if exponent > 0 else None,
                        f"X heavier than V (a = {a:g} < b = {b:g}) but b <= a + 1: the gain grows like "
                        f"t^(1+a-b) = t^{exponent:g}", tuple(conds), exponent, slope, None)
            return ("unbounded", math.inf, f"V's tail (index {b:g}) is at least as heavy as X's ({a:g}): V takes "
                    "the big jump and E[V | U >= t] grows like t", tuple(conds), exponent, 1.0, None)
        if ok:
            return ("catastrophic", mu, f"X is subexponential (tail class: {tx}) and V (tail class: {tv}) is "
                    "lighter by more than a power: E[V | U >= t] -> E[V]", tuple(conds), None, -1.0, None)
        if _RANK[tv.kind] > _RANK[tx.kind]:
            return ("unbounded", math.inf, f"V's tail ({tv}) is heavier than X's ({tx}): V takes the big jump",
                    tuple(conds), None, 1.0, None)
        return ("undetermined", None, f"X is subexponential ({tx}) but V ({tv}) is not lighter by a power",
                tuple(conds), None, None, None)
    if light_x:
        if unbounded_v:
            return ("unbounded", math.inf, f"X is light-tailed ({tx}) and V unbounded: E[V | U >= t] -> infinity",
                    tuple(conds), None, 1.0, None)
        return ("maximal", v.support[1], "X is light-tailed and V bounded above: E[V | U >= t] -> sup V",
                tuple(conds), None, None, None)
    # exponential-type error with rate lambda
    lam = tx.index
    mgf = tv.kind in (TailKind.BOUNDED, TailKind.LIGHT) or (tv.kind is TailKind.EXPONENTIAL and tv.index > lam)
    conds.append(Condition(f"E[exp(lambda V)] finite, lambda = {lam:g}", mgf, f"V's tail is {tv}"))
    if mgf:
        _, gain, _ = exponential_tilt(v, lam)
        g = float(gain[0])
        return ("constant-gain", mu + g, f"X is exponential-type with rate lambda = {lam:g}: E[V | U >= t] -> "
                f"E[V e^(lambda V)]/E[e^(lambda V)] = E[V] + {g:.6g}", tuple(conds), None, 0.0, g)
    return ("unbounded", math.inf, f"V's tail ({tv}) is at least as heavy as X's exponential tail (rate {lam:g}): "
            "V takes the big jump", tuple(conds), None, 1.0, None)


def regime(model, decades: int = 12) -> Regime:
    """The theorem that decides the limit of E[V | U >= t], with the gain at ``decades`` + 1 thresholds."""
    from alignlab.goodhart.conditioning import RELIABLE, by_quadrature

    decades = v.integer("decades", decades, low=2, high=40)
    name, limit, reason, conds, exponent, predicted, gain = theory(model)
    t = model.center + model.spread * 10.0 ** np.arange(0, decades + 1)
    res = by_quadrature(model, t)
    reliable = np.asarray(res.relative_error) <= RELIABLE
    t, gains = t[reliable], np.asarray(res.gain)[reliable]
    values = np.asarray(res.conditional_utility)[reliable]
    slope = None
    ok = (gains > 0) & np.isfinite(gains)
    if ok.sum() >= 2:
        idx = np.flatnonzero(ok)[-4:]
        slope = float(np.polyfit(np.log(t[idx]), np.log(gains[idx]), 1)[0])
    source = "theorem" if name != "undetermined" else "none"
    if name == "undetermined" and values.size >= 3:
        # differences shrinking geometrically decade by decade: extrapolate (Aitken's delta-squared)
        d1, d2 = values[-2] - values[-3], values[-1] - values[-2]
        ratio = d1 / d2 if d2 != 0 else math.inf
        if abs(d2) <= 1e-2 * (1 + abs(values[-1])) and ratio > 2:
            limit = float(values[-1] + (d2 / (ratio - 1) if math.isfinite(ratio) else 0.0))
            source = "numerical"
            reason += (f"; numerically E[V | U >= t] = {values[-1]:.6g} at t = {t[-1]:.3g}, changing {ratio:.3g} "
                       f"times less per decade: limit about {limit:.6g} (Aitken extrapolation)")
    return Regime(name, limit, reason, source, conds, exponent, predicted, gain, tuple(t), tuple(gains), slope,
                  float(model.mu))
