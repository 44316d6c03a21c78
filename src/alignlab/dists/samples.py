"""Samples read from files, and the empirical law they define.

:func:`load_samples` is the one reader of samples in alignlab (``tails`` diagnoses them,
``goodhart --error-samples`` draws from them): a file (``.npy``, ``.csv`` / ``.txt`` with one column or
a named one, ``.parquet``), a shipped data set by name (``"starling-llama"``, :mod:`alignlab.data`), or
data in memory: a numpy array, a pandas Series, or a DataFrame with ``column=``. Every problem is a
:class:`~alignlab._validate.ParameterError` naming the file (or ``param``), with the line for text
files: unreadable files, non-numeric or complex values, no values, NaN or infinite values (counted;
dropped only with ``drop_nonfinite=True``). Samples are numbers: a bool column (``True``/``False``)
is refused, not read as 0 and 1, since a sample of indicators has no tail to speak of; pandas'
nullable columns (``Int64``, ``Float64``) are read with their missing values as NaN. Nothing read can
run code (``allow_pickle=False``).

:class:`EmpiricalSamples` draws with replacement from such a sample. Its law has a bounded tail, so
only Monte Carlo methods accept it: its tail class says nothing about the law it was drawn from
(estimate that with :mod:`alignlab.tails`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np

from alignlab._results import Result
from alignlab._validate import ParameterError, input_file

FORMATS = (".npy", ".csv", ".txt", ".parquet")


@dataclass(frozen=True)
class Samples(Result):
    """Values read from ``source``; ``dropped`` non-finite values were removed on request."""

    source: str
    column: str | None
    values: np.ndarray
    dropped: int = 0

    def to_dict(self) -> dict:
        return {"source": self.source, "column": self.column, "n": int(self.values.size), "dropped": self.dropped}

    def _rows(self) -> list[dict]:
        """One row per value."""
        return [{"value": float(x)} for x in self.values]


def load_samples(data, column: str | None = None, drop_nonfinite: bool = False, *,
                 param: str | None = None) -> Samples:
    """Read one column of numbers from ``data`` (a path, a shipped data set's name, a numpy array, a pandas
    Series or DataFrame) and check it (see the module docstring); errors name ``param`` (default: the file
    itself, or ``samples`` for data in memory)."""
    if isinstance(data, (str, PathLike)):
        values, lines, source = _read_file(data, column, param)
        name = param or source
    else:
        name = param or "samples"
        values, source = sample_values(data, column, name)
        lines = None
    bad = ~np.isfinite(values)
    dropped = 0
    if bad.any():
        n_nan = int(np.isnan(values).sum())
        where = _where(np.flatnonzero(bad), lines)
        if not drop_nonfinite:
            raise ParameterError(name, f"{n_nan} NaN or missing and {int(bad.sum()) - n_nan} infinite values "
                                       f"({where}); pass drop_nonfinite=True to drop them")
        dropped = int(bad.sum())
        values = values[~bad]
    if values.size == 0:
        raise ParameterError(name, "holds no values")
    return Samples(source, column, values, dropped)


def _read_file(path, column: str | None, param: str | None):
    """(values, the line of each or None, the source's name) of a file or a shipped data set."""
    from alignlab.data.catalogue import NAMES, resolve
    shipped = path if isinstance(path, str) and path in NAMES else None
    path = resolve(path, param or "samples")
    name = (shipped or str(path)) if param is None else param
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ParameterError(name, f"unknown file type {suffix or '(none)'!r}; use one of {', '.join(FORMATS)}")
    input_file(name, path)
    if suffix == ".npy":
        values, lines = _read_npy(path, name, column), None
    elif suffix == ".parquet":
        values, lines = _read_parquet(path, name, column), None
    else:
        values, lines = _read_text(path, name, column, delimiter="," if suffix == ".csv" else None)
    return values, lines, shipped or str(path)


def sample_values(data, column: str | None = None, param: str = "samples") -> tuple[np.ndarray, str]:
    """The numbers of ``data`` in memory as a float64 array, and a name for where they came from: a numpy
    array (one column, or the field ``column`` of a structured array), a pandas Series, or the ``column``
    of a DataFrame (needed when it has several). NaN stays NaN (missing values of nullable columns too);
    bool, text and complex values are refused."""
    if _is_pandas(data, "DataFrame"):
        names = [str(c) for c in data.columns]
        if column is None:
            if len(names) != 1:
                raise ParameterError(param, f"is a DataFrame with {len(names)} columns ({_listed(names)}); choose "
                                            f"one with column='NAME'")
            column = data.columns[0]
        elif column not in data.columns:
            raise ParameterError(param, f"has no column {column!r} (columns: {_listed(names)})")
        return _pandas_values(data[column], param, f"column {str(column)!r}"), f"DataFrame column {str(column)!r}"
    if _is_pandas(data, "Series"):
        if column is not None:
            raise ParameterError(param, f"is a Series, which has no columns; drop column={column!r}")
        label = f"Series {str(data.name)!r}" if data.name is not None else "Series"
        return _pandas_values(data, param, "the Series"), label
    try:
        array = np.asarray(data)
    except (TypeError, ValueError):
        raise ParameterError(param, f"must be numbers: an array, a pandas Series or a DataFrame with column= "
                                    f"(got {type(data).__name__})") from None
    if array.dtype == object:
        try:
            array = np.asarray(data, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(param, f"must hold numbers only (got {type(data).__name__} of mixed values)") from None
    return _array_values(array, param, column), "array"


def _is_pandas(data, kind: str) -> bool:
    """Whether ``data`` is a pandas ``kind`` (pandas is imported only when it is one)."""
    return type(data).__module__.split(".")[0] == "pandas" and type(data).__name__ == kind


def _listed(names) -> str:
    return ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")


def _pandas_values(series, param: str, what: str) -> np.ndarray:
    import pandas as pd
    if pd.api.types.is_bool_dtype(series.dtype):
        raise ParameterError(param, f"{what} holds True/False values: samples must be numbers (a bool column is "
                                    f"not read as 0 and 1; cast it on purpose if that is meant)")
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_complex_dtype(series.dtype):
        raise ParameterError(param, f"{what} must hold real numbers (got dtype {series.dtype})")
    return series.to_numpy(dtype=float, na_value=np.nan)


def _array_values(array: np.ndarray, name: str, column: str | None) -> np.ndarray:
    """One column of real numbers from a numpy array (a field of a structured one)."""
    if array.dtype.names:
        if column is None:
            raise ParameterError(name, f"has fields {', '.join(array.dtype.names)}; choose one with column='NAME'")
        if column not in array.dtype.names:
            raise ParameterError(name, f"has no field {column!r} (fields: {', '.join(array.dtype.names)})")
        array = array[column]
    elif column is not None:
        raise ParameterError(name, f"is a plain array without named columns; drop column={column!r}")
    if array.dtype == bool:
        raise ParameterError(name, "holds True/False values: samples must be numbers (got dtype bool)")
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise ParameterError(name, f"must hold real numbers (got dtype {array.dtype})")
    if array.size == 0:
        raise ParameterError(name, "holds no values")
    squeezed = np.squeeze(array)
    if squeezed.ndim != 1:
        raise ParameterError(name, f"must hold one column of numbers (got shape {array.shape})")
    return squeezed.astype(float)


def _where(indices: np.ndarray, lines: np.ndarray | None) -> str:
    shown = indices[:5]
    if lines is None:
        text = "index " + ", ".join(str(int(i)) for i in shown)
    else:
        text = "line " + ", ".join(str(int(lines[i])) for i in shown)
    return text + (", ..." if indices.size > shown.size else "")


def _read_npy(path: Path, name: str, column: str | None) -> np.ndarray:
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as err:       # EOFError: an empty or truncated file
        raise ParameterError(name, f"cannot read file as .npy: {err}") from None
    return _array_values(array, name, column)


def _read_parquet(path: Path, name: str, column: str | None) -> np.ndarray:
    import pyarrow as pa                       # the [parquet] extra: missing, the command names it
    import pyarrow.parquet as pq
    try:
        table = pq.read_table(path)
    except Exception as err:  # pyarrow raises several unrelated types for a bad file
        raise ParameterError(name, f"cannot read file as parquet: {err}") from None
    names = table.column_names
    if column is None:
        if len(names) != 1:
            raise ParameterError(name, f"has {len(names)} columns ({', '.join(names)}); choose one with column='NAME'")
        column = names[0]
    if column not in names:
        raise ParameterError(name, f"has no column {column!r} (columns: {', '.join(names)})")
    chunked = table.column(column)
    if not (pa.types.is_integer(chunked.type) or pa.types.is_floating(chunked.type)):
        raise ParameterError(name, f"column {column!r} must hold numbers (got {chunked.type})")
    return np.asarray(chunked.to_numpy(zero_copy_only=False), dtype=float)   # nulls become NaN


def _read_text(path: Path, name: str, column: str | None, delimiter: str | None):
    """Numbers from a text table; returns the values and the 1-based line each came from."""
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as err:
        raise ParameterError(name, f"cannot read file as text: {err}") from None
    rows = [(number, _split(line, delimiter)) for number, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        raise ParameterError(name, "holds no values")
    header = None
    first_line, first_fields = rows[0]
    if not all(_is_number(f) for f in first_fields):
        header, rows = [f.strip() for f in first_fields], rows[1:]
    width = len(header) if header else len(rows[0][1]) if rows else 1
    if column is not None:
        if header is None:
            raise ParameterError(name, f"has no header line, so column={column!r} cannot be found")
        if column not in header:
            raise ParameterError(name, f"has no column {column!r} (columns: {', '.join(header)})")
        index = header.index(column)
    elif width != 1:
        names = ", ".join(header) if header else f"{width} unnamed"
        raise ParameterError(name, f"has {width} columns ({names}); choose one with column='NAME'")
    else:
        index = 0
    values = np.empty(len(rows))
    lines = np.empty(len(rows), dtype=np.int64)
    for i, (number, fields) in enumerate(rows):
        if index >= len(fields):
            raise ParameterError(name, f"line {number}: has {len(fields)} fields, column {index + 1} is missing")
        field = fields[index].strip()
        if field == "":
            values[i] = math.nan      # a missing value counts with the NaNs
        else:
            try:
                values[i] = float(field)
            except ValueError:
                raise ParameterError(name, f"line {number}: {field!r} is not a number") from None
        lines[i] = number
    return values, lines


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        delimiter = "," if "," in line else None
    return line.split(delimiter) if delimiter else line.split()


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class EmpiricalSamples:
    """Draws with replacement from a fixed sample."""

    def __init__(self, values, name: str = "samples", param: str = "samples"):
        values = np.asarray(values, dtype=float).ravel()
        if values.size < 2:
            raise ParameterError(param, f"needs at least 2 values (got {values.size})")
        if not np.isfinite(values).all():
            raise ParameterError(param, f"must hold finite numbers only (got {int((~np.isfinite(values)).sum())} "
                                        "nan or inf values)")
        self.values = values
        self.name = name

    @classmethod
    def read(cls, data, column: str | None = None, param: str | None = None,
             drop_nonfinite: bool = False) -> EmpiricalSamples:
        """The empirical law of the numbers in ``data``: a file (one column, or ``column`` of a table), a
        shipped data set's name, a numpy array, a pandas Series or a DataFrame's ``column`` (see
        :func:`load_samples`; errors name ``param``, by default the file, or ``samples`` in memory)."""
        samples = load_samples(data, column, drop_nonfinite, param=param)
        from_file = isinstance(data, (str, PathLike))
        return cls(samples.values, Path(samples.source).name if from_file else samples.source,
                   param or (samples.source if from_file else "samples"))

    @property
    def spec(self) -> str:
        return f"samples({self.name}, n={self.values.size})"

    @property
    def mean(self) -> float:
        return float(self.values.mean())

    @property
    def median(self) -> float:
        return float(np.median(self.values))

    def rvs(self, size, rng: np.random.Generator) -> np.ndarray:
        return self.values[rng.integers(0, self.values.size, size=size)]

    def __repr__(self) -> str:
        return f"EmpiricalSamples({self.spec})"
