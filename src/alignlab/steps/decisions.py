"""How claims S1-S5 are decided: each a :class:`~alignlab.evidence.claims.Rule` whose thresholds are the
named constants below, so the rule printed in the report and the decision cannot disagree.

Every ``decide_*`` is a pure function of result objects: the experiments of
:mod:`alignlab.steps.experiments` and, where a claim rests on the model's closed forms, a
:class:`ClosedForms` (E[M] around the threshold, Q_c at several alphas, efficiencies). The report
(:mod:`alignlab.steps.report`) writes the evidence sentences from the numbers each decision returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from alignlab.evidence.claims import Decision, Rule
from alignlab.steps.experiments import q_for_efficiency
from alignlab.steps.model import StepsModel

ALPHA = 0.5                      # the report's approach index: Q_c = 1/alpha = 2
Q_BELOW, Q_ABOVE = 1.9, 2.1      # powers just below and just above Q_c at ALPHA
THRESHOLD_ALPHAS = (0.25, 0.5, 1.0)
Q_SETTLE = 4.0                   # beta = 2: the running mean must settle on the exact mean there ...
SETTLE_TOLERANCE = 0.02          # ... to this relative error (its own error is of order sqrt(log n / n) < 1e-3)
Q_STUCK = (1.0, 1.5)             # below the threshold at ALPHA: beta = 0.5 and 0.75
SLOPE_TOLERANCE = 0.05           # fitted against theoretical log-log slope 1/beta - 1
MIN_CURVE_POINTS = 5             # fewer grid points in n and a fitted slope says nothing
Q_LINEAR = 3.0                   # above the threshold at ALPHA: beta = 1.5
MEDIAN_TOLERANCE = 0.01          # the median per subtask at the largest n against the mean per subtask
FLAT_SLOPE = 0.01                # |log-log slope| of median(S_n)/n that counts as linear time
EFFICIENCY_TARGET = 0.9
DOUBLINGS = (20.0, 40.0, 80.0)   # Q doubled twice beyond 10 Q_c: each doubling must buy less ...
LATE_GAIN = 0.1                  # ... and under this much efficiency
EFFICIENCY_QS = (4.0, 10.0) + DOUBLINGS
REGULARLY_VARYING = ("pareto", "lomax", "invweibull", "fisk")
NO_THRESHOLD = ("lognorm", "weibull_min")
SUPER_HEAVY = ("logcauchy", "logpareto")


@dataclass(frozen=True)
class ClosedForms:
    """What the model's closed forms give at ``alpha``: E[M] at ``Q_BELOW`` and ``Q_ABOVE`` (``mean_below``,
    ``mean_above``), Q_c = 1/alpha at each of ``THRESHOLD_ALPHAS`` (``critical_q``, pairs (alpha, Q_c)),
    efficiency 1 - Q_c/Q at each of ``EFFICIENCY_QS`` (pairs (Q, efficiency)), the Q reaching
    ``EFFICIENCY_TARGET`` and the efficiency there."""

    alpha: float
    mean_below: float
    mean_above: float
    critical_q: tuple[tuple[float, float], ...]
    efficiency: tuple[tuple[float, float], ...]
    q_target: float
    efficiency_at_target: float

    def efficiency_at(self, q: float) -> float:
        return dict(self.efficiency)[q]


def closed_forms(alpha: float = ALPHA) -> ClosedForms:
    """The closed forms S1 and S4 rest on, at ``alpha``."""
    q_target = q_for_efficiency(alpha, EFFICIENCY_TARGET)
    return ClosedForms(
        alpha=alpha, mean_below=StepsModel(alpha, Q_BELOW).mean_subtask_time,
        mean_above=StepsModel(alpha, Q_ABOVE).mean_subtask_time,
        critical_q=tuple((a, StepsModel(a, 1.0).critical_q) for a in THRESHOLD_ALPHAS),
        efficiency=tuple((q, StepsModel(alpha, q).efficiency) for q in EFFICIENCY_QS),
        q_target=q_target, efficiency_at_target=StepsModel(alpha, q_target).efficiency)


def _verdict(ok: bool) -> str:
    return "holds" if ok else "fails"


def decide_s1(running, forms: ClosedForms) -> Decision:
    """The threshold exists (E[M] infinite just below Q_c, finite just above), moves with alpha, and a
    finite sample agrees where one can: at ``Q_SETTLE`` the running mean of the largest sample is within
    ``SETTLE_TOLERANCE`` of the exact mean. Below the threshold no finite sample can show an infinite
    mean; the running means there are shown, not tested."""
    largest = running.sizes[-1]
    settle_error = abs(running.mean_at(Q_SETTLE, largest) / running.exact_mean(Q_SETTLE) - 1)
    moves = len({q for _, q in forms.critical_q}) == len(forms.critical_q)
    ok = (math.isinf(forms.mean_below) and math.isfinite(forms.mean_above) and moves
          and settle_error < SETTLE_TOLERANCE)
    return Decision(_verdict(ok), {"mean_below": forms.mean_below, "mean_above": forms.mean_above,
                                   "critical_q": dict(forms.critical_q), "settle_error": settle_error,
                                   "draws": largest},
                    "for power-law approach times; S5 covers other tails")


S1 = Rule("S1", "There is a critical threshold of intelligence below which the distribution of time to complete a "
                "subtask has infinite mean. This threshold depends on alpha.",
          f"holds when E[M] is infinite at Q = {Q_BELOW:g} and finite at Q = {Q_ABOVE:g} (alpha = {ALPHA:g}), "
          f"Q_c differs between alpha = {', '.join(f'{a:g}' for a in THRESHOLD_ALPHAS)}, and the simulated running "
          f"mean at Q = {Q_SETTLE:g} ends within {SETTLE_TOLERANCE:.0%} of the exact mean; fails otherwise",
          decide_s1)


def _too_short(curves) -> bool:
    return any(len(c.n) < MIN_CURVE_POINTS for c in curves)


def decide_s2(growth) -> Decision:
    """Below the threshold median(S_n)/n grows without bound: at each Q of ``Q_STUCK`` it rises over the
    whole range and its fitted log-log slope matches the theoretical 1/beta - 1 within ``SLOPE_TOLERANCE``."""
    curves = [growth.curve(q) for q in Q_STUCK]
    numbers = {f"{c.q:g}": {"fitted_slope": c.fitted_slope, "theory_slope": c.theory_slope,
                            "first": c.median_per_subtask[0], "last": c.median_per_subtask[-1]} for c in curves}
    if _too_short(curves):
        return Decision("undetermined", numbers)
    ok = all(abs(c.fitted_slope - c.theory_slope) < SLOPE_TOLERANCE
             and c.median_per_subtask[-1] > c.median_per_subtask[0] for c in curves)
    return Decision(_verdict(ok), numbers)


S2 = Rule("S2", "For an n-step task below the threshold, the median of average time-per-subtask grows without bound "
                "as n increases, so the median time to complete a whole task grows superlinearly with n.",
          f"holds when, at alpha = {ALPHA:g} and Q = {' and '.join(f'{q:g}' for q in Q_STUCK)}, the exact "
          f"median(S_n)/n is larger at the largest n than at the smallest and its fitted log-log slope is within "
          f"{SLOPE_TOLERANCE:g} of 1/beta - 1; fails otherwise; undetermined on a curve of fewer than "
          f"{MIN_CURVE_POINTS} values of n", decide_s2)


def decide_s3(growth) -> Decision:
    """Above the threshold E[S_n] = n E[M] is linear (exact), and the typical task follows: at ``Q_LINEAR``
    the median per subtask at the largest n is within ``MEDIAN_TOLERANCE`` of the mean per subtask, with a
    fitted slope below ``FLAT_SLOPE``."""
    c = growth.curve(Q_LINEAR)
    gap = abs(c.median_per_subtask[-1] / c.mean_per_subtask - 1) if math.isfinite(c.mean_per_subtask) else math.inf
    numbers = {"mean_per_subtask": c.mean_per_subtask, "median_gap": gap, "fitted_slope": c.fitted_slope}
    if _too_short([c]):
        return Decision("undetermined", numbers)
    return Decision(_verdict(gap < MEDIAN_TOLERANCE and abs(c.fitted_slope) < FLAT_SLOPE), numbers)


S3 = Rule("S3", "Above the critical threshold, minds can solve any task in expected linear time.",
          f"holds when, at alpha = {ALPHA:g} and Q = {Q_LINEAR:g}, E[M] is finite, the exact median per subtask at "
          f"the largest n is within {MEDIAN_TOLERANCE:.0%} of the mean per subtask and the fitted log-log slope of "
          f"median(S_n)/n is below {FLAT_SLOPE:g} in size; fails otherwise; undetermined on a curve of fewer than "
          f"{MIN_CURVE_POINTS} values of n", decide_s3)


def decide_s4(forms: ClosedForms) -> Decision:
    """Efficiency 1 - Q_c/Q reaches ``EFFICIENCY_TARGET`` at a finite Q, and each doubling of Q in
    ``DOUBLINGS`` buys less than the one before, and less than ``LATE_GAIN``."""
    q1, q2, q3 = DOUBLINGS
    gains = (forms.efficiency_at(q2) - forms.efficiency_at(q1), forms.efficiency_at(q3) - forms.efficiency_at(q2))
    ok = (math.isfinite(forms.q_target) and forms.efficiency_at_target >= EFFICIENCY_TARGET - 1e-12
          and gains[1] < gains[0] < LATE_GAIN)
    return Decision(_verdict(ok), {"q_target": forms.q_target, "gains": list(gains),
                                   "efficiency": dict(forms.efficiency)},
                    f"'fairly close' means Q several times Q_c: {EFFICIENCY_TARGET:.0%} efficiency needs "
                    f"Q = {1 / (1 - EFFICIENCY_TARGET):g}/alpha")


S4 = Rule("S4", "Some distance above the critical threshold, minds are running fairly close to the optimal speed, and "
                "further increases in Q cause small efficiency gains.",
          f"holds when efficiency 1 - Q_c/Q reaches {EFFICIENCY_TARGET:.0%} at a finite Q and doubling Q from "
          f"{DOUBLINGS[0]:g} to {DOUBLINGS[1]:g} to {DOUBLINGS[2]:g} (alpha = {ALPHA:g}) buys less each time, and "
          f"less than {LATE_GAIN:.0%}; fails otherwise", decide_s4)


def decide_s5(families) -> Decision:
    """For each family, does the threshold stay at Q_c = 1/alpha = 2: E[M] infinite at ``Q_BELOW`` and finite
    at ``Q_ABOVE``? All of them: holds; the regularly varying ones only: conditional; not even those: fails.
    A regularly varying family whose mean the quadrature could not give (nan) is undecided."""
    means = {name: (families.family(name).mean_at(Q_BELOW), families.family(name).mean_at(Q_ABOVE))
             for name in REGULARLY_VARYING + NO_THRESHOLD + SUPER_HEAVY}
    threshold = {name: math.isinf(below) and math.isfinite(above) for name, (below, above) in means.items()}
    numbers = {"threshold_at_q_c": threshold,
               "no_threshold": all(math.isfinite(families.family(n).mean_at(1.0)) for n in NO_THRESHOLD),
               "never_escapes": all(all(math.isinf(m) for m in families.family(n).mean_subtask_time)
                                    for n in SUPER_HEAVY)}
    undecided = [n for n in REGULARLY_VARYING if any(math.isnan(m) for m in means[n])]
    others_fail = not any(threshold[n] for n in NO_THRESHOLD + SUPER_HEAVY)
    if any(not threshold[n] for n in REGULARLY_VARYING if n not in undecided):
        return Decision("fails", numbers)
    if undecided:
        return Decision("undetermined", {**numbers, "undecided": undecided})
    if all(threshold.values()):
        return Decision("holds", numbers)
    return Decision("conditional", numbers,
                    "holds for regularly varying (power-law-like) tails" + ("" if others_fail else " and some others")
                    + "; fails for lognormal and Weibull-type tails (every Q is above the threshold) and for "
                      "super-heavy tails (no finite Q is)")


S5 = Rule("S5", "This doesn't depend on the function being a power law; it would be true for many different "
                "heavy-tailed distributions.",
          f"for each approach family, the threshold is where it is for power laws when E[M] is infinite at "
          f"Q = {Q_BELOW:g} and finite at Q = {Q_ABOVE:g} (alpha = {ALPHA:g}); holds when that is so for every "
          f"family tested, conditional when for every regularly varying one ({', '.join(REGULARLY_VARYING)}) but "
          f"not the others ({', '.join(NO_THRESHOLD + SUPER_HEAVY)}), fails when not for a regularly varying one; "
          f"undetermined when such a mean of a regularly varying family is not a number (quadrature failed)", decide_s5)

RULES = (S1, S2, S3, S4, S5)
