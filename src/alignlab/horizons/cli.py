"""``alignlab horizons ...``: fit curves of success against task length to agent runs, and draw them."""

from __future__ import annotations

import json
from pathlib import Path

from alignlab._validate import ParameterError
from alignlab.cli.common import add_json, default_data_dir, emit, fmt, number, show_progress

METR_FILE = "agent-runs/metr_runs_2025-02-27.jsonl"


def register(cmds) -> None:
    """Add the commands of `alignlab horizons ...` to ``cmds`` (the subparsers of the system's command)."""
    from alignlab.horizons.families import FAMILIES

    def fit_args(p):
        p.add_argument("runs", metavar="RUNS", nargs="?",
                       help=f"runs file: .jsonl, .csv or .parquet (default: {METR_FILE} in the shared data folder)")
        p.add_argument("--agent", nargs="+", metavar="NAME", help="only these agents (default: all)")
        p.add_argument("--family", nargs="+", metavar="F", choices=list(FAMILIES),
                       help=f"curve families to fit (default: all of {', '.join(FAMILIES)})")
        p.add_argument("--weights", default="invsqrt", choices=["invsqrt", "equal", "none"],
                       help="run weights: METR's 1/(runs x sqrt(family tasks)), 1/runs per task, or 1 "
                            "(default invsqrt)")
        p.add_argument("--penalty", type=number, metavar="C",
                       help="L2 penalty on the logistic slope, scikit-learn's C (METR: 10; default none)")
        p.add_argument("--bootstrap", type=number, default=1000, metavar="N",
                       help="hierarchical bootstrap draws (families, tasks, runs; default 1000; 0 for none)")
        p.add_argument("--cv", default="family", choices=["family", "none"],
                       help="leave-one-task-family-out cross-validation (default family)")
        p.add_argument("--seed", type=number, default=0, help="bootstrap seed (default 0)")
        p.add_argument("--workers", type=number, metavar="N", help="local processes (default: one per core)")
        p.add_argument("--scheduler", metavar="ADDRESS", help="run on the Dask scheduler at ADDRESS instead")
        columns = p.add_argument_group("columns (default: METR's names)")
        for role, default in (("agent", "alias"), ("task", "task_id"), ("task-family", "task_family"),
                              ("minutes", "human_minutes"), ("score", "score_binarized"),
                              ("weight", "invsqrt_task_weight")):
            columns.add_argument(f"--{role}-column", default=default, metavar="NAME",
                                 help=f"column of the {role.replace('-', ' ')} (default {default})")
        add_json(p)

    p = cmds.add_parser("fit", help="fit every curve family to every agent: horizons, intervals, held-out fit")
    fit_args(p)
    p.set_defaults(handler=fit)

    p = cmds.add_parser("plot", help="binned success with every fitted curve per agent, and p50 by agent")
    fit_args(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the figures and horizons.json")
    p.set_defaults(handler=plot)


def _fit(args):
    from alignlab.horizons import fit_horizons, load_runs
    path = args.runs
    if path is None:
        data = default_data_dir()
        if data is None or not (data / METR_FILE).is_file():
            raise ParameterError("RUNS", "give a runs file (the shared data folder with METR's file was not found)")
        path = data / METR_FILE
    runs = load_runs(path, agent=args.agent_column, task=args.task_column, family=args.task_family_column,
                     minutes=args.minutes_column, score=args.score_column, weight=args.weight_column)
    return fit_horizons(runs, agents=args.agent, families=args.family, weights=args.weights, penalty=args.penalty,
                        bootstrap=args.bootstrap, cv=args.cv, seed=args.seed, workers=args.workers,
                        scheduler=args.scheduler, progress=show_progress(args))


def fit(args) -> None:
    emit(args, _fit(args), _render)


def plot(args) -> None:
    from alignlab._figures import save
    from alignlab._results import jsonable
    from alignlab.horizons import plots
    result = _fit(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
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
