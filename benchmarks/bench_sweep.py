"""Sweep throughput on a LocalCluster with 1 and 2 worker processes (cells per second, ratio).

Workload: the steps sweep of issue 6 restricted to Monte Carlo cells, (alpha, Q, n) =
(0.25 0.5 1) x (1..4) x (1e2, 1e3, 1e4) with 2,000 trials per cell: 36 cells of real work.

Run: .venv/bin/python benchmarks/bench_sweep.py
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from alignlab.sweep import Grid, run_sweep

GRID = Grid(("alpha", "q", "n"), ((0.25, 0.5, 1.0), (1.0, 2.0, 3.0, 4.0), (100.0, 1000.0, 10000.0)))
FIXED = {"method": "mc", "trials": 2000}


def timed(workers: int | None, scheduler=None) -> float:
    tmp = Path(tempfile.mkdtemp())
    try:
        t0 = time.perf_counter()
        result = run_sweep("steps", GRID, FIXED, tmp / "b.zarr", seed=1, scheduler=scheduler, workers=workers,
                           progress=False)
        assert result.done == GRID.size
        return time.perf_counter() - t0
    finally:
        shutil.rmtree(tmp)


def main():
    serial = timed(None, scheduler="serial")
    one = timed(1)
    two = timed(2)
    print(f"{GRID.size} cells: serial (in process) {serial:.1f} s, LocalCluster 1 worker {one:.1f} s "
          f"({GRID.size / one:.2f} cells/s), 2 workers {two:.1f} s ({GRID.size / two:.2f} cells/s)")
    print(f"throughput ratio 2 workers / 1 worker: {one / two:.2f}x (times include starting the cluster)")


if __name__ == "__main__":
    main()
