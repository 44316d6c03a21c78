"""How claims G1-G7 (the published results) and GN1-GN3 (the note's own) are decided: each a
:class:`~alignlab.evidence.claims.Rule` whose thresholds are the named constants below, so the rule
printed in the report and the decision cannot disagree.

Every ``decide_*`` is a pure function of the results of :mod:`alignlab.goodhart.experiments` (curves
are read by the specs they were computed for, never by position); the report
(:mod:`alignlab.goodhart.report`) writes the evidence from the numbers each decision returns.
A fitted slope that is missing (too few thresholds where the quadrature is reliable) leaves a claim
``undetermined`` rather than failed.
"""

from __future__ import annotations

import math

import numpy as np

from alignlab.evidence.claims import Decision, Rule
from alignlab.goodhart.experiments import LEVY, NORMAL, WEIBULL

FAR_T = 1e100                    # G1: E[V | U >= t] must be back at E[V] here ...
LIMIT_TOLERANCE = 1e-6           # ... to this absolute difference
HAZARD_SLOPE = -1.0              # G1: the gain falls like Var(V) x the hazard of X, about 1/t ...
HAZARD_SLOPE_TOLERANCE = 0.1     # ... (log(t)/t for the lognormal: a fitted slope just above -1)
CLOSED_FORM_TOLERANCE = 1e-8     # G2: relative deviation from the closed form for two normals ...
DEEPEST_LOG10_P = -300           # ... wherever P(U >= t) >= 10^DEEPEST_LOG10_P
LIGHT_GROWTH = 10.0              # G2: Weibull error: E[V | U >= t] grows at least this factor over the t grid
RACE_SLOPE_TOLERANCE = 0.05      # G3: fitted against predicted log-log slope of the gain
LEVY_RISE_TOLERANCE = 1e-3       # G5: a gain over E[V] below this is no rise
WINDOW_EDGE = 1.0                # G6: E[V | U >= t] never above the edge of the window where the error lives ...
NEAR_EDGE = 0.99                 # ... and above this at the largest t
GOOD_FIT = 0.95                  # G7: R^2 of a fitted form that counts as a description
MIN_FIT_POINTS = 4               # G7: a two-parameter fit to fewer points says nothing
GROWING_SLOPE = 0.5              # GN2, GN3: a fitted log-log slope of the gain above this is growth
POWER_RACE = ("t(df=1.5)", "t(df=2.2)")       # X heavier than V, yet b <= a + 1 (GN1, GN3)
V_HEAVIER = ("t(df=3)", "t(df=2.2)")          # V heavier than X (GN3)
EXPONENTIAL = ("expon(scale=1)", NORMAL)      # exponential X: a constant gain (GN1, GN2)


def mc_z(estimate, standard_error, exact) -> float:
    """Largest |Monte Carlo - exact| in standard errors, over the points that have a standard error."""
    est, se, exact = (np.asarray(a, dtype=float) for a in (estimate, standard_error, exact))
    ok = np.isfinite(se) & (se > 0)
    return float(np.max(np.abs(est[ok] - exact[ok]) / se[ok])) if ok.any() else math.nan


def at(keys, values) -> dict:
    """``values`` by their key (a threshold t, a number of draws n, a penalty weight beta)."""
    return dict(zip(keys, values))


def _worst(verdicts) -> str:
    """fails over undetermined over holds: one contradicting case decides, a case that cannot be read
    leaves the rest unable to decide."""
    verdicts = list(verdicts)
    return "fails" if "fails" in verdicts else "undetermined" if "undetermined" in verdicts else "holds"


def decide_g1(heavy) -> Decision:
    """Every heavy-tailed error of G1: the catastrophic regime, E[V | U >= FAR_T] within LIMIT_TOLERANCE of
    E[V], and a gain slope within HAZARD_SLOPE_TOLERANCE of HAZARD_SLOPE."""
    numbers, verdicts = {}, []
    for c in heavy.curves:
        limit = at(c.exact.t, c.exact.conditional_utility)[FAR_T]
        slope = c.regime.slope
        numbers[c.error] = {"regime": c.regime.regime, "at_far_t": limit, "slope": slope,
                            "mc_z": mc_z(c.mc.conditional_utility, c.mc.standard_error, c.mc_exact)}
        if c.regime.regime != "catastrophic" or abs(limit - c.exact.utility_mean) >= LIMIT_TOLERANCE:
            verdicts.append("fails")
        elif slope is None:
            verdicts.append("undetermined")
        else:
            verdicts.append("holds" if abs(slope - HAZARD_SLOPE) < HAZARD_SLOPE_TOLERANCE else "fails")
    return Decision(_worst(verdicts), numbers,
                    "X subexponential and V lighter by more than a power (checked from the tail classes)")


