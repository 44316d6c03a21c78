"""What every result's table must be (issue 23): tidy rows of single values, a short repr, an HTML table."""

from __future__ import annotations

import numpy as np

from alignlab._results import REPR_CHARACTERS, Result


def assert_tidy(result: Result, rows: int | None = None):
    """``result.to_pandas()`` has at least one row (exactly ``rows`` when given) and no cell holding a list,
    a dict or an array; ``repr`` is one short line; a notebook shows a table. Returns the table."""
    table = result.to_pandas()
    name = type(result).__name__
    assert len(table) >= 1 and (rows is None or len(table) == rows), f"{name}: {len(table)} rows"
    for column in table.columns:
        nested = [x for x in table[column] if isinstance(x, (list, tuple, dict, np.ndarray))]
        assert not nested, f"{name}: column {column!r} holds {type(nested[0]).__name__} values"
    text = repr(result)
    assert "\n" not in text and len(text) <= REPR_CHARACTERS, f"{name}: repr of {len(text)} characters"
    assert "<table" in result._repr_html_()
    return table
