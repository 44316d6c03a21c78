"""The steps section of the report: claims S1-S5 of the notes, decided by the rules of
:mod:`alignlab.steps.decisions`, with the evidence written from the numbers each decision returns."""

from __future__ import annotations

import math

from alignlab.evidence.claims import Claim, Section, Table
from alignlab.evidence.context import ReportContext
from alignlab.steps import decisions
from alignlab.steps import experiments as ex
from alignlab.steps import plots
from alignlab.steps.decisions import ALPHA


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

    forms = decisions.closed_forms(ALPHA)
    claims = (_s1(running, forms), _s2(growth), _s3(growth), _s4(forms), _s5(families))
    table = _family_table(families)
    summary = ("A task of n serial subtasks; a mind of power Q picks the fastest of Q approaches, each taking "
               "Pareto(alpha) time T &ge; 1, so a subtask takes M with P(M &gt; t) = t<sup>-Q&alpha;</sup>. "
               "Exact results come from inverting the Laplace transform (&beta; E<sub>&beta;+1</sub>(s))<sup>n</sup> "
               "(relative error below 1e-6 checked against mpmath); the other families by quadrature and Monte "
               "Carlo. Success curves and horizons answer the question an evaluation asks: how long a task "
               "does this mind finish within a budget?")
    return Section(summary, claims, figures, (table,))


