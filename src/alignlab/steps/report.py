"""The steps section of the report: claims S1-S5 of the notes, each decided by an experiment."""

from __future__ import annotations

import math

from alignlab.evidence.claims import Claim, Section, Table
from alignlab.evidence.context import ReportContext
from alignlab.steps import experiments as ex
from alignlab.steps import plots
from alignlab.steps.model import StepsModel

ALPHA = 0.5


def _fmt(x: float, digits: int = 4) -> str:
    if x is None:
        return "-"
    if math.isinf(x):
        return "inf"
    return f"{x:.{digits}g}"


def build(ctx: ReportContext) -> Section:
    ctx.step("phase diagram")
    phase = ctx.cached("steps/phase", ex.phase_diagram)
    ctx.step("running means (Monte Carlo)")
    running = ctx.cached("steps/running", lambda: ex.running_means(ALPHA))
    ctx.step("exact growth curves to n = 1e12")
    growth = ctx.cached("steps/growth", lambda: ex.growth_curves(ALPHA, (1.0, 1.5, 2.0, 3.0, 5.0), 1, 10 ** 12, 25))
    ctx.step("efficiency")
    eff = ctx.cached("steps/efficiency", ex.efficiency_curves)
    ctx.step("other approach families (Monte Carlo)")
    families = ctx.cached("steps/families", ex.family_study)
    ctx.step("success curves")
    success = ctx.cached("steps/success", lambda: ex.success_curves(ALPHA, (1.0, 2.0, 3.0, 4.0), 1000.0))

    figures = (
        ctx.render(plots.plot_phase_diagram(phase), "steps_phase",
                   "Regime over (alpha, Q). Below Q = 1/alpha the mean subtask time is infinite (stuck); between "
                   "1/alpha and 2/alpha the mean is finite but the variance is not (linear-heavy); above 2/alpha "
                   "fluctuations are Gaussian."),
        ctx.render(plots.plot_running_means(running), "steps_running_mean",
                   f"Sample mean of the subtask time M over growing samples, alpha = {ALPHA}. Above Q_c = 2 it "
                   "settles at beta/(beta-1) (dashed); below it keeps climbing with the sample size."),
        ctx.render(plots.plot_growth_curves(growth), "steps_growth",
                   f"Exact median time per subtask against n up to 1e12 (alpha = {ALPHA}), by Laplace inversion. "
                   "Dotted: the theoretical slope 1/beta - 1 below the threshold; dashed: the mean above it."),
        ctx.render(plots.plot_efficiency(eff), "steps_efficiency",
                   "Efficiency (optimal time 1 over mean time) against Q; dotted lines mark Q_c = 1/alpha, the "
                   "dashed line 90%."),
        ctx.render(plots.plot_family_study(families), "steps_families",
                   "log10 of the median time per subtask against n for other approach-time families and Q = 1, 2, "
                   "4, 8: Monte Carlo to n = 1e4 (400 tasks per point, dots) and the exact lower bound from the "
                   "largest subtask to n = 1e30 (dashed)."),
        ctx.render(plots.plot_success_curves(success), "steps_success",
                   "Probability of finishing a task of n subtasks within a budget of 1000 time units, exact; "
                   "dotted: the 50% horizon."),
    )

    claims = (_s1(running), _s2(growth), _s3(growth), _s4(), _s5(families))
    table = _family_table(families)
    summary = ("A task of n serial subtasks; a mind of power Q picks the fastest of Q approaches, each taking "
               "Pareto(alpha) time T &ge; 1, so a subtask takes M with P(M &gt; t) = t<sup>-Q&alpha;</sup>. "
               "Exact results come from inverting the Laplace transform (&beta; E<sub>&beta;+1</sub>(s))<sup>n</sup> "
               "(relative error below 1e-6 checked against mpmath); the other families by quadrature and Monte "
               "Carlo. Success curves and horizons answer the question an evaluation asks: how long a task "
               "does this mind finish within a budget?")
    return Section(summary, claims, figures, (table,))


