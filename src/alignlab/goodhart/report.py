"""The Goodhart section of the report: the published results (G1-G7) and the note's own claims
(GN1-GN3), each decided by an experiment. Verdicts follow from the numbers computed here."""

from __future__ import annotations

import math

import numpy as np

from alignlab.goodhart import experiments as ex
from alignlab.goodhart import plots
from alignlab.evidence.claims import Claim, Section, Table
from alignlab.evidence.context import ReportContext

SEED = 0           # the report's Monte Carlo runs are reproducible


def _g(x, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.{digits}g}"


def _mc_z(estimate, standard_error, exact) -> float:
    """Largest |Monte Carlo - exact| in standard errors, over the points that have a standard error."""
    est, se, exact = (np.asarray(a, dtype=float) for a in (estimate, standard_error, exact))
    ok = np.isfinite(se) & (se > 0)
    return float(np.max(np.abs(est[ok] - exact[ok]) / se[ok])) if ok.any() else math.nan


def _at(keys, values) -> dict:
    """``values`` by their key (a threshold t, a number of draws n, a penalty weight beta)."""
    return dict(zip(keys, values))


def build(ctx: ReportContext) -> Section:
    ctx.step("G1 heavy-tailed error to t = 1e100")
    heavy = ctx.cached("goodhart/g1", lambda: ex.heavy_error(seed=SEED))
    ctx.step("G2 light-tailed error")
    light = ctx.cached("goodhart/g2", lambda: ex.light_error(seed=SEED))
    ctx.step("G3 racing tails")
    race = ctx.cached("goodhart/g3", ex.tail_race)
    ctx.step("G4 KL construction")
    con = ctx.cached("goodhart/g4", ex.kl_construction)
    ctx.step("G5 best-of-n to n = 1e9 (exact) and 65,536 (Monte Carlo)")
    bon = ctx.cached("goodhart/g5", lambda: ex.bon_synthetic(
        seed=SEED, progress=ctx.progress("G5")))
    ctx.step("G6 dependence counterexample")
    dep = ctx.cached("goodhart/g6", lambda: ex.dependence_study(seed=SEED))
    fits = ex.gao_fits(bon)

    ctx.step("figures")
    figures = (
        ctx.render(plots.plot_heavy_error(heavy), "goodhart_g1",
                   "E[V | U >= t] for V ~ N(0,1) and heavy-tailed errors, exact (left: to t = 1e4; right: to "
                   "t = 1e100), with Monte Carlo (+-2 SE, 400,000 draws) where simulation reaches. Right: the "
                   "gain on log-log axes."),
        ctx.render(plots.plot_light_error(light), "goodhart_g2",
                   "Light-tailed error: E[V | U >= t] grows without bound. Right: the quadrature against the "
                   "closed form for two normals, against log10 P(U >= t), with the engine's own error estimate."),
        ctx.render(plots.plot_tail_race(race), "goodhart_g3",
                   "The gain against t for pairs of tails; slopes fitted over the last four reliable decades "
                   "against the slope theory predicts."),
        ctx.render(plots.plot_construction(con), "goodhart_g4",
                   "The construction: a t(df=3) base with mass t^-0.8 moved above t, keeping the "
                   "base's shape on each side. Its mean rises while its KL to the base falls."),
        ctx.render(plots.plot_bon_synthetic(bon), "goodhart_g5",
                   "Best-of-n: E[V] of the draw with the largest U, exact by quadrature over the law of the "
                   "maximum (lines, n = 1 to 1e9) and Monte Carlo (points, +-2 SE)."),
        ctx.render(plots.plot_dependence(dep), "goodhart_g6",
                   "The dependence counterexample against the same error made independent of V, by "
                   "conditioning (left) and by the KL-regularised optimum (right)."),
        ctx.render(plots.plot_gao_fits(bon, fits), "goodhart_g7",
                   "Gao et al.'s functional forms fitted by least squares to the exact best-of-n curves of G5."),
    )
    claims = [_g1(heavy), _g2(light), _g3(race), _g4(con), _g5(bon), _g6(dep), _g7(bon, fits)]
    claims += _note_claims(heavy, light, race, dep)
    tables = (_construction_table(con), _bon_table(bon), _fits_table(fits), _race_table(race))
    summary = ("A proxy U = X + V of a true utility V with error X, optimised three ways: conditioning on U &ge; t, "
               "best-of-n selection and the KL-regularised optimum p&middot;exp(U/&beta;). Every number comes "
               "from deterministic quadrature in log space (adaptive Gauss&ndash;Kronrod on fans of panels in "
               "the log offset from where the mass sits), checked against closed forms, mpmath and Monte "
               "Carlo; it stays accurate to relative 1e-8 for P(U &ge; t) down to 1e-300 and is flagged where "
               "rounding takes over. Tail classes come from closed-form knowledge of each family.")
    return Section(summary, tuple(claims), figures, tables)


