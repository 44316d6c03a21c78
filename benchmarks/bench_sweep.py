"""Sweep throughput on a LocalCluster with 1 and 2 worker processes (cells per second, ratio).

Workload: the steps sweep of issue 6 restricted to Monte Carlo cells, (alpha, Q, n) =
(0.25 0.5 1) x (1..4) x (1e2, 1e3, 1e4) with 20,000 trials per cell: 36 cells of real work (each
cell simulates on one thread). Each cluster is started before the clock starts, so the ratio is
the throughput of the sweep itself; the start-up time is printed beside it. The same sweep in
this process (``scheduler="serial"``) is the reference, and all three datasets must agree exactly.

Run: .venv/bin/python benchmarks/bench_sweep.py
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import xarray as xr
from dask.distributed import LocalCluster

from alignlab.sweep import Grid, run_sweep

GRID = Grid(("alpha", "q", "n"), ((0.25, 0.5, 1.0), (1.0, 2.0, 3.0, 4.0), (100.0, 1000.0, 10000.0)))
FIXED = {"method": "mc", "trials": 20_000}


def timed(tmp: Path, workers: int | None) -> tuple[float, float, xr.Dataset]:
    """(start-up seconds, sweep seconds, dataset) on ``workers`` processes (None: in this process)."""
    out = tmp / f"w{workers}.zarr"
    if workers is None:
        t0 = time.perf_counter()
        run_sweep("steps", GRID, FIXED, out, seed=1, scheduler="serial", progress=False)
        return 0.0, time.perf_counter() - t0, _load(out)
    t0 = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        startup = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = run_sweep("steps", GRID, FIXED, out, seed=1, scheduler=cluster.scheduler_address, progress=False)
        seconds = time.perf_counter() - t0
    assert result.done == GRID.size
    return startup, seconds, _load(out)


def _load(out: Path) -> xr.Dataset:
    """The sweep's numbers, without the per-cell wall times (the only thing that may differ)."""
    return xr.open_zarr(out, consolidated=False).load().drop_vars("seconds").drop_attrs()


def main():
    tmp = Path(tempfile.mkdtemp())
    try:
        _, serial, reference = timed(tmp, None)
        up1, one, ds1 = timed(tmp, 1)
        up2, two, ds2 = timed(tmp, 2)
    finally:
        shutil.rmtree(tmp)
    for ds in (ds1, ds2):
        xr.testing.assert_identical(ds, reference)
    print(f"{GRID.size} cells x {FIXED['trials']} trials: in process {serial:.1f} s; LocalCluster 1 worker "
          f"{one:.1f} s ({GRID.size / one:.2f} cells/s, start-up {up1:.1f} s), 2 workers {two:.1f} s "
          f"({GRID.size / two:.2f} cells/s, start-up {up2:.1f} s); datasets identical")
    print(f"throughput ratio 2 workers / 1 worker: {one / two:.2f}x")


if __name__ == "__main__":
    main()
