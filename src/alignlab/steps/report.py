"""The steps section of the report: claims S1-S5 of the notes, each decided by an experiment."""

from __future__ import annotations

import math

from alignlab.report.claims import Claim, Section, Table
from alignlab.report.context import ReportContext
from alignlab.steps import experiments as ex
from alignlab.steps import plots
from alignlab.steps.model import StepsModel

SECTION_ID = "steps"
TITLE = "Independent-steps model of cognitive power"
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

    below, above = StepsModel(ALPHA, 1.9), StepsModel(ALPHA, 2.1)
    last_running = {q: m[-1] for q, m in zip(running.qs, running.means)}
    first_running = {q: m[len(m) // 3] for q, m in zip(running.qs, running.means)}
    s1 = Claim(
        "S1", "There is a critical threshold of intelligence below which the distribution of time to complete a "
              "subtask has infinite mean. This threshold depends on alpha.",
        "holds",
        f"The subtask time is Pareto with index beta = Q alpha, so E[M] = beta/(beta-1) is finite iff Q > Q_c = "
        f"1/alpha. At alpha = {ALPHA}: Q = 1.9 gives E[M] = {_fmt(below.mean_subtask_time)}, Q = 2.1 gives "
        f"{_fmt(above.mean_subtask_time)}. Simulated running means agree: at Q = 1.9 the sample mean grows from "
        f"{_fmt(first_running[1.9])} to {_fmt(last_running[1.9])} over {running.sizes[len(running.sizes) // 3]:.0e}"
        f"-{running.sizes[-1]:.0e} draws, at Q = 2.5 it settles at {_fmt(last_running[2.5])} (exact "
        f"{_fmt(StepsModel(ALPHA, 2.5).mean_subtask_time)}). Q_c = 1/alpha: 4 at alpha = 0.25, 1 at alpha = 1.",
        "for power-law approach times; S5 covers other tails", ("steps_phase", "steps_running_mean"))

    by_q = {c.q: c for c in growth.curves}
    stuck, boundary, lin = by_q[1.0], by_q[2.0], by_q[3.0]
    s2 = Claim(
        "S2", "For an n-step task below the threshold, the median of average time-per-subtask grows without bound "
              "as n increases, so the median time to complete a whole task grows superlinearly with n.",
        "holds",
        f"Exact median(S_n)/n at alpha = {ALPHA}, Q = 1 (beta = 0.5): {_fmt(stuck.median_per_subtask[0])} at n = 1, "
        f"{_fmt(stuck.median_per_subtask[-1])} at n = 1e12; fitted log-log slope {stuck.fitted_slope:.4f} against "
        f"the theoretical 1/beta - 1 = {stuck.theory_slope:.4f} (S_n/n^2 tends to a Levy law with scale pi/2). At "
        f"Q = 1.5 (beta = 0.75) the slope is {by_q[1.5].fitted_slope:.4f} against {by_q[1.5].theory_slope:.4f}. "
        f"At the threshold (Q = 2) it still grows, like log n: {_fmt(boundary.median_per_subtask[-1])} at n = 1e12.",
        "", ("steps_growth",))

    s3 = Claim(
        "S3", "Above the critical threshold, minds can solve any task in expected linear time.",
        "holds",
        f"E[S_n] = n beta/(beta-1) exactly. At alpha = {ALPHA}, Q = 3: E[S_n]/n = {_fmt(lin.mean_per_subtask)} for every "
        f"n, and the exact median per subtask approaches it ({_fmt(lin.median_per_subtask[12])} at n = "
        f"{lin.n[12]:.0e}, {_fmt(lin.median_per_subtask[-1])} at n = 1e12; fitted slope {lin.fitted_slope:.2e}). "
        f"Between 1/alpha and 2/alpha fluctuations are heavy-tailed (order n^(1/beta)), so a single task can still "
        f"take far longer than its mean.",
        "", ("steps_growth",))

    q90 = ex.q_for_efficiency(ALPHA, 0.9)
    s4 = Claim(
        "S4", "Some distance above the critical threshold, minds are running fairly close to the optimal speed, and "
              "further increases in Q cause small efficiency gains.",
        "holds",
        f"Efficiency is 1 - 1/(Q alpha) = 1 - Q_c/Q. At alpha = {ALPHA} (Q_c = 2): {StepsModel(ALPHA, 4).efficiency:.0%} at "
        f"Q = 4, {StepsModel(ALPHA, 10).efficiency:.0%} at Q = 10, {StepsModel(ALPHA, 20).efficiency:.0%} at Q = 20, "
        f"{StepsModel(ALPHA, 40).efficiency:.1%} at Q = 40. The marginal gain Q_c/Q^2 falls with the square of Q: "
        f"doubling Q from 20 to 40 buys {StepsModel(ALPHA, 40).efficiency - StepsModel(ALPHA, 20).efficiency:.1%}. "
        f"Within 10% of optimal needs Q >= {q90:g} = 10 Q_c.",
        "'fairly close' means Q several times Q_c: 90% efficiency needs Q = 10/alpha", ("steps_efficiency",))

    rows = []
    for fam in families.families:
        slopes = ", ".join(f"{c.fitted_slope:.2f}" for c in fam.growth.curves)
        rows.append((fam.approach, fam.tail, fam.verdict) + tuple(_fmt(m) for m in fam.mean_subtask_time) + (slopes,))
    table = Table("Mean subtask time E[M] by approach family and Q (quadrature; inf = infinite) and the fitted "
                  "log-log slope of median(S_n)/n for Q = 1, 2, 4, 8 (Monte Carlo, n up to 1e4)",
                  ("approach", "tail", "threshold") + tuple(f"Q={q:g}" for q in families.families[0].mean_qs)
                  + ("growth slopes",), tuple(rows))
    fam = {f.approach.split("(")[0]: f for f in families.families}
    rv = [f for f in families.families if f.critical_q is not None]
    idx19, idx21, idx1 = (families.families[0].mean_qs.index(q) for q in (1.9, 2.1, 1.0))
    s5 = Claim(
        "S5", "This doesn't depend on the function being a power law; it would be true for many different "
              "heavy-tailed distributions.",
        "conditional",
        f"Regularly varying tails keep the threshold at Q_c = 1/alpha = 2: "
        + "; ".join(f"{f.approach.split('(')[0]} E[M] = {_fmt(f.mean_subtask_time[idx19])} at Q = 1.9 and "
                    f"{_fmt(f.mean_subtask_time[idx21])} at Q = 2.1" for f in rv[1:])
        + f". Lognormal and stretched-exponential tails have no threshold: E[M] is finite already at Q = 1 "
        f"({_fmt(fam['lognormal'].mean_subtask_time[idx1])} for lognormal(sigma=2), "
        f"{_fmt(fam['weibull'].mean_subtask_time[idx1])} for weibull(shape=0.3)) and median(S_n)/n levels off "
        f"(MC slopes {', '.join(f'{c.fitted_slope:.2f}' for c in fam['lognormal'].growth.curves)}). Super-heavy tails "
        f"have no escape: log-Cauchy and log-Pareto give infinite E[M] at every Q. At Q = 8 the growth is invisible up "
        f"to n = 1e4 (MC slopes {fam['logcauchy'].growth.curves[-1].fitted_slope:.2f}, "
        f"{fam['logpareto'].growth.curves[-1].fitted_slope:.2f}) but certain: the largest subtask alone makes "
        f"median(S_n)/n at least 10^{fam['logcauchy'].log10_bound_per_subtask[-1][-1]:.0f} (log-Cauchy) and "
        f"10^{fam['logpareto'].log10_bound_per_subtask[-1][-1]:.0f} (log-Pareto) at n = 1e30, against "
        f"10^{fam['lognormal'].log10_bound_per_subtask[-1][-1]:.0f} for lognormal.",
        "holds for regularly varying (power-law-like) tails; fails for lognormal and Weibull-type tails (every Q "
        "is above the threshold) and for super-heavy tails (no finite Q is)", ("steps_families",))

    summary = ("A task of n serial subtasks; a mind of power Q picks the fastest of Q approaches, each taking "
               "Pareto(alpha) time T &ge; 1, so a subtask takes M with P(M &gt; t) = t<sup>-Q&alpha;</sup>. "
               "Exact results come from inverting the Laplace transform (&beta; E<sub>&beta;+1</sub>(s))<sup>n</sup> "
               "(relative error below 1e-6 checked against mpmath); the other families by quadrature and Monte "
               "Carlo. Success curves and horizons answer the question an evaluation asks: how long a task "
               "does this mind finish within a budget?")
    return Section(SECTION_ID, TITLE, summary, (s1, s2, s3, s4, s5), figures, (table,))
