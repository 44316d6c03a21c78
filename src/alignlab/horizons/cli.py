"""``alignlab horizons ...``: fit curves of success against task length to agent runs, draw them, and trend
the horizons against release date."""

from __future__ import annotations

import json
from pathlib import Path

from alignlab._validate import ParameterError
from alignlab.cli.common import add_json, emit, fmt, number, show_progress

METR_FILE = "metr-runs"                       # shipped data sets (alignlab data list)
RELEASE_DATES_FILE = "metr-release-dates"
PUBLISHED_FILE = "metr-published-horizons"
TREND_FIGURES = ("trend.png", "beta.png")


def register(cmds) -> None:
    """Add the commands of `alignlab horizons ...` to ``cmds`` (the subparsers of the system's command)."""
    from alignlab.horizons.families import FAMILIES

    def fit_args(p):
        p.add_argument("runs", metavar="RUNS", nargs="?",
                       help=f"runs file: .jsonl, .csv or .parquet (default: the shipped data set {METR_FILE})")
        p.add_argument("--family", nargs="+", metavar="F", choices=list(FAMILIES),
                       help=f"curve families to fit (default: all of {', '.join(FAMILIES)})")
        p.add_argument("--bootstrap", type=number, default=1000, metavar="N",
                       help="hierarchical bootstrap draws (families, tasks, runs), whole, 0 to 1e6 (default 1000; 0 "
                            "for none); draws x agents x families at most 1e5 unless --max-work says more")
        p.add_argument("--cv", default="family", choices=["family", "none"],
                       help="leave-one-task-family-out cross-validation (default family)")
        p.add_argument("--seed", type=number, default=0, help="bootstrap seed, a whole number >= 0 (default 0)")
        p.add_argument("--max-work", default=None, metavar="REFITS", help="raise the limit on refits on purpose")
        runs_options(p)
        add_json(p)

    p = cmds.add_parser("fit", help="fit every curve family to every agent: horizons, intervals, held-out fit")
    fit_args(p)
    p.set_defaults(handler=fit)

    p = cmds.add_parser("plot", help="binned success with every fitted curve per agent, and p50 by agent")
    fit_args(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the figures and horizons.json")
    p.set_defaults(handler=plot)

    p = cmds.add_parser("trend", help="p50 against release date: doubling time, acceleration, when steps beta "
                                      "crosses 1")
    trend_args(p, FAMILIES)
    p.set_defaults(handler=trend)

    from alignlab.horizons.joint.cli import register as register_joint
    register_joint(cmds)


def trend_args(p, families) -> None:
    """The options of `alignlab horizons trend` (domains: docs/horizons.md, "Trends")."""
    from alignlab.horizons.fit import MAX_REFITS
    from alignlab.horizons.trend import MAX_VALUES
    from alignlab.horizons.trend_sources import STEPS_FAMILIES
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
    p.add_argument("--family", choices=list(families),
                   help=f"curve whose p50 is trended (default logistic, METR's; {only})")
    p.add_argument("--steps-family", choices=list(STEPS_FAMILIES),
                   help=f"steps family whose beta is trended (default steps-mixed; {only})")
    p.add_argument("--frontier-only", action="store_true",
                   help="only models at the frontier when released (published: METR's is_sota; runs: p50 above "
                        "every model released before)")
    p.add_argument("--since", metavar="DATE", help="only models released on or after DATE (YYYY-MM-DD)")
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
                        f"(draws x agents x families) for RUNS unless --max-work says more")
    p.add_argument("--seed", type=number, default=0, help="bootstrap seed, a whole number >= 0 (default 0)")
    p.add_argument("--out", metavar="DIR", help=f"write {' and '.join(TREND_FIGURES)} (beta: {only}) into this "
                                                f"folder (created if missing; its parent must exist)")
    p.add_argument("--max-work", default=None, metavar="N", help="raise the work limits of --bootstrap on purpose "
                                                                 "(a number > 0)")
    runs_options(p, only=only)
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
                   help=f"local processes, whole >= 1 (default: one per core{note})")
    p.add_argument("--scheduler", metavar="ADDRESS", help=f"run on the Dask scheduler at ADDRESS instead{note}")
    columns = p.add_argument_group("columns of the runs file (default: METR's names)")
    for role, name in (("agent", "alias"), ("task", "task_id"), ("task-family", "task_family"),
                       ("minutes", "human_minutes"), ("score", "score_binarized"), ("weight", "invsqrt_task_weight")):
        columns.add_argument(f"--{role}-column", default=name, metavar="NAME",
                             help=f"column of the {role.replace('-', ' ')} (default {name})")




