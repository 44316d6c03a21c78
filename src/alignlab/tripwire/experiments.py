"""The multi-seed study behind the report's claims T1-T4.

1. Calibrate the breaker on control runs (``control_seeds``): thresholds, and the breaker's
   false-positive rate estimated by leaving one seed out (T3).
2. For each real world (``seeds``), a shadow run with those thresholds: when each monitor first
   crosses its threshold, when the breaker trips, and when the oracle says the fact was learned
   (T1, T2).
3. Branch each real run at its trip: erase with LEACE and with gradient unlearning, keep
   training to the end, and record how long the fact takes to trip the breaker again, and each
   monitor and the oracle to see it again (T4).

:data:`REPORT_CONFIG` is a reduced world and model (48 known cities, width 32, 500 steps) so the
whole study runs in a few minutes on two cores; the default configuration behaves the same way
(``docs/tripwire.md`` has its numbers).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from alignlab._results import Result
from alignlab.tripwire.calibrate import Calibration, calibrate
from alignlab.tripwire.config import ERASURES, TripwireConfig
from alignlab.tripwire.parallel import map_runs
from alignlab.tripwire.run import RunResult, erase_from_trip, run_tripwire

REPORT_CONFIG = TripwireConfig(n_known=48, n_hidden=16, d_model=32, d_mlp=128, batch_size=64, steps=500,
                               evidence_start=200, hidden_fraction=0.03, monitor_every=10, lr=5e-3)


@dataclass(frozen=True)
class Curve(Result):
    """A run's checks as arrays, for figures."""

    steps: tuple[int, ...]
    phase: tuple[str, ...]
    statistic: dict[str, tuple[float, ...]]
    oracle_accuracy: tuple[float, ...]
    oracle_probe_accuracy: tuple[float, ...]
    known_accuracy: tuple[float, ...]

    @classmethod
    def of(cls, result: RunResult) -> Curve:
        c = result.checks
        return cls(tuple(x.step for x in c), tuple(x.phase for x in c),
                   {m: tuple(x.statistic[m] for x in c) for m in result.config.monitors},
                   tuple(x.oracle_accuracy for x in c), tuple(x.oracle_probe_accuracy for x in c),
                   tuple(x.known_accuracy for x in c))


@dataclass(frozen=True)
class Erasure(Result):
    """One erasure branch of one real run."""

    method: str
    post_erasure: dict[str, float]
    retrip_step: int | None
    relearn_steps: int | None
    relearn_by_monitor: dict[str, int | None]
    relearn_budget: int
    final_oracle_accuracy: float
    curve: Curve


@dataclass(frozen=True)
class RealRun(Result):
    """What one real world's shadow run measured, and its erasure branches."""

    seed: int
    summary: dict
    curve: Curve
    erasures: tuple[Erasure, ...]


@dataclass(frozen=True)
class Study(Result):
    config: TripwireConfig
    calibration: Calibration
    runs: tuple[RealRun, ...]
    example: RunResult               # the first real run, whole, for the run and leak figures
    seconds: float

    def column(self, key: str) -> list:
        return [r.summary[key] for r in self.runs]


def run_study(config: TripwireConfig = REPORT_CONFIG, seeds=range(100, 105), control_seeds=range(8),
              relabels: int = 1000, methods=ERASURES,
              progress: Callable[[str], None] | None = None, workers: int = 1) -> Study:
    """Calibrate, run every real seed in shadow mode, branch each trip into every erasure ``method``.
    ``workers > 1`` trains independent runs in that many processes (same numbers, less wall time)."""
    say = progress or (lambda text: None)
    start = time.perf_counter()
    say(f"calibrating on {len(control_seeds)} control runs" + (f" ({workers} processes)" if workers > 1 else ""))
    cal = calibrate(config, control_seeds, relabels=relabels, workers=workers)
    thresholds = cal.to_thresholds()
    say(f"real worlds, seeds {', '.join(map(str, seeds))}, with {' and '.join(methods)} at each trip")
    jobs = [(config.replace(seed=seed, shadow=True), thresholds, tuple(methods), i == 0)
            for i, seed in enumerate(seeds)]
    done = map_runs(_real_run, jobs, workers)
    runs = tuple(run for run, _ in done)
    example = done[0][1] if done else None
    return Study(config, cal, runs, example, time.perf_counter() - start)


def _real_run(job) -> tuple[RealRun, RunResult | None]:
    """One real world in shadow mode and its erasure branches (a top-level function: runs in workers),
    with the whole run result when ``keep`` (only the example run's is sent back)."""
    config, thresholds, methods, keep = job
    result = run_tripwire(config, thresholds=thresholds)
    erasures = []
    if result.summary.tripped:
        for method in methods:
            branch = erase_from_trip(result, method, shadow=True)
            b = branch.summary
            erasures.append(Erasure(method, b.post_erasure, b.retrip_step, b.relearn_steps, b.relearn_by_monitor,
                                    b.relearn_budget, b.final["oracle_accuracy"], Curve.of(branch)))
    run = RealRun(config.seed, result.summary.to_dict(), Curve.of(result), tuple(erasures))
    return run, (dataclasses.replace(result, trip_state=None) if keep else None)


def describe(values) -> str:
    """``median [min, max] (n)`` of the non-missing values, or ``none`` when all are missing."""
    x = np.array([v for v in values if v is not None], dtype=float)
    if x.size == 0:
        return "none"
    return f"{np.median(x):g} [{x.min():g}, {x.max():g}] (n = {x.size})"