def _g1(heavy) -> Claim:
    parts, holds = [], True
    for c in heavy.curves:
        cu = _at(c.exact.t, c.exact.conditional_utility)
        lp = _at(c.exact.t, c.exact.log_tail_probability)
        z = _mc_z(c.mc.conditional_utility, c.mc.standard_error, c.mc_exact)
        slope_ok = c.regime.slope is not None and abs(c.regime.slope - (-1.0)) < 0.1
        holds &= c.regime.regime == "catastrophic" and abs(cu[1e100] - c.exact.utility_mean) < 1e-6 and slope_ok
        parts.append(f"X ~ {c.error}: E[V | U >= t] = {_g(cu[1.0])} at t = 1, {_g(cu[1e10])} at 1e10, "
                     f"{_g(cu[1e100])} at 1e100 (P(U >= 1e100) = 10^{lp[1e100] / math.log(10):.1f}); gain slope "
                     f"{_g(c.regime.slope)}; Monte Carlo within {_g(z, 2)} SE")
    return Claim("G1", "If X and V are independent, V has a finite mean, X is subexponential and "
                       "t^p P(V > t)/P(X > t) -> 0 for some p > 1, then E[V | X + V >= t] -> E[V].",
                 "holds" if holds else "fails",
                 "V ~ N(0, 1), E[V] = 0. " + "; ".join(parts) + ". The gain falls like Var(V) x the hazard of X "
                 "(1/t for power laws, log(t)/t for the lognormal, hence its slope just above -1).",
                 "X subexponential and V lighter by more than a power (checked from the tail classes)",
                 ("goodhart_g1",))


def _g2(light) -> Claim:
    normal, weibull = light.curve(ex.NORMAL), light.curve(ex.WEIBULL)
    closed = np.array(normal.closed_form)
    rel = np.abs(np.array(normal.exact.conditional_utility) / closed - 1)
    logp = np.array(normal.exact.log_tail_probability) / math.log(10)
    deep = logp >= -300
    point_rel = np.max(np.abs(np.array(normal.point.conditional_utility) - np.array(normal.point_closed_form))
                       / np.maximum(np.abs(normal.point_closed_form), 1.0))
    cu = _at(normal.exact.t, normal.exact.conditional_utility)
    wcu = _at(weibull.exact.t, weibull.exact.conditional_utility)
    w_first, w_last = min(wcu), max(wcu)
    holds = (normal.regime.regime == "unbounded" and rel[deep].max() <= 1e-8 and point_rel <= 1e-8
             and wcu[w_last] > 10 * wcu[w_first])
    return Claim("G2", "If X is light-tailed (P(X > t+1)/P(X > t) -> 0) and V is unbounded with finite mean, "
                       "E[V | X + V >= t] -> infinity; for two normals E[V | U = u] = E[V] + (u - E[U]) "
                       "Var(V)/(Var(V) + Var(X)).",
                 "holds" if holds else "fails",
                 f"X, V ~ N(0, 1): E[V | U >= t] = {_g(cu[100.0])} at t = 100, {_g(cu[1e4])} at t = 1e4 (slope "
                 f"{_g(normal.regime.slope)}). Against the closed form the largest relative deviation is "
                 f"{rel[deep].max():.1e} over P(U >= t) from 1/2 down to 1e-300 and {rel.max():.1e} down to "
                 f"P = 10^{logp.min():.3g}; E[V | U = u] matches (u - E[U])/2 to {point_rel:.1e} for u from "
                 f"{_g(min(normal.point.u))} to {_g(max(normal.point.u))}. X ~ {weibull.error}: E[V | U >= t] grows "
                 f"from {_g(wcu[w_first])} at t = {_g(w_first)} to {_g(wcu[w_last])} at t = {_g(w_last)} (slope "
                 f"{_g(weibull.regime.slope)}).",
                 "", ("goodhart_g2",))


