"""Result objects: small frozen dataclasses that round-trip through plain data and print as strict JSON.

Every result of alignlab is a frozen dataclass with the :class:`Result` mixin:

* ``to_dict()`` gives every field as plain Python data (dicts, lists, numbers, strings, None), nested
  results included, non-finite floats kept as ``inf``/``nan``; ``type(r).from_dict(r.to_dict())``
  rebuilds ``r`` (tuples, numpy arrays, enums and nested results from the field types).
* ``to_json()`` is what ``--json`` prints: the same, with ``inf``/``nan`` written as ``null`` (JSON
  has neither) and bulky per-sample fields (``field(metadata=BULK)``) left out. A result that can be
  infinite says so in its own fields (``mean_subtask_time`` is ``inf`` in Python and ``null`` in
  JSON, with ``regime`` explaining why).
* ``to_pandas()`` is a tidy table (one row per natural unit: per agent and curve, per claim, per check,
  per point of a curve). A result states its rows in ``_rows()`` (a list of flat dicts); the default
  takes the ``to_json()`` fields, flattened with dotted names, and makes one row per entry of its
  equal-length lists (a curve's points) or of its one list of records, repeating the other fields.
* ``repr(result)`` is one short line (a result can hold thousands of numbers); in a notebook a result
  shows as its table (``_repr_html_``).
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from enum import Enum
from pathlib import Path

import numpy as np

BULK = {"bulk": True}        # field metadata: per-sample data, kept by to_dict, left out of to_json


def plain(value):
    """Results, numpy values, tuples, enums and paths as plain Python data; floats unchanged."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "to_dict"):
            return value.to_dict()
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return value


def jsonable(value):
    """Like :func:`plain`, with non-finite floats as ``None`` (strict JSON); results give their ``to_json``."""
    if isinstance(value, Result):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    value = plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


REPR_CHARACTERS = 240         # a result's repr stays one readable line
HTML_ROWS = 60                # rows a notebook shows of a result's table


