"""Result objects: small frozen dataclasses with a ``to_dict`` that ``--json`` prints.

JSON has no infinity or NaN, so ``to_dict`` writes both as ``null``; a result that can be
infinite says so in its own fields (for example ``mean_subtask_time`` is ``inf`` in Python and
``null`` in JSON, with ``regime`` explaining why).
"""

from __future__ import annotations

import dataclasses
import math
from enum import Enum
from pathlib import Path

import numpy as np


def jsonable(value):
    """Convert results, numpy values, tuples and non-finite floats to plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "to_dict"):
            return value.to_dict()
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


class Result:
    """Mixin for frozen dataclass results."""

    def to_dict(self) -> dict:
        return {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)
                if not f.name.startswith("_")}