def _g3(race) -> Claim:
    rows, holds = [], True
    for c in race.curves:
        r = c.regime
        agree = r.slope is not None and r.predicted_slope is not None and abs(r.slope - r.predicted_slope) < 0.05
        holds &= agree
        rows.append(f"X ~ {c.error}, V ~ {c.utility}: {r.regime}, slope {_g(r.slope)} (theory "
                    f"{_g(r.predicted_slope)})" + (f", constant gain {_g(r.gain)}" if r.gain is not None else ""))
    return Claim("G3", "Heavier tails of X are not enough on their own: if both are regularly varying with indices "
                       "a < b, the gain behaves like t^(1+a-b) and still grows when b < a + 1. Exponential X (rate "
                       "lambda) with normal V (variance s^2) gains a constant lambda s^2.",
                 "holds" if holds else "fails", "; ".join(rows) + ".",
                 "the slope of the gain is the larger of 1 + a - b (V takes the jump) and -1 (Var(V) times the "
                 "hazard of X) when Var(V) is finite", ("goodhart_g3",))


def _g4(con) -> Claim:
    mean, kl, mass, base_tail = (_at(con.t, x) for x in (con.mean, con.kl, con.mass, con.base_tail))
    ts = sorted(con.t)
    first, last = min(ts), max(ts)
    low = min(ts, key=mean.get)                                  # where the mean is lowest
    kl_falls = all(kl[b] < kl[a] for a, b in zip(ts, ts[1:]))
    after = [t for t in ts if t >= low]
    rises_after = all(mean[b] > mean[a] for a, b in zip(after, after[1:])) and mean[last] > mean[first]
    verdict = "holds" if kl_falls and low == first and rises_after else "conditional" if kl_falls and rises_after \
        else "fails"
    dip = (f"the mean first dips from {_g(mean[first])} at t = {_g(first)} (where the mass moved above t, "
           f"{_g(mass[first], 3)}, is {_g(mass[first] / base_tail[first], 2)} times the base's own) to "
           f"{_g(mean[low])} at t = {_g(low)}, then rises" if low > first else "the mean rises")
    return Claim("G4", "For a heavy-tailed base there are policies with arbitrarily high mean and arbitrarily small "
                       "KL to the base: with a Student t (3 d.o.f.) base and mass t^-0.8 moved above t, the mean "
                       "rises and the KL falls as t grows.",
                 verdict,
                 f"Over t from {_g(first)} to {_g(last)}: KL {'falls monotonically' if kl_falls else 'is not monotone'}"
                 f" from {_g(kl[first])} to {_g(kl[last])} nats; {dip} to {_g(mean[last])}. Closed forms: mean = mu + "
                 "H(t)(m/S(t) - (1-m)/F(t)) grows like t^0.2, KL = m log(m/S) + (1-m) log((1-m)/F) falls like "
                 "t^-0.8 log t.",
                 f"the mean rises from t = {_g(low)} on; the base has a finite mean and a regularly varying tail "
                 "(index 3 > 1)" if low > first else "the base has a finite mean and a regularly varying tail "
                 "(index 3 > 1)",
                 ("goodhart_g4",))


