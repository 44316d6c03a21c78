"""The horizons section of the report: METR's runs file judged by held-out likelihood (claims H1-H4),
what the steps model predicts for success against task length, and the trend of horizons against
release date (claims H5-H7)."""

from __future__ import annotations

import functools
import math
import statistics
from dataclasses import dataclass

from alignlab.horizons import lomax_table as lt
from alignlab.horizons import plots
from alignlab.horizons.experiments import steps_regimes
from alignlab._validate import ParameterError
from alignlab.evidence.claims import Claim, Section, Table
from alignlab.evidence.context import ReportContext

RUNS_FILE = "metr_runs_2025-02-27.jsonl"
BOOTSTRAP = 200             # fewer draws than METR's 1000 keep the demo quick; the claims say how many
MARGIN = 2.0                # held-out nats (a likelihood ratio of e^2 ~ 7) that count as decisively worse
EMPIRICAL = ("logistic", "exponential", "weibull")
STEPS = ("steps", "steps-mixed")
BASELINE = "human"          # METR's human baseliners: a reference, not an AI agent


def build(ctx: ReportContext) -> Section:
    ctx.step("steps-model predictions")
    regimes = ctx.cached("horizons/regimes", steps_regimes)
    figures = [ctx.render(plots.plot_regimes(regimes), "horizons_regimes",
                          f"What the steps model predicts (exact, budget B = {regimes.budget:g}): success against "
                          "the number of subtasks (left; dashed: the constant hazard of one slow subtask, dotted: "
                          "the law-of-large-numbers cliff at B(beta-1)/beta) and failure on log-log axes (right; "
                          "dashed: n B^-beta).")]
    path = ctx.dataset("metr-runs")
    from alignlab.horizons.fit import fit_horizons
    ctx.step(f"fitting five curve families to {RUNS_FILE} ({BOOTSTRAP} bootstrap draws, family CV)")
    result = ctx.cached(f"horizons/fit/{ctx.dataset_key('metr-runs')}/{BOOTSTRAP}",
                        lambda: fit_horizons(path, bootstrap=BOOTSTRAP, cv="family", seed=0))
    agents = [a for a in result.agents if not a.note and a.agent != BASELINE]
    figures += [ctx.render(plots.plot_summary(result), "horizons_p50",
                           f"50% horizon of every agent under every family, with 95% intervals from METR's "
                           f"hierarchical bootstrap ({result.bootstrap} draws)."),
                ctx.render(plots.plot_agents(result), "horizons_agents",
                           "Weighted success in bins of task length (95% error bars) and the five fitted curves.")]
    skipped = [a.agent for a in result.agents if a.note]
    claims = (_h1(agents, result), _h2(agents, result), _h3(agents, result), _h4(agents, result))
    summary = (_intro() + f" Fitted to METR's {sum(a.runs for a in result.agents)} runs "
               f"({len(result.agents)} agents including METR's human baseliners, who are left out of the claims"
               + (f"; {', '.join(skipped)} cannot be fitted: {result.agent(skipped[0]).note}" if skipped else "")
               + f"), weights {result.weights}, {result.bootstrap} bootstrap draws (METR uses 1,000), "
               f"leave-one-task-family-out cross-validation.")
    tables = (_table(result),)
    trend = _trends(ctx, result, ctx.dataset_key("metr-runs"))
    from alignlab.horizons.joint.report import build as build_joint
    j_claims, j_figures, j_tables, j_summary = build_joint(ctx)
    return Section(summary + trend.summary + j_summary, claims + trend.claims + tuple(j_claims),
                   tuple(figures) + trend.figures + tuple(j_figures), tables + trend.tables + tuple(j_tables))