def _verdict(ok: bool) -> str:
    return "holds" if ok else "fails"


def _s1(running) -> Claim:
    """A threshold exists where the mean turns finite (closed forms just below and above 1/alpha), it moves
    with alpha, and simulation agrees where a finite sample can: at Q = 4 (beta = 2) the running mean of
    1e7 draws is within 2% of the exact mean (its error is of order sqrt(log n / n), below 1e-3). Below the
    threshold no finite sample can show an infinite mean; the running means there are shown, not tested."""
    below, above = StepsModel(ALPHA, 1.9), StepsModel(ALPHA, 2.1)
    thresholds = {a: StepsModel(a, 1.0).critical_q for a in (0.25, 0.5, 1.0)}
    early, late = running.sizes[len(running.sizes) // 3], running.sizes[-1]
    settles = abs(running.mean_at(4.0, late) / running.exact_mean(4.0) - 1) < 0.02
    ok = (math.isinf(below.mean_subtask_time) and math.isfinite(above.mean_subtask_time)
          and len(set(thresholds.values())) == len(thresholds) and settles)
    return Claim(
        "S1", "There is a critical threshold of intelligence below which the distribution of time to complete a "
              "subtask has infinite mean. This threshold depends on alpha.",
        _verdict(ok),
        f"The subtask time is Pareto with index beta = Q alpha, so E[M] = beta/(beta-1) is finite iff Q > Q_c = "
        f"1/alpha. At alpha = {ALPHA}: Q = 1.9 gives E[M] = {_fmt(below.mean_subtask_time)}, Q = 2.1 gives "
        f"{_fmt(above.mean_subtask_time)}. Simulated running means agree: at Q = 1.9 the sample mean grows from "
        f"{_fmt(running.mean_at(1.9, early))} to {_fmt(running.mean_at(1.9, late))} over {early:.0e}-{late:.0e} draws, "
        f"at Q = 2.5 it is {_fmt(running.mean_at(2.5, late))} (exact {_fmt(running.exact_mean(2.5))}; variance "
        f"infinite, so it converges slowly) and at Q = 4 {_fmt(running.mean_at(4.0, late))} (exact "
        f"{_fmt(running.exact_mean(4.0))}). "
        f"Q_c = 1/alpha: " + ", ".join(f"{_fmt(q)} at alpha = {a:g}" for a, q in thresholds.items()) + ".",
        "for power-law approach times; S5 covers other tails", ("steps_phase", "steps_running_mean"))


def _s2(growth) -> Claim:
    """Below the threshold median(S_n)/n grows without bound: it rises over the whole range and its
    fitted log-log slope matches the theoretical 1/beta - 1 within 0.05."""
    stuck, deeper, boundary = growth.curve(1.0), growth.curve(1.5), growth.curve(2.0)
    matches = all(abs(c.fitted_slope - c.theory_slope) < 0.05 and c.median_per_subtask[-1] > c.median_per_subtask[0]
                  for c in (stuck, deeper))
    return Claim(
        "S2", "For an n-step task below the threshold, the median of average time-per-subtask grows without bound "
              "as n increases, so the median time to complete a whole task grows superlinearly with n.",
        _verdict(matches),
        f"Exact median(S_n)/n at alpha = {ALPHA}, Q = 1 (beta = 0.5): {_fmt(stuck.median_per_subtask[0])} at n = "
        f"{stuck.n[0]}, {_fmt(stuck.median_per_subtask[-1])} at n = {stuck.n[-1]:.0e}; fitted log-log slope "
        f"{stuck.fitted_slope:.4f} against the theoretical 1/beta - 1 = {stuck.theory_slope:.4f} (S_n/n^2 tends to a "
        f"Levy law with scale pi/2). At Q = 1.5 (beta = 0.75) the slope is {deeper.fitted_slope:.4f} against "
        f"{deeper.theory_slope:.4f}. At the threshold (Q = 2) it still grows, like log n: "
        f"{_fmt(boundary.median_per_subtask[0])} at n = {boundary.n[0]}, {_fmt(boundary.median_per_subtask[-1])} at "
        f"n = {boundary.n[-1]:.0e}.",
        "", ("steps_growth",))


def _s3(growth) -> Claim:
    """Above the threshold E[S_n] = n E[M] is linear (exact), and the typical task follows: the median per
    subtask at the largest n is within 1% of the mean per subtask, with a fitted slope below 0.01."""
    lin = growth.curve(3.0)
    mid = 1e6
    close = abs(lin.median_per_subtask[-1] / lin.mean_per_subtask - 1) < 0.01 and abs(lin.fitted_slope) < 0.01
    return Claim(
        "S3", "Above the critical threshold, minds can solve any task in expected linear time.",
        _verdict(math.isfinite(lin.mean_per_subtask) and close),
        f"E[S_n] = n beta/(beta-1) exactly. At alpha = {ALPHA}, Q = 3: E[S_n]/n = {_fmt(lin.mean_per_subtask)} for every "
        f"n, and the exact median per subtask approaches it ({_fmt(lin.median_per_subtask_at(mid))} at n = "
        f"{lin.n_near(mid):.0e}, {_fmt(lin.median_per_subtask[-1])} at n = {lin.n[-1]:.0e}; fitted slope "
        f"{lin.fitted_slope:.2e}). Between 1/alpha and 2/alpha fluctuations are heavy-tailed (order n^(1/beta)), so a "
        f"single task can still take far longer than its mean.",
        "", ("steps_growth",))


def _s4() -> Claim:
    """Efficiency 1 - Q_c/Q reaches 90% at a finite Q and each doubling of Q beyond it buys half what the
    previous one did (diminishing returns)."""
    eff = {q: StepsModel(ALPHA, q).efficiency for q in (4, 10, 20, 40, 80)}
    q90 = ex.q_for_efficiency(ALPHA, 0.9)
    gains = (eff[40] - eff[20], eff[80] - eff[40])
    ok = math.isfinite(q90) and StepsModel(ALPHA, q90).efficiency >= 0.9 - 1e-12 and gains[1] < gains[0] < 0.1
    return Claim(
        "S4", "Some distance above the critical threshold, minds are running fairly close to the optimal speed, and "
              "further increases in Q cause small efficiency gains.",
        _verdict(ok),
        f"Efficiency is 1 - 1/(Q alpha) = 1 - Q_c/Q. At alpha = {ALPHA} (Q_c = 2): {eff[4]:.0%} at Q = 4, "
        f"{eff[10]:.0%} at Q = 10, {eff[20]:.0%} at Q = 20, {eff[40]:.1%} at Q = 40. The marginal gain Q_c/Q^2 falls "
        f"with the square of Q: doubling Q from 20 to 40 buys {gains[0]:.1%}, from 40 to 80 {gains[1]:.1%}. "
        f"Within 10% of optimal needs Q >= {q90:g} = 10 Q_c.",
        "'fairly close' means Q several times Q_c: 90% efficiency needs Q = 10/alpha", ("steps_efficiency",))


REGULARLY_VARYING = ("pareto", "lomax", "invweibull", "fisk")
NO_THRESHOLD = ("lognorm", "weibull_min")
SUPER_HEAVY = ("logcauchy", "logpareto")


def _s5(families) -> Claim:
    """The conjecture holds for a family when E[M] is infinite at Q = 1.9 and finite at Q = 2.1 (alpha = 0.5).
    It holds for every family tested, fails for all, or holds under conditions (the tail classes for which it does)."""
    def threshold_at_2(f):
        return math.isinf(f.mean_at(1.9)) and math.isfinite(f.mean_at(2.1))

    by = {name: threshold_at_2(families.family(name)) for name in REGULARLY_VARYING + NO_THRESHOLD + SUPER_HEAVY}
    rv_hold = all(by[n] for n in REGULARLY_VARYING)
    others_fail = not any(by[n] for n in NO_THRESHOLD + SUPER_HEAVY)
    no_threshold = all(math.isfinite(families.family(n).mean_at(1.0)) for n in NO_THRESHOLD)
    never_escapes = all(all(math.isinf(m) for m in families.family(n).mean_subtask_time) for n in SUPER_HEAVY)
    verdict = "holds" if all(by.values()) else "conditional" if rv_hold else "fails"
    lognorm, weibull = families.family("lognorm"), families.family("weibull_min")
    logcauchy, logpareto = families.family("logcauchy"), families.family("logpareto")
    q_max = max(c.q for c in logcauchy.growth.curves)
    n_far = logcauchy.bound_n[-1]                   # the far end of the bound grid
    return Claim(
        "S5", "This doesn't depend on the function being a power law; it would be true for many different "
              "heavy-tailed distributions.",
        verdict,
        "Regularly varying tails keep the threshold at Q_c = 1/alpha = 2: "
        + "; ".join(f"{f.approach} E[M] = {_fmt(f.mean_at(1.9))} at Q = 1.9 and {_fmt(f.mean_at(2.1))} at Q = 2.1"
                    for f in families.families if f.family in REGULARLY_VARYING[1:])
        + ". Lognormal and stretched-exponential tails have no threshold"
        + ("" if no_threshold else " (not confirmed: a mean was infinite at Q = 1)")
        + f": E[M] is finite already at Q = 1 ({_fmt(lognorm.mean_at(1.0))} for {lognorm.approach}, "
        f"{_fmt(weibull.mean_at(1.0))} for {weibull.approach}) and median(S_n)/n levels off (MC slopes "
        f"{', '.join(f'{c.fitted_slope:.2f}' for c in lognorm.growth.curves)}). Super-heavy tails have no escape"
        + ("" if never_escapes else " (not confirmed: a mean was finite)")
        + f": log-Cauchy and log-Pareto give infinite E[M] at every Q. At Q = {q_max:g} the growth is invisible up to "
        f"n = {logcauchy.growth.curve(q_max).n[-1]:.0e} (MC slopes {logcauchy.growth.curve(q_max).fitted_slope:.2f}, "
        f"{logpareto.growth.curve(q_max).fitted_slope:.2f}) but certain: the largest subtask alone makes "
        f"median(S_n)/n at least 10^{logcauchy.bound_at(q_max, n_far):.0f} (log-Cauchy) and "
        f"10^{logpareto.bound_at(q_max, n_far):.0f} (log-Pareto) at n = {n_far:.0e}, against "
        f"10^{lognorm.bound_at(q_max, n_far):.0f} for lognormal.",
        "holds for regularly varying (power-law-like) tails" + ("" if others_fail else " and some others")
        + "; fails for lognormal and Weibull-type tails (every Q is above the threshold) and for super-heavy tails "
          "(no finite Q is)", ("steps_families",))


def _family_table(families) -> Table:
    rows = []
    for fam in families.families:
        slopes = ", ".join(f"{c.fitted_slope:.2f}" for c in fam.growth.curves)
        rows.append((fam.approach, fam.tail, fam.verdict) + tuple(_fmt(m) for m in fam.mean_subtask_time) + (slopes,))
    qs = families.families[0].mean_qs
    growth_qs = ", ".join(f"{c.q:g}" for c in families.families[0].growth.curves)
    return Table(f"Mean subtask time E[M] by approach family and Q (quadrature; inf = infinite) and the fitted "
                 f"log-log slope of median(S_n)/n for Q = {growth_qs} (Monte Carlo, n up to "
                 f"{families.families[0].growth.curves[0].n[-1]:.0e})",
                 ("approach", "tail", "threshold") + tuple(f"Q={q:g}" for q in qs) + ("growth slopes",), tuple(rows))
