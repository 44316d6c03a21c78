"""Sweeps: range syntax, per-cell seeds, resumption, and a real LocalCluster losing a worker."""

import os
import signal
import time

import numpy as np
import pytest

from alignlab import ParameterError
from alignlab.sweep import Grid, parse_range, run_sweep, show
from alignlab.sweep.grid import cell_seed

FIXED_MC = {"method": "mc", "trials": 2000}


def mc_grid():
    return Grid(("alpha", "q", "n"), ((0.5,), (1.0, 2.0, 3.0, 4.0), (100.0, 3000.0, 30000.0)))


def values(ds):
    return {name: ds[name].values for name in ds.data_vars if name != "seconds"}


def test_range_syntax():
    assert parse_range("q", ["1:4"]) == (1.0, 2.0, 3.0, 4.0)
    assert parse_range("n", ["1e1:1e4:4"], integer=True) == (10.0, 100.0, 1000.0, 10000.0)
    assert parse_range("alpha", ["0.25", "0.5", "0.25"]) == (0.25, 0.5)
    for bad in (["2:1"], ["a:b"], ["0:10:3"], ["1:2:3:4"], ["nan"], ["1:5:0"]):
        with pytest.raises(ParameterError):
            parse_range("n", bad)


def test_cell_seeds_depend_on_coordinates_only():
    a = cell_seed(3, "steps", {"alpha": 0.5, "q": 2.0, "n": 100.0}).generate_state(4)
    b = cell_seed(3, "steps", {"n": 100.0, "q": 2.0, "alpha": 0.5}).generate_state(4)
    c = cell_seed(3, "steps", {"alpha": 0.5, "q": 2.0, "n": 101.0}).generate_state(4)
    d = cell_seed(4, "steps", {"alpha": 0.5, "q": 2.0, "n": 100.0}).generate_state(4)
    assert (a == b).all() and not (a == c).all() and not (a == d).all()


def test_serial_sweep_matches_direct_computation_and_resumes(tmp_path):
    from alignlab.steps import StepsModel
    grid = Grid(("alpha", "q", "n"), ((0.5,), (1.0, 3.0), (10.0, 1e6)))
    out = tmp_path / "s.zarr"
    first = run_sweep("steps", grid, {"method": "exact", "trials": 1}, out, scheduler="serial")
    assert (first.cells, first.done, first.computed) == (4, 4, 4)
    ds = _open(out)
    median = float(StepsModel(0.5, 3.0).task_time(10 ** 6).median())
    assert 10 ** float(ds["log10_median"].sel(alpha=0.5, q=3.0, n=1e6)) == pytest.approx(median, rel=1e-10)
    again = run_sweep("steps", grid, {"method": "exact", "trials": 1}, out, scheduler="serial")
    assert again.computed == 0 and again.done == 4


def _open(path):
    import warnings

    import xarray as xr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xr.open_zarr(str(path), consolidated=False).load()


def test_interrupted_sweep_loses_nothing_written(tmp_path):
    out = tmp_path / "i.zarr"

    class Stop(Exception):
        pass

    def stop_after_three(done):
        if done == 3:
            raise Stop

    with pytest.raises(Stop):
        run_sweep("steps", mc_grid(), FIXED_MC, out, seed=7, scheduler="serial", on_cell=stop_after_three)
    assert show(out)["done"] == 3
    resumed = run_sweep("steps", mc_grid(), FIXED_MC, out, seed=7, scheduler="serial")
    assert resumed.computed == 9 and resumed.done == 12
    reference = run_sweep("steps", mc_grid(), FIXED_MC, tmp_path / "r.zarr", seed=7, scheduler="serial")
    assert reference.done == 12
    for name, arr in values(_open(tmp_path / "r.zarr")).items():
        np.testing.assert_array_equal(values(_open(out))[name], arr)


def test_a_different_sweep_in_the_same_store_is_refused(tmp_path):
    out = tmp_path / "x.zarr"
    grid = Grid(("alpha", "q", "n"), ((0.5,), (3.0,), (10.0,)))
    run_sweep("steps", grid, {"method": "exact", "trials": 1}, out, scheduler="serial")
    with pytest.raises(ParameterError) as err:
        run_sweep("steps", grid, {"method": "asymptotic", "trials": 1}, out, scheduler="serial")
    assert err.value.param == "out"


@pytest.mark.slow
def test_local_cluster_survives_a_killed_worker_and_matches_serial(tmp_path):
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=50) as cluster, Client(cluster) as client:
        killed = []

        pids = client.run(os.getpid)                       # worker address -> process id

        def kill_one_worker(done):
            if done == 2 and not killed:
                time.sleep(1.0)       # let more cells finish: their results wait on the workers, not yet gathered
                holders = client.run_on_scheduler(_workers_holding_results)
                victim = holders[0] if holders else sorted(pids)[0]
                os.kill(pids[victim], signal.SIGKILL)          # no goodbye: the scheduler must notice
                killed.append(victim)

        result = run_sweep("steps", mc_grid(), FIXED_MC, tmp_path / "d.zarr", seed=7,
                           scheduler=cluster.scheduler_address, on_cell=kill_one_worker)
        client.wait_for_workers(2, timeout=30)
        survivors = set(client.scheduler_info()["workers"])
    assert killed and killed[0] not in survivors          # the worker really died (its nanny started a new one)
    assert result.done == 12
    run_sweep("steps", mc_grid(), FIXED_MC, tmp_path / "s.zarr", seed=7, scheduler="serial")
    distributed, serial = values(_open(tmp_path / "d.zarr")), values(_open(tmp_path / "s.zarr"))
    for name in serial:
        np.testing.assert_array_equal(distributed[name], serial[name])
    assert distributed["done"].all()


