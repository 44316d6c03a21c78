"""The tripwire system's declaration: its commands, report section and sweep kind (see :mod:`alignlab.systems`)."""

from __future__ import annotations

import math
import time

from alignlab.systems import SweepKind, System, lazy

SWEEP_VARIABLES = ("tripped", "trip_step", "learned_step", "detection_latency", "probe_lead_over_eval",
                   "map_lead_over_eval", "relearn_steps", "first_learn_steps", "monitor_overhead", "seconds")


def sweep_cell(seed: float, control: bool, erase: str | None, shadow: bool, config: dict | None = None,
               stream=None) -> dict:
    """One tripwire run with this seed (the run seeds itself; ``stream`` is unused); ``config``
    overrides fields of the default TripwireConfig. Steps that were not reached are NaN."""
    from alignlab.tripwire.config import TripwireConfig
    from alignlab.tripwire.run import run_tripwire
    t0 = time.perf_counter()
    run_config = TripwireConfig(**{**(config or {}), "seed": int(seed), "control": control, "erase": erase,
                                   "shadow": shadow, "threads": 1})
    s = run_tripwire(run_config).summary
    nan = lambda x: math.nan if x is None else float(x)      # noqa: E731
    relearn_steps = s.erasure.relearn_steps if s.erasure is not None else None
    return {"tripped": float(s.trip.tripped), "trip_step": nan(s.trip.step),
            "learned_step": nan(s.learning.learned_step), "detection_latency": nan(s.learning.detection_latency),
            "probe_lead_over_eval": nan(s.learning.lead_over_eval.get("probe")),
            "map_lead_over_eval": nan(s.learning.lead_over_eval.get("map")), "relearn_steps": nan(relearn_steps),
            "first_learn_steps": nan(s.learning.first_learn_steps), "monitor_overhead": s.timing.monitor_overhead,
            "seconds": time.perf_counter() - t0}


def sweep_arguments(p) -> None:
    from alignlab.tripwire.cli import world_and_learner_args
    p.add_argument("--seeds", required=True, help="seeds, e.g. 0-31 or 0,3,5-7 (at most 10,000)")
    p.add_argument("--control", action="store_true", help="the control world (evidence uninformative)")
    p.add_argument("--erase", choices=["leace", "unlearn"], default=None, help="erase at the trip, keep training")
    p.add_argument("--no-shadow", action="store_true",
                   help="stop each run at its trip (default: record the trip and train on, to measure latencies)")
    world_and_learner_args(p)


def sweep_grid(args):
    from alignlab.sweep.grid import Grid
    from alignlab.tripwire.calibration import parse_seeds
    from alignlab.tripwire.cli import config_changes
    from alignlab.tripwire.config import TripwireConfig
    seeds = tuple(float(s) for s in parse_seeds(args.seeds))
    changes = {k: val for k, val in config_changes(args).items() if k not in ("seed", "control", "erase", "shadow")}
    TripwireConfig(**changes).check_cost(runs=len(seeds))          # every field and the work, before any run
    return (Grid(("seed",), (seeds,)),
            {"control": args.control, "erase": args.erase, "shadow": not args.no_shadow, "config": changes or None})


SYSTEM = System(
    "tripwire", "Belief tripwire", order=40,
    help="belief tripwire: notice when a model learns a hidden fact, and stop it",
    description="A small transformer learns a world whose corpus never states a hidden fact but lets it be "
                "inferred. Monitors (eval puzzles, probes) trip a calibrated circuit breaker; erasure and "
                "relearning are measured.",
    commands=lazy("alignlab.tripwire.cli", "register"), report=lazy("alignlab.tripwire.report", "build"),
    sweeps=(SweepKind("tripwire", "tripwire runs over seeds (default world)", sweep_cell, SWEEP_VARIABLES,
                      sweep_arguments, sweep_grid, integer_dims=("seed",)),),
)
