"""``alignlab horizons ...``: fit curves of success against task length to agent runs, save and ask a fit,
draw them, and trend the horizons against release date."""

from __future__ import annotations

import argparse
import json

from alignlab._validate import ParameterError
from alignlab.cli.common import Renamed, add_data, add_json, command, emit, number, show_progress

METR_FILE = "metr-runs"                       # shipped data sets (alignlab data list)
RELEASE_DATES_FILE = "metr-release-dates"
PUBLISHED_FILE = "metr-published-horizons"
TREND_FIGURES = ("trend.png", "beta.png")


# examples run on the shipped data in a second or two each (no bootstrap, no cross-validation, one or two
# agents, no steps curve: its table takes seconds to load); predict's read the fit that fit's first example
# saves (examples run in order, in one folder)
FIT_EXAMPLES = ("alignlab horizons fit --agent o1 GPT-4o --curve logistic weibull --bootstrap 0 --cv none "
                "--out fit.json",
                'alignlab horizons fit --agent o1 --curve logistic --bootstrap 20 --cv none --workers 1 --json')
PLOT_EXAMPLES = ("alignlab horizons plot --agent o1 --curve logistic weibull --bootstrap 0 --cv none --out figures",
                 "alignlab horizons plot --agent o1 GPT-4o --curve logistic --bootstrap 10 --cv none --workers 1 "
                 "--out figures --json")
PREDICT_EXAMPLES = ("alignlab horizons predict fit.json --minutes 15 60 240",
                    "alignlab horizons predict fit.json --minutes 30 --agent o1 --curve weibull --json")
TREND_EXAMPLES = ("alignlab horizons trend --published --suite 1.1 --bootstrap 200 --reach 480",
                  "alignlab horizons trend --published --suite 1.0 --frontier-only --bootstrap 200 --forecast "
                  "2026-06-01 --json")