def _g5(bon) -> Claim:
    parts, ok, zs, levy_rise = [], True, [], []
    n_last = max(max(c.exact.n) for c in bon.cases)
    mc_last = max(max(c.mc.n) for c in bon.cases)
    for c in bon.cases:
        exact = _at(c.exact.n, c.exact.utility)
        zs.append(_mc_z(c.mc.utility, c.mc.utility_se, [exact[n] for n in c.mc.n]))
        last = exact[n_last]
        if c.error == ex.NORMAL:
            ok &= c.peak_n == n_last
        elif c.error == ex.LEVY:
            levy_rise.append((c.utility, c.peak_n, c.peak_utility - c.exact.utility_mean, last - c.exact.utility_mean))
        else:
            ok &= c.peak_n < n_last and last < c.peak_utility
        parts.append(f"{c.error}/{c.utility}: peak at n = {c.peak_n:.3g} ({_g(c.peak_utility)}), "
                     f"{_g(last)} at n = {n_last:.3g}")
    levy_never = all(rise <= 1e-3 for _, _, rise, _ in levy_rise)
    verdict = "holds" if ok and levy_never else "conditional" if ok else "fails"
    levy_text = "; ".join(f"V ~ {u}: +{_g(r)} at n = {n} and +{_g(e, 2)} at n = {n_last:.3g}"
                          for u, n, r, e in levy_rise)
    return Claim("G5", "Best-of-n (n = 1 to 1e9): with normal error E[V] keeps rising, with heavy-tailed error "
                       "(t, lognormal) it peaks and falls, with Levy error it never rises.",
                 verdict,
                 "; ".join(parts) + f". Levy error: {levy_text}. Monte Carlo ({bon.trials} trials to n = "
                 f"{mc_last:,}) agrees within {_g(max(zs), 2)} SE at every point of every curve.",
                 "Levy error does lift E[V] a little at n = 2-3 (two draws with comparable X let V decide), "
                 "then gives it all back; 'never rises' holds only from n of about 10 on" if not levy_never else "",
                 ("goodhart_g5",))


def _g6(dep) -> Claim:
    d, i = dep.dependent, dep.independent
    dv, iv = _at(d.t, d.conditional_utility), _at(i.t, i.conditional_utility)
    t_last = max(d.t)
    z = _mc_z(dep.mc.conditional_utility, dep.mc.standard_error, [dv[t] for t in dep.mc.t])
    bounded = max(d.conditional_utility) < 1.0 and dv[t_last] > 0.99
    beta_min = min(dep.tilt_dependent.beta)
    tilt_dep = _at(dep.tilt_dependent.beta, dep.tilt_dependent.utility)
    tilt_ind = _at(dep.tilt_independent.beta, dep.tilt_independent.utility)
    return Claim("G6", "Dependence matters: with V ~ N(0,1) and X | V ~ N(0, 4) when |V| <= 1, else X = 0, the "
                       "error is unbiased and light-tailed, yet the limit is catastrophic.",
                 "conditional" if bounded else "fails",
                 f"E[V | U >= t] = {_g(dv[10.0])} at t = 10, {_g(dv[t_last], 6)} at t = "
                 f"{_g(t_last)}, rising to 1 (the edge of the window where the error lives) and never above it; "
                 f"with the same error independent of V it is {_g(iv[10.0])} and {_g(iv[t_last])} "
                 f"(t/5). Monte Carlo within {_g(z, 2)} SE. The KL-regularised optimum agrees: E[V] = "
                 f"{_g(tilt_dep[beta_min])} at beta = {_g(beta_min)} against {_g(tilt_ind[beta_min])} when "
                 "independent.",
                 "V stops increasing (bounded by 1) as claimed, but the limit is 1, not E[V] = 0 as the original "
                 "comment guessed: catastrophic in the sense of bounded, not of 'no gain at all'",
                 ("goodhart_g6",))