def _intro() -> str:
    return ("Five curves of success against task length t (human minutes): METR's logistic in log2 t, a constant "
            "hazard 2^(-t/T50) (Ord), a Weibull survival, the independent-steps model (t/tau subtasks with "
            "Pareto(beta) times, success when their total fits a budget) and steps with log-normal noise in the "
            "number of subtasks. Which describes agents best is decided by the held-out log-likelihood of task "
            "families left out one at a time, in nats on the scale of the effective number of runs; "
            f"a family trails decisively when it is {MARGIN:g} or more nats behind the best.")


def _gaps(agent) -> dict[str, float]:
    """Held-out deficit of every family behind the agent's best, in nats (effective-run scale)."""
    cv = {n: f.cv_loglik for n, f in agent.fits.items() if f.cv_loglik is not None}
    best = max(cv.values())
    return {n: (best - x) * agent.loglik_scale for n, x in cv.items()}


def _fmt(x) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.3g}"


def _rule(trailing: list[str], total: int) -> str:
    if not trailing:
        return "holds"
    return "fails" if len(trailing) > total / 2 else "conditional"


def _h1(agents, result) -> Claim:
    gaps = {a.agent: _gaps(a) for a in agents}
    trailing = [n for n, g in gaps.items() if g["logistic"] >= MARGIN]
    best = {a.agent: a.best_cv for a in agents}
    evidence = ("Held-out deficit of the logistic behind each agent's best family (nats): "
                + "; ".join(f"{n} {_fmt(g['logistic'])} (best: {best[n]})" for n, g in gaps.items())
                + ". Best held-out family: " + ", ".join(f"{f} for {sum(b == f for b in best.values())}"
                                                          for f in dict.fromkeys(best.values())) + ".")
    verdict = _rule(trailing, len(agents))
    conditions = "" if verdict != "conditional" else \
        f"decisively beaten for {', '.join(trailing)}; within {MARGIN:g} nats of the best for the others"
    return Claim("H1", "A logistic in log task length describes agent success (METR).", verdict, evidence,
                 conditions, ("horizons_agents",))


def _h2(agents, result) -> Claim:
    gaps = {a.agent: _gaps(a) for a in agents}
    trailing = [n for n, g in gaps.items() if g["exponential"] >= MARGIN]
    shapes = []
    for a in agents:
        w = a.fits.get("weibull")
        if w is not None and w.params.get("shape") is not None:
            ci = w.params_ci["shape"] if w.params_ci else None
            shapes.append(f"{a.agent} {w.params['shape']:.2f}" + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else ""))
    below = sum(1 for a in agents if a.fits.get("weibull") and a.fits["weibull"].params_ci
                and a.fits["weibull"].params_ci["shape"][1] < 1)
    evidence = ("Held-out deficit of the constant hazard (nats): "
                + "; ".join(f"{n} {_fmt(g['exponential'])}" for n, g in gaps.items())
                + f". Weibull shape (1 = constant hazard; 95% interval, {result.bootstrap} draws): "
                + "; ".join(shapes) + f". The shape's interval lies below 1 (a hazard that falls with time "
                f"spent) for {below} of {len(agents)} agents.")
    verdict = _rule(trailing, len(agents))
    conditions = "" if verdict != "conditional" else f"decisively beaten for {', '.join(trailing)}"
    return Claim("H2", "Agents fail at a constant rate per minute: success halves every T50 (Ord).", verdict,
                 evidence, conditions, ("horizons_agents",))


