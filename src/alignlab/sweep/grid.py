"""Grids of parameters: range syntax, cells, and seeds derived from coordinates."""

from __future__ import annotations

import hashlib
import itertools
import math
import struct
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v


MAX_AXIS = 10_000          # values on one axis of a grid


def parse_range(param: str, values, integer: bool = False) -> tuple:
    """Expand the values given after one flag into a tuple of numbers.

    Each value is a number (``0.5``, ``1e6``), ``a:b`` (a, a+1, ..., b) or ``a:b:k`` (k points
    spaced geometrically from a to b, rounded when ``integer``; a single number must then be whole).
    An axis holds at most :data:`MAX_AXIS` values, counted before any is made.
    """
    out: list[float] = []
    for item in values:
        text = str(item)
        if ":" not in text:
            value = _number(param, text)
            if integer and not value.is_integer():
                raise v.ParameterError(param, f"must be whole numbers (got {text!r})")
            out.append(value)
            continue
        parts = text.split(":")
        if len(parts) not in (2, 3):
            raise v.ParameterError(param, f"ranges are a:b or a:b:k (got {text!r})")
        a, b = _number(param, parts[0]), _number(param, parts[1])
        if b < a:
            raise v.ParameterError(param, f"range {text!r} must go upward (a <= b)")
        if len(parts) == 2:
            count = math.floor(b - a + 1e-9) + 1
            if count > MAX_AXIS:
                raise v.ParameterError(param, f"the range {text!r} has {count:.3g} values; an axis holds at most "
                                              f"{MAX_AXIS:,} (use a:b:k for k geometric points)")
            out.extend(a + i for i in range(int(count)))
        else:
            k = v.integer(param, parts[2], low=1, high=MAX_AXIS)
            if a <= 0:
                raise v.ParameterError(param, f"a geometric range a:b:k needs a > 0 (got {text!r})")
            out.extend(np.geomspace(a, b, k).tolist() if k > 1 else [a])
    if integer:
        out = [float(round(x)) for x in out]
    values = tuple(dict.fromkeys(out))          # keep order, drop repeats
    if not values:
        raise v.ParameterError(param, "needs at least one value")
    if len(values) > MAX_AXIS:
        raise v.ParameterError(param, f"has {len(values):,} values; an axis holds at most {MAX_AXIS:,}")
    return values


def _number(param: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise v.ParameterError(param, f"must be a number or a range a:b[:k] (got {text!r})") from None
    if not math.isfinite(value):
        raise v.ParameterError(param, f"must be finite (got {text!r})")
    return value


@dataclass(frozen=True)
class Grid:
    """Named coordinates; a cell is one combination of values."""

    names: tuple[str, ...]
    values: tuple[tuple, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(v_) for v_ in self.values)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def cells(self):
        """(index tuple, {name: value}) for every cell, in C order."""
        for index in itertools.product(*(range(n) for n in self.shape)):
            yield index, {name: vals[i] for name, vals, i in zip(self.names, self.values, index)}


def cell_seed(seed: int, kind: str, params: dict) -> np.random.SeedSequence:
    """A stream for one cell, keyed by the sweep kind and the cell's coordinate values only."""
    key = [_key(kind)]
    for name in sorted(params):
        key.append(_key(name))
        key.append(_key(params[name]))
    return np.random.SeedSequence(seed, spawn_key=tuple(key))


def _key(value) -> int:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = float(value)
    if isinstance(value, (float, np.floating)):
        return struct.unpack("<Q", struct.pack("<d", float(value)))[0]
    return int.from_bytes(hashlib.sha256(str(value).encode()).digest()[:8], "little")
