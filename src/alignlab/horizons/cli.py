"""``alignlab horizons ...``: fit curves of success against task length to agent runs, save and ask a fit,
draw them, and trend the horizons against release date."""

from __future__ import annotations

import json
import sys

from alignlab._validate import ParameterError
from alignlab.cli.common import add_data, add_json, emit, number, show_progress

METR_FILE = "metr-runs"                       # shipped data sets (alignlab data list)
RELEASE_DATES_FILE = "metr-release-dates"
PUBLISHED_FILE = "metr-published-horizons"
TREND_FIGURES = ("trend.png", "beta.png")


def register(cmds) -> None:
    """Add the commands of `alignlab horizons ...` to ``cmds`` (the subparsers of the system's command)."""
    from alignlab.horizons.fit.curves import CURVES
    from alignlab.horizons.fit.fit import MAX_REFITS

    def fit_args(p):
        p.add_argument("runs", metavar="RUNS", nargs="?",
                       help=f"runs file: .jsonl, .csv or .parquet (default: the shipped data set {METR_FILE})")
        p.add_argument("--curve", nargs="+", metavar="C", choices=list(CURVES),
                       help=f"curves to fit (default: all of {', '.join(CURVES)})")
        p.add_argument("--family", nargs="+", metavar="C", choices=list(CURVES), dest="old_curve",
                       help="old spelling of --curve (deprecated: a family is a task family)")
        p.add_argument("--bootstrap", type=number, default=1000, metavar="N",
                       help=f"hierarchical bootstrap draws (task families, tasks, runs), whole, 0 to 1e6 (default "
                            f"1000; 0 for none); draws x agents x curves at most {MAX_REFITS:.0e} unless --max-work "
                            f"says more")
        p.add_argument("--cv", default="family", choices=["family", "none"],
                       help="leave-one-task-family-out cross-validation (default family)")
        p.add_argument("--seed", type=number, default=0, help="bootstrap seed, a whole number >= 0 (default 0)")
        p.add_argument("--max-work", default=None, metavar="REFITS", help="raise the limit on refits on purpose")
        runs_options(p)
        add_data(p)
        add_json(p)

    p = cmds.add_parser("fit", help="fit every curve to every agent: horizons, intervals, held-out fit")
    fit_args(p)
    p.add_argument("--out", metavar="FIT.json", help="also save the whole fit (bootstrap draws included) to this "
                                                     "file, for `horizons predict`")
    p.set_defaults(handler=fit)

    p = cmds.add_parser("plot", help="binned success with every fitted curve per agent, and p50 by agent")
    fit_args(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the figures and horizons.json")
    p.set_defaults(handler=plot)

    p = cmds.add_parser("predict", help="success of each agent under each curve of a saved fit at task lengths "
                                        "you choose, with bootstrap intervals")
    p.add_argument("path", metavar="FIT.json", help="a fit saved by `alignlab horizons fit --out FIT.json`")
    p.add_argument("--minutes", nargs="+", type=number, required=True, metavar="T",
                   help="task lengths in human minutes, each > 0")
    p.add_argument("--agent", nargs="+", metavar="NAME", help="only these agents (default: all)")
    p.add_argument("--curve", nargs="+", metavar="C", help="only these curves (default: every curve of the fit)")
    add_json(p)
    p.set_defaults(handler=predict)

    p = cmds.add_parser("trend", help="p50 against release date: doubling time, acceleration, a change at a fixed "
                                      "date, when steps beta crosses 1")
    trend_args(p, CURVES)
    p.set_defaults(handler=trend)

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
                   help=f"release date of each agent of RUNS: a CSV with the agent column (as --agent-column, or "
                        f"model, agent) and release_date YYYY-MM-DD (default: the shipped data set "
                        f"{RELEASE_DATES_FILE})")
    p.add_argument("--published", metavar="CSV", nargs="?", const="",
                   help=f"trend METR's published horizons instead: a CSV with suite_version, model, release_date, "
                        f"p50_minutes, p50_ci_low, p50_ci_high, is_sota (no value: the shipped data set "
                        f"{PUBLISHED_FILE})")
    p.add_argument("--suite", metavar="VERSION", help="with --published: the suite to trend, one of those in the file "
                                                      "(METR's: 1.0, 1.1)")
    p.add_argument("--curve", choices=list(curves), help=f"curve whose p50 is trended (default logistic, METR's; {only})")
    p.add_argument("--family", choices=list(curves), dest="old_curve", help="old spelling of --curve (deprecated)")
    p.add_argument("--steps-curve", choices=list(STEPS_CURVES),
                   help=f"steps curve whose beta is trended (default steps-mixed; {only})")
    p.add_argument("--steps-family", choices=list(STEPS_CURVES), dest="old_steps_curve",
                   help="old spelling of --steps-curve (deprecated)")
    p.add_argument("--frontier-only", action="store_true",
                   help="only models at the frontier when released (published: METR's is_sota; runs: p50 above "
                        "every model released before)")
    p.add_argument("--since", metavar="DATE", help="only models released on or after DATE (YYYY-MM-DD)")
    p.add_argument("--break", dest="break_date", metavar="DATE", default=BREAK_DATE.isoformat(),
                   help=f"test a change of doubling time at this date, fixed in advance (YYYY-MM-DD; default "
                        f"{BREAK_DATE.isoformat()})")
    p.add_argument("--skip-undated", action="store_true",
                   help=f"leave out agents of RUNS without a release date instead of stopping ({only})")
    p.add_argument("--holdout", type=number, default=3, metavar="K",
                   help="newest models held out to score each trend, whole >= 0 (0: no held-out score; models "
                        "released the same day as the oldest held out go too), smaller than the number of models "
                        "and leaving at least 3 release dates to fit on (default 3)")
    p.add_argument("--forecast", nargs="+", metavar="DATE", help="forecast p50 with intervals on these dates "
                                                                  "(YYYY-MM-DD)")
    p.add_argument("--reach", nargs="+", type=number, metavar="MINUTES",
                   help="the date each trend reaches these p50, minutes > 0 (480: a work day, 2400: a week, 10000: "
                        "a month)")
    p.add_argument("--bootstrap", type=number, default=1000, metavar="N",
                   help=f"bootstrap draws, whole >= 0, for the trends and for the horizons fit of RUNS (default "
                        f"1000); at most {MAX_VALUES:.0e} values drawn for the trends and {MAX_REFITS:.0e} refits "
                        f"(draws x agents x curves) for RUNS unless --max-work says more")
    p.add_argument("--seed", type=number, default=0, help="bootstrap seed, a whole number >= 0 (default 0)")
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
                   help=f"CPU cores to use, whole >= 1 (default: all{note})")
    p.add_argument("--scheduler", metavar="ADDRESS", help=f"run on the Dask scheduler at ADDRESS instead{note}")
    columns = p.add_argument_group("columns of the runs file (default: METR's names)")
    for role, name in (("agent", "alias"), ("task", "task_id"), ("task-family", "task_family"),
                       ("minutes", "human_minutes"), ("score", "score_binarized"), ("weight", "invsqrt_task_weight")):
        columns.add_argument(f"--{role}-column", default=name, metavar="NAME",
                             help=f"column of the {role.replace('-', ' ')} (default {name})")


