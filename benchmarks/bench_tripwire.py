"""Tripwire run time and monitoring overhead on the default configuration.

Two runs of ``alignlab tripwire run`` with default settings (checkpoints written, as the command
does): a real world, which stops at its trip, and a control world, which never trips and so trains
all ``steps`` (the longest a default run takes). Goals: a default run under 5 minutes; monitors
(eval puzzles, country probe, map probe, refitted at every check) costing at most 10% of training
time. The oracle is for measurement only and is timed apart.

Run: .venv/bin/python benchmarks/bench_tripwire.py [--seed N]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from alignlab.tripwire import TripwireConfig, run_tripwire

RUN_GOAL_S = 300.0
OVERHEAD_GOAL = 0.10


def timed(config: TripwireConfig):
    tmp = Path(tempfile.mkdtemp())
    try:
        t0 = time.perf_counter()
        result = run_tripwire(config, out=tmp / "run")
        return result.summary, time.perf_counter() - t0
    finally:
        shutil.rmtree(tmp)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    config = TripwireConfig(seed=args.seed)
    print(f"default config: {config.n_known} known + {config.n_hidden} hidden cities, d_model {config.d_model}, "
          f"{config.n_layers} layers, batch {config.batch_size}, {config.steps} steps, checks every "
          f"{config.monitor_every}, {config.threads} thread(s)")
    for label, cfg in (("real world (stops at trip)", config), ("control world (full length)",
                                                                config.replace(control=True))):
        s, wall = timed(cfg)
        t = s.timing
        per_step = t.train_seconds / max(s.steps_run, 1) * 1000
        print(f"{label}: {wall:.1f} s wall for {s.steps_run} steps ({per_step:.1f} ms/step); "
              f"tripped={s.trip.tripped} at {s.trip.step}; train {t.train_seconds:.1f} s, monitors "
              f"{t.monitor_seconds:.2f} s, oracle {t.oracle_seconds:.2f} s, checkpoints {t.checkpoint_seconds:.2f} s")
        print(f"  run time {wall:.1f} s vs goal < {RUN_GOAL_S:.0f} s: {'ok' if wall < RUN_GOAL_S else 'MISSED'}; "
              f"monitoring overhead {t.monitor_overhead:.1%} of training vs goal <= {OVERHEAD_GOAL:.0%}: "
              f"{'ok' if t.monitor_overhead <= OVERHEAD_GOAL else 'MISSED'}")


if __name__ == "__main__":
    main()
