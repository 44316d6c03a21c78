"""The steps system's declaration: its commands, report section and sweep kind (see :mod:`alignlab.systems`)."""

from __future__ import annotations

import math
import time

from alignlab.systems import SweepKind, System, lazy

SWEEP_QUANTILES = (0.1, 0.5, 0.9)


def sweep_cell(alpha: float, q: float, n: float, method: str, trials: int, stream) -> dict:
    """Quantiles of S_n (log10, always finite) and E[S_n]/n for one (alpha, q, n)."""
    import numpy as np

    from alignlab.steps import StepsModel
    from alignlab.steps.simulate import simulate_log_task_times
    t0 = time.perf_counter()
    model = StepsModel(alpha, q)
    n = int(n)
    if method == "mc":
        logs = simulate_log_task_times(model.subtask_time, n, trials, stream, threads=1)
        log10_q = np.quantile(logs, SWEEP_QUANTILES) / math.log(10)
    else:
        dist = model.task_time(n, method)
        log10_q = np.log10([float(dist.ppf(p)) for p in SWEEP_QUANTILES])
    return {"log10_q10": float(log10_q[0]), "log10_median": float(log10_q[1]), "log10_q90": float(log10_q[2]),
            "mean_per_subtask": model.mean_subtask_time, "seconds": time.perf_counter() - t0}


def sweep_arguments(p) -> None:
    p.add_argument("--alpha", nargs="+", required=True, metavar="A", help="approach tail indices (> 0)")
    p.add_argument("--q", nargs="+", required=True, metavar="Q", help="cognitive powers (>= 1)")
    p.add_argument("--n", nargs="+", required=True, metavar="N", help="numbers of subtasks (whole, >= 1)")
    p.add_argument("--method", default="exact", choices=["exact", "asymptotic", "mc"],
                   help="task-time law per cell: exact (Laplace inversion), asymptotic (the limit law) or mc "
                        "(Monte Carlo)")
    p.add_argument("--trials", default=10_000, help="Monte Carlo trials per cell (method mc)")


def sweep_grid(args):
    from alignlab import _validate as v
    from alignlab.steps.simulate import check_budget
    from alignlab.sweep.grid import Grid, parse_range
    alphas = parse_range("alpha", args.alpha)
    qs = parse_range("q", args.q)
    ns = parse_range("n", args.n, integer=True)
    for a in alphas:
        v.real("alpha", a, low=0.0, low_open=True)
    for q in qs:
        v.real("q", q, low=1.0)
    for n in ns:
        v.integer("n", n, low=1)
    trials = v.integer("trials", args.trials, low=1)
    if args.method == "mc":
        check_budget(int(max(ns)), trials)
    return Grid(("alpha", "q", "n"), (alphas, qs, ns)), {"method": args.method, "trials": trials}


SYSTEM = System(
    "steps", "Independent-steps model of cognitive power", order=10,
    help="the independent-steps model of cognitive power",
    description="A mind of power Q picks the fastest of Q approaches to each of n serial subtasks; an approach "
                "takes a random time T >= 1 from any law of the distribution language (--approach: pareto by "
                "default, lognorm, invweibull, ...; alignlab dists list).",
    commands=lazy("alignlab.steps.cli", "register"), report=lazy("alignlab.steps.report", "build"),
    sweeps=(SweepKind("steps", "task-time quantiles over (alpha, Q, n)", sweep_cell,
                      ("log10_q10", "log10_median", "log10_q90", "mean_per_subtask", "seconds"),
                      sweep_arguments, sweep_grid, integer_dims=("n",),
                      description="Quantiles (10%, median, 90%) of the task time S_n and the mean time per subtask "
                                  "over every (alpha, Q, n) of the grid, one Dask task per cell.",
                      examples=("alignlab sweep steps --alpha 0.25 0.5 --q 1:3 --n 1e1:1e6:6 --out steps.zarr",
                                "alignlab sweep steps --alpha 0.5 --q 2 4 --n 10 100 --method mc --trials 1000 "
                                "--workers 1 --out steps-mc.zarr --json")),),
    distributions=(("steps --approach", "approach"),),
)
