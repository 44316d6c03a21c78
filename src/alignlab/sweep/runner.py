"""Run a sweep: one Dask task per missing cell, results written to the store as they finish."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from alignlab import _validate as v
from alignlab._results import Result
from alignlab.sweep.cells import KINDS
from alignlab.sweep.grid import Grid, cell_seed
from alignlab.sweep.store import SweepStore


@dataclass(frozen=True)
class SweepResult(Result):
    out: str
    kind: str
    dims: dict
    cells: int
    done: int
    computed: int
    seconds: float
    scheduler: str


def run_sweep(kind: str, grid: Grid, fixed: dict, out: str | Path, seed: int = 0, scheduler: str | None = None,
              workers: int | None = None, progress: bool | None = None, on_cell=None) -> SweepResult:
    """Compute every cell of ``grid`` not yet done in ``out``.

    ``scheduler``: None for an in-process LocalCluster with ``workers`` processes (default: one per
    core), ``"serial"`` to compute in this process, or the address of a running dask scheduler.
    ``on_cell(done_count)`` is called after each cell is written (tests use it to kill a worker).
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise v.ParameterError("kind", f"must be one of {', '.join(KINDS)} (got {kind!r})")
    seed = v.integer("seed", seed, low=0)
    definition = {"kind": kind, "dims": list(grid.names), "coords": [list(x) for x in grid.values],
                  "fixed": fixed, "seed": seed}
    store = SweepStore(out, grid, spec.variables, definition)
    todo = [(index, params) for index, params in grid.cells() if not store.done[index]]
    start = time.perf_counter()
    label = "serial" if scheduler == "serial" else (scheduler or "local")
    show = progress if progress is not None else sys.stderr.isatty()
    with _Progress(show, grid.size, grid.size - len(todo)) as bar:
        def finished(index, values):
            store.write(index, values)
            bar.advance()
            if on_cell is not None:
                on_cell(int(store.done.sum()))

        if scheduler == "serial":
            for index, params in todo:
                finished(index, spec.cell(**params, **fixed, stream=cell_seed(seed, kind, params)))
        elif todo:
            _run_dask(spec, todo, fixed, seed, kind, scheduler, workers, finished)
    return SweepResult(str(out), kind, dict(zip(grid.names, grid.shape)), grid.size, int(store.done.sum()),
                       len(todo), time.perf_counter() - start, label)


def _run_dask(spec, todo, fixed, seed, kind, scheduler, workers, finished):
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=10)
        except OSError as exc:
            raise v.ParameterError("scheduler", f"cannot reach a dask scheduler at {scheduler} ({exc})") from None
    try:
        index_of = {}
        futures = []
        for index, params in todo:
            key = f"{kind}-cell-" + "-".join(map(str, index)) + f"-{seed}"
            future = client.submit(spec.cell, **params, **fixed, stream=cell_seed(seed, kind, params),
                                   key=key, pure=False, retries=3)
            index_of[future.key] = index
            futures.append(future)
        # as_completed must track the futures on this client's loop: by default it takes the loop of the
        # process's default client, and a future rescheduled after its worker died would then be awaited
        # on two loops ("bound to a different event loop")
        for future in as_completed(futures, loop=client.loop):
            finished(index_of[future.key], future.result())
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _Progress:
    def __init__(self, show: bool, total: int, already: int):
        self.show, self.total, self.already = show, total, already

    def __enter__(self):
        if self.show:
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
            self._bar = Progress(TextColumn("sweep"), BarColumn(), TextColumn("{task.completed}/{task.total} cells"),
                                 TimeRemainingColumn())
            self._bar.start()
            self._task = self._bar.add_task("sweep", total=self.total, completed=self.already)
        return self

    def advance(self):
        if self.show:
            self._bar.advance(self._task)

    def __exit__(self, *exc):
        if self.show:
            self._bar.stop()
        return False


def show(path: str | Path) -> dict:
    """Summary of a sweep store: its definition, dimensions, variables and progress."""
    import json
    import warnings

    import xarray as xr
    path = Path(path)
    if not path.exists():
        raise v.ParameterError("path", f"no sweep store at {path}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = xr.open_zarr(str(path), consolidated=False)
        definition = json.loads(ds.attrs["sweep"])
    except Exception as exc:                    # noqa: BLE001
        raise v.ParameterError("path", f"{path} is not a sweep store ({exc.__class__.__name__})") from None
    done = ds["done"].values
    return {"path": str(path), "kind": definition["kind"], "dims": {k: int(n) for k, n in ds["done"].sizes.items()},
            "coords": {k: [x if isinstance(x, str) else float(x) for x in ds[k].values.tolist()] for k in ds["done"].dims},
            "variables": sorted(name for name in ds.data_vars if name != "done"), "fixed": definition["fixed"],
            "seed": definition["seed"], "cells": int(done.size), "done": int(done.sum())}