def _g7(bon, fits) -> Claim:
    bon_r2 = [f.bon.r_squared for f in fits.cases]
    rl_r2 = [f.rl.r_squared for f in fits.cases]
    better = sum(f.bon.r_squared > f.rl.r_squared for f in fits.cases)
    verdict = "holds" if min(bon_r2) >= 0.95 else "conditional" if max(bon_r2) >= 0.95 else "fails"
    worst = min(fits.cases, key=lambda f: f.bon.r_squared)
    poor = [f"{f.error}/{f.utility} (R^2 {f.bon.r_squared:.2f})" for f in fits.cases if f.bon.r_squared < 0.95]
    n_last = max(max(c.exact.n) for c in bon.cases)
    d_max = math.sqrt(max(max(c.exact.kl) for c in bon.cases))
    return Claim("G7", "Gao, Schulman & Hilton (2022) fit gold reward under best-of-n as d (a - b d), and under RL "
                       "as d (a - b log d), with d = sqrt(KL).",
                 verdict,
                 f"Fitted to the {len(fits.cases)} exact best-of-n curves of G5 (n = 1 to {n_last:.3g}, d up to "
                 f"{d_max:.2f}): R^2 of d (a - b d) from {min(bon_r2):.3f} ({worst.error}/{worst.utility}) to "
                 f"{max(bon_r2):.3f}; R^2 of d (a - b log d) from {min(rl_r2):.3f} to {max(rl_r2):.3f}; the "
                 f"best-of-n form fits better in {better} of {len(bon_r2)} cases.",
                 ("the forms are empirical; d (a - b d) fits poorly for " + ", ".join(poor)) if poor else "",
                 ("goodhart_g7",))


def _note_claims(heavy, light, race, dep) -> list[Claim]:
    growth = race.curve("t(df=1.5)", "t(df=2.2)").regime           # X heavier than V, yet b <= a + 1
    v_heavier = race.curve("t(df=3)", "t(df=2.2)").regime          # V heavier than X
    expo = race.curve("expon(scale=1)", ex.NORMAL).regime
    light_normal = light.curve(ex.NORMAL).regime
    heavy_slopes = ", ".join(f"{c.error} {_g(c.regime.slope)}" for c in heavy.curves)
    # the numbers each verdict rests on
    catastrophic = all(c.regime.regime == "catastrophic" for c in heavy.curves)
    grows_though_heavier = growth.regime == "power-growth" and growth.slope > 0
    light_grows = light_normal.regime == "unbounded" and light_normal.slope > 0.5
    stops_without_heavy = expo.regime == "constant-gain" or max(dep.dependent.conditional_utility) < 1.0
    v_jumps = v_heavier.regime == "unbounded" and v_heavier.slope > 0.5

    def verdict(holds: bool, only_under_conditions: bool) -> str:
        return "fails" if not holds else "conditional" if only_under_conditions else "holds"

    n1 = Claim("GN1", "When you care about V and are optimizing for a proxy U, ... optimizing hard enough for U "
                      "causes V to stop increasing (when the error X is heavy-tailed).",
               verdict(catastrophic, grows_though_heavier),
               f"Holds for subexponential X with V lighter by more than a power: the gain vanishes (slopes "
               f"{heavy_slopes}, G1). Fails for two power laws with b <= a + 1: X ~ t(df=1.5) is heavier than "
               f"V ~ t(df=2.2), yet the gain grows like t^{_g(growth.slope, 3)} (G3). V also stops increasing "
               f"without heavy tails: exponential error gives a constant gain ({_g(expo.gain)}), and light but "
               f"V-dependent error caps E[V] at 1 (G6).",
               "X subexponential, independent of V, and P(V > t) = o(t^-p P(X > t)) for some p > 1",
               ("goodhart_g1", "goodhart_g3"))
    n2 = Claim("GN2", "X must be heavy-tailed (or long-tailed or something).",
               verdict(light_grows, stops_without_heavy),
               f"For the full catastrophe (E[V | U >= t] -> E[V]) X must be subexponential: light X gives "
               f"unbounded growth (G2, slope {_g(light_normal.slope)}) and exponential X a constant "
               f"gain {_g(expo.gain)} = lambda Var(V) (G3). For V merely to stop increasing it is not necessary: "
               f"exponential error already bounds the gain, and the dependent counterexample (light, unbiased "
               f"error) bounds E[V] by 1 (G6).",
               "necessary for E[V | U >= t] -> E[V] with independent X and V; not for a bounded gain",
               ("goodhart_g2", "goodhart_g3", "goodhart_g6"))
    n3 = Claim("GN3", "X must have heavier tails than V.",
               verdict(v_jumps, False),
               f"Necessary: when V's tail is at least as heavy as X's, V takes the big jump and the gain grows "
               f"linearly (X ~ t(df=3), V ~ t(df=2.2): slope {_g(v_heavier.slope)}). Not sufficient: X ~ t(df=1.5) "
               f"is heavier than V ~ t(df=2.2) and the gain still grows like t^{_g(growth.slope, 3)} (G3); the "
               f"condition that works is P(V > t)/P(X > t) = o(t^-p) for some p > 1.",
               "as a necessary condition; sufficiency needs V lighter by more than a power of t",
               ("goodhart_g3",))
    return [n1, n2, n3]


