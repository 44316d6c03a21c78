"""The tripwire system's declaration: its commands, report section and sweep kind (see :mod:`alignlab.systems`)."""

from __future__ import annotations

import math
import time

from alignlab.systems import SweepKind, System, lazy

SWEEP_VARIABLES = ("tripped", "trip_step", "learned_step", "detection_latency", "probe_lead_over_eval",
                   "map_lead_over_eval", "first_learn_steps", "retrip_step", "relearn_steps", "return_steps",
                   "evasion_step", "cleared", "kept_out", "oracle_end", "known_at_trip", "known_after", "known_end",
                   "evidence_after", "monitor_overhead", "seconds")
NO_RESPONSE = "none"
# a world that trains in seconds (32 known and 8 hidden cities, width 32, 300 steps): the help's examples
TINY = ("--n-known 32 --n-hidden 8 --d-model 32 --d-mlp 128 --batch-size 32 --steps 300 --evidence-start 100 "
        "--hidden-fraction 0.15 --monitor-every 20 --lr 5e-3")


def sweep_cell(seed: float, respond: str = NO_RESPONSE, control: bool = False, shadow: bool = True,
               config: dict | None = None, thresholds: dict | None = None, erase: str | None = None,
               stream=None) -> dict:
    """One tripwire run with this seed (the run seeds itself; ``stream`` is unused) that responds at its
    trip with ``respond`` (``none``: only records it; ``erase`` is its older name); ``config`` overrides
    fields of the default TripwireConfig, ``thresholds`` (a Thresholds as a dict) replace the known-null
    ones. Per-response quantities as in :class:`alignlab.tripwire.summary.ResponseOutcome` (``..._step``:
    a training step, ``..._steps``: counted from the trip); what was not reached or does not apply is NaN."""
    from alignlab.tripwire.breaker import Thresholds
    from alignlab.tripwire.config import TripwireConfig
    from alignlab.tripwire.run import run_tripwire
    t0 = time.perf_counter()
    respond = erase if respond == NO_RESPONSE and erase is not None else respond
    run_config = TripwireConfig(**{**(config or {}), "seed": int(seed), "control": control, "shadow": shadow,
                                   "respond": None if respond == NO_RESPONSE else respond, "threads": 1})
    s = run_tripwire(run_config, thresholds=Thresholds.from_dict(thresholds) if thresholds else None).summary
    nan = lambda x: math.nan if x is None else float(x)      # noqa: E731
    o = s.response
    got = (lambda name: nan(getattr(o, name))) if o is not None else (lambda name: math.nan)
    return {"tripped": float(s.trip.tripped), "trip_step": nan(s.trip.step),
            "learned_step": nan(s.learning.learned_step), "detection_latency": nan(s.learning.detection_latency),
            "probe_lead_over_eval": nan(s.learning.lead_over_eval.get("probe")),
            "map_lead_over_eval": nan(s.learning.lead_over_eval.get("map")),
            "first_learn_steps": nan(s.learning.first_learn_steps),
            **{name: got(name) for name in ("retrip_step", "relearn_steps", "return_steps", "evasion_step", "cleared",
                                            "kept_out", "oracle_end", "known_at_trip", "known_after",
                                            "known_end", "evidence_after")},
            "monitor_overhead": s.timing.monitor_overhead, "seconds": time.perf_counter() - t0}


def sweep_arguments(p) -> None:
    from alignlab.tripwire.cli import world_and_learner_args
    p.add_argument("--seeds", required=True, help="seeds, e.g. 0:19 or 0,3,5:7 (at most 10,000)")
    p.add_argument("--respond", nargs="+", metavar="RESPONSE", default=None,
                   help="a grid dimension: what each run does at its trip, none (default: only record it), "
                        "leace, unlearn, leace-persistent, filter, filter+leace-persistent, rollback")
    p.add_argument("--erase", choices=["leace", "unlearn"], default=None, help="the same as --respond, one value")
    p.add_argument("--calibration", metavar="PATH", help="thresholds from `tripwire calibrate` (default: known null)")
    p.add_argument("--control", action="store_true", help="the control world (evidence uninformative)")
    p.add_argument("--no-shadow", action="store_true",
                   help="stop each run at its trip, or at its trip after the response (default: train on to "
                        "the end, recording when things come back)")
    world_and_learner_args(p)


def sweep_grid(args):
    from alignlab import _validate as v
    from alignlab.sweep.grid import Grid
    from alignlab.tripwire.calibration import Calibration, parse_seeds
    from alignlab.tripwire.cli import config_changes
    from alignlab.tripwire.config import RESPONSES, TripwireConfig
    seeds = tuple(float(s) for s in parse_seeds(args.seeds))
    responses = tuple(args.respond or ((args.erase,) if args.erase else (NO_RESPONSE,)))
    for r in responses:
        v.choice("respond", r, (NO_RESPONSE, *RESPONSES))
    if args.erase and args.respond and tuple(args.respond) != (args.erase,):
        raise v.ParameterError("erase", f"is a synonym of --respond and must agree with it (got --erase "
                                        f"{args.erase}, --respond {' '.join(args.respond)})")
    changes = {k: val for k, val in config_changes(args).items()
               if k not in ("seed", "control", "respond", "shadow")}
    config = TripwireConfig(**changes)
    config.check_cost(runs=len(seeds) * len(responses))          # every field and the work, before any run
    thresholds = None
    if args.calibration:
        calibration = Calibration.load(args.calibration)
        calibration.check_applies(config)
        thresholds = calibration.to_thresholds().to_dict()
    return (Grid(("respond", "seed"), (responses, seeds)),
            {"control": args.control, "shadow": not args.no_shadow, "config": changes or None,
             "thresholds": thresholds})


SYSTEM = System(
    "tripwire", "Belief tripwire", order=40,
    help="belief tripwire: notice when a model learns a hidden fact, and stop it",
    description="A small transformer learns a world whose corpus never states a hidden fact but lets it be "
                "inferred. Monitors (eval puzzles, probes) trip a calibrated circuit breaker; what each response "
                "at the trip does (erasure, filtering, rollback), and whether the belief comes back where the "
                "monitors do not look, is measured.",
    commands=lazy("alignlab.tripwire.cli", "register"), report=lazy("alignlab.tripwire.report", "build"),
    sweeps=(SweepKind("tripwire", "tripwire runs over responses and seeds (default world)", sweep_cell, SWEEP_VARIABLES,
                      sweep_arguments, sweep_grid, integer_dims=("seed",),
                      description="One tripwire run per (response, seed) of the grid, each seeded by its world's seed: "
                                  "when the breaker trips, when the oracle says the fact is learned, and what the "
                                  "response at the trip did (re-trip, return, evasion, collateral), NaN where a "
                                  "quantity was not reached.",
                      examples=(f"alignlab sweep tripwire --seeds 5 --respond none filter --scheduler serial "
                                f"--out tripwire.zarr {TINY}",
                                f"alignlab sweep tripwire --seeds 5:6 --control --no-shadow --scheduler serial "
                                f"--out tripwire-control.zarr {TINY} --json")),),
)