def _h3(agents, result) -> Claim:
    rows, trailing, plain_trailing = [], [], []
    for a in agents:
        g = _gaps(a)
        steps_gap = min(g[n] for n in STEPS if n in g) - min(g[n] for n in EMPIRICAL if n in g)
        plain_gap = g.get("steps", math.inf) - min(g[n] for n in EMPIRICAL if n in g)
        rows.append(f"{a.agent} {_fmt(steps_gap)} (plain steps {_fmt(plain_gap)})")
        if steps_gap >= MARGIN:
            trailing.append(a.agent)
        if plain_gap >= MARGIN:
            plain_trailing.append(a.agent)
    mixed = [a.fits["steps-mixed"] for a in agents if "steps-mixed" in a.fits]
    sigmas = [f.params["sigma"] for f in mixed]
    floor = lt.BETA_RANGE[0]
    at_floor = sum(1 for f in mixed if f.params["beta"] <= floor * (1 + 1e-6))
    evidence = ("Held-out deficit of the better steps family behind the best empirical curve (nats; negative: "
                "steps is better): " + "; ".join(rows) + ". " +
                (f"Steps-mixed fits need log-normal noise sigma = {statistics.median(sigmas):.2f} (median) in log "
                 f"n, and its beta sits on the lower end of its range ({floor:g}, the constant-hazard limit) for "
                 f"{at_floor} of {len(mixed)} agents." if mixed else ""))
    verdict = _rule(trailing, len(agents))
    conditions = ""
    if verdict == "holds" and plain_trailing:
        verdict = "conditional"
        conditions = (f"only with log-normal noise in the number of subtasks (steps-mixed): plain steps trails "
                      f"decisively for {len(plain_trailing)} of {len(agents)} agents, because its failure rate "
                      f"is constant for short tasks and only rises with length, while agents' falls")
    elif verdict == "conditional":
        conditions = f"steps trails decisively for {', '.join(trailing)}" + \
            (" and matches the others only with log-normal noise in the number of subtasks (steps-mixed)"
             if plain_trailing else "")
    return Claim("H3", "The independent-steps model describes agent success as well as the best empirical curve.",
                 verdict, evidence, conditions, ("horizons_agents", "horizons_regimes"))


def _h4(agents, result) -> Claim:
    rows, above, below = [], [], []
    for a in agents:
        fits = {n: a.fits[n] for n in STEPS if n in a.fits and a.fits[n].cv_loglik is not None}
        if not fits:
            continue
        name = max(fits, key=lambda n: fits[n].cv_loglik)
        fit = fits[name]
        ci = fit.params_ci["beta"] if fit.params_ci else None
        rows.append(f"{a.agent} {fit.params['beta']:.3g}" + (f" [{ci[0]:.3g}, {ci[1]:.3g}]" if ci else "")
                    + f" ({name})")
        if ci is not None and ci[0] > 1:
            above.append(a.agent)
        if ci is not None and ci[1] < 1:
            below.append(a.agent)
    total = len(rows)
    # the claim places agents above the threshold: it holds where the intervals show it, and fails when they
    # show it for no agent (below 1, or straddling 1 so that the data cannot tell)
    if total and len(above) == total:
        verdict, conditions = "holds", ""
    elif not above:
        verdict, conditions = "fails", ""
    else:
        verdict = "conditional"
        conditions = f"above 1 only for {', '.join(above)}"
    rows.append(f"interval above 1 for {len(above)}, below 1 for {len(below)}, straddling 1 for "
                f"{total - len(above) - len(below)} of {total} agents")
    evidence = (f"beta of the steps family that predicts each agent's held-out families better (95% interval, "
                f"{result.bootstrap} bootstrap draws): " + "; ".join(rows) + f". The fitted range of beta is "
                f"[{lt.BETA_RANGE[0]:g}, {lt.BETA_RANGE[1]:g}]; as beta -> 0 the steps curve becomes the "
                "constant-hazard curve (alignlab.horizons.families).")
    return Claim("H4", "Today's agents stand above the steps model's critical threshold (beta > 1) on these tasks.",
                 verdict, evidence, conditions, ("horizons_p50",))


