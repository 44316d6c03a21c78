"""The tails section of the report: the real reward samples judged as Kwa et al. (2024) judged them, and a
synthetic check that the estimators and the verdict are right where the answer is known."""

from __future__ import annotations

import math

from alignlab.dists.samples import load_samples
from alignlab.evidence.claims import Claim, Section, Table
from alignlab.evidence.context import ReportContext
from alignlab.tails import decisions
from alignlab.tails import experiments as ex
from alignlab.tails import plots
from alignlab.tails.diagnosis import diagnose

SEED = 0           # the report's bootstraps and synthetic samples are reproducible

# the reward-sample set each of R1 and R2 diagnoses
PAPER = ((decisions.R1, "starling-llama"), (decisions.R2, "starling-random"))


def build(ctx: ReportContext) -> Section:
    ctx.step("known-index recovery")
    recovery = ctx.cached("tails/recovery", lambda: ex.recovery(seed=SEED, progress=ctx.progress("recovery")))
    ctx.step("light and heavy verdicts on synthetic samples")
    verdicts = ctx.cached("tails/verdicts", lambda: ex.verdicts(seed=SEED, progress=ctx.progress("verdicts")))
    figures = [ctx.render(plots.plot_recovery(recovery), "tails_recovery",
                          f"Hill's estimate at the double-bootstrap k (95% interval) and 1/(alpha - 1) from the "
                          f"Clauset-Shalizi-Newman fit against the true extreme-value index, n = {recovery.n}.")]
    claims, tables = [], [_recovery_table(recovery), _verdict_table(verdicts)]
    for rule, name in PAPER:
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
        claims.append(_paper_claim(rule, d, fig_name))
    claims.append(_synthetic_claim(recovery, verdicts))
    summary = ("Kwa, Thomas &amp; Garriga-Alonso (2024) show that heavier-than-exponential reward error makes "
               "optimisation catastrophic (E[V | U &ge; t] &rarr; E[V]). Their reward samples are diagnosed here "
               "with the verdict rule of <code>alignlab tails diagnose</code>: the generalized Pareto shape of the "
               "excesses over the 90%, 95% and 98% quantiles (the formal version of &lsquo;does the exponential QQ "
               "plot bend?&rsquo;), with Hill, moment, Pickands and power-law-versus-exponential evidence. "
               + "The samples ship with alignlab (<code>alignlab data list</code>).")
    return Section(summary, tuple(claims), tuple(figures), tuple(tables))


def _paper_claim(rule, d, figure: str) -> Claim:
    decision = rule(d)
    n = decision.numbers
    shapes = "; ".join(f"{level}: {xi:.3f} [{lo:.3f}, {hi:.3f}]" for level, (xi, lo, hi) in n["shapes"].items())
    hill = n["hill"]
    return rule.claim_from(decision,
                           f"Our verdict: {n['verdict']} (n = {d.n}). GPD shape of the excesses by threshold quantile: "
                           f"{shapes}. Hill on the positive excess over the mean: {hill['xi']:.3f} +/- "
                           f"{hill['se']:.3f} at k = {hill['k']} (double bootstrap).", (figure,))


def _synthetic_claim(recovery, verdicts) -> Claim:
    decision = decisions.R3(recovery, verdicts)
    n = decision.numbers
    pareto = [r.label for r in recovery.rows if r.label in decisions.EXACT_LABELS]
    other = [r.label for r in recovery.rows if r.label not in decisions.EXACT_LABELS]
    return decisions.R3.claim_from(decision,
        f"Verdicts on n = {verdicts.n} synthetic samples: {n['right']} of {n['samples']} right ("
        + ", ".join(f"{l}: {g}" for l, g in zip(verdicts.labels, verdicts.verdicts)) + "). "
        f"Hill at the double-bootstrap k is within {n['worst_pareto_se']:.1f} standard errors of the truth on "
        f"exact Pareto samples ({', '.join(pareto)}); on {' and '.join(other)}, whose tails are power laws only "
        f"asymptotically, it is off by up to {n['worst_other_se']:.1f} standard errors (second-order bias at the "
        f"chosen k). The CSN alpha is off by " + ", ".join(f"{r.fit_error_in_sigma:.1f}" for r in recovery.rows)
        + " sigma respectively: its sigma = (alpha - 1)/sqrt(n_tail) ignores the bias of the KS-chosen xmin.",
        ("tails_recovery",))


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
