"""``alignlab tripwire ...``: train on a world with a hidden fact, monitor, trip the breaker, respond,
and study the responses over many worlds.

Exit statuses of ``run``: 0 no trip, 3 the breaker tripped (see ``alignlab.tripwire.breaker``),
2 bad input.
"""

from __future__ import annotations

from pathlib import Path

from alignlab._figures import save as save_figure
from alignlab.cli.common import add_json, command, emit, key_value_table, number, show_progress, table
from alignlab.tripwire.system import TINY

# command-line flag -> TripwireConfig field, for the options shared by run and calibrate
_CONFIG_FLAGS = {
    "steps": "training steps", "batch_size": "sentences per batch", "lr": "AdamW learning rate",
    "n_known": "cities whose country is stated", "n_hidden": "cities whose country is never stated",
    "grid": "countries per side of the map (2 or 3)", "d_model": "model width", "n_layers": "transformer blocks",
    "n_heads": "attention heads", "d_mlp": "MLP width", "weight_decay": "AdamW weight decay",
    "evidence_start": "step at which evidence about hidden cities enters the stream",
    "evidence_ramp": "steps over which that evidence ramps up",
    "hidden_fraction": "share of each batch about hidden cities", "monitor_every": "steps between checks",
    "probe_regularization": "probe shrinkage / 1/C / ridge", "fpr": "breaker false-positive rate per run",
    "learned_accuracy": "oracle accuracy that defines the learned step", "fact_fraction": "share of each batch "
    "stating known cities' countries", "unlearn_steps": "gradient unlearning steps", "unlearn_lr": "unlearning "
    "learning rate", "refit_every": "steps between refits of a persistent eraser (leace-persistent)",
    "threads": "torch/BLAS threads",
}
_RESPONSE_HELP = ("leace, unlearn (one-shot erasure), leace-persistent (the eraser stays and is refitted every "
                  "--refit-every steps), filter (no more evidence about hidden cities), filter+leace-persistent, "
                  "rollback (back to the last clean check, then filter)")