def _table(result) -> Table:
    families = list(next(a for a in result.agents if not a.note).fits)
    rows = []
    for a in result.agents:
        if a.note:
            rows.append((a.agent, "-", "-", *["-"] * len(families), "-"))
            continue
        g = _gaps(a)
        beta = a.fits.get("steps-mixed") or a.fits.get("steps")
        ci = beta.params_ci["beta"] if beta and beta.params_ci else None
        beta_text = "-" if beta is None else \
            f"{beta.params['beta']:.3g}" + (f" [{ci[0]:.3g}, {ci[1]:.3g}]" if ci else "")
        rows.append((a.agent, a.best_bic or "-", a.best_cv or "-", *[_fmt(g.get(n)) for n in families], beta_text))
    return Table("Held-out deficit behind each agent's best family (nats, effective-run scale) and steps-mixed beta",
                 ("agent", "best BIC", "best held-out", *families, "beta (steps-mixed) [95%]"), tuple(rows))


# -- trends of the horizon against release date (H5-H7) ------------------------------------------------------
TREND_BOOTSTRAP = 1000              # the trends are cheap: METR's number of draws
TREND_HOLDOUT = 3                   # newest models held out to score the trends
SEVEN_MONTHS = 7 * 365.25 / 12      # days: METR's "about 7 months"
# METR's two headline fits: frontier models on suite 1.0 over 2019-2025 (about 7 months), and on suite 1.1
# since 2023 (131 days)
TREND_SETS = {"long run": ("1.0", None), "since 2023": ("1.1", "2023-01-01")}


@dataclass(frozen=True)
class _TrendPart:
    summary: str
    claims: tuple = ()
    figures: tuple = ()
    tables: tuple = ()


def _trends(ctx: ReportContext, result, fit_key: str) -> _TrendPart:
    """Claims H5-H7: METR's published horizons trended (H5, H6), and the runs file's agents with their
    release dates and steps beta (H7, from the horizons fit already made above)."""
    from alignlab.horizons.trend_sources import STEPS_FAMILIES
    notes, published, runs = [], {}, {}
    table_file = ctx.dataset("metr-published-horizons")
    for name, (suite, since) in TREND_SETS.items():
        ctx.step(f"trend of METR's published horizons, suite {suite}, frontier"
                 + (f" since {since}" if since else ""))
        key = f"{ctx.dataset_key('metr-published-horizons')}/{suite}/{since}/{TREND_BOOTSTRAP}/{TREND_HOLDOUT}"
        try:
            published[name] = ctx.cached(f"horizons/trend/published/{key}",
                                         functools.partial(_published_trend, table_file, suite, since))
        except ParameterError as err:
            notes.append(f"the {name} trend could not be fitted ({err})")
    dates_file = ctx.dataset("metr-release-dates")
    if result is not None:
        for family in STEPS_FAMILIES:
            ctx.step(f"trend of the runs file's horizons and {family} beta against release date")
            key = (f"{fit_key}/{result.bootstrap}/{ctx.dataset_key('metr-release-dates')}/{family}/{TREND_BOOTSTRAP}/"
                   f"{TREND_HOLDOUT}")
            try:
                runs[family] = ctx.cached(f"horizons/trend/runs/{key}",
                                          functools.partial(_runs_trend, result, dates_file, family))
            except ParameterError as err:
                notes.append(f"the runs file's trend could not be fitted ({err})")
                break
    claims = []
    if len(published) == len(TREND_SETS):
        claims += [_h5(published), _h6(published)]
    if "steps-mixed" in runs:
        claims.append(_h7(runs, result.bootstrap))
    shown = {**{f"published {n}": r for n, r in published.items()}, **({"runs file": runs["steps-mixed"]}
                                                                      if "steps-mixed" in runs else {})}
    figures = ()
    if shown:
        figures += (ctx.render(plots.plot_trends(shown.values(), [_set_title(n, r) for n, r in shown.items()]),
                               "horizons_trend",
                               "50% horizon against release date (95% intervals of each source; hollow: the newest "
                               "models, held out to score the trends) with the exponential and accelerating "
                               f"(quadratic) trends and their 95% bands ({TREND_BOOTSTRAP} bootstrap draws)."),)
    if "steps-mixed" in runs:
        figures += (ctx.render(plots.plot_beta(runs["steps-mixed"]), "horizons_beta",
                               "beta of the steps-mixed fit of each agent against its release date (95% intervals; "
                               "grey: not identified), the critical threshold beta = 1 and beta = 2."),)
    summary = (" <b>Trends (H5-H7):</b> log2 p50 against release date by least squares, a straight line "
               f"(exponential growth) and a quadratic (accelerating); {TREND_BOOTSTRAP} bootstrap draws resample the "
               "models and draw each p50 within its 95% interval; each trend is also fitted without the newest "
               f"{TREND_HOLDOUT} models and scored on them (error in log2 minutes)."
               + "".join(f" Note: {n}." for n in notes))
    tables = (_trend_table(shown),) if shown else ()
    return _TrendPart(summary, tuple(claims), figures, tables)


