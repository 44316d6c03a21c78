"""Run a sweep: one task per missing cell through the executor (:func:`alignlab._executor.ordered_map`: a local
Dask cluster, a running scheduler, or this process), each result written to the store as it finishes."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from alignlab import _validate as v
from alignlab._executor import ordered_map
from alignlab._results import Result
from alignlab._limits import check_memory, check_work
from alignlab._progress import tracker
from alignlab.systems import sweep_kinds
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


MAX_CELLS = 100_000          # cells per sweep unless max_work says otherwise
RETRIES = 3                  # a cell whose worker died is run again, up to this many times
IN_FLIGHT = 4096             # cells submitted ahead of the oldest unfinished one: cells differ in cost, and a
                             # slow one must not leave the workers idle (their results are a few numbers each)


def run_sweep(kind: str, grid: Grid, fixed: dict, out: str | Path, seed: int = 0, scheduler: str | None = None,
              workers: int | None = None, progress=False, on_cell=None, max_work: float | None = None) -> SweepResult:
    """Compute every cell of ``grid`` not yet done in ``out``.

    ``scheduler``: None for a local Dask cluster of ``workers`` processes (default: one per
    core), ``"serial"`` to compute in this process, or the address of a running dask scheduler. A cell
    whose worker died runs again (up to :data:`RETRIES` times); cells are seeded from their coordinates,
    so the numbers do not depend on where they ran.
    ``on_cell(done_count)`` is called after each cell is written (tests use it to kill a worker).
    ``progress``: ``False``, ``True`` (a bar) or ``callable(done, total, description)`` over cells.
    ``max_work`` raises the limit of :data:`MAX_CELLS` cells on purpose; memory is checked too.
    """
    kinds = sweep_kinds()
    spec = kinds.get(kind)
    if spec is None:
        raise v.ParameterError("kind", f"must be one of {', '.join(kinds)} (got {kind!r})")
    seed = v.integer("seed", seed, low=0)
    v.output_dir("out", out)
    if not str(out).rstrip("/").endswith(".zarr"):
        raise v.ParameterError("out", f"must be a Zarr store, a folder name ending in .zarr (got {str(out)!r})")
    if scheduler != "serial":
        scheduler = v.scheduler_address("scheduler", scheduler)
    if workers is not None:
        workers = v.integer("workers", workers, low=1, high=1024)
    check_work("cells", grid.size, MAX_CELLS, "grid cells", max_work)
    check_memory("cells", grid.size * (len(spec.variables) + 1) * 8 * 3, f"a grid of {grid.size:,} cells")
    definition = {"kind": kind, "dims": list(grid.names), "coords": [list(x) for x in grid.values],
                  "fixed": fixed, "seed": seed}
    store = SweepStore(out, grid, {name: "f8" for name in spec.variables}, definition)
    todo = [(index, params) for index, params in grid.cells() if not store.done[index]]
    start = time.perf_counter()
    label = "serial" if scheduler == "serial" else (scheduler or "local")
    with tracker(progress, grid.size, f"sweep {kind}") as bar:
        bar.update(grid.size - len(todo))

        def finished(i, values):
            store.write(todo[i][0], values)
            bar.advance()
            if on_cell is not None:
                on_cell(int(store.done.sum()))

        cells = [(spec.cell, {**params, **fixed, "stream": cell_seed(seed, kind, params)}) for _, params in todo]
        for _ in ordered_map(_compute, cells, workers=1 if scheduler == "serial" else workers,
                             scheduler=None if scheduler == "serial" else scheduler or "local", on_done=finished,
                             retries=RETRIES, in_flight=IN_FLIGHT):
            pass                                    # each cell was written by ``finished`` as it came in
    return SweepResult(str(out), kind, dict(zip(grid.names, grid.shape)), grid.size, int(store.done.sum()),
                       len(todo), time.perf_counter() - start, label)


def _compute(cell):
    """One grid cell: ``(function, keyword arguments)`` -> the function's values (runs on a worker)."""
    function, arguments = cell
    return function(**arguments)


def show(path: str | Path) -> dict:
    """Summary of a sweep store: its definition, dimensions, variables and progress."""
    import json

    from alignlab.sweep.store import open_sweep
    path = Path(path)
    if v.path_kind("path", path) is None:
        raise v.ParameterError("path", f"no sweep store at {path}")
    ds = open_sweep(path, "path")
    definition = json.loads(ds.attrs["sweep"])
    done = ds["done"].values
    return {"path": str(path), "kind": definition["kind"], "dims": {k: int(n) for k, n in ds["done"].sizes.items()},
            "coords": {k: [x if isinstance(x, str) else float(x) for x in ds[k].values.tolist()] for k in ds["done"].dims},
            "variables": sorted(name for name in ds.data_vars if name != "done"), "fixed": definition.get("fixed"),
            "seed": definition.get("seed"), "cells": int(done.size), "done": int(done.sum())}