def _renamed(args, new: str, old: str, flag_new: str, flag_old: str):
    """The value of ``--new``, or of its old spelling with a one-line warning on stderr (none with --json)."""
    value, old_value = getattr(args, new), getattr(args, old)
    if old_value is None:
        return value
    if value is not None:
        raise ParameterError(flag_old, f"is the old spelling of {flag_new}: give {flag_new} only")
    if not args.json:
        print(f"alignlab: warning: {flag_old} is deprecated (a family is a task family); use {flag_new}",
              file=sys.stderr)
    return old_value


def _load_runs(args):
    from alignlab.horizons.runs import load_runs
    path = args.runs if args.runs is not None else METR_FILE
    return load_runs(path, agent=args.agent_column, task=args.task_column, family=args.task_family_column,
                     minutes=args.minutes_column, score=args.score_column, weight=args.weight_column)


def _fit(args):
    from alignlab._limits import max_work
    from alignlab.horizons.fit.fit import fit_horizons
    curve = _renamed(args, "curve", "old_curve", "--curve", "--family")
    return fit_horizons(_load_runs(args), agent=args.agent, curve=curve, weights=args.weights,
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
    curve = _renamed(args, "curve", "old_curve", "--curve", "--family")
    steps_curve = _renamed(args, "steps_curve", "old_steps_curve", "--steps-curve", "--steps-family")
    options = dict(holdout=args.holdout, forecast=args.forecast, reach=args.reach, bootstrap=args.bootstrap,
                   break_date=args.break_date, seed=args.seed, max_work=max_work(args.max_work))
    if args.published is not None:
        given = [flag for flag, value in (("RUNS", args.runs), ("--release-dates", args.release_dates),
                                          ("--steps-curve", steps_curve), ("--agent", args.agent),
                                          ("--weights", args.weights), ("--penalty", args.penalty),
                                          ("--workers", args.workers), ("--scheduler", args.scheduler),
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
        result = runs_trend(_load_runs(args), args.release_dates or RELEASE_DATES_FILE, agent=args.agent,
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
