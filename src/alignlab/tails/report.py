"""The tails section of the report: the real reward samples judged as Kwa et al. (2024) judged them, and a
synthetic check that the estimators and the verdict are right where the answer is known."""

from __future__ import annotations

import math

from alignlab.dists.samples import load_samples
from alignlab.evidence.claims import Claim, Section, Table
from alignlab.evidence.context import ReportContext
from alignlab.tails import experiments as ex
from alignlab.tails import plots
from alignlab.tails.diagnosis import diagnose

SEED = 0           # the report's bootstraps and synthetic samples are reproducible



# claim id -> (reward-sample file, what Kwa et al. (2024) read from it, their verdict in our terms)
PAPER = {
    "R1": ("starling-llama",
           "Starling-RM-7B-alpha rewards of Llama-2-7B-chat generations are roughly normal: the Hill plot never "
           "stabilises and the exponential QQ plot bends down, consistent with light-tailed error.", "light"),
    "R2": ("starling-random",
           "Starling-RM-7B-alpha rewards of uniformly random token sequences are ambiguous (one outlier on the "
           "exponential QQ plot, Hill estimate about 0.20 at large k) and overall consistent with light tails.",
           "ambiguous"),
}


def build(ctx: ReportContext) -> Section:
    ctx.step("known-index recovery")
    recovery = ctx.cached("tails/recovery", lambda: ex.recovery(seed=SEED, progress=ctx.progress("recovery")))
    ctx.step("light and heavy verdicts on synthetic samples")
    verdicts = ctx.cached("tails/verdicts", lambda: ex.verdicts(seed=SEED, progress=ctx.progress("verdicts")))
    figures = [ctx.render(plots.plot_recovery(recovery), "tails_recovery",
                          f"Hill's estimate at the double-bootstrap k (95% interval) and 1/(alpha - 1) from the "
                          f"Clauset-Shalizi-Newman fit against the true extreme-value index, n = {recovery.n}.")]
    claims, tables = [], [_recovery_table(recovery), _verdict_table(verdicts)]
    for claim_id, (name, text, expected) in PAPER.items():
        path = ctx.dataset(name)
        ctx.step(f"diagnosing {name}")
        d = ctx.cached(f"tails/diagnose/{ctx.dataset_key(name)}",
                       lambda p=path: diagnose(load_samples(p).values, seed=SEED, progress=ctx.progress(name)))
        fig_name = f"tails_{name.split('-')[1]}"
        figures.append(ctx.render(plots.plot_diagnosis(d, title=f"{name}: {d.verdict}"), fig_name,
                                  f"Diagnosis of the {name} reward samples (n = {d.n}): histogram, normal QQ, "
                                  f"exponential QQ of the excess over the mean, mean excess, Hill plot (upper "
                                  f"quarter of k), and the generalized Pareto shape at three thresholds that "
                                  f"decides the verdict."))
        claims.append(_paper_claim(claim_id, text, expected, d, fig_name))
    claims.append(_synthetic_claim("R3", recovery, verdicts))
    summary = ("Kwa, Thomas &amp; Garriga-Alonso (2024) show that heavier-than-exponential reward error makes "
               "optimisation catastrophic (E[V | U &ge; t] &rarr; E[V]). Their reward samples are diagnosed here "
               "with the verdict rule of <code>alignlab tails diagnose</code>: the generalized Pareto shape of the "
               "excesses over the 90%, 95% and 98% quantiles (the formal version of &lsquo;does the exponential QQ "
               "plot bend?&rsquo;), with Hill, moment, Pickands and power-law-versus-exponential evidence. "
               + "The samples ship with alignlab (<code>alignlab data list</code>).")
    return Section(summary, tuple(claims), tuple(figures), tuple(tables))


