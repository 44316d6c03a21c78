"""``alignlab horizons joint ...``: the joint models on the command line (registered by the horizons CLI)."""

from __future__ import annotations

import json

from alignlab.cli.common import MISSING, add_json, command, emit, number, show_progress, table

METR_FILE = "metr-runs"
FIGURES = ("joint_tasks.png", "joint_curves.png", "joint_calibration.png")


EXAMPLES = ("alignlab horizons joint --model rasch --agent o1 GPT-4o --folds 2 --workers 1",
            "alignlab horizons joint --model rasch logistic-joint --agent o1 GPT-4o --folds 2 --bootstrap 4 "
            "--workers 1 --json")


def register(cmds) -> None:
    """Add ``joint`` to ``cmds`` (the subparsers of `alignlab horizons`)."""
    from alignlab.horizons.cli import columns_option
    from alignlab.horizons.joint.names import CV_KINDS, MODELS
    p = command(cmds, "joint", help="fit joint models of every agent and task (task difficulty shared by agents, "
                                    "the steps model jointly) and test them on held-out cells, families, agents",
                description="Fit joint models of all agents and tasks at once (each task's difficulty beyond its "
                            "length shared by every agent; the steps model jointly) beside the per-agent baselines, "
                            "with likelihood-ratio tests of the nested models, held-out log-likelihood per run on "
                            "cells, task families or agents left out, an optional hierarchical bootstrap and, with "
                            "--new-agents, the calibration of another file's agents on a few tasks. --out draws the "
                            "task effects, the curves and the calibration.",
                examples=EXAMPLES, handler=joint)
    p.add_argument("runs", metavar="RUNS", nargs="?",
                   help=f"runs file: .jsonl, .csv or .parquet (default: the shipped data set {METR_FILE})")
    p.add_argument("--model", nargs="+", metavar="M", choices=list(MODELS),
                   help=f"joint models to fit (default: all of {', '.join(MODELS)})")
    p.add_argument("--cv", nargs="+", metavar="KIND", choices=list(CV_KINDS), default=["cells"],
                   help="held-out tests: cells (K folds of agent x task cells), family (each task family left "
                        "out), agent (each agent left out and calibrated on --calibration-tasks)")
    p.add_argument("--folds", type=number, default=5, metavar="K", help="folds of --cv cells, 2 to 100")
    p.add_argument("--calibration-tasks", type=number, default=10, metavar="K",
                   help="tasks a held-out or new agent is calibrated on, whole >= 1")
    p.add_argument("--new-agents", metavar="OTHER",
                   help="another runs file in the same shape (and --columns): calibrate each of its agents on "
                        "--calibration-tasks of its tasks and predict the rest")
    p.add_argument("--bootstrap", type=number, default=0, metavar="N",
                   help="hierarchical bootstrap draws (families, tasks), whole >= 0")
    p.add_argument("--seed", type=number, default=0, help="seed of the folds, calibration tasks and bootstrap")
    p.add_argument("--out", metavar="DIR", help=f"write {', '.join(FIGURES)} and joint.json into this folder")
    p.add_argument("--max-work", default=None, metavar="FITS", help="raise the limit on model fits on purpose")
    p.add_argument("--agent", nargs="+", metavar="NAME", help="only these agents (default: all)")
    p.add_argument("--weights", default="none", choices=["invsqrt", "equal", "none"],
                   help="the fit's run weights, rescaled to average 1 per run (none: every run counts 1)")
    p.add_argument("--workers", type=number, metavar="N",
                   help="CPU cores to use, whole >= 1 (default: all; 1: this process only)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on the Dask scheduler at ADDRESS instead")
    columns_option(p)
    add_json(p)