def _s1(running, forms: decisions.ClosedForms) -> Claim:
    decision = decisions.S1(running, forms)
    early, late = running.sizes[len(running.sizes) // 3], running.sizes[-1]
    n = decision.numbers
    return decisions.S1.claim_from(decision,
        f"The subtask time is Pareto with index beta = Q alpha, so E[M] = beta/(beta-1) is finite iff Q > Q_c = "
        f"1/alpha. At alpha = {ALPHA}: Q = {decisions.Q_BELOW:g} gives E[M] = {_fmt(n['mean_below'])}, "
        f"Q = {decisions.Q_ABOVE:g} gives {_fmt(n['mean_above'])}. Simulated running means: at Q = 1.9 the sample "
        f"mean is {_fmt(running.mean_at(1.9, early))} after {early:.0e} draws and {_fmt(running.mean_at(1.9, late))} "
        f"after {late:.0e} (no finite sample can show an infinite mean; it is shown, not tested), at Q = 2.5 it is "
        f"{_fmt(running.mean_at(2.5, late))} (exact {_fmt(running.exact_mean(2.5))}; variance infinite, so it "
        f"converges slowly) and at Q = {decisions.Q_SETTLE:g} {_fmt(running.mean_at(decisions.Q_SETTLE, late))} "
        f"(exact {_fmt(running.exact_mean(decisions.Q_SETTLE))}, relative error {n['settle_error']:.1e}). "
        f"Q_c = 1/alpha: " + ", ".join(f"{_fmt(q)} at alpha = {a:g}" for a, q in forms.critical_q) + ".",
        ("steps_phase", "steps_running_mean"))


def _s2(growth) -> Claim:
    decision = decisions.S2(growth)
    stuck, deeper = (decision.numbers[f"{q:g}"] for q in decisions.Q_STUCK)
    q_stuck, q_deeper = (growth.curve(q) for q in decisions.Q_STUCK)
    boundary = growth.curve(2.0)
    return decisions.S2.claim_from(decision,
        f"Exact median(S_n)/n at alpha = {ALPHA}, Q = {q_stuck.q:g} (beta = {q_stuck.beta:g}): {_fmt(stuck['first'])} "
        f"at n = {q_stuck.n[0]}, {_fmt(stuck['last'])} at n = {q_stuck.n[-1]:.0e}; fitted log-log slope "
        f"{stuck['fitted_slope']:.4f} against the theoretical 1/beta - 1 = {stuck['theory_slope']:.4f} (S_n/n^2 tends "
        f"to a Levy law with scale pi/2). At Q = {q_deeper.q:g} (beta = {q_deeper.beta:g}) the slope is "
        f"{deeper['fitted_slope']:.4f} against {deeper['theory_slope']:.4f}. At the threshold (Q = 2) it still "
        f"grows, like log n: {_fmt(boundary.median_per_subtask[0])} at n = {boundary.n[0]}, "
        f"{_fmt(boundary.median_per_subtask[-1])} at n = {boundary.n[-1]:.0e}.",
        ("steps_growth",))


def _s3(growth) -> Claim:
    decision = decisions.S3(growth)
    lin, mid, n = growth.curve(decisions.Q_LINEAR), 1e6, decision.numbers
    return decisions.S3.claim_from(decision,
        f"E[S_n] = n beta/(beta-1) exactly. At alpha = {ALPHA}, Q = {lin.q:g}: E[S_n]/n = "
        f"{_fmt(n['mean_per_subtask'])} for every n, and the exact median per subtask approaches it "
        f"({_fmt(lin.median_per_subtask_at(mid))} at n = {lin.n_near(mid):.0e}, {_fmt(lin.median_per_subtask[-1])} "
        f"at n = {lin.n[-1]:.0e}, {n['median_gap']:.1e} from the mean; fitted slope {n['fitted_slope']:.2e}). "
        f"Between 1/alpha and 2/alpha fluctuations are heavy-tailed (order n^(1/beta)), so a single task can still "
        f"take far longer than its mean.",
        ("steps_growth",))


def _s4(forms: decisions.ClosedForms) -> Claim:
    decision = decisions.S4(forms)
    eff, gains, q1, q2, q3 = forms.efficiency_at, decision.numbers["gains"], *decisions.DOUBLINGS
    return decisions.S4.claim_from(decision,
        f"Efficiency is 1 - 1/(Q alpha) = 1 - Q_c/Q. At alpha = {ALPHA} (Q_c = {1 / ALPHA:g}): {eff(4.0):.0%} at "
        f"Q = 4, {eff(10.0):.0%} at Q = 10, {eff(q1):.0%} at Q = {q1:g}, {eff(q2):.1%} at Q = {q2:g}. The marginal "
        f"gain Q_c/Q^2 falls with the square of Q: doubling Q from {q1:g} to {q2:g} buys {gains[0]:.1%}, from "
        f"{q2:g} to {q3:g} {gains[1]:.1%}. Within {1 - decisions.EFFICIENCY_TARGET:.0%} of optimal needs Q >= "
        f"{decision.numbers['q_target']:g} = {decision.numbers['q_target'] * ALPHA:g} Q_c.",
        ("steps_efficiency",))


def _s5(families) -> Claim:
    decision = decisions.S5(families)
    lognorm, weibull = families.family("lognorm"), families.family("weibull_min")
    logcauchy, logpareto = families.family("logcauchy"), families.family("logpareto")
    q_max = max(c.q for c in logcauchy.growth.curves)
    n_far = logcauchy.bound_n[-1]                   # the far end of the bound grid
    below, above = decisions.Q_BELOW, decisions.Q_ABOVE
    return decisions.S5.claim_from(decision,
        "Regularly varying tails keep the threshold at Q_c = 1/alpha = 2: "
        + "; ".join(f"{f.approach} E[M] = {_fmt(f.mean_at(below))} at Q = {below:g} and {_fmt(f.mean_at(above))} at "
                    f"Q = {above:g}" for f in families.families if f.family in decisions.REGULARLY_VARYING[1:])
        + ". Lognormal and stretched-exponential tails have no threshold"
        + ("" if decision.numbers["no_threshold"] else " (not confirmed: a mean was infinite at Q = 1)")
        + f": E[M] is finite already at Q = 1 ({_fmt(lognorm.mean_at(1.0))} for {lognorm.approach}, "
        f"{_fmt(weibull.mean_at(1.0))} for {weibull.approach}) and median(S_n)/n levels off (MC slopes "
        f"{', '.join(f'{c.fitted_slope:.2f}' for c in lognorm.growth.curves)}). Super-heavy tails have no escape"
        + ("" if decision.numbers["never_escapes"] else " (not confirmed: a mean was finite)")
        + f": log-Cauchy and log-Pareto give infinite E[M] at every Q. At Q = {q_max:g} the growth is invisible up to "
        f"n = {logcauchy.growth.curve(q_max).n[-1]:.0e} (MC slopes {logcauchy.growth.curve(q_max).fitted_slope:.2f}, "
        f"{logpareto.growth.curve(q_max).fitted_slope:.2f}) but certain: the largest subtask alone makes "
        f"median(S_n)/n at least 10^{logcauchy.bound_at(q_max, n_far):.0f} (log-Cauchy) and "
        f"10^{logpareto.bound_at(q_max, n_far):.0f} (log-Pareto) at n = {n_far:.0e}, against "
        f"10^{lognorm.bound_at(q_max, n_far):.0f} for lognormal.",
        ("steps_families",))


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
