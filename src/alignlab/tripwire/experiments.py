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

import time
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._progress import ProgressLike, tracker
from alignlab._results import Result
from alignlab.tripwire.calibration import Calibration, calibrate
from alignlab.tripwire.config import ERASURES, TripwireConfig
from alignlab.tripwire.parallel import map_runs
from alignlab.tripwire.run import RunResult, erase_from_trip, run_tripwire
from alignlab.tripwire.summary import ErasureOutcome, RunSummary

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
class ErasureBranch(Result):
    """One erasure branch of one real run: what the erasure did, where the oracle ended, the curves."""

    erasure: ErasureOutcome
    final_oracle_accuracy: float
    curve: Curve


@dataclass(frozen=True)
class RealRun(Result):
    """What one real world's shadow run measured (``summary.seed`` names the world), and its erasure branches."""

    summary: RunSummary
    curve: Curve
    branches: tuple[ErasureBranch, ...]


@dataclass(frozen=True)
class Study(Result):
    """The calibration, every real run and its branches; ``example`` is the first real run, whole
    (without its in-memory trip state), for the run and leak figures. The randomness is fixed by the
    calibration's ``seeds`` and each real run's ``summary.seed``."""

    config: TripwireConfig
    calibration: Calibration
    runs: tuple[RealRun, ...]
    example: RunResult | None
    seconds: float


def run_study(config: TripwireConfig = REPORT_CONFIG, seeds=range(100, 105), control_seeds=range(8),
              relabels: int = 1000, methods=ERASURES, progress: ProgressLike = False, workers: int = 1) -> Study:
    """Calibrate, run every real seed in shadow mode, branch each trip into every erasure ``method``.

    ``progress`` counts runs: one per control seed, one per real seed (its branches included).
    ``workers > 1`` trains independent runs in that many processes (same numbers, less wall time;
    progress then advances a whole run at a time)."""
    methods = tuple(v.choice("methods", m, ERASURES) for m in methods)
    workers = v.integer("workers", workers, low=1)
    control_seeds = tuple(control_seeds)
    real = [config.replace(seed=seed, shadow=True) for seed in seeds]      # checks every seed before any work
    start = time.perf_counter()
    with tracker(progress, len(control_seeds) + len(real), "tripwire study") as track:
        cal = calibrate(config, control_seeds, relabels=relabels, workers=workers,
                        progress=track.scaled(0, len(control_seeds)))
        jobs = [(c, cal.to_thresholds(), methods, i == 0) for i, c in enumerate(real)]
        if workers > 1:
            done = map_runs(_real_run, jobs, workers,
                            finished=lambda i: track.advance(1, f"real world, seed {real[i].seed}, done"))
        else:
            done = [_real_run(job, track.scaled(len(control_seeds) + i, 1)) for i, job in enumerate(jobs)]
    runs = tuple(run for run, _ in done)
    example = done[0][1] if done else None
    return Study(config, cal, runs, example, time.perf_counter() - start)


def _real_run(job, progress: ProgressLike = False) -> tuple[RealRun, RunResult | None]:
    """One real world in shadow mode and its erasure branches (a top-level function: runs in workers),
    with the whole run result when ``keep`` (only the example run's is sent back)."""
    config, thresholds, methods, keep = job
    with tracker(progress, 1 + len(methods), f"real world, seed {config.seed}") as track:
        result = run_tripwire(config, thresholds=thresholds, progress=track.scaled(0, 1))
        branches = []
        if result.summary.trip.tripped:
            for i, method in enumerate(methods):
                branch = erase_from_trip(result, method, shadow=True, progress=track.scaled(1 + i, 1))
                branches.append(ErasureBranch(branch.summary.erasure, branch.summary.final["oracle_accuracy"],
                                              Curve.of(branch)))
        track.update(track.total)            # a run that never tripped has no branches to train
    run = RealRun(result.summary, Curve.of(result), tuple(branches))
    # a result rebuilt from its dict drops the trip state: tensors the parent process does not need
    return run, (RunResult.from_dict(result.to_dict()) if keep else None)


def describe(values) -> str:
    """``median [min, max] (n)`` of the non-missing values, or ``none`` when all are missing."""
    x = np.array([value for value in values if value is not None], dtype=float)
    if x.size == 0:
        return "none"
    return f"{np.median(x):g} [{x.min():g}, {x.max():g}] (n = {x.size})"
