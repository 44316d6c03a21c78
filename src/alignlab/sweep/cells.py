"""What one grid cell computes, for each kind of sweep. Each function is a plain top-level function
(workers import it by name) taking the cell's coordinates, the sweep's fixed options and the cell's
own SeedSequence, and returning a dict of numbers."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

QUANTILES = (0.1, 0.5, 0.9)


@dataclass(frozen=True)
class SweepKind:
    name: str
    cell: Callable[..., dict]
    variables: dict[str, str]              # result variable -> dtype
    integer_dims: tuple[str, ...] = ()


def steps_cell(alpha: float, q: float, n: float, method: str, trials: int, seed) -> dict:
    """Quantiles of S_n (log10, always finite) and E[S_n] for one (alpha, q, n)."""
    from alignlab.steps import StepsModel
    from alignlab.steps.simulate import simulate_log_task_times
    t0 = time.perf_counter()
    model = StepsModel(alpha, q)
    n = int(n)
    if method == "mc":
        logs = simulate_log_task_times(model.subtask_time, n, trials, seed, threads=1)
        log10_q = np.quantile(logs, QUANTILES) / math.log(10)
    else:
        dist = model.task_time(n, method)
        log10_q = np.log10([float(dist.ppf(p)) for p in QUANTILES])
    return {"log10_q10": float(log10_q[0]), "log10_median": float(log10_q[1]), "log10_q90": float(log10_q[2]),
            "mean_per_subtask": model.mean_subtask_time, "seconds": time.perf_counter() - t0}


STEPS = SweepKind("steps", steps_cell,
                  {"log10_q10": "f8", "log10_median": "f8", "log10_q90": "f8", "mean_per_subtask": "f8",
                   "seconds": "f8"}, integer_dims=("n",))

KINDS = {k.name: k for k in (STEPS,)}
