"""The sweep's Zarr store: created once with every cell empty, then written one cell at a time.

The store is an ordinary xarray Dataset in Zarr: one array per result variable over the swept
dimensions, a boolean ``done`` array, and the sweep's definition as JSON in ``attrs["sweep"]``.
Only the process that drives the sweep writes, so cell writes need no locking; a cell marked done
is complete because its values are written before its flag.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import xarray as xr
import zarr

from alignlab._validate import ParameterError
from alignlab.sweep.grid import Grid


class SweepStore:
    def __init__(self, path: str | Path, grid: Grid, variables: dict[str, str], definition: dict):
        self.path = Path(path)
        self.grid = grid
        self.variables = variables            # name -> numpy dtype string
        self.definition = definition
        if self.path.exists():
            self._check_matches()
        else:
            self._create()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._group = zarr.open_group(str(self.path), mode="r+")
        self._done = np.asarray(self._group["done"][...], dtype=bool)

    def _create(self) -> None:
        dims = self.grid.names
        data = {name: (dims, np.full(self.grid.shape, _empty(dtype), dtype=dtype))
                for name, dtype in self.variables.items()}
        data["done"] = (dims, np.zeros(self.grid.shape, dtype=bool))
        coords = {name: list(values) for name, values in zip(dims, self.grid.values)}
        ds = xr.Dataset(data, coords=coords, attrs={"sweep": json.dumps(self.definition, sort_keys=True)})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds.to_zarr(str(self.path), mode="w-", consolidated=False)

    def _check_matches(self) -> None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                existing = xr.open_zarr(str(self.path), consolidated=False)
        except Exception as exc:                # noqa: BLE001 - any unreadable store is the same user error
            raise ParameterError("out", f"{self.path} exists and is not a sweep store ({exc.__class__.__name__})") \
                from None
        if existing.attrs.get("sweep") != json.dumps(self.definition, sort_keys=True):
            raise ParameterError("out", f"{self.path} holds a different sweep; choose a new path or remove it")

    @property
    def done(self) -> np.ndarray:
        return self._done

    def write(self, index: tuple[int, ...], values: dict) -> None:
        for name in self.variables:
            self._group[name][index] = values[name]
        self._group["done"][index] = True
        self._done[index] = True

    def dataset(self) -> xr.Dataset:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return xr.open_zarr(str(self.path), consolidated=False).load()


def _empty(dtype: str):
    return np.nan if np.dtype(dtype).kind == "f" else 0