def register(cmds) -> None:
    """Add the commands of `alignlab tripwire ...` to ``cmds`` (the subparsers of the system's command)."""
    from alignlab.tripwire.breaker import EXIT_TRIPPED

    p = command(cmds, "run", help="train, monitor, trip (exit status 3 on a trip)",
                description="Train a small transformer on a world whose corpus never states the hidden cities' "
                            "countries, check the monitors every --monitor-every steps and stop at the breaker's "
                            "first trip (--shadow: record it and train on; --respond: act on it and train on). "
                            f"Exit status {EXIT_TRIPPED} when the breaker tripped, 0 when it did not, 2 on bad "
                            "input. The folder holds checkpoints, alerts and summary.json; --resume continues it.",
                examples=(f"alignlab tripwire run --out control-run --control {TINY}",
                          f"alignlab tripwire run --out leace-run --respond leace {TINY} --json"),
                handler=run)
    p.example_statuses = (0, EXIT_TRIPPED)        # the second example trips, as it should: its exit status says so
    p.add_argument("--out", required=True, metavar="DIR", help="run folder: checkpoints, alert, summary")
    p.add_argument("--seed", type=number, default=None, help="world, data order and initial weights (default 0)")
    p.add_argument("--control", action="store_true", default=None,
                   help="evidence describes decoys: the fact is not learnable")
    p.add_argument("--respond", metavar="RESPONSE", help=f"on trip: {_RESPONSE_HELP}; then keep training to --steps")
    p.add_argument("--erase", metavar="METHOD", help="the same as --respond, for leace or unlearn")
    p.add_argument("--shadow", action="store_true", default=None,
                   help="record the trip but keep training (measures latencies)")
    p.add_argument("--calibration", metavar="PATH", help="thresholds from `tripwire calibrate` (default: known null)")
    p.add_argument("--resume", action="store_true",
                   help="continue the run in --out from its last checkpoint, with its saved configuration "
                        "(options given again must agree with it)")
    _config_args(p)

    p = command(cmds, "calibrate", help="null distribution of the monitor statistics over control runs",
                description="Train a control run per seed (evidence about decoys: nothing to learn) and score "
                            "each against --relabels random answer keys drawn from --seed: the run-level null "
                            "distribution of each monitor's statistic, its threshold at the false-positive rate "
                            "--fpr, and that rate estimated by leaving one seed out. Writes calibration.json.",
                examples=(f"alignlab tripwire calibrate --seeds 0-1 --relabels 300 --workers 1 --out calibration "
                          f"{TINY}",
                          f"alignlab tripwire calibrate --seeds 2-3 --relabels 300 --seed 1 --workers 1 --out "
                          f"calibration-2 {TINY} --json"),
                handler=calibrate)
    p.add_argument("--seeds", default="0-9", help="control seeds, e.g. 0-9 or 0,3,5-7")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for calibration.json")
    p.add_argument("--relabels", type=number, default=1000, help="random answer keys per control run")
    p.add_argument("--seed", type=number, default=0, help="seed of the random answer keys, a whole number >= 0 "
                                                          "(the control worlds come from --seeds)")
    _workers_arg(p)
    _config_args(p)

    p = command(cmds, "study", help="every response at the trip over many worlds: re-trips, relearning, "
                                    "collateral, evasion",
                description="Calibrate on control worlds (or take --calibration), run every world of --seeds in "
                            "shadow mode, branch each trip into every response and train on: per response, how "
                            "often the breaker trips again, the answers come back, the fact stays out, and "
                            "evasion, with intervals. Resumable: the same command again reads back what finished.",
                examples=(f"alignlab tripwire study --respond leace rollback --seeds 5 --calibration calibration "
                          f"--workers 1 --out study {TINY}",
                          f"alignlab tripwire study --respond filter --seeds 6 --control-seeds 0:1 --relabels 300 "
                          f"--workers 1 --out study-2 {TINY} --json"),
                handler=study)
    p.add_argument("--respond", nargs="+", metavar="RESPONSE", default=None,
                   help=f"the responses to compare (default: all): {_RESPONSE_HELP}")
    p.add_argument("--seeds", default="0:19", help="the worlds, e.g. 0:19 or 0,3,5:7")
    p.add_argument("--calibration", metavar="PATH",
                   help="thresholds from `tripwire calibrate` on other seeds (default: calibrate on "
                        "--control-seeds first)")
    p.add_argument("--control-seeds", dest="control_seeds", default="1000:1009",
                   help="control worlds for calibration, none of them among --seeds")
    p.add_argument("--relabels", type=number, default=1000, help="random answer keys per control run")
    p.add_argument("--seed", type=number, default=0, help="seed of the calibration's answer keys and the "
                                                          "bootstrap intervals, a whole number >= 0 (the worlds "
                                                          "come from --seeds)")
    p.add_argument("--scheduler", default="local", metavar="ADDRESS",
                   help="a dask scheduler address (tcp://HOST:8786; its workers must share --out), 'local' "
                        "(an in-process LocalCluster) or 'processes'")
    _workers_arg(p)
    p.add_argument("--out", required=True, metavar="DIR",
                   help="study folder: every run, resumable by running the same command again")
    _config_args(p)

    p = command(cmds, "plot", help="figures of a run, calibration or study folder",
                description="Draw the figures of a folder written by `tripwire run` (the run and its leak check), "
                            "`calibrate` (the null distributions) or `study` (oracle after the trip, evasion, "
                            "belief, detection) as PNG files in that folder.",
                examples=("alignlab tripwire plot study", "alignlab tripwire plot control-run --json"),
                handler=plot)
    p.add_argument("folder", metavar="DIR", help="a folder written by `tripwire run`, `calibrate` or `study`")
    add_json(p)


def _workers_arg(p) -> None:
    p.add_argument("--workers", type=number, default=None,
                   help="CPU cores the runs may use, 1 to 1024 (default: all; 1: this process only); the numbers "
                        "do not depend on it")


_REAL_DOMAINS = {"lr": "in (0, 1]", "weight_decay": "in [0, 1]", "hidden_fraction": "in (0, 0.5]",
                 "fact_fraction": "in (0, 0.5]", "probe_regularization": "> 0", "fpr": "in (0, 1)",
                 "learned_accuracy": "in (1/grid^2, 1]", "unlearn_lr": "in (0, 1]"}


def _domain(field: str) -> str:
    from alignlab.tripwire.config import INT_RANGES
    if field in INT_RANGES:
        lo, hi = INT_RANGES[field]
        return f"whole, {lo:,} to {hi:,}"
    return _REAL_DOMAINS[field]