def _describe(result) -> str:
    src = result.source
    what = f"suite {src.suite}, frontier" + (f", since {src.since}" if src.since else "") \
        if src.kind == "published" else "agents of the runs file (logistic p50)"
    return f"{what} ({len(result.models)} models)"


def _published_trend(path, suite: str, since: str | None):
    from alignlab.horizons.trend import fit_trends
    from alignlab.horizons.trend_sources import published_input
    return fit_trends(published_input(path, suite, frontier_only=True, since=since), holdout=TREND_HOLDOUT,
                      bootstrap=TREND_BOOTSTRAP, seed=0)


def _runs_trend(result, dates_file, family: str):
    from alignlab.horizons.dates import read_release_dates
    from alignlab.horizons.trend import fit_trends
    from alignlab.horizons.trend_sources import fitted_input
    data = fitted_input(result, read_release_dates(dates_file), steps_family=family, skip_undated=True,
                        release_dates_file=str(dates_file))
    return fit_trends(data, holdout=TREND_HOLDOUT, bootstrap=TREND_BOOTSTRAP, seed=0)


def _set_title(name: str, result) -> str:
    return f"{name}: {_describe(result)}"


def _span(ci) -> str:
    if ci is None:
        return "[-]"
    return "[" + ", ".join(x if isinstance(x, str) else "never" if x is None else
                           _fmt(x) if math.isfinite(x) else "inf" for x in ci) + "]"


def _above(trend) -> float | None:
    """How far (doublings) the held-out models lie above the trend fitted without them, on average."""
    return None if trend.holdout.mean_error is None else -trend.holdout.mean_error


def _held(trend) -> str:
    errors = ", ".join(_fmt(e) for e in trend.holdout.errors)
    return f"{_fmt(trend.holdout_error)} (errors {errors})"


def _h5(sets) -> Claim:
    long_run, recent = sets["long run"].trends.exponential, sets["since 2023"].trends.exponential
    about = long_run.doubling_days_ci is not None and \
        long_run.doubling_days_ci[0] <= SEVEN_MONTHS <= long_run.doubling_days_ci[1]
    constant = recent.doubling_days_ci is not None and \
        recent.doubling_days_ci[0] <= long_run.doubling_days <= recent.doubling_days_ci[1]
    evidence = (f"Frontier models, suite 1.0 ({len(sets['long run'].models)} models, "
                f"{sets['long run'].models[0].release_date[:4]}-{sets['long run'].models[-1].release_date[:4]}): "
                f"p50 doubles every {_fmt(long_run.doubling_days)} days {_span(long_run.doubling_days_ci)} "
                f"(7 months = {SEVEN_MONTHS:.0f} days), R2 {_fmt(long_run.r2)}; the newest "
                f"{len(long_run.holdout.models)} lie {_fmt(_above(long_run))} doublings above the line fitted without "
                f"them. Frontier models on suite 1.1 since 2023 ({len(sets['since 2023'].models)} "
                f"models): every {_fmt(recent.doubling_days)} days {_span(recent.doubling_days_ci)} (METR: 131).")
    if about and constant:
        verdict, conditions = "holds", ""
    elif not about and not constant:
        verdict, conditions = "fails", ""
    else:
        verdict = "conditional"
        conditions = ("about 7 months over 2019-2025, but not constant: since 2023 the doubling time's interval "
                      "excludes the long-run rate" if about else
                      "the rate is the same since 2023, but it is not about 7 months")
    return Claim("H5", "Horizons double at a constant rate (about 7 months).", verdict, evidence, conditions,
                 ("horizons_trend",))