G1 = Rule("G1", "If X and V are independent, V has a finite mean, X is subexponential and t^p P(V > t)/P(X > t) -> 0 "
                "for some p > 1, then E[V | X + V >= t] -> E[V].",
          f"holds when, for every heavy-tailed error, the regime is catastrophic, E[V | U >= t] at t = {FAR_T:g} is "
          f"within {LIMIT_TOLERANCE:g} of E[V] and the log-log slope of the gain is within {HAZARD_SLOPE_TOLERANCE:g} "
          f"of {HAZARD_SLOPE:g}; fails when one of these is false for some error; undetermined when a slope cannot be "
          f"fitted", decide_g1)


def decide_g2(light) -> Decision:
    """Two normals: the unbounded regime and the closed forms (conditioning on U >= t down to
    P = 10^DEEPEST_LOG10_P, and on U = u) to CLOSED_FORM_TOLERANCE; Weibull error: growth by LIGHT_GROWTH."""
    normal, weibull = light.curve(NORMAL), light.curve(WEIBULL)
    rel = np.abs(np.array(normal.exact.conditional_utility) / np.array(normal.closed_form) - 1)
    log10_p = np.array(normal.exact.log_tail_probability) / math.log(10)
    deep = log10_p >= DEEPEST_LOG10_P
    point_rel = float(np.max(np.abs(np.array(normal.point.conditional_utility) - np.array(normal.point_closed_form))
                             / np.maximum(np.abs(normal.point_closed_form), 1.0)))
    wcu = at(weibull.exact.t, weibull.exact.conditional_utility)
    weibull_first, weibull_last = wcu[min(wcu)], wcu[max(wcu)]
    numbers = {"regime": normal.regime.regime, "closed_form_deviation": float(rel[deep].max()),
               "deviation_everywhere": float(rel.max()), "lowest_log10_p": float(log10_p.min()),
               "point_deviation": point_rel, "weibull_first": weibull_first, "weibull_last": weibull_last}
    ok = (normal.regime.regime == "unbounded" and numbers["closed_form_deviation"] <= CLOSED_FORM_TOLERANCE
          and point_rel <= CLOSED_FORM_TOLERANCE and weibull_last > LIGHT_GROWTH * weibull_first)
    return Decision("holds" if ok else "fails", numbers)


G2 = Rule("G2", "If X is light-tailed (P(X > t+1)/P(X > t) -> 0) and V is unbounded with finite mean, "
                "E[V | X + V >= t] -> infinity; for two normals E[V | U = u] = E[V] + (u - E[U]) "
                "Var(V)/(Var(V) + Var(X)).",
          f"holds when two normals are in the unbounded regime, E[V | U >= t] and E[V | U = u] match their closed "
          f"forms to relative {CLOSED_FORM_TOLERANCE:g} (for P(U >= t) down to 1e{DEEPEST_LOG10_P}), and with "
          f"{WEIBULL} error E[V | U >= t] grows more than {LIGHT_GROWTH:g}-fold over the thresholds; fails otherwise",
          decide_g2)


def decide_g3(race) -> Decision:
    """Every race: the fitted slope of the gain within RACE_SLOPE_TOLERANCE of the predicted one."""
    numbers, verdicts = {}, []
    for c in race.curves:
        r = c.regime
        numbers[f"{c.error} / {c.utility}"] = {"regime": r.regime, "slope": r.slope, "predicted": r.predicted_slope,
                                               "gain": r.gain}
        if r.slope is None or r.predicted_slope is None:
            verdicts.append("undetermined")
        else:
            verdicts.append("holds" if abs(r.slope - r.predicted_slope) < RACE_SLOPE_TOLERANCE else "fails")
    return Decision(_worst(verdicts), numbers,
                    "the slope of the gain is the larger of 1 + a - b (V takes the jump) and -1 (Var(V) times the "
                    "hazard of X) when Var(V) is finite")