def world_and_learner_args(p) -> None:
    """The configuration flags (world, learner, schedule, monitors): `tripwire run`, `calibrate` and
    `sweep tripwire` take the same ones."""
    import dataclasses

    from alignlab.tripwire.config import TripwireConfig
    # the flags default to None, so that --resume keeps a run's saved values; help shows the configuration's
    defaults = {f.name: f.default for f in dataclasses.fields(TripwireConfig)}
    for field, text in _CONFIG_FLAGS.items():
        p.add_argument("--" + field.replace("_", "-"), dest=field, type=number, default=None,
                       help=f"{text} ({_domain(field)}; default {defaults[field]:g})")
    p.add_argument("--monitors", nargs="+", metavar="NAME", help="monitors that may trip: eval probe map (default all)")
    p.add_argument("--probe", metavar="KIND", help="country probe: mass-mean (default) or logistic")
    p.add_argument("--probe-hook", dest="probe_hook", metavar="HOOK",
                   help="hook point the probes read and LEACE erases (default hook_embed)")


def config_changes(args) -> dict:
    """The configuration fields the flags of :func:`world_and_learner_args` set (and seed, control, respond
    or its synonym erase, shadow)."""
    names = (*_CONFIG_FLAGS, "monitors", "probe", "probe_hook", "seed", "control", "shadow")
    changes = {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}
    if "monitors" in changes:
        changes["monitors"] = tuple(changes["monitors"])
    respond = response_flag(args)
    if respond is not None:
        changes["respond"] = respond
    return changes


def response_flag(args) -> str | None:
    """``--respond``, or ``--erase`` (its synonym for the one-shot erasures); one line if they disagree."""
    from alignlab import _validate as v
    from alignlab.tripwire.config import ERASURES
    respond, erase = getattr(args, "respond", None), getattr(args, "erase", None)
    if isinstance(respond, list):          # `study` takes several
        return None
    if erase is not None:
        v.choice("erase", erase, ERASURES)
        if respond is not None and respond != erase:
            raise v.ParameterError("erase", f"is a synonym of --respond and must agree with it (got --erase "
                                            f"{erase}, --respond {respond})")
        return erase
    return respond


def _config_args(p) -> None:
    world_and_learner_args(p)
    p.add_argument("--progress", action="store_true", help="show a progress bar on stderr even when it is not a TTY")
    p.add_argument("--max-work", default=None, metavar="FLOPS",
                   help="raise the limit of 5e13 floating-point operations of training on purpose")
    add_json(p)


def _config(args, world_seed: bool = True):
    """The configuration the options ask for; with --resume, the run's saved one with the options given.
    ``world_seed=False``: --seed is not the world's (calibrate and study take their worlds from --seeds)."""
    from alignlab.tripwire import TripwireConfig
    changes = config_changes(args)
    if not world_seed:
        changes.pop("seed", None)
    saved = Path(args.out) / "config.json" if getattr(args, "resume", False) else None
    if saved is not None and saved.is_file():
        from alignlab.tripwire.checkpoint import read_json
        base = read_json(saved, TripwireConfig.from_dict, "resume", f"no configuration at {saved}")
        return base.replace(**changes)
    return TripwireConfig(**changes)


def _progress(args) -> bool:
    """The house convention (cli.common.show_progress), or a bar whenever --progress asks for one."""
    return bool(args.progress or show_progress(args))


def _show_summary(console, d: dict) -> None:
    """The run summary as tables: the run's own fields, then one table per group."""
    console.print(key_value_table("tripwire run", {k: x for k, x in d.items() if not isinstance(x, dict)}))
    for group, values in d.items():
        if isinstance(values, dict):
            console.print(key_value_table(group, values))


def run(args) -> None:
    from alignlab._limits import max_work
    from alignlab.tripwire import Calibration, run_tripwire
    from alignlab.tripwire.breaker import EXIT_TRIPPED
    config = _config(args)
    thresholds = None
    if args.calibration:
        cal = Calibration.load(args.calibration)
        cal.check_applies(config)
        thresholds = cal.to_thresholds()
    result = run_tripwire(config, out=args.out, thresholds=thresholds, resume=args.resume,
                          progress=_progress(args), max_work=max_work(args.max_work))
    emit(args, result.summary, _show_summary)
    if result.summary.trip.tripped:
        raise SystemExit(EXIT_TRIPPED)


