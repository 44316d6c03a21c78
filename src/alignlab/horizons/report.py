"""The horizons section of the report: METR's runs judged by held-out likelihood (claims H1-H4), how fast
success falls per doubling of task length (H8), what the steps model predicts, and the trend of horizons
against release date (H5-H7, :mod:`alignlab.horizons.report_trends`). Claims are decided by
:mod:`alignlab.horizons.rules`; this module runs the experiments and writes the evidence from the numbers."""

from __future__ import annotations

import statistics

from alignlab.evidence.claims import Section, Table
from alignlab.evidence.context import ReportContext
from alignlab.horizons import lomax_table as lt
from alignlab.horizons import plots
from alignlab.horizons import rules as r
from alignlab.horizons.experiments import steps_regimes
from alignlab.horizons.report_trends import fmt, span, trends

RUNS_FILE = "metr_runs_2025-02-27.jsonl"
BOOTSTRAP = 200             # fewer draws than METR's 1000 keep the build quick; the claims say how many
SHAPE_BOOTSTRAP = 1000      # the per-doubling shape is cheap: METR's number of draws


def build(ctx: ReportContext) -> Section:
    from alignlab.horizons.fit.fit import fit_horizons
    from alignlab.horizons.fit.shape import doubling_shape
    ctx.step("steps-model predictions")
    regimes = ctx.cached("horizons/regimes", steps_regimes)
    figures = [ctx.render(plots.plot_regimes(regimes), "horizons_regimes",
                          f"What the steps model predicts (exact, budget B = {regimes.budget:g}): success against "
                          "the number of subtasks (left; dashed: the constant hazard of one slow subtask, dotted: "
                          "the law-of-large-numbers cliff at B(beta-1)/beta) and failure on log-log axes (right; "
                          "dashed: n B^-beta).")]
    path = ctx.dataset("metr-runs")
    key = ctx.dataset_key("metr-runs")
    ctx.step(f"fitting five curves to {RUNS_FILE} ({BOOTSTRAP} bootstrap draws, task-family CV)")
    result = ctx.cached(f"horizons/fit/{key}/{BOOTSTRAP}",
                        lambda: fit_horizons(path, bootstrap=BOOTSTRAP, cv="family", seed=0))
    ctx.step(f"per-doubling shape of success ({SHAPE_BOOTSTRAP} bootstrap draws)")
    shape = ctx.cached(f"horizons/shape/{key}/{SHAPE_BOOTSTRAP}",
                       lambda: doubling_shape(path, bootstrap=SHAPE_BOOTSTRAP, seed=0))
    figures += [ctx.render(plots.plot_summary(result), "horizons_p50",
                           f"50% horizon of every agent under every curve, with 95% intervals from METR's "
                           f"hierarchical bootstrap ({result.bootstrap} draws)."),
                ctx.render(plots.plot_agents(result), "horizons_agents",
                           "Weighted success in bins of task length (95% error bars) and the five fitted curves."),
                ctx.render(plots.plot_shape(shape), "horizons_shape",
                           "Cumulative hazard -ln p of each agent in doubling bins of task length, on log-log axes: "
                           f"slope k2 per doubling (dashed: slope {r.K2_BOUND:g}, a constant hazard; every steps "
                           "model with n proportional to t is at least that steep).")]
    claims = (_h1(result), _h2(result), _h3(result), _h4(result), _h8(result, shape))
    skipped = [a.agent for a in result.agents if a.note]
    limits = sum(f.cv_at_limit + f.bootstrap_at_limit for a in result.agents for f in a.fits.values())
    summary = (_intro() + f" Fitted to METR's {sum(a.runs for a in result.agents)} runs "
               f"({len(result.agents)} agents including METR's human baseliners, who are left out of the claims"
               + (f"; {', '.join(skipped)} cannot be fitted: {result.agent(skipped[0]).note}" if skipped else "")
               + f"), weights {result.weights}, {result.bootstrap} bootstrap draws (METR uses 1,000), "
               f"leave-one-task-family-out cross-validation with every fold fitted as if its family did not exist; "
               f"{limits} folds and draws stopped at the optimiser's iteration limit.")
    trend = trends(ctx, result, key)
    from alignlab.horizons.joint.report import build as build_joint
    j_claims, j_figures, j_tables, j_summary = build_joint(ctx)
    ordered = tuple(sorted(claims + trend.claims + tuple(j_claims), key=lambda c: int(c.id[1:])))
    return Section(summary + trend.summary + j_summary, ordered, tuple(figures) + trend.figures + tuple(j_figures),
                   (_table(result, shape),) + trend.tables + tuple(j_tables))


def _intro() -> str:
    return ("Five curves of success against task length t (human minutes): METR's logistic in log2 t, a constant "
            "hazard 2^(-t/T50) (Ord), a Weibull survival, the independent-steps model (t/tau subtasks with "
            "Pareto(beta) times, success when their total fits a budget) and steps with log-normal noise in the "
            "number of subtasks. Which describes agents best is decided by the held-out log-likelihood of task "
            "families left out one at a time, in nats on the scale of the effective number of runs; "
            f"a curve trails decisively when it is {r.MARGIN:g} or more nats behind the best.")


def _deficits(decision) -> str:
    return "; ".join(f"{agent} {fmt(x)}" for agent, x in decision.numbers.get("deficit", {}).items())


def _h1(result):
    decision = r.H1(result)
    best = {a.agent: a.best_cv for a in r.ai_agents(result)}
    evidence = ("Held-out deficit of the logistic behind each agent's best curve (nats): " + _deficits(decision)
                + ". Best held-out curve: " + ", ".join(f"{c} for {sum(b == c for b in best.values())}"
                                                        for c in dict.fromkeys(best.values())) + ".")
    return r.H1.claim_from(decision, evidence, ("horizons_agents",))