G3 = Rule("G3", "Heavier tails of X are not enough on their own: if both are regularly varying with indices a < b, the "
                "gain behaves like t^(1+a-b) and still grows when b < a + 1. Exponential X (rate lambda) with normal V "
                "(variance s^2) gains a constant lambda s^2.",
          f"holds when, for every pair of tails, the fitted log-log slope of the gain is within "
          f"{RACE_SLOPE_TOLERANCE:g} of the slope theory predicts; fails when one is not; undetermined when a slope "
          f"cannot be fitted or theory predicts none", decide_g3)


def decide_g4(con) -> Decision:
    """The KL falls at every step of t; the mean rises from its lowest point on and ends above where it
    started. Holds when it rises from the first t; conditional when it first dips."""
    mean, kl = at(con.t, con.mean), at(con.t, con.kl)
    ts = sorted(con.t)
    first, last = ts[0], ts[-1]
    low = min(ts, key=mean.get)
    after = [t for t in ts if t >= low]
    kl_falls = all(kl[b] < kl[a] for a, b in zip(ts, ts[1:]))
    rises_after = all(mean[b] > mean[a] for a, b in zip(after, after[1:])) and mean[last] > mean[first]
    numbers = {"kl_falls": kl_falls, "rises_after_low": rises_after, "lowest_mean_t": low}
    if not (kl_falls and rises_after):
        return Decision("fails", numbers)
    if low == first:
        return Decision("holds", numbers, "the base has a finite mean and a regularly varying tail (index 3 > 1)")
    return Decision("conditional", numbers, f"the mean rises from t = {low:.4g} on; the base has a finite mean and a "
                                            f"regularly varying tail (index 3 > 1)")


G4 = Rule("G4", "For a heavy-tailed base there are policies with arbitrarily high mean and arbitrarily small KL to the "
                "base: with a Student t (3 d.o.f.) base and mass t^-0.8 moved above t, the mean rises and the KL falls "
                "as t grows.",
          "holds when the KL falls at every step of t and the mean rises at every step; conditional when the mean "
          "first dips, then rises at every step from its lowest point and ends above where it started; fails "
          "otherwise", decide_g4)


def decide_g5(bon) -> Decision:
    """Normal error: E[V] still rising (peak at the largest n); t and lognormal error: a peak before the
    largest n, then lower; Levy error: no rise above LEVY_RISE_TOLERANCE (else, when the rise is given back
    by the largest n, conditional). A heavy-tailed curve still rising at the largest n cannot show its peak."""
    n_last = max(max(c.exact.n) for c in bon.cases)
    numbers, verdicts, levy = {}, [], []
    for c in bon.cases:
        last = at(c.exact.n, c.exact.utility)[n_last]
        numbers[f"{c.error} / {c.utility}"] = {"peak_n": c.peak_n, "peak_utility": c.peak_utility, "last": last,
                                               "rise": c.peak_utility - c.exact.utility_mean,
                                               "rise_at_last": last - c.exact.utility_mean}
        if c.error == NORMAL:
            verdicts.append("holds" if c.peak_n == n_last else "fails")
        elif c.error == LEVY:
            levy.append(numbers[f"{c.error} / {c.utility}"])
        elif c.peak_n == n_last:
            verdicts.append("undetermined")                     # still rising: its peak lies beyond the grid
        else:
            verdicts.append("holds" if last < c.peak_utility else "fails")
    never_rises = all(x["rise"] <= LEVY_RISE_TOLERANCE for x in levy)
    gives_back = all(x["rise_at_last"] <= LEVY_RISE_TOLERANCE for x in levy)
    verdicts.append("holds" if gives_back else "fails")
    numbers.update(n_last=n_last, mc_z=max(mc_z(c.mc.utility, c.mc.utility_se,
                                                [at(c.exact.n, c.exact.utility)[n] for n in c.mc.n])
                                           for c in bon.cases))
    verdict = _worst(verdicts)
    if verdict == "holds" and not never_rises:
        return Decision("conditional", numbers,
                        "Levy error does lift E[V] a little at n = 2-3 (two draws with comparable X let V decide), "
                        "then gives it all back; 'never rises' holds only from n of about 10 on")
    return Decision(verdict, numbers)