@pytest.mark.slow
def test_the_default_local_cluster_matches_serial(tmp_path):
    grid = Grid(("alpha", "q", "n"), ((0.5,), (1.0, 3.0), (100.0, 3000.0)))
    local = run_sweep("steps", grid, FIXED_MC, tmp_path / "l.zarr", seed=3, workers=2)
    assert (local.scheduler, local.done) == ("local", 4)
    run_sweep("steps", grid, FIXED_MC, tmp_path / "s.zarr", seed=3, scheduler="serial")
    for name, arr in values(_open(tmp_path / "s.zarr")).items():
        np.testing.assert_array_equal(values(_open(tmp_path / "l.zarr"))[name], arr)


def _workers_holding_results(dask_scheduler) -> list[str]:
    """Addresses of the workers holding finished results (runs on the scheduler)."""
    return sorted({ws.address for ts in dask_scheduler.tasks.values() if ts.state == "memory" for ws in ts.who_has})


def test_tripwire_sweep_runs_each_seed_and_resumes(tmp_path):
    from tripwire.conftest import TINY
    grid = Grid(("seed",), ((0.0, 1.0),))
    fixed = {"control": False, "erase": None, "shadow": True, "config": dict(TINY)}
    out = tmp_path / "t.zarr"
    result = run_sweep("tripwire", grid, fixed, out, scheduler="serial")
    assert result.done == 2
    ds = _open(out)
    from alignlab.tripwire.config import TripwireConfig
    from alignlab.tripwire.run import run_tripwire
    direct = run_tripwire(TripwireConfig(**{**TINY, "seed": 1, "shadow": True, "threads": 1})).summary
    assert float(ds["tripped"].sel(seed=1.0)) == float(direct.trip.tripped)
    if direct.trip.step is not None:
        assert float(ds["trip_step"].sel(seed=1.0)) == direct.trip.step
    assert run_sweep("tripwire", grid, fixed, out, scheduler="serial").computed == 0


def test_goodhart_bon_sweep_matches_direct_quadrature(tmp_path):
    from alignlab.goodhart import Proxy
    grid = Grid(("error", "utility", "n"), (("t(df=3)", "norm(0,1)"), ("norm",), (1.0, 100.0, 1e6)))
    out = tmp_path / "b.zarr"
    assert run_sweep("goodhart-bon", grid, {"method": "exact", "trials": 2}, out, scheduler="serial").done == 6
    ds = _open(out)
    direct = Proxy("t(df=3)", "norm").best_of_n([1, 100, 10 ** 6])
    np.testing.assert_allclose(ds["mean_utility"].sel(error="t(df=3)", utility="norm").values, direct.utility,
                               rtol=1e-12)
    assert show(out)["coords"]["error"] == ["t(df=3)", "norm(0,1)"]


KILL_SCRIPT = """
import os, signal, sys
import xarray as xr
from alignlab.sweep import Grid, run_sweep, store
where = sys.argv[2]
die = lambda: os.kill(os.getpid(), signal.SIGKILL)
to_zarr, rename, write = xr.Dataset.to_zarr, os.rename, store.SweepStore.write
def to_zarr_then_die(self, path, **kw):
    out = to_zarr(self, path, **kw)
    if where == "draft-written":
        die()
    if where == "draft-half-written":
        files = sorted(p for p in __import__("pathlib").Path(path).rglob("*") if p.is_file())
        for p in files[: len(files) // 2]:
            p.unlink()
        die()
    return out
def rename_then_die(a, b):
    if where == "before-rename":
        die()
    rename(a, b)
    if where == "after-rename":
        die()
def write_then_die(self, index, values):
    write(self, index, values)
    if where == "first-cell":
        die()
xr.Dataset.to_zarr, store.os.rename, store.SweepStore.write = to_zarr_then_die, rename_then_die, write_then_die
run_sweep("steps", Grid(("alpha", "q", "n"), ((0.5,), (1.0, 2.0, 3.0), (1.0, 10.0))),
          {"method": "exact", "trials": 1}, sys.argv[1], scheduler="serial")
"""


@pytest.mark.parametrize("where", ["draft-written", "draft-half-written", "before-rename", "after-rename",
                                   "first-cell"])
def test_a_store_killed_while_being_created_is_absent_or_whole(tmp_path, where):
    """SIGKILL at each moment of store creation: the store is then absent or complete, and the same
    sweep run again finishes it (no damaged store, no traceback, no draft left behind)."""
    import subprocess
    import sys

    from alignlab.sweep import show
    out = tmp_path / "k.zarr"
    killed = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(out), where], capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    if out.exists():
        assert show(out)["cells"] == 6                  # whole, possibly with some cells done
    again = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(out), "never"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert show(out)["done"] == 6
    assert not list(tmp_path.glob(".*creating*"))
