"""Round trips of results through plain data, as the report cache makes them, and the result types a value holds."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np

from alignlab._results import Result


def assert_round_trips(result: Result) -> Result:
    """``type(r).from_dict(r.to_dict())`` through JSON (the report cache's path) rebuilds ``result``: equal with
    ``==`` where no field holds NaN (NaN is never equal to itself), and field by field always, arrays and
    the fields left out of ``==`` included. Returns the rebuilt result."""
    data = json.loads(json.dumps(result.to_dict()))
    rebuilt = type(result).from_dict(data)
    assert_same(rebuilt, result, type(result).__name__)
    if not _has_nan(data):
        assert rebuilt == result
    json.dumps(result.to_json(), allow_nan=False)          # --json is strict JSON
    return rebuilt


def assert_same(got, want, where: str) -> None:
    """``got`` equals ``want`` in type and value, recursively (NaN equals NaN)."""
    if dataclasses.is_dataclass(want):
        assert type(got) is type(want), where
        for f in dataclasses.fields(want):
            assert_same(getattr(got, f.name), getattr(want, f.name), f"{where}.{f.name}")
    elif isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray), where
        np.testing.assert_array_equal(got, want, err_msg=where)
    elif isinstance(want, (tuple, list)):
        assert type(got) is type(want) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, dict):
        assert isinstance(got, dict) and set(got) == set(want), where
        for key in want:
            assert_same(got[key], want[key], f"{where}[{key!r}]")
    elif isinstance(want, (bool, np.bool_)):
        assert isinstance(got, bool) and got == want, where
    elif isinstance(want, (float, np.floating)):
        assert isinstance(got, float) and (got == want or (math.isnan(got) and math.isnan(want))), where
    elif isinstance(want, (int, np.integer)):
        assert isinstance(got, int) and got == want, where
    else:
        assert got == want, where


def result_types(value) -> set[type]:
    """The Result classes in ``value`` and everything it holds."""
    found = set()
    if isinstance(value, Result):
        found.add(type(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            found |= result_types(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            found |= result_types(item)
    elif isinstance(value, dict):
        for item in value.values():
            found |= result_types(item)
    return found


def defined_results(package) -> set[type]:
    """Every Result class defined in the modules of ``package`` (imported here)."""
    import importlib
    import pkgutil
    found = set()
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Result) and value.__module__ == module.__name__:
                found.add(value)
    return found


def _has_nan(data) -> bool:
    if isinstance(data, float):
        return math.isnan(data)
    if isinstance(data, dict):
        return any(_has_nan(v) for v in data.values())
    if isinstance(data, list):
        return any(_has_nan(v) for v in data)
    return False
