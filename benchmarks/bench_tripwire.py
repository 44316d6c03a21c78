"""Tripwire run time, monitoring overhead, and what each response at the trip costs, on the default configuration.

Two runs of ``alignlab tripwire run`` with default settings (checkpoints written, as the command
does): a real world, which stops at its trip, and a control world, which never trips and so trains
all ``steps`` (the longest a default run takes). Goals: a default run under 5 minutes; monitors
(eval puzzles, country probe, map probe, refitted at every check) costing at most 10% of training
time. The oracle is for measurement only and is timed apart.

Then the real world's trip is branched into every response and trained to the end, side by side
with the baseline branch that only goes on training (the shadow run from the trip): the ratio of
each response's wall time to the baseline's is what responding costs (the eraser's refits, the
unlearning steps, the rollback) on top of training and the belief readings taken after every trip.

Run: .venv/bin/python benchmarks/bench_tripwire.py [--seed N] [--responses leace rollback ...]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from alignlab.tripwire import TripwireConfig, respond_from_trip, run_tripwire
from alignlab.tripwire.config import RESPONSES

RUN_GOAL_S = 300.0
OVERHEAD_GOAL = 0.10


def timed(config: TripwireConfig, folder: Path):
    t0 = time.perf_counter()
    result = run_tripwire(config, out=folder)
    return result, time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--responses", nargs="+", default=list(RESPONSES), choices=RESPONSES)
    args = parser.parse_args()
    config = TripwireConfig(seed=args.seed)
    print(f"default config: {config.n_known} known + {config.n_hidden} hidden cities, d_model {config.d_model}, "
          f"{config.n_layers} layers, batch {config.batch_size}, {config.steps} steps, checks every "
          f"{config.monitor_every}, {config.threads} thread(s)")
    tmp = Path(tempfile.mkdtemp())
    try:
        trip_step = None
        for label, cfg, name in (("real world (stops at trip)", config, "real"),
                                 ("control world (full length)", config.replace(control=True), "control")):
            result, wall = timed(cfg, tmp / name)
            s, t = result.summary, result.summary.timing
            trip_step = s.trip.step if name == "real" else trip_step
            per_step = t.train_seconds / max(s.steps_run, 1) * 1000
            print(f"{label}: {wall:.1f} s wall for {s.steps_run} steps ({per_step:.1f} ms/step); "
                  f"tripped={s.trip.tripped} at {s.trip.step}; train {t.train_seconds:.1f} s, monitors "
                  f"{t.monitor_seconds:.2f} s, oracle {t.oracle_seconds:.2f} s, checkpoints "
                  f"{t.checkpoint_seconds:.2f} s")
            print(f"  run time {wall:.1f} s vs goal < {RUN_GOAL_S:.0f} s: {'ok' if wall < RUN_GOAL_S else 'MISSED'}; "
                  f"monitoring overhead {t.monitor_overhead:.1%} of training vs goal <= {OVERHEAD_GOAL:.0%}: "
                  f"{'ok' if t.monitor_overhead <= OVERHEAD_GOAL else 'MISSED'}")
        trip = tmp / "real"
        if trip_step is None:
            print("the real world did not trip: no responses to time")
            return
        times = {}

        def clock(done, total, description):            # when the shadow run passes the trip, and ends
            times.setdefault("trip" if done >= trip_step else "before", time.perf_counter())
            times["end"] = time.perf_counter()
        run_tripwire(TripwireConfig(seed=args.seed, shadow=True), progress=clock)
        base = times["end"] - times["trip"]
        print(f"baseline (no response: the shadow run from its trip at step {trip_step} to {config.steps}): "
              f"{base:.1f} s")
        for r in args.responses:
            t0 = time.perf_counter()
            branch = respond_from_trip(trip, r)
            wall = time.perf_counter() - t0
            o = branch.summary.response
            print(f"  {r:24s} {wall:6.1f} s   ratio to baseline {wall / base:5.2f}   refits {o.refits}, "
                  f"re-trip {o.retrip_step}, answers back {o.back_step}")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