def _h6(sets) -> Claim:
    wins, rows = [], []
    for name, result in sets.items():
        exp, acc = result.trends.exponential, result.trends.accelerating
        better = acc.holdout_error is not None and exp.holdout_error is not None and \
            acc.holdout_error < exp.holdout_error and acc.acceleration > 0
        if better:
            wins.append(name)
        rows.append(f"{name} ({_describe(result)}): held-out error of the newest "
                    f"{len(exp.holdout.models)}, exponential {_held(exp)}, accelerating {_held(acc)} log2 min; "
                    f"acceleration {_fmt(acc.acceleration)} doublings/year per year {_span(acc.acceleration_ci)}, "
                    f"doubling every {_fmt(acc.doubling_days_last)} days at the newest model")
    verdict = "holds" if len(wins) == len(sets) else "fails" if not wins else "conditional"
    conditions = "" if verdict != "conditional" else \
        f"the accelerating trend forecasts the newest models better only for the {', '.join(wins)} data"
    evidence = ("Out of sample: each trend fitted without the newest models forecasts them (the claim holds for a "
                "data set when the quadratic, curving upwards, forecasts them better than the straight line). "
                + "; ".join(rows) + ".")
    return Claim("H6", "Horizon growth is accelerating (held out, not in sample).", verdict, evidence, conditions,
                 ("horizons_trend",))


def _h7(runs, fit_draws: int) -> Claim:
    steps = runs["steps-mixed"].trends.steps
    crossing, ci = steps.beta_crosses_1, steps.beta_crosses_1_ci
    if crossing is not None and ci is not None and None not in ci:
        verdict, conditions = "holds", ""
    elif crossing is not None:
        verdict, conditions = "conditional", "a date on trend, but its interval is open-ended"
    else:
        verdict, conditions = "fails", ""
    evidence = (f"steps-mixed beta of {len(steps.agents)} dated agents (intervals from the horizons fit's "
                f"{fit_draws} draws): "
                + (f"beta rises {_fmt(steps.beta_per_year)} per year {_span(steps.beta_per_year_ci)}, crosses 1 on "
                   f"{crossing or 'no date'} {_span(ci)} and 2 on {steps.beta_crosses_2 or 'no date'} "
                   f"{_span(steps.beta_crosses_2_ci)}" if steps.beta_per_year is not None else "no trend")
                + (f"; {steps.note}" if steps.note else "") + ".")
    plain = runs.get("steps")
    if plain is not None:
        evidence += f" Plain steps: {plain.trends.steps.note or 'identified'}."
    return Claim("H7", "On trend, agents cross the steps model's critical threshold (beta = 1) by a date we can "
                       "state.", verdict, evidence, conditions, ("horizons_beta",))


def _trend_table(shown) -> Table:
    rows = []
    for name, result in shown.items():
        exp, acc = result.trends.exponential, result.trends.accelerating
        rows.append((name, str(len(result.models)), f"{_fmt(exp.doubling_days)} {_span(exp.doubling_days_ci)}",
                     _fmt(exp.r2), f"{_fmt(acc.acceleration)} {_span(acc.acceleration_ci)}",
                     _fmt(exp.holdout_error), _fmt(acc.holdout_error)))
    return Table("Horizon trends against release date (95% intervals; held-out errors in log2 minutes, newest models)",
                 ("data", "models", "doubling days", "R2", "acceleration (doublings/yr per yr)",
                  "held-out error, exponential", "held-out error, accelerating"), tuple(rows))
