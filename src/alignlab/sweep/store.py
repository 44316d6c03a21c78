"""The sweep's Zarr store: created once with every cell empty, then written one cell at a time.

The store is an ordinary xarray Dataset in Zarr with consolidated metadata: one array per result
variable over the swept dimensions, a boolean ``done`` array, and the sweep's definition as JSON
in ``attrs["sweep"]``.

Crash safety. The empty store is built in a temporary sibling folder and renamed into place in one
step, so a store either exists whole or not at all, whenever the process is killed. Only the
process that drives the sweep writes, so cell writes need no locking; a cell marked done is
complete because its values are written before its flag. A store that cannot be read (damaged by
hand, or by a disk) is reported in one line with the way out: remove it and run again.
"""

from __future__ import annotations

import json
import os
import shutil
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
            existing = open_sweep(self.path, "out")
            if existing.attrs.get("sweep") != json.dumps(self.definition, sort_keys=True):
                raise ParameterError("out", f"{self.path} holds a different sweep; choose a new path or remove it")
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
        _remove_stale_drafts(self.path)
        tmp = self.path.with_name(f".{self.path.name}.creating-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds.to_zarr(str(tmp), mode="w-", consolidated=True)
            os.rename(tmp, self.path)         # atomic: the store appears whole or not at all
        except OSError as err:
            shutil.rmtree(tmp, ignore_errors=True)
            if self.path.exists():           # another process created it first: use theirs if it matches
                return
            raise ParameterError("out", f"cannot create the sweep store {self.path} ({err.strerror or err})") from None

    @property
    def done(self) -> np.ndarray:
        return self._done

    def write(self, index: tuple[int, ...], values: dict) -> None:
        for name in self.variables:
            self._group[name][index] = values[name]
        self._group["done"][index] = True
        self._done[index] = True

    def dataset(self) -> xr.Dataset:
        return open_sweep(self.path, "out").load()


def open_sweep(path: Path, param: str) -> xr.Dataset:
    """The sweep store at ``path`` as a Dataset (lazy); anything unreadable is one clear error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = xr.open_zarr(str(path), consolidated=True)
        definition = json.loads(ds.attrs["sweep"])
        if "done" not in ds or not isinstance(definition, dict) or "kind" not in definition:
            raise KeyError("done")
    except Exception as exc:                # noqa: BLE001 - any unreadable store is the same user error
        raise ParameterError(param, f"{path} is not a readable sweep store ({exc.__class__.__name__}); remove it "
                                    f"(rm -r {path}) and run the sweep again to start over") from None
    return ds


def _remove_stale_drafts(path: Path) -> None:
    """Remove drafts of this store left by creators that were killed (their process is gone)."""
    for draft in path.parent.glob(f".{path.name}.creating-*"):
        try:
            pid = int(draft.name.rsplit("-", 1)[1])
            os.kill(pid, 0)                   # still running: leave it
        except (ValueError, ProcessLookupError):
            shutil.rmtree(draft, ignore_errors=True)
        except PermissionError:
            pass


def _empty(dtype: str):
    return np.nan if np.dtype(dtype).kind == "f" else 0