def _paper_claim(claim_id: str, text: str, expected: str, d, figure: str) -> Claim:
    shapes = "; ".join(f"{t.level:.0%}: {t.xi:.3f} [{t.interval()[0]:.3f}, {t.interval()[1]:.3f}]"
                       for t in d.thresholds)
    evidence = (f"Our verdict: {d.verdict} (n = {d.n}). GPD shape of the excesses by threshold quantile: {shapes}. "
                f"Hill on the positive excess over the mean: {d.hill.chosen_xi:.3f} +/- {d.hill.chosen_se:.3f} at "
                f"k = {d.hill.chosen_k} (double bootstrap).")
    heavy = [t for t in d.thresholds if t.interval()[0] > 0]       # thresholds whose excesses are heavier
    if d.verdict == expected == "ambiguous" and heavy:
        verdict = "conditional"
        conditions = (f"ambiguous, as the paper says, but not simply light: above the "
                      f"{min(t.level for t in heavy):.0%} quantile the excesses are heavier than exponential "
                      f"(GPD shape up to {max(t.xi for t in heavy):.2f}), while the bulk of the upper tail is "
                      f"exponential or lighter; our Hill estimate at k = {d.hill.chosen_k} is "
                      f"{d.hill.chosen_xi:.2f} (theirs: about 0.20 at large k)")
    elif d.verdict == expected:
        verdict, conditions = "holds", ""
    elif {expected, d.verdict} == {"ambiguous", "light"}:
        verdict, conditions = "conditional", "the evidence is weaker than the paper's reading"
    else:
        verdict, conditions = "fails", ""
    return Claim(claim_id, text, verdict, evidence, conditions, (figure,))


def _synthetic_claim(claim_id: str, recovery, verdicts) -> Claim:
    right = sum(e == g for e, g in zip(verdicts.expected, verdicts.verdicts))
    exact = {label for label, _, _ in ex.EXACT_POWER_LAWS}
    pareto = [r for r in recovery.rows if r.label in exact]
    other = [r for r in recovery.rows if r.label not in exact]
    worst_pareto = max(r.hill_error_in_se for r in pareto)
    worst_other = max(r.hill_error_in_se for r in other)
    evidence = (f"Verdicts on n = {verdicts.n} synthetic samples: {right} of {len(verdicts.labels)} right ("
                + ", ".join(f"{l}: {g}" for l, g in zip(verdicts.labels, verdicts.verdicts)) + "). "
                f"Hill at the double-bootstrap k is within {worst_pareto:.1f} standard errors of the truth on "
                f"exact Pareto samples ({', '.join(r.label for r in pareto)}); on "
                f"{' and '.join(r.label for r in other)}, whose tails are power laws only asymptotically, it is "
                f"off by up to {worst_other:.1f} standard errors (second-order bias at the chosen k). The CSN "
                f"alpha is off by " + ", ".join(f"{r.fit_error_in_sigma:.1f}" for r in recovery.rows)
                + " sigma respectively: its sigma = (alpha - 1)/sqrt(n_tail) ignores the bias of the KS-chosen "
                "xmin.")
    holds = right == len(verdicts.labels) and worst_pareto < 4
    verdict = "conditional" if holds and worst_other >= 4 else "holds" if holds else "fails"
    conditions = ("standard errors understate the error where the tail is a power law only asymptotically"
                  if verdict == "conditional" else "")
    return Claim(claim_id, "The toolkit's estimators recover known tail indices, and its verdict calls normal, "
                           "exponential and uniform samples light and Pareto, Student-t and Frechet samples heavy.",
                 verdict, evidence, conditions, ("tails_recovery",))


def _fmt(x: float) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.4g}"


def _recovery_table(recovery) -> Table:
    rows = tuple((r.label, _fmt(r.true_xi), str(r.hill_k), f"{_fmt(r.hill_xi)} +/- {_fmt(r.hill_se)}",
                  _fmt(r.hill_error_in_se), _fmt(r.true_alpha), f"{_fmt(r.fit_alpha)} +/- {_fmt(r.fit_sigma)}",
                  _fmt(r.fit_xmin), _fmt(r.fit_error_in_sigma)) for r in recovery.rows)
    return Table(f"Known-index recovery, n = {recovery.n} (xi = 1/tail index; alpha = 1 + 1/xi is the density "
                 f"exponent of the CSN fit)",
                 ("sample", "true xi", "Hill k", "Hill xi", "|error| / se", "true alpha", "CSN alpha", "CSN xmin",
                  "|error| / sigma"), rows)


def _verdict_table(verdicts) -> Table:
    rows = tuple((label, want, got) for label, want, got in zip(verdicts.labels, verdicts.expected,
                                                                  verdicts.verdicts))
    return Table(f"Diagnosis verdicts on synthetic samples (n = {verdicts.n})", ("sample", "expected", "verdict"),
                 rows)