def joint(args) -> None:
    from alignlab import _validate as v
    from alignlab._limits import max_work
    from alignlab.horizons.cli import read_runs
    from alignlab.horizons.joint.fit import fit_joint
    out = v.output_dir("out", args.out) if args.out is not None else None      # checked before the work
    new_agents = None
    if args.new_agents is not None:
        new_agents = read_runs(args, args.new_agents)
    result = fit_joint(read_runs(args), model=args.model, agent=args.agent, weights=args.weights, cv=args.cv,
                       folds=args.folds, calibration_tasks=args.calibration_tasks, new_agents=new_agents,
                       bootstrap=args.bootstrap, seed=args.seed, workers=args.workers, scheduler=args.scheduler,
                       progress=show_progress(args), max_work=max_work(args.max_work))
    if out is not None:
        from alignlab._figures import save
        from alignlab._results import jsonable
        from alignlab.horizons.joint import plots
        out.mkdir(exist_ok=True)
        save(plots.plot_tasks(result), out / FIGURES[0])
        save(plots.plot_curves(result), out / FIGURES[1])
        save(plots.plot_calibration(result), out / FIGURES[2])
        (out / "joint.json").write_text(json.dumps(jsonable(result), indent=1))
    emit(args, result, _render)


def _g(x, digits=3) -> str:
    return MISSING if x is None else f"{x:.{digits}g}"


def _ci(ci) -> str:
    return "" if not ci else f" [{_g(ci[0])}, {_g(ci[1])}]"


def _render(console, d: dict) -> None:
    console.print(f"[bold]{d['runs_file']}[/]: {len(d['agents'])} agents, weights {d['weights']}, "
                  f"{d['bootstrap']} bootstrap draws (seed {d['seed']})")
    for name, why in d["left_out"].items():
        console.print(f"  left out {name}: {why}")
    fits = {**d["models"], **{f"{k} (per agent)": x for k, x in d["baselines"].items()}}
    kinds = sorted({k for f in fits.values() for k in f["cv"]})
    models = table("models: log-likelihood, held-out nats per run (unweighted / weighted)",
                   ("model", "log-lik", "k", "BIC", "shared [95%]", *kinds, "note"))
    for name, f in fits.items():
        shared = "\n".join(f"{k} {_g(e['value'])}{_ci(e['ci'])}{' (profile)' if e['ci_method'] == 'profile' else ''}"
                           for k, e in f["shared"].items())
        cells = [f"{_g(f['cv'][k]['nats_per_run'], 4)} / {_g(f['cv'][k]['nats_per_run_weighted'], 4)}"
                 if k in f["cv"] else MISSING for k in kinds]
        models.add_row(name, _g(f["loglik"], 6), str(f["parameters"]), _g(f["bic"], 6), shared, *cells, f["note"] or "")
    console.print(models)
    for name, f in d["models"].items():
        for t in f["tests"]:
            console.print(f"  {name}: {t['hypothesis']}: LR {_g(t['statistic'])}, df {t['df']}, p {_g(t['p_value'])}")
        for parameter in sorted({p for a in f["agents"] for p in a["identified"]}):
            from alignlab.horizons.joint.summary import identified_sentence
            good = [a["agent"] for a in f["agents"] if a["identified"].get(parameter)]
            console.print(f"  {name}: " + identified_sentence(parameter, good, len(f["agents"]), d["bootstrap"] > 0))
        horizons = table(f"{name}: horizons (minutes) [95% bootstrap]",
                         ("agent", "parameters", "p50 typical", "p50 marginal", "p80 typical", "p80 marginal"))
        for a in f["agents"]:
            params = ", ".join(f"{k} {_g(e['value'])}" for k, e in a["params"].items())
            horizons.add_row(a["agent"], params, _g(a["p50_typical"]) + _ci(a["p50_typical_ci"]),
                             _g(a["p50_marginal"]) + _ci(a["p50_marginal_ci"]),
                             _g(a["p80_typical"]) + _ci(a["p80_typical_ci"]),
                             _g(a["p80_marginal"]) + _ci(a["p80_marginal_ci"]))
        console.print(horizons)
    if d["new_agents"]:
        n = d["new_agents"]
        console.print(f"[bold]new agents[/] from {n['file']} ({n['model']}, {n['calibration_tasks']} calibration tasks)")
        for a in n["agents"]:
            console.print(f"  {a['agent']}: {_g(a['nats_per_run'], 4)} nats per run (METR's logistic "
                          f"{_g(a['baseline_nats_per_run'], 4)}), {a['runs']} runs, {a['unknown_tasks']} on unknown tasks")