G5 = Rule("G5", "Best-of-n (n = 1 to 1e9): with normal error E[V] keeps rising, with heavy-tailed error (t, lognormal) "
                "it peaks and falls, with Levy error it never rises.",
          f"on the exact best-of-n curves: holds when E[V] peaks at the largest n for normal error, peaks before it "
          f"and ends lower for t and lognormal error, and never exceeds E[V] by {LEVY_RISE_TOLERANCE:g} for Levy "
          f"error; conditional when Levy error lifts E[V] by more but is back within {LEVY_RISE_TOLERANCE:g} of E[V] "
          f"at the largest n; fails when a curve does otherwise; undetermined when a t or lognormal curve still rises "
          f"at the largest n computed", decide_g5)


def decide_g6(dep) -> Decision:
    """The dependent counterexample: E[V | U >= t] below WINDOW_EDGE at every t and above NEAR_EDGE at the
    largest: V stops increasing, at the edge of the window rather than at E[V] (so conditional)."""
    d = dep.dependent
    at_last = at(d.t, d.conditional_utility)[max(d.t)]
    highest = max(d.conditional_utility)
    numbers = {"highest": highest, "at_largest_t": at_last,
               "mc_z": mc_z(dep.mc.conditional_utility, dep.mc.standard_error,
                            [at(d.t, d.conditional_utility)[t] for t in dep.mc.t])}
    if highest < WINDOW_EDGE and at_last > NEAR_EDGE:
        return Decision("conditional", numbers,
                        "V stops increasing (bounded by 1) as claimed, but the limit is 1, not E[V] = 0 as the "
                        "original comment guessed: catastrophic in the sense of bounded, not of 'no gain at all'")
    return Decision("fails", numbers)


G6 = Rule("G6", "Dependence matters: with V ~ N(0,1) and X | V ~ N(0, 4) when |V| <= 1, else X = 0, the error is "
                "unbiased and light-tailed, yet the limit is catastrophic.",
          f"conditional (bounded, not back to E[V]) when E[V | U >= t] stays below {WINDOW_EDGE:g}, the edge of the "
          f"window where the error lives, at every t and exceeds {NEAR_EDGE:g} at the largest; fails otherwise",
          decide_g6)


def decide_g7(fits) -> Decision:
    """R^2 of d (a - b d) against GOOD_FIT on every best-of-n curve: all, some or none."""
    bon_r2 = [f.bon.r_squared for f in fits.cases]
    numbers = {"bon_r2": {f"{f.error} / {f.utility}": f.bon.r_squared for f in fits.cases},
               "rl_r2": {f"{f.error} / {f.utility}": f.rl.r_squared for f in fits.cases},
               "bon_better": sum(f.bon.r_squared > f.rl.r_squared for f in fits.cases)}
    if any(f.bon.points < MIN_FIT_POINTS or math.isnan(f.bon.r_squared) for f in fits.cases):
        return Decision("undetermined", numbers)
    if min(bon_r2) >= GOOD_FIT:
        return Decision("holds", numbers)
    poor = [f"{f.error}/{f.utility} (R^2 {f.bon.r_squared:.2f})" for f in fits.cases if f.bon.r_squared < GOOD_FIT]
    if max(bon_r2) >= GOOD_FIT:
        return Decision("conditional", numbers,
                        "the forms are empirical; d (a - b d) fits poorly for " + ", ".join(poor))
    return Decision("fails", numbers)


G7 = Rule("G7", "Gao, Schulman & Hilton (2022) fit gold reward under best-of-n as d (a - b d), and under RL as "
                "d (a - b log d), with d = sqrt(KL).",
          f"on the exact best-of-n curves of G5: holds when d (a - b d) fits every curve with R^2 >= {GOOD_FIT:g}, "
          f"conditional when it fits some, fails when it fits none; undetermined when a curve has fewer than "
          f"{MIN_FIT_POINTS} points", decide_g7)


def _growing(regime) -> bool | None:
    """Whether the gain grows (slope above GROWING_SLOPE); None when no slope could be fitted."""
    return None if regime.slope is None else regime.slope > GROWING_SLOPE