def _construction_table(con) -> Table:
    rows = tuple((_g(t), _g(m), _g(s, 3), _g(mu), _g(k)) for t, m, s, mu, k in
                 zip(con.t, con.mass, con.base_tail, con.mean, con.kl))
    return Table(f"G4: the construction on a {con.base} base with mass(t) = t^-{con.mass_exponent:g}",
                 ("t", "mass above t", "base P(X > t)", "mean", "KL (nats)"), rows)


def _bon_table(bon) -> Table:
    rows = []
    for c in bon.cases:
        utility, proxy = _at(c.exact.n, c.exact.utility), _at(c.exact.n, c.exact.proxy)
        n_last = max(c.exact.n)
        rows.append((c.error, c.utility, _g(utility.get(10)), _g(utility.get(1000)), f"{c.peak_n:.3g}",
                     _g(c.peak_utility), _g(utility[n_last]), _g(proxy[n_last])))
    return Table("G5: E[V] of best-of-n (exact) and E[U] at n = 1e9 (inf: infinite mean)",
                 ("error X", "utility V", "E[V], n=10", "E[V], n=1e3", "peak n", "peak E[V]", "E[V], n=1e9",
                  "E[U], n=1e9"), tuple(rows))


def _fits_table(fits) -> Table:
    rows = tuple((f.error, f.utility, _g(f.bon.a), _g(f.bon.b), f"{f.bon.r_squared:.4f}", _g(f.rl.a), _g(f.rl.b),
                  f"{f.rl.r_squared:.4f}") for f in fits.cases)
    return Table("G7: least-squares fits of Gao et al.'s forms to the exact best-of-n gain, d = sqrt(KL)",
                 ("error X", "utility V", "a (d(a-bd))", "b", "R^2", "a (d(a-b log d))", "b", "R^2"), rows)


def _race_table(race) -> Table:
    rows = tuple((c.error, c.utility, c.regime.regime, _g(c.regime.exponent), _g(c.regime.predicted_slope),
                  _g(c.regime.slope), _g(c.regime.gain)) for c in race.curves)
    return Table("G3: fitted log-log slope of the gain against theory",
                 ("error X", "utility V", "regime", "1 + a - b", "predicted slope", "fitted slope", "constant gain"),
                 rows)