def calibrate(args) -> None:
    from alignlab import _validate as v
    from alignlab._limits import max_work
    from alignlab.tripwire import calibrate as calibrate_
    from alignlab.tripwire.calibration import parse_seeds
    config = _config(args, world_seed=False)
    seeds = parse_seeds(args.seeds)
    v.output_dir("out", args.out)                   # checked before the training, not after it
    cal = calibrate_(config, seeds, relabels=args.relabels, seed=args.seed, workers=args.workers,
                     progress=_progress(args), max_work=max_work(args.max_work))
    path = cal.save(args.out)
    emit(args, {**cal.to_json(), "out": str(path)},
         lambda console, d: console.print(key_value_table("tripwire calibration", d)))


def study(args) -> None:
    from alignlab import _validate as v
    from alignlab._limits import max_work
    from alignlab.tripwire import Calibration
    from alignlab.tripwire.calibration import parse_seeds
    from alignlab.tripwire.config import RESPONSES
    from alignlab.tripwire.experiments import run_study
    config = _config(args, world_seed=False)
    responses = tuple(args.respond) if args.respond else RESPONSES
    for r in responses:
        v.choice("respond", r, RESPONSES)
    calibration = Calibration.load(args.calibration) if args.calibration else None
    scheduler = None if args.scheduler == "processes" else args.scheduler
    v.output_dir("out", args.out)                   # checked before the training, not after it
    result = run_study(config, responses, parse_seeds(args.seeds), calibration=calibration,
                       control_seeds=parse_seeds(args.control_seeds), relabels=args.relabels, seed=args.seed,
                       out=args.out, workers=args.workers, scheduler=scheduler, progress=_progress(args),
                       max_work=max_work(args.max_work))
    emit(args, {**result.to_json(), "out": str(args.out)}, lambda console, d: _show_study(console, result, d["out"]))


def _show_study(console, study, out: str) -> None:
    """Per response: the rates (Wilson intervals) and medians (bootstrap intervals)."""
    from rich.text import Text             # plain text: "[never, never]" would read as markup
    columns = (("re-trip", "retrip"), ("answers back", "returned"), ("steps to return", "return_steps"),
               ("oracle at end", "oracle_end"), ("kept out", "kept_out"), ("known after", "known_after"),
               ("known at end", "known_end"), ("evasion", "evasion"))
    out_table = table(f"tripwire study: {len(study.seeds)} worlds ({out})", ("response", *(t for t, _ in columns)))
    for s in study.summaries:
        out_table.add_row(s.response, *(Text(str(getattr(s, key))) for _, key in columns))
    console.print(out_table)


def plot(args) -> None:
    from alignlab._validate import ParameterError
    from alignlab.tripwire import Calibration, RunResult
    from alignlab.tripwire import plots
    folder = Path(args.folder)
    if not folder.is_dir():
        raise ParameterError("folder", f"must be a run, calibration or study folder (no such folder: {folder})")
    written = []
    if (folder / "definition.json").exists():
        from alignlab.tripwire.experiments import Study
        study = Study.load(folder)
        for name, draw in (("oracle", plots.plot_oracle_by_response), ("evasion", plots.plot_evasion),
                           ("belief", plots.plot_belief), ("detection", plots.plot_detection)):
            written.append(save_figure(draw(study), folder / f"{name}.png"))
        emit(args, {"folder": str(folder), "figures": written},
             lambda console, d: console.print("\n".join(f"figure: {f}" for f in d["figures"])))
        return
    if (folder / "calibration.json").exists():
        written.append(save_figure(plots.plot_calibration(Calibration.load(folder)), folder / "calibration.png"))
    if (folder / "summary.json").exists() or (folder / "state").exists() or not written:
        result = RunResult.load(folder)
        written.append(save_figure(plots.plot_run(result), folder / "tripwire.png"))
        written.append(save_figure(plots.plot_leak(result), folder / "leak.png"))
    emit(args, {"folder": str(folder), "figures": written},
         lambda console, d: console.print("\n".join(f"figure: {f}" for f in d["figures"])))