class Result:
    """Mixin for frozen dataclass results (see the module docstring)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # in the class's own namespace, so that @dataclass keeps it instead of writing its long __repr__
        if "__repr__" not in cls.__dict__:
            cls.__repr__ = Result._short_repr

    def _short_repr(self) -> str:
        parts = []
        for f in _fields(self):
            value = getattr(self, f.name)
            parts.append(f"{f.name}={_short_value(value)}")
        text = f"{type(self).__name__}({', '.join(parts)})"
        return text if len(text) <= REPR_CHARACTERS else text[:REPR_CHARACTERS - len(" ...)")] + " ...)"

    def _rows(self) -> list[dict]:
        """The rows of :meth:`to_pandas` (see the module docstring); results with a natural unit override it."""
        return tidy_rows(self.to_json())

    def to_pandas(self):
        """This result as a tidy :class:`pandas.DataFrame` (see the module docstring)."""
        import pandas as pd
        return pd.DataFrame(self._rows())

    def _repr_html_(self) -> str:
        table = self.to_pandas()
        shown = table.head(HTML_ROWS).to_html(index=False, na_rep="-", float_format=lambda x: f"{x:.6g}")
        more = f"<p>{len(table) - HTML_ROWS} more rows: <code>.to_pandas()</code></p>" if len(table) > HTML_ROWS else ""
        return f"<p><b>{type(self).__name__}</b></p>{shown}{more}"

    def to_dict(self) -> dict:
        return {f.name: plain(getattr(self, f.name)) for f in _fields(self)}

    def to_json(self) -> dict:
        return {f.name: jsonable(getattr(self, f.name)) for f in _fields(self) if not f.metadata.get("bulk")}

    @classmethod
    def from_dict(cls, data: dict):
        """Rebuild a result from :meth:`to_dict` output (field types decide tuples, arrays, enums, results)."""
        if not isinstance(data, dict):
            raise ValueError(f"{cls.__name__}.from_dict needs a dict (got {type(data).__name__})")
        hints = _hints(cls)
        values = {}
        for f in _fields(cls):
            if f.name in data:
                values[f.name] = _build(hints.get(f.name, typing.Any), data[f.name])
        return cls(**values)


def _short_value(value, depth: int = 0) -> str:
    if isinstance(value, Result):
        return f"{type(value).__name__}(...)"
    if isinstance(value, (list, tuple, np.ndarray)):
        if len(value) > 3 or depth:
            return f"[{len(value)} items]"
        inner = ", ".join(_short_value(v, depth + 1) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    if isinstance(value, dict):
        if len(value) > 3 or depth:
            return f"{{{len(value)} keys}}"
        return "{" + ", ".join(f"{k!r}: {_short_value(v, depth + 1)}" for k, v in value.items()) + "}"
    if isinstance(value, (float, np.floating)):
        return f"{value:.6g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:50] + "..."


def flatten(record: dict, prefix: str = "") -> dict:
    """Nested dicts as one flat dict with dotted keys (lists are kept as values)."""
    out = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def tidy_rows(data: dict) -> list[dict]:
    """Rows of a table from plain data: one per entry of the longest equal-length lists of numbers or
    strings, or of the one list of records (dicts); every other field repeated on each row."""
    flat = flatten(data)
    records = [k for k, v in flat.items() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
    if len(records) == 1:
        base = {k: v for k, v in flat.items() if k != records[0] and not isinstance(v, list)}
        return [{**base, **flatten(item)} for item in flat[records[0]]]
    columns = {k: v for k, v in flat.items() if isinstance(v, list) and v
               and all(not isinstance(x, (dict, list)) for x in v)}
    if columns:
        length = max(len(v) for v in columns.values())
        along = {k: v for k, v in columns.items() if len(v) == length}
        base = {k: v for k, v in flat.items() if k not in along}
        return [{**base, **{k: v[i] for k, v in along.items()}} for i in range(length)]
    return [flat]


def _fields(obj):
    return [f for f in dataclasses.fields(obj) if f.init and not f.name.startswith("_")]


def _hints(cls) -> dict:
    try:
        return typing.get_type_hints(cls)
    except Exception:                       # noqa: BLE001 - a hint that cannot be resolved: take values as they are
        return {}


def _build(hint, value):
    """``value`` (plain data) as the type ``hint`` describes."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        for option in options:
            try:
                return _build(option, value)
            except (TypeError, ValueError, KeyError):
                continue
        return value
    if hint is typing.Any or hint is None:
        return value
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in value)
        if args:
            return tuple(_build(a, v) for a, v in zip(args, value))
        return tuple(value)
    if origin is list:
        return [_build(args[0] if args else typing.Any, v) for v in value]
    if origin is dict:
        key, inner = args if len(args) == 2 else (typing.Any, typing.Any)
        as_key = key if key in (float, int) else (lambda k: k)      # JSON keys are strings: "0.5" -> 0.5
        return {as_key(k): _build(inner, v) for k, v in value.items()}
    if isinstance(hint, type):
        if issubclass(hint, Result):
            return hint.from_dict(value)
        if dataclasses.is_dataclass(hint):
            field_hints = _hints(hint)
            return hint(**{k: _build(field_hints.get(k, typing.Any), v) for k, v in value.items()})
        if issubclass(hint, Enum):
            return hint(value)
        if hint is np.ndarray:
            return np.asarray(value, dtype=float)
        if hint is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"expected a number (got {value!r})")
            return float(value)
        if hint is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"expected an integer (got {value!r})")
            return value
        if hint is bool:
            if not isinstance(value, bool):
                raise TypeError(f"expected a boolean (got {value!r})")
            return value
        if hint is str:
            if not isinstance(value, str):
                raise TypeError(f"expected a string (got {value!r})")
            return value
        if hint is Path:
            return Path(value)
    return value