def decide_gn1(heavy, race) -> Decision:
    """Fails when some heavy-tailed error of G1 is not catastrophic; conditional when all are but two power
    laws with X heavier (POWER_RACE) still grow; holds otherwise."""
    catastrophic = all(c.regime.regime == "catastrophic" for c in heavy.curves)
    power = race.curve(*POWER_RACE).regime
    numbers = {"catastrophic": catastrophic, "power_race_regime": power.regime, "power_race_slope": power.slope,
               "exponential_gain": race.curve(*EXPONENTIAL).regime.gain}
    if not catastrophic:
        return Decision("fails", numbers)
    if power.slope is None:
        return Decision("undetermined", numbers)
    if power.regime == "power-growth" and power.slope > 0:
        return Decision("conditional", numbers,
                        "X subexponential, independent of V, and P(V > t) = o(t^-p P(X > t)) for some p > 1")
    return Decision("holds", numbers)


GN1 = Rule("GN1", "When you care about V and are optimizing for a proxy U, ... optimizing hard enough for U causes V "
                  "to stop increasing (when the error X is heavy-tailed).",
           f"fails when some heavy-tailed error of G1 is not in the catastrophic regime; conditional when all are but "
           f"X ~ {POWER_RACE[0]}, heavier than V ~ {POWER_RACE[1]}, still gives a growing gain (power-growth, slope "
           f"above 0); holds otherwise; undetermined when that slope cannot be fitted", decide_gn1)


def decide_gn2(light, race, dep) -> Decision:
    """Fails when light (normal) error does not give a growing gain; conditional when it does but exponential
    error (a constant gain) or the dependent light error (E[V] below WINDOW_EDGE) still stops V; holds otherwise."""
    normal = light.curve(NORMAL).regime
    expo = race.curve(*EXPONENTIAL).regime
    grows = normal.regime == "unbounded" and _growing(normal)
    stops = expo.regime == "constant-gain" or max(dep.dependent.conditional_utility) < WINDOW_EDGE
    numbers = {"light_regime": normal.regime, "light_slope": normal.slope, "exponential_regime": expo.regime,
               "exponential_gain": expo.gain, "dependent_highest": max(dep.dependent.conditional_utility)}
    if normal.regime == "unbounded" and normal.slope is None:
        return Decision("undetermined", numbers)
    if not grows:
        return Decision("fails", numbers)
    if stops:
        return Decision("conditional", numbers,
                        "necessary for E[V | U >= t] -> E[V] with independent X and V; not for a bounded gain")
    return Decision("holds", numbers)


GN2 = Rule("GN2", "X must be heavy-tailed (or long-tailed or something).",
           f"fails when normal error with normal V does not give an unbounded gain with a log-log slope above "
           f"{GROWING_SLOPE:g}; conditional when it does but exponential error gives a constant gain or the dependent "
           f"light error of G6 keeps E[V] below {WINDOW_EDGE:g} (V stops increasing without heavy tails); holds "
           f"otherwise; undetermined when the slope cannot be fitted", decide_gn2)


def decide_gn3(race) -> Decision:
    """Holds when V heavier than X (V_HEAVIER) gives an unbounded gain growing faster than GROWING_SLOPE."""
    v_heavier, power = race.curve(*V_HEAVIER).regime, race.curve(*POWER_RACE).regime
    numbers = {"v_heavier_regime": v_heavier.regime, "v_heavier_slope": v_heavier.slope,
               "power_race_slope": power.slope}
    grows = _growing(v_heavier)
    if grows is None:
        return Decision("undetermined", numbers)
    if v_heavier.regime == "unbounded" and grows:
        return Decision("holds", numbers, "as a necessary condition; sufficiency needs V lighter by more than a power "
                                          "of t")
    return Decision("fails", numbers)


GN3 = Rule("GN3", "X must have heavier tails than V.",
           f"holds (as a necessary condition) when X ~ {V_HEAVIER[0]} with the heavier V ~ {V_HEAVIER[1]} gives an "
           f"unbounded gain with a log-log slope above {GROWING_SLOPE:g} (V takes the big jump); fails otherwise; "
           f"undetermined when the slope cannot be fitted", decide_gn3)
