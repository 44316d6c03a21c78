"""Speed of the joint models on METR's runs file: one fit of each model (goal: 20 s) beside the per-agent
logistic baseline (steps-joint's time includes building the Lomax-sum table, which a fresh process
does once), and bootstrap draws (goal: 200 draws in 5 minutes on 2 cores).

    python benchmarks/bench_horizons_joint.py [--draws 200] [--workers 2] [--scheduler tcp://HOST:8786]
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    from alignlab.horizons.joint import models as jm
    from alignlab.horizons.joint._house import load_runs
    from alignlab.horizons.joint.data import cells_of, degenerate_agents
    from alignlab.horizons.joint.fit import fit_joint, start, starts
    from alignlab.horizons.joint.fitting import fit
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", default=None)
    parser.add_argument("--model", default="logistic-joint", help="the model bootstrapped")
    args = parser.parse_args()
    runs = load_runs("metr-runs")
    runs = runs.select([a for a in runs.agents if a not in degenerate_agents(runs)])
    cells = cells_of(runs)
    print(f"METR: {int(cells.runs.sum())} runs, {cells.n_cells} cells, {cells.n_agents} agents, {cells.n_tasks} tasks")
    from alignlab._executor import local_threads
    from alignlab.horizons import lomax_table
    print(f"threads in this process (the Lomax kernel's calls and a fit's climbs): {local_threads()}")
    began = time.perf_counter()
    lomax_table.table()
    table = time.perf_counter() - began
    print(f"the Lomax-sum table (steps-joint's; built once per process): {table:.2f} s")
    began = time.perf_counter()
    base = jm.baseline("logistic")
    fit(base, cells, start(base, cells))
    baseline = time.perf_counter() - began
    print(f"baseline per-agent logistic (s = 0): {baseline:.2f} s")
    for name in jm.MODELS:
        model = jm.model(name)
        began = time.perf_counter()
        fitted = fit(model, cells, starts(model, cells))
        took = time.perf_counter() - began
        took += table if model.link == "steps" else 0.0       # a fresh process pays for the table too
        print(f"{name:15s} {took:6.2f} s ({took / baseline:5.1f} x baseline; goal 20 s)  log L {fitted.loglik:.2f}, "
              f"{fitted.nodes} nodes, quadrature error {fitted.quadrature_error:.1e}"
              f"{f', best of {len(fitted.starts)} starts' if fitted.starts else ''}")
    began = time.perf_counter()
    result = fit_joint(runs, model=args.model, cv=(), bootstrap=args.draws, workers=args.workers,
                       scheduler=args.scheduler)
    print(f"{args.draws} bootstrap draws of {args.model} (with its full fit and baselines), {args.workers} workers"
          f"{' on ' + args.scheduler if args.scheduler else ''}: {time.perf_counter() - began:.1f} s (goal 300 s)")
    print(f"its note: {result.models[args.model].note or 'none (every draw converged)'}")


if __name__ == "__main__":
    main()