def _load_runs(args):
    from alignlab.horizons import load_runs
    path = args.runs if args.runs is not None else METR_FILE
    return load_runs(path, agent=args.agent_column, task=args.task_column, family=args.task_family_column,
                     minutes=args.minutes_column, score=args.score_column, weight=args.weight_column)


def _fit(args):
    from alignlab._limits import max_work
    from alignlab.horizons import fit_horizons
    return fit_horizons(_load_runs(args), agents=args.agent, families=args.family, weights=args.weights,
                        penalty=args.penalty, bootstrap=args.bootstrap, cv=args.cv, seed=args.seed,
                        workers=args.workers, scheduler=args.scheduler, progress=show_progress(args),
                        max_work=max_work(args.max_work))


def fit(args) -> None:
    emit(args, _fit(args), _render)


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
    from alignlab.horizons import plots
    from alignlab.horizons.trend import fit_trends, runs_trend
    from alignlab.horizons.trend_sources import published_input
    out = v.output_dir("out", args.out) if args.out is not None else None       # before the work, not after it
    work = max_work(args.max_work)
    options = dict(holdout=args.holdout, forecast=args.forecast, reach=args.reach, bootstrap=args.bootstrap,
                   seed=args.seed, max_work=work)
    if args.published is not None:
        given = [flag for flag, value in (("RUNS", args.runs), ("--release-dates", args.release_dates),
                                          ("--steps-family", args.steps_family), ("--agent", args.agent),
                                          ("--weights", args.weights), ("--penalty", args.penalty),
                                          ("--workers", args.workers), ("--scheduler", args.scheduler),
                                          ("--skip-undated", args.skip_undated or None))
                 if value is not None]
        if args.family not in (None, "logistic"):
            given.insert(0, "--family")
        if given:
            raise ParameterError("published", f"trends METR's published logistic p50: {given[0]} applies to a runs "
                                              f"file only")
        path = args.published or PUBLISHED_FILE
        data = published_input(path, args.suite, frontier_only=args.frontier_only, since=args.since)
        result = fit_trends(data, **options)
    else:
        if args.suite is not None:
            raise ParameterError("suite", "applies to --published only (a runs file has no suites)")
        dates = args.release_dates or RELEASE_DATES_FILE
        result = runs_trend(_load_runs(args), dates, agents=args.agent, family=args.family or "logistic",
                            steps_family=args.steps_family or "steps-mixed", skip_undated=args.skip_undated,
                            frontier_only=args.frontier_only, since=args.since, weights=args.weights or "invsqrt",
                            penalty=args.penalty, workers=args.workers, scheduler=args.scheduler,
                            progress=show_progress(args), **options)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        save(plots.plot_trend(result), out / TREND_FIGURES[0])
        if result.trends.steps.family is not None:
            save(plots.plot_beta(result), out / TREND_FIGURES[1])
    emit(args, result, _render_trend)


