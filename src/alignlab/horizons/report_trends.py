"""The trend part of the horizons section (claims H5-H7): METR's published horizons trended within each
suite, with a change of doubling time tested at a date fixed in advance (H5) and held-out forecasts of
the newest models (H6); and the runs file's agents with their release dates and steps beta (H7)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from alignlab._validate import ParameterError
from alignlab.evidence.claims import Table
from alignlab.evidence.context import ReportContext
from alignlab.horizons import plots
from alignlab.horizons import rules as r

TREND_BOOTSTRAP = 1000              # the trends are cheap: METR's number of draws
TREND_HOLDOUT = 3                   # newest models held out to score the trends
# frontier models of one suite each: (suite, since). Suite 1.0 over 2019-2025 gives METR's "about 7 months",
# suite 1.1 since 2023 their 131 days; the change at the break is tested on each suite's whole range
TREND_SETS = {"suite 1.0": ("1.0", None), "suite 1.1": ("1.1", None), "suite 1.1 since 2023": ("1.1", "2023-01-01")}
LONG_RUN, RECENT = "suite 1.0", "suite 1.1 since 2023"
BREAK_SETS = ("suite 1.0", "suite 1.1")


@dataclass(frozen=True)
class TrendPart:
    summary: str
    claims: tuple = ()
    figures: tuple = ()
    tables: tuple = ()


def trends(ctx: ReportContext, result, fit_key: str) -> TrendPart:
    """Claims H5-H7 with their figures and table (``result``: the horizons fit made for H1-H4)."""
    notes, published = [], {}
    table_file = ctx.dataset("metr-published-horizons")
    for name, (suite, since) in TREND_SETS.items():
        ctx.step(f"trend of METR's published horizons, suite {suite}, frontier" + (f" since {since}" if since else ""))
        key = f"{ctx.dataset_key('metr-published-horizons')}/{suite}/{since}/{TREND_BOOTSTRAP}/{TREND_HOLDOUT}"
        try:
            published[name] = ctx.cached(f"horizons/trend/published/{key}",
                                         functools.partial(_published_trend, table_file, suite, since))
        except ParameterError as err:
            notes.append(f"the {name} trend could not be fitted ({err})")
    runs = None
    if result is not None:
        ctx.step(f"trend of the runs file's horizons and {r.STEPS_CURVE} beta against release date")
        key = f"{fit_key}/{result.bootstrap}/{ctx.dataset_key('metr-release-dates')}/{TREND_BOOTSTRAP}/{TREND_HOLDOUT}"
        try:
            runs = ctx.cached(f"horizons/trend/runs/{key}",
                              functools.partial(_runs_trend, result, ctx.dataset("metr-release-dates")))
        except ParameterError as err:
            notes.append(f"the runs file's trend could not be fitted ({err})")
    claims = []
    if all(name in published for name in (LONG_RUN, *BREAK_SETS)):
        claims.append(_h5(published))
    if LONG_RUN in published and RECENT in published:
        claims.append(_h6({n: published[n] for n in (LONG_RUN, RECENT)}))
    if runs is not None:
        claims.append(_h7(runs, result.bootstrap))
    shown = {**{f"published, {n}": x for n, x in published.items()}, **({"runs file": runs} if runs else {})}
    figures = ()
    if shown:
        figures += (ctx.render(plots.plot_trends(shown.values(), [f"{n}: {_describe(x)}" for n, x in shown.items()]),
                               "horizons_trend",
                               "50% horizon against release date (95% intervals of each source; hollow: the newest "
                               "models, held out to score the trends) with the exponential and accelerating "
                               f"(quadratic) trends, the line broken at {r.BREAK} and their 95% bands "
                               f"({TREND_BOOTSTRAP} bootstrap draws)."),)
    if runs is not None:
        figures += (ctx.render(plots.plot_beta(runs), "horizons_beta",
                               f"beta of the {r.STEPS_CURVE} fit of each agent against its release date (95% "
                               "intervals; grey: not identified), the critical threshold beta = 1 and beta = 2."),)
    summary = (" <b>Trends (H5-H7):</b> log2 p50 against release date by least squares: a straight line "
               f"(exponential growth), a quadratic (accelerating) and a line broken at {r.BREAK} (a date fixed in "
               f"advance, so that a change of doubling time is a test, not a search); {TREND_BOOTSTRAP} bootstrap "
               "draws resample the models and draw each p50 within its 95% interval; each trend is also fitted "
               f"without the newest {TREND_HOLDOUT} models and scored on them (error in log2 minutes)."
               + "".join(f" Note: {n}." for n in notes))
    return TrendPart(summary, tuple(claims), figures, (_trend_table(shown),) if shown else ())


def _published_trend(path, suite: str, since: str | None):
    from alignlab.horizons.trend.fit import fit_trends
    from alignlab.horizons.trend.sources import published_input
    return fit_trends(published_input(path, suite, frontier_only=True, since=since), holdout=TREND_HOLDOUT,
                      bootstrap=TREND_BOOTSTRAP, seed=0)


def _runs_trend(result, dates_file):
    from alignlab.horizons.trend.dates import read_release_dates
    from alignlab.horizons.trend.fit import fit_trends
    from alignlab.horizons.trend.sources import fitted_input
    data = fitted_input(result, read_release_dates(dates_file), steps_curve=r.STEPS_CURVE, skip_undated=True,
                        release_dates_file=str(dates_file))
    return fit_trends(data, holdout=TREND_HOLDOUT, bootstrap=TREND_BOOTSTRAP, seed=0)


def fmt(x) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.3g}"


def span(ci) -> str:
    """An interval as text: [lo, hi]; [-] without one; an end never reached is "never"."""
    if ci is None:
        return "[-]"
    return "[" + ", ".join(x if isinstance(x, str) else "never" if x is None else
                           fmt(x) if math.isfinite(x) else "inf" for x in ci) + "]"


def _describe(result) -> str:
    src = result.source
    what = (f"suite {src.suite}, frontier" + (f", since {src.since}" if src.since else "")
            if src.kind == "published" else f"agents of the runs file ({src.curve} p50)")
    return f"{what} ({len(result.models)} models)"


def _held(trend) -> str:
    return f"{fmt(trend.holdout_error)} (errors {', '.join(fmt(e) for e in trend.holdout.errors)})"


def _h5(published):
    long_run = published[LONG_RUN].trends.exponential
    breaks = {published[n].source.suite: published[n].trends.broken for n in BREAK_SETS}
    decision = r.H5(long_run, breaks)
    parts = []
    for suite, b in breaks.items():
        if b is None or b.p_value is None:
            parts.append(f"suite {suite}: {b.note if b is not None else 'no test'}")
            continue
        parts.append(f"suite {suite} ({b.models_before} models before, {b.models_after} after): doubling every "
                     f"{fmt(b.doubling_days_before)} days {span(b.doubling_days_before_ci)} before and "
                     f"{fmt(b.doubling_days_after)} {span(b.doubling_days_after_ci)} after, change "
                     f"{fmt(b.change)} doublings/year {span(b.change_ci)}, F = {fmt(b.f_statistic)}, p = "
                     f"{fmt(b.p_value)}")
    recent = published[RECENT].trends.exponential
    wide = [s for s, b in breaks.items() if b is not None and b.change_ci is not None and b.change_ci[0] <= 0 <=
            b.change_ci[1]]
    caveat = (f" The bootstrap intervals of the change, which also resample which models were released and draw "
              f"each p50 within its interval, include 0 in suite {' and '.join(wide)}: the F test assumes Gaussian "
              f"scatter about the lines, and {' and '.join(str(breaks[s].models_before) for s in wide)} models come "
              f"before the break." if wide else "")
    evidence = (f"Suite 1.0, frontier ({len(published[LONG_RUN].models)} models): p50 doubles every "
                f"{fmt(long_run.doubling_days)} days {span(long_run.doubling_days_ci)} over the whole range (7 months "
                f"= {r.SEVEN_MONTHS:.0f} days). Change of doubling time at {r.BREAK}: " + "; ".join(parts) + "."
                + caveat + f" For reference, suite 1.1 since 2023 alone: every {fmt(recent.doubling_days)} days "
                f"{span(recent.doubling_days_ci)} (METR: 131); two suites with different tasks and overlapping "
                "models are not compared with each other.")
    return r.H5.claim_from(decision, evidence, ("horizons_trend",))


def _h6(sets):
    pairs = {name: (x.trends.exponential, x.trends.accelerating) for name, x in sets.items()}
    decision = r.H6(pairs)
    rows = [f"{name} ({_describe(sets[name])}): held-out error of the newest {len(e.holdout.models)}, exponential "
            f"{_held(e)}, accelerating {_held(a)} log2 min; acceleration {fmt(a.acceleration)} doublings/year per "
            f"year {span(a.acceleration_ci)}, doubling every {fmt(a.doubling_days_last)} days at the newest model"
            for name, (e, a) in pairs.items()]
    evidence = ("Out of sample: each trend fitted without the newest models forecasts them. " + "; ".join(rows) + ".")
    return r.H6.claim_from(decision, evidence, ("horizons_trend",))


def _h7(runs, fit_draws: int):
    steps = runs.trends.steps
    decision = r.H7(steps)
    evidence = (f"{r.STEPS_CURVE} beta of {len(steps.agents)} dated agents (intervals from the horizons fit's "
                f"{fit_draws} draws): "
                + (f"beta rises {fmt(steps.beta_per_year)} per year {span(steps.beta_per_year_ci)}, crosses 1 on "
                   f"{steps.beta_crosses_1 or 'no date'} {span(steps.beta_crosses_1_ci)} and 2 on "
                   f"{steps.beta_crosses_2 or 'no date'} {span(steps.beta_crosses_2_ci)}"
                   if steps.beta_per_year is not None else "no trend")
                + (f"; {steps.note}" if steps.note else "") + ".")
    return r.H7.claim_from(decision, evidence, ("horizons_beta",))


def _trend_table(shown) -> Table:
    rows = []
    for name, result in shown.items():
        t = result.trends
        e, a, b = t.exponential, t.accelerating, t.broken
        broken = "-" if b is None or b.p_value is None else \
            f"{fmt(b.doubling_days_before)} / {fmt(b.doubling_days_after)} (p = {fmt(b.p_value)})"
        rows.append((name, str(len(result.models)), f"{fmt(e.doubling_days)} {span(e.doubling_days_ci)}",
                     fmt(e.r2), f"{fmt(a.acceleration)} {span(a.acceleration_ci)}", broken,
                     fmt(e.holdout_error), fmt(a.holdout_error)))
    return Table("Horizon trends against release date (95% intervals; held-out errors in log2 minutes, newest models)",
                 ("data", "models", "doubling days", "R2", "acceleration (doublings/yr per yr)",
                  f"doubling days before / after {r.BREAK}", "held-out error, exponential",
                  "held-out error, accelerating"), tuple(rows))
