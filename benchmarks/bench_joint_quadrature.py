"""How steps-joint's adaptive Gauss-Hermite quadrature converges at its optimum on the report's data (METR's
runs without the human baseliners): for each doubling of the nodes per task, the largest change of a task's
log integral, the sum of the tasks' absolute changes and the change of the total (docs/horizons_joint.md).
An accuracy measurement, not a speed one; about 20 s on 2 cores.

    python benchmarks/bench_joint_quadrature.py [--nodes 192 384 768 1536]
"""

from __future__ import annotations

import argparse

import numpy as np


def main() -> None:
    from alignlab.horizons.joint import marginal as mq
    from alignlab.horizons.joint import models as jm
    from alignlab.horizons.joint._house import load_runs
    from alignlab.horizons.joint.data import cells_of, degenerate_agents
    from alignlab.horizons.joint.fit import starts
    from alignlab.horizons.joint.fitting import fit
    from alignlab.horizons.joint.report import BASELINE
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, nargs="+", default=[192, 384, 768, 1536])
    args = parser.parse_args()
    runs = load_runs("metr-runs")
    runs = runs.select([a for a in runs.agents if a not in degenerate_agents(runs) and a != BASELINE])
    cells = cells_of(runs)
    model = jm.model("steps-joint")
    fitted = fit(model, cells, starts(model, cells), covariance=False)
    print(f"steps-joint on {cells.n_agents} agents, {cells.n_tasks} tasks: log L {fitted.loglik:.3f} with "
          f"{fitted.nodes} nodes, reported quadrature error {fitted.quadrature_error:.2e}")
    mode, curvature = mq.modes(model, fitted.theta, cells)
    per_task = {k: mq.integrate(model, fitted.theta, cells, mq.adaptive_nodes(mode, curvature, k), False).per_task
                for k in sorted(args.nodes)}
    print(f"{'nodes':>13s} {'largest task':>13s} {'sum |change|':>13s} {'total':>10s} {'up/down':>8s}")
    counts = sorted(per_task)
    for a, b in zip(counts, counts[1:]):
        change = per_task[b] - per_task[a]
        change = change[np.isfinite(change)]
        print(f"{a:>5d} -> {b:<5d} {np.abs(change).max():13.2e} {np.abs(change).sum():13.2e} {change.sum():10.2e} "
              f"{int((change > 0).sum()):>3d}/{int((change < 0).sum()):<3d}")


if __name__ == "__main__":
    main()