def _render_trend(console, d: dict) -> None:
    from rich.table import Table
    src = d["source"]
    where = (f"METR's published horizons, suite {src['suite']}" if src["kind"] == "published" else
             f"{src['family']} p50 fitted to {src['file']}, release dates from {src['release_dates']}")
    filters = ", ".join(f for f, on in (("frontier only", src["frontier_only"]),
                                        (f"since {src['since']}", src["since"])) if on) or "no filter"
    console.print(f"[bold]{where}[/]: {len(d['models'])} models ({filters}); {src['bootstrap']} bootstrap draws "
                  f"(seed {d['seed']}); newest {src['holdout']} held out")
    for note in src["left_out"]:
        console.print(f"  left out: {note}")
    table = Table(title="models", title_justify="left")
    for col in ("model", "released", "p50 min [95%]"):
        table.add_column(col)
    for m in d["models"]:
        table.add_row(m["model"], m["release_date"], _horizon(m["p50_minutes"], m["p50_ci"], False))
    console.print(table)
    t = d["trends"]
    e, a, s = t["exponential"], t["accelerating"], t["steps"]
    console.print(f"[bold]exponential[/]: doubling every {_g(e['doubling_days'])} days "
                  f"{_range(e['doubling_days_ci'])}, "
                  f"R2 {_g(e['r2'])}, held-out error {_g(e['holdout_error'])} log2 min "
                  f"(held out: {', '.join(e['holdout']['models'])})")
    console.print(f"[bold]accelerating[/] (quadratic): acceleration {_g(a['acceleration'])} doublings/year per year "
                  f"{_range(a['acceleration_ci'])}, doubling every {_g(a['doubling_days_last'])} days at the newest "
                  f"model {_range(a['doubling_days_last_ci'])}, R2 {_g(a['r2'])}, held-out error "
                  f"{_g(a['holdout_error'])} log2 min")
    if s["beta_per_year"] is None:
        console.print(f"[bold]steps[/]: {s['note']}")
    else:
        console.print(f"[bold]steps[/] ({s['family']}, beta identified for {s['identified']} of {len(s['agents'])} "
                      f"agents): beta {_g(s['beta_per_year'])} per year {_range(s['beta_per_year_ci'])}; crosses 1 on "
                      f"{s['beta_crosses_1'] or 'never'} {_range(s['beta_crosses_1_ci'])}, 2 on "
                      f"{s['beta_crosses_2'] or 'never'} {_range(s['beta_crosses_2_ci'])}; held-out error "
                      f"{_g(s['holdout_error'])} log2 min" + (f"; {s['note']}" if s["note"] else ""))
    names = ("exponential", "accelerating", "steps")
    if d["forecasts"]:
        table = Table(title="forecast p50, minutes [95%]", title_justify="left")
        for col in ("date",) + names:
            table.add_column(col)
        for f in d["forecasts"]:
            table.add_row(f["date"], *[_horizon(f[n]["p50_minutes"], f[n]["p50_ci"], False) if f[n] else "-"
                                       for n in names])
        console.print(table)
    if d["reach"]:
        table = Table(title="date each trend reaches a p50 [95%]", title_justify="left")
        for col in ("minutes",) + names:
            table.add_column(col)
        for r in d["reach"]:
            table.add_row(_g(r["minutes"]), *[(r[n]["date"] or r[n]["note"] or "null") + " " + _range(r[n]["date_ci"])
                                              if r[n] else "-" for n in names])
        console.print(table)


def _range(ci) -> str:
    if ci is None:
        return ""
    return "[" + ", ".join("null" if x is None else (x if isinstance(x, str) else _g(x)) for x in ci) + "]"


def _render(console, d: dict) -> None:
    from rich.table import Table
    penalty = "none" if d["penalty"] is None else fmt(d["penalty"])
    console.print(f"[bold]{d['runs_file']}[/]: weights {d['weights']}, penalty {penalty}, "
                  f"{d['bootstrap']} bootstrap draws (seed {d['seed']}), cross-validation {d['cv']}")
    for a in d["agents"]:
        head = (f"{a['agent']}: {a['runs']} runs, {fmt(a['successes'])} successes, {a['tasks']} tasks in "
                f"{a['families']} families, {fmt(a['minutes_range'][0])}-{fmt(a['minutes_range'][1])} min")
        if a["note"]:
            console.print(f"[bold]{head}[/]\n  {a['note']}")
            continue
        table = Table(title=f"{head}; best BIC {a['best_bic']}, best held-out {a['best_cv']}", title_justify="left")
        for col in ("family", "parameters", "log-lik", "BIC", "held-out", "p50 min [95%]", "p80 min [95%]", "note"):
            table.add_column(col)
        for name, f in a["fits"].items():
            params = "\n".join(f"{k} {_g(x)}" for k, x in f["params"].items())
            table.add_row(name, params, _g(f["loglik"], 5), _g(f["bic"], 5), _g(f["cv_loglik"], 5),
                          _horizon(f["p50_minutes"], f["p50_ci"], f["extrapolated"]["p50"]),
                          _horizon(f["p80_minutes"], f["p80_ci"], f["extrapolated"]["p80"]), f["note"] or "")
        console.print(table)


def _g(value, digits: int = 3) -> str:
    return "null" if value is None else f"{value:.{digits}g}"


def _horizon(value, ci, extrapolated) -> str:
    if value is None:
        return "-"
    text = _g(value)
    if ci is not None:
        text += f"\n[{_g(ci[0]) if ci[0] is not None else 'inf'}, {_g(ci[1]) if ci[1] is not None else 'inf'}]"
    return text + (" extrapolated" if extrapolated else "")