def register(cmds) -> None:
    """Add the commands of `alignlab horizons ...` to ``cmds`` (the subparsers of the system's command)."""
    from alignlab.horizons.fit.curves import CURVES
    from alignlab.horizons.fit.fit import MAX_REFITS

    def fit_args(p):
        p.add_argument("runs", metavar="RUNS", nargs="?",
                       help=f"runs file: .jsonl, .csv or .parquet (default: the shipped data set {METR_FILE})")
        p.add_argument("--curve", nargs="+", metavar="C", choices=list(CURVES),
                       help=f"curves to fit (default: all of {', '.join(CURVES)})")
        p.add_argument("--family", nargs="+", metavar="C", choices=list(CURVES), dest="curve", action=Renamed,
                       new="--curve")
        p.add_argument("--bootstrap", type=number, default=1000, metavar="N",
                       help=f"hierarchical bootstrap draws (task families, tasks, runs), whole, 0 to 1e6 (0: no "
                            f"intervals); draws x agents x curves at most {MAX_REFITS:.0e} unless --max-work says more")
        p.add_argument("--cv", default="family", choices=["family", "none"],
                       help="family: leave-one-task-family-out cross-validation; none: skip it")
        p.add_argument("--seed", type=number, default=0, help="bootstrap seed, a whole number >= 0")
        p.add_argument("--max-work", default=None, metavar="REFITS", help="raise the limit on refits on purpose")
        runs_options(p)
        add_data(p)
        add_json(p)

    p = command(cmds, "fit", help="fit every curve to every agent: horizons, intervals, held-out fit",
                description="Fit curves of success against task length (METR's logistic, a constant hazard, a Weibull "
                            "survival, the steps model and its mixed form) to each agent's runs by weighted maximum "
                            "likelihood: the 50% and 80% horizons with hierarchical bootstrap intervals, BIC and the "
                            "held-out log-likelihood of each task family left out. --out saves the whole fit for "
                            "`horizons predict`.",
                examples=FIT_EXAMPLES, handler=fit)
    fit_args(p)
    p.add_argument("--out", metavar="FIT.json", help="also save the whole fit (bootstrap draws included) to this "
                                                     "file, for `horizons predict`")

    p = command(cmds, "plot", help="binned success with every fitted curve per agent, and p50 by agent",
                description="Fit as `horizons fit` does and draw it into --out: summary.png (p50 by agent and curve), "
                            "agents.png (a panel per agent), agent_NAME.png (binned success with every curve) and "
                            "the fit as horizons.json.",
                examples=PLOT_EXAMPLES, handler=plot)
    fit_args(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the figures and horizons.json")

    p = command(cmds, "predict", help="success of each agent under each curve of a saved fit at task lengths "
                                      "you choose, with bootstrap intervals",
                description="The success probability of each agent under each curve of a fit saved by `horizons fit "
                            "--out`, at the task lengths given, with 95% intervals from the fit's bootstrap draws "
                            "(none when it had none).",
                examples=PREDICT_EXAMPLES, handler=predict)
    p.add_argument("path", metavar="FIT.json", help="a fit saved by `alignlab horizons fit --out FIT.json`")
    p.add_argument("--minutes", nargs="+", type=number, required=True, metavar="T",
                   help="task lengths in human minutes, each > 0")
    p.add_argument("--agent", nargs="+", metavar="NAME", help="only these agents (default: all)")
    p.add_argument("--curve", nargs="+", metavar="C", help="only these curves (default: every curve of the fit)")
    add_json(p)

    p = command(cmds, "trend", help="p50 against release date: doubling time, acceleration, a change at a fixed "
                                    "date, when steps beta crosses 1",
                description="Trend the 50% horizon against release date: an exponential (the doubling time), an "
                            "accelerating quadratic, a line broken at a date fixed in advance and, from a runs file, "
                            "the steps model's beta per agent and when it crosses 1; each scored on the newest models "
                            "held out, with bootstrap intervals, forecasts and the dates a p50 is reached. The "
                            "horizons are fitted to a runs file with release dates, or read from METR's published "
                            "table (--published).",
                examples=TREND_EXAMPLES, handler=trend)
    trend_args(p, CURVES)

    from alignlab.horizons.joint.cli import register as register_joint
    register_joint(cmds)


def trend_args(p, curves) -> None:
    """The options of `alignlab horizons trend` (domains: docs/horizons.md, "Trends")."""
    from alignlab.horizons.fit.curves import STEPS_CURVES
    from alignlab.horizons.fit.fit import MAX_REFITS
    from alignlab.horizons.trend.broken import BREAK_DATE
    from alignlab.horizons.trend.fit import MAX_VALUES
    only = "runs file only"
    p.add_argument("runs", metavar="RUNS", nargs="?",
                   help=f"runs file to fit horizons to: .jsonl, .csv or .parquet (default: the shipped data set "
                        f"{METR_FILE}); not with --published")
    p.add_argument("--release-dates", metavar="CSV",
                   help=f"release date of each agent of RUNS: a CSV with the agent column (as in --columns, or "
                        f"model, agent) and release_date YYYY-MM-DD (default: the shipped data set "
                        f"{RELEASE_DATES_FILE})")
    p.add_argument("--published", metavar="CSV", nargs="?", const="",
                   help=f"trend METR's published horizons instead: a CSV with suite_version, model, release_date, "
                        f"p50_minutes, p50_ci_low, p50_ci_high, is_sota (no value: the shipped data set "
                        f"{PUBLISHED_FILE})")
    p.add_argument("--suite", metavar="VERSION", help="with --published: the suite to trend, one of those in the file "
                                                      "(METR's: 1.0, 1.1)")
    p.add_argument("--curve", choices=list(curves),
                   help=f"curve whose p50 is trended (default logistic, METR's; {only})")
    p.add_argument("--family", choices=list(curves), dest="curve", action=Renamed, new="--curve")
    p.add_argument("--steps-curve", choices=list(STEPS_CURVES),
                   help=f"steps curve whose beta is trended (default steps-mixed; {only})")
    p.add_argument("--steps-family", choices=list(STEPS_CURVES), dest="steps_curve", action=Renamed,
                   new="--steps-curve")
    p.add_argument("--frontier-only", action="store_true",
                   help="only models at the frontier when released (published: METR's is_sota; runs: p50 above "
                        "every model released before)")
    p.add_argument("--since", metavar="DATE", help="only models released on or after DATE (YYYY-MM-DD)")
    p.add_argument("--break", dest="break_date", metavar="DATE", default=BREAK_DATE.isoformat(),
                   help="test a change of doubling time at this date, fixed in advance (YYYY-MM-DD)")
    p.add_argument("--skip-undated", action="store_true",
                   help=f"leave out agents of RUNS without a release date instead of stopping ({only})")
    p.add_argument("--holdout", type=number, default=3, metavar="K",
                   help="newest models held out to score each trend, whole >= 0 (0: no held-out score; models "
                        "released the same day as the oldest held out go too), smaller than the number of models "
                        "and leaving at least 3 release dates to fit on")
    p.add_argument("--forecast", nargs="+", metavar="DATE", help="forecast p50 with intervals on these dates "
                                                                  "(YYYY-MM-DD)")
    p.add_argument("--reach", nargs="+", type=number, metavar="MINUTES",
                   help="the date each trend reaches these p50, minutes > 0 (480: a work day, 2400: a week, 10000: "
                        "a month)")
    p.add_argument("--bootstrap", type=number, default=1000, metavar="N",
                   help=f"bootstrap draws, whole >= 0, for the trends and for the horizons fit of RUNS; at most "
                        f"{MAX_VALUES:.0e} values drawn for the trends and {MAX_REFITS:.0e} refits (draws x agents x "
                        f"curves) for RUNS unless --max-work says more")
    p.add_argument("--seed", type=number, default=0, help="bootstrap seed, a whole number >= 0")
    p.add_argument("--out", metavar="DIR", help=f"write {' and '.join(TREND_FIGURES)} (beta: {only}) into this "
                                                f"folder (created if missing; its parent must exist)")
    p.add_argument("--max-work", default=None, metavar="N", help="raise the work limits of --bootstrap on purpose "
                                                                 "(a number > 0)")
    runs_options(p, only=only)
    add_data(p)
    add_json(p)


def runs_options(p, *, only: str = "") -> None:
    """The options of a horizons fit that every command reading a runs file shares. With ``only`` (trend:
    "runs file only") their defaults are None, so that a command can refuse them where they do not apply."""
    default = (lambda value: None) if only else (lambda value: value)
    note = f"; {only}" if only else ""
    p.add_argument("--agent", nargs="+", metavar="NAME", help=f"only these agents (default: all{note})")
    p.add_argument("--weights", default=default("invsqrt"), choices=["invsqrt", "equal", "none"],
                   help=f"run weights: METR's 1/(runs x sqrt(family tasks)), 1/runs per task, or 1 "
                        f"(default invsqrt{note})")
    p.add_argument("--penalty", type=number, metavar="C",
                   help=f"L2 penalty on the logistic slope, scikit-learn's C > 0 (METR: 10; default none{note})")
    p.add_argument("--workers", type=number, metavar="N",
                   help=f"CPU cores to use, whole >= 1 (default: all; 1: this process only{note})")
    p.add_argument("--scheduler", metavar="ADDRESS", help=f"run on the Dask scheduler at ADDRESS instead{note}")
    columns_option(p)


def columns_option(p) -> None:
    """``--columns agent=model,minutes=length``: the column of each role in the runs file (METR's names where
    it does not say), and the per-role flags of older releases as its old spellings."""
    from alignlab.horizons.runs import DEFAULT_COLUMNS
    p.add_argument("--columns", type=_columns, metavar="ROLE=NAME,...",
                   help=f"columns of the runs file by role, where not METR's: roles "
                        f"{', '.join(f'{r} ({c})' for r, c in DEFAULT_COLUMNS.items())}; e.g. "
                        f"--columns agent=model,minutes=length; weight= (empty): compute the weights")
    for role, old in (("agent", "--agent-column"), ("task", "--task-column"), ("family", "--task-family-column"),
                      ("minutes", "--minutes-column"), ("score", "--score-column"), ("weight", "--weight-column")):
        p.add_argument(old, dest="columns", metavar="NAME", action=_OldColumn, role=role)


def _columns(text: str) -> dict:
    """``agent=model,minutes=length`` as ``{"agent": "model", "minutes": "length"}`` (an empty name: None;
    the library checks the roles)."""
    out = {}
    for item in text.split(","):
        role, eq, name = item.partition("=")
        if not eq or not role.strip():
            raise argparse.ArgumentTypeError(f"must be ROLE=NAME pairs separated by commas, as agent=model,"
                                             f"minutes=length (got {text!r})")
        out[role.strip()] = name.strip() or None
    return out


class _OldColumn(Renamed):
    """``--agent-column NAME`` and its kin: old spellings of ``--columns agent=NAME``, which they add to."""

    def __init__(self, option_strings, dest, *, role: str, **kwargs):
        self.role = role
        super().__init__(option_strings, dest, new=f"--columns {role}=NAME", **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        merged = {**(getattr(namespace, self.dest, None) or {}), self.role: values}
        super().__call__(parser, namespace, merged, option_string)


def read_runs(args, path=None):
    """The runs of ``path`` (default RUNS, else the shipped data set) read with --columns; a missing column is
    named as --columns names it."""
    from alignlab.horizons.runs import MissingColumn, load_runs
    path = path if path is not None else args.runs if args.runs is not None else METR_FILE
    try:
        return load_runs(path, columns=args.columns)
    except MissingColumn as err:
        raise ParameterError(err.param, f"missing column {err.column!r} (columns found: {', '.join(err.found)}); "
                                        f"name the {err.role} column with --columns {err.role}=NAME") from None


def _fit(args):
    from alignlab._limits import max_work
    from alignlab.horizons.fit.fit import fit_horizons
    return fit_horizons(read_runs(args), agent=args.agent, curve=args.curve, weights=args.weights,
                        penalty=args.penalty, bootstrap=args.bootstrap, cv=args.cv, seed=args.seed,
                        workers=args.workers, scheduler=args.scheduler, progress=show_progress(args),
                        max_work=max_work(args.max_work))


def fit(args) -> None:
    from alignlab import _validate as v
    from alignlab.horizons import cli_render
    from alignlab.horizons.fit.predict import save_fit
    out = v.output_file("out", args.out, (".json",)) if args.out is not None else None   # before the fit
    result = _fit(args)
    if out is not None:
        save_fit(result, out)
    emit(args, result, cli_render.fit)


def predict(args) -> None:
    from alignlab.horizons import cli_render
    from alignlab.horizons.fit.predict import predict as ask
    emit(args, ask(args.path, args.minutes, agent=args.agent, curve=args.curve), cli_render.predict)


def plot(args) -> None:
    from alignlab import _validate as v
    from alignlab._figures import save
    from alignlab._results import jsonable
    from alignlab.horizons import plots
    out = v.output_dir("out", args.out)                  # checked before the fit, not after it
    result = _fit(args)
    out.mkdir(exist_ok=True)
    figures = [save(plots.plot_summary(result), out / "summary.png"),
               save(plots.plot_agents(result), out / "agents.png")]
    for agent in result.agents:
        if not agent.note:
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in agent.agent)
            figures.append(save(plots.plot_agent(agent), out / f"agent_{safe}.png"))
    (out / "horizons.json").write_text(json.dumps(jsonable(result), indent=1))
    payload = {"runs_file": result.runs_file, "out": str(out), "figures": figures,
               "json": str(out / "horizons.json")}

    def render(console, d):
        console.print(f"wrote {len(d['figures'])} figures and horizons.json to {d['out']}")
    emit(args, payload, render)


def trend(args) -> None:
    from alignlab import _validate as v
    from alignlab._figures import save
    from alignlab._limits import max_work
    from alignlab.horizons import cli_render, plots
    from alignlab.horizons.trend.fit import fit_trends, runs_trend
    from alignlab.horizons.trend.sources import published_input
    out = v.output_dir("out", args.out) if args.out is not None else None       # before the work, not after it
    curve, steps_curve = args.curve, args.steps_curve
    options = dict(holdout=args.holdout, forecast=args.forecast, reach=args.reach, bootstrap=args.bootstrap,
                   break_date=args.break_date, seed=args.seed, max_work=max_work(args.max_work))
    if args.published is not None:
        given = [flag for flag, value in (("RUNS", args.runs), ("--release-dates", args.release_dates),
                                          ("--steps-curve", steps_curve), ("--agent", args.agent),
                                          ("--weights", args.weights), ("--penalty", args.penalty),
                                          ("--workers", args.workers), ("--scheduler", args.scheduler),
                                          ("--columns", args.columns),
                                          ("--skip-undated", args.skip_undated or None))
                 if value is not None]
        if curve not in (None, "logistic"):
            given.insert(0, "--curve")
        if given:
            raise ParameterError("published", f"trends METR's published logistic p50: {given[0]} applies to a runs "
                                              f"file only")
        data = published_input(args.published or PUBLISHED_FILE, args.suite, frontier_only=args.frontier_only,
                               since=args.since)
        result = fit_trends(data, **options)
    else:
        if args.suite is not None:
            raise ParameterError("suite", "applies to --published only (a runs file has no suites)")
        result = runs_trend(read_runs(args), args.release_dates or RELEASE_DATES_FILE, agent=args.agent,
                            curve=curve, steps_curve=steps_curve, skip_undated=args.skip_undated,
                            frontier_only=args.frontier_only, since=args.since, weights=args.weights or "invsqrt",
                            penalty=args.penalty, workers=args.workers, scheduler=args.scheduler,
                            progress=show_progress(args), **options)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        save(plots.plot_trend(result), out / TREND_FIGURES[0])
        if result.trends.steps.steps_curve is not None:
            save(plots.plot_beta(result), out / TREND_FIGURES[1])
    emit(args, result, cli_render.trend)