def _h2(result):
    decision = r.H2(result)
    shapes = []
    for a in r.ai_agents(result):
        w = a.fits.get("weibull")
        if w is not None and w.params.get("shape") is not None:
            shapes.append(f"{a.agent} {w.params['shape']:.2f} {span((w.params_ci or {}).get('shape'))}")
    evidence = ("Held-out deficit of the constant hazard behind each agent's best curve (nats): " + _deficits(decision)
                + f". Weibull shape k (1: a constant hazard; below 1, success falls more slowly across longer tasks; "
                f"95% interval, {result.bootstrap} draws): " + "; ".join(shapes) + ". Across tasks of different "
                "lengths these data cannot tell a hazard that falls with time spent from longer tasks that are "
                "easier than their length says (a mixture of constant hazards also gives k < 1): the claim is about "
                "success across task lengths.")
    return r.H2.claim_from(decision, evidence, ("horizons_agents",))


def _h3(result):
    decision = r.H3(result)
    fits = [a.fits[r.STEPS_CURVE] for a in r.ai_agents(result) if r.STEPS_CURVE in a.fits]
    floor = lt.BETA_RANGE[0]
    at_floor = sum(1 for f in fits if f.params["beta"] <= floor * (1 + 1e-6))
    plain = {a.agent: r.behind_best(a, "steps", r.EMPIRICAL) for a in r.ai_agents(result)}
    evidence = (f"Held-out deficit of {r.STEPS_CURVE} (fixed in advance) behind the best of "
                f"{', '.join(r.EMPIRICAL)} (nats; negative: steps is ahead): " + _deficits(decision) + ". "
                + (f"{r.STEPS_CURVE} needs log-normal noise sigma = {statistics.median(f.params['sigma'] for f in fits):.2f} "
                   f"(median) in log n, and its beta sits on the lower end of its range ({floor:g}, the "
                   f"constant-hazard limit) for {at_floor} of {len(fits)} agents. " if fits else "")
                + ("Plain steps, for comparison: " + "; ".join(f"{k} {fmt(x)}" for k, x in plain.items()
                                                              if x is not None) + "." if any(plain.values()) else ""))
    return r.H3.claim_from(decision, evidence, ("horizons_agents", "horizons_regimes"))


def _h4(result):
    decision = r.H4(result)
    n = decision.numbers
    rows = [f"{agent} {n['beta'][agent]:.3g} {span(ci)}" for agent, ci in n["beta_ci"].items()]
    evidence = (f"beta of {r.STEPS_CURVE} with its 95% interval ({result.bootstrap} bootstrap draws): "
                + "; ".join(rows) + f". Above {r.BETA_THRESHOLD:g} for {len(n['above'])}, below for "
                f"{len(n['below'])}, straddling for {len(n['straddle'])}. The fitted range of beta is "
                f"[{lt.BETA_RANGE[0]:g}, {lt.BETA_RANGE[1]:g}]; as beta -> 0 the steps curve becomes the "
                "constant-hazard curve.")
    return r.H4.claim_from(decision, evidence, ("horizons_p50",))


def _h8(result, shape):
    decision = r.H8(result, shape)
    n = decision.numbers
    rows = [f"{agent} {fmt(n['k2'][agent])} {span(ci)} (Weibull k {span(n['weibull_shape_ci'].get(agent))})"
            for agent, ci in n["k2_ci"].items()]
    left = [f"{s.agent} ({s.note})" for s in shape.agents if s.note and s.agent != r.BASELINE]
    evidence = (f"Per-doubling shape k2 = log2(log p(2t)/log p(t)) from success in doubling bins of task length "
                f"({shape.bootstrap} hierarchical bootstrap draws): " + "; ".join(rows)
                + f". Both intervals below {r.K2_BOUND:g} for {len(n['below'])} of {len(n['k2_ci'])} agents"
                + (f"; no k2 for {', '.join(left)}" if left else "")
                + ". The bound: with i.i.d. subtask times and n proportional to t, S_2n = S_n + S'_n, so "
                "p(2t) <= p(t)^2 (docs/horizons.md). Below 1 the data rule out every such steps model; they do not "
                "say whether tasks differ in difficulty beyond their length or the work grows more slowly than "
                "the length (issue 24's joint model separates these).")
    return r.H8.claim_from(decision, evidence, ("horizons_shape",))


def _table(result, shape) -> Table:
    curves = result.curves
    rows = []
    for a in result.agents:
        s = next((x for x in shape.agents if x.agent == a.agent), None)
        k2 = "-" if s is None or s.k2 is None else f"{fmt(s.k2)} {span(s.k2_ci)}"
        if a.note:
            rows.append((a.agent, "-", "-", *["-"] * len(curves), "-", k2))
            continue
        steps = a.fits.get(r.STEPS_CURVE)
        beta = "-" if steps is None else f"{fmt(steps.params['beta'])} {span((steps.params_ci or {}).get('beta'))}"
        rows.append((a.agent, a.best_bic or "-", a.best_cv or "-", *[fmt(r.behind_best(a, c)) if a.best_cv != c
                                                                     else "0" for c in curves], beta, k2))
    return Table(f"Held-out deficit behind each agent's best curve (nats, effective-run scale), {r.STEPS_CURVE} beta "
                 "and the per-doubling shape k2 [95%]",
                 ("agent", "best BIC", "best held-out", *curves, f"beta ({r.STEPS_CURVE})", "k2"), tuple(rows))
