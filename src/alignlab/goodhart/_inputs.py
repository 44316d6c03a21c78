"""Lists of numbers at the boundary: thresholds, sizes, penalty weights. One clear error each."""

from __future__ import annotations

import numpy as np

from alignlab import _validate as v
from alignlab._validate import ParameterError


def _values(param: str, values) -> np.ndarray:
    out = np.atleast_1d(np.asarray(values, dtype=object)).ravel()
    if out.size == 0:
        raise ParameterError(param, "needs at least one value")
    return out


def reals(param: str, values, **bounds) -> np.ndarray:
    """Each value checked by :func:`alignlab._validate.real` (finite, within ``bounds``)."""
    return np.array([v.real(param, x, **bounds) for x in _values(param, values)], dtype=float)


def integers(param: str, values, low: int, high: int) -> np.ndarray:
    return np.array([v.integer(param, x, low=low, high=high) for x in _values(param, values)], dtype=np.int64)
