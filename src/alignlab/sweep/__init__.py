"""Parameter sweeps as Dask tasks, written cell by cell to one labelled xarray Dataset in Zarr.

``run_sweep(spec, out)`` runs every cell of a :class:`Grid` (one Dask task each, through
:func:`alignlab._executor.ordered_map`: a local Dask cluster of worker processes, or a running
scheduler), writes each finished cell into the store at once, and skips finished cells when run
again. Per-cell seeds come from the cell's coordinates, so a result never depends on scheduling or on
which other cells exist.
"""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "Grid": "grid", "SweepResult": "runner", "SweepStore": "store", "parse_range": "grid", "run_sweep": "runner",
    "show": "runner",
})
