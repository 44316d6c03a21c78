"""What one grid cell computes, for each kind of sweep. Each function is a plain top-level function
(workers import it by name) taking the cell's coordinates, the sweep's fixed options and the cell's
own SeedSequence (``stream``), and returning a dict of numbers."""

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


def steps_cell(alpha: float, q: float, n: float, method: str, trials: int, stream) -> dict:
    """Quantiles of S_n (log10, always finite) and E[S_n] for one (alpha, q, n)."""
    from alignlab.steps import StepsModel
    from alignlab.steps.simulate import simulate_log_task_times
    t0 = time.perf_counter()
    model = StepsModel(alpha, q)
    n = int(n)
    if method == "mc":
        logs = simulate_log_task_times(model.subtask_time, n, trials, stream, threads=1)
        log10_q = np.quantile(logs, QUANTILES) / math.log(10)
    else:
        dist = model.task_time(n, method)
        log10_q = np.log10([float(dist.ppf(p)) for p in QUANTILES])
    return {"log10_q10": float(log10_q[0]), "log10_median": float(log10_q[1]), "log10_q90": float(log10_q[2]),
            "mean_per_subtask": model.mean_subtask_time, "seconds": time.perf_counter() - t0}


def tripwire_cell(seed: float, control: bool, erase: str | None, shadow: bool, config: dict | None = None,
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
    return {"tripped": float(s.tripped), "trip_step": nan(s.trip_step), "learned_step": nan(s.learned_step),
            "detection_latency": nan(s.detection_latency), "probe_lead_over_eval": nan(s.probe_lead_over_eval),
            "map_lead_over_eval": nan(s.map_lead_over_eval), "relearn_steps": nan(s.relearn_steps),
            "first_learn_steps": nan(s.first_learn_steps), "monitor_overhead": s.monitor_overhead,
            "seconds": time.perf_counter() - t0}


def goodhart_bon_cell(error: str, utility: str, n: float, method: str, trials: int, stream) -> dict:
    """Best of n draws of U = X + V: E[V] (``mean_utility``), E[U] (``mean_proxy``), KL and its bound,
    by exact quadrature or Monte Carlo."""
    from alignlab.goodhart import Proxy
    t0 = time.perf_counter()
    result = Proxy(error, utility).best_of_n([int(n)], method, trials, stream)
    se = result.utility_se[0] if result.utility_se is not None else math.nan
    return {"mean_utility": float(result.utility[0]), "mean_proxy": float(result.proxy[0]),
            "kl": float(result.kl[0]), "kl_bound": float(result.kl_bound[0]), "mean_utility_se": float(se),
            "seconds": time.perf_counter() - t0}


STEPS = SweepKind("steps", steps_cell,
                  {"log10_q10": "f8", "log10_median": "f8", "log10_q90": "f8", "mean_per_subtask": "f8",
                   "seconds": "f8"}, integer_dims=("n",))

TRIPWIRE = SweepKind("tripwire", tripwire_cell,
                     {name: "f8" for name in ("tripped", "trip_step", "learned_step", "detection_latency",
                                              "probe_lead_over_eval", "map_lead_over_eval", "relearn_steps",
                                              "first_learn_steps", "monitor_overhead", "seconds")},
                     integer_dims=("seed",))

GOODHART_BON = SweepKind("goodhart-bon", goodhart_bon_cell,
                         {name: "f8" for name in ("mean_utility", "mean_proxy", "kl", "kl_bound", "mean_utility_se",
                                                  "seconds")},
                         integer_dims=("n",))

KINDS = {k.name: k for k in (STEPS, GOODHART_BON, TRIPWIRE)}
