"""Validation at the boundary: one place that turns bad input into one clear sentence.

Every message names the parameter, what is allowed and what was given, so the CLI can print it
as a single line and exit with status 2, and library callers get the same text in a
:class:`ParameterError` (a :class:`ValueError`).
"""

from __future__ import annotations

import errno
import math
from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from pathlib import Path

import numpy as np


def renamed(old: str, new: str, value, given):
    """The value of keyword ``new``, or of its old spelling ``old`` (with a DeprecationWarning naming the new
    one) when only that was given; both at once is an error. ``given`` is what the old keyword received
    (``None``: not given)."""
    if given is None:
        return value
    if value is not None:
        raise ParameterError(new, f"give {new}= only ({old}= is its old spelling)")
    import warnings
    warnings.warn(f"{old}= is renamed {new}=; {old}= will be removed in the next release", DeprecationWarning,
                  stacklevel=3)
    return given


class ParameterError(ValueError):
    """A parameter is outside what is allowed. ``param`` names it."""

    def __init__(self, param: str, message: str):
        self.param = param
        super().__init__(f"{param}: {message}")


def real(param: str, value, *, low: float | None = None, high: float | None = None,
         low_open: bool = False, high_open: bool = False, allow_inf: bool = False) -> float:
    """Return ``value`` as a float after checking it is a real number in the stated range."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ParameterError(param, f"must be a number (got {_short(value)})") from None
    try:
        value = float(value)
    except OverflowError:                  # an integer beyond the double range
        raise ParameterError(param, f"must be finite{_range_text(low, high, low_open, high_open)} "
                                    f"(got {_short(value)})") from None
    if math.isnan(value):
        raise ParameterError(param, f"must be a number{_range_text(low, high, low_open, high_open)} (got nan)")
    if math.isinf(value) and not allow_inf:
        raise ParameterError(param, f"must be finite{_range_text(low, high, low_open, high_open)} (got {value})")
    if low is not None and (value < low or (low_open and value == low)):
        raise ParameterError(param, f"must be {_bound_text(low, high, low_open, high_open)} (got {_short(value)})")
    if high is not None and (value > high or (high_open and value == high)):
        raise ParameterError(param, f"must be {_bound_text(low, high, low_open, high_open)} (got {_short(value)})")
    return value


def _short(value) -> str:
    """``repr(value)``, cut to 60 characters: an error line stays one readable line."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 16:
        return _num(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:40] + f"...({len(text)} characters)"


def integer(param: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int; floats such as ``1e6`` are accepted when they are whole."""
    if isinstance(value, bool):
        raise ParameterError(param, f"must be an integer (got {value!r})")
    if isinstance(value, (Integral, np.integer)):
        result = int(value)
    else:
        try:
            as_float = float(value)
        except (TypeError, ValueError):
            raise ParameterError(param, f"must be an integer (got {_short(value)})") from None
        if not math.isfinite(as_float) or not as_float.is_integer():
            raise ParameterError(param, f"must be an integer{_range_text(low, high)} (got {_short(value)})")
        result = int(as_float)
    if (low is not None and result < low) or (high is not None and result > high):
        raise ParameterError(param, f"must be an integer {_bound_text(low, high)} (got {_short(result)})")
    return result


def probability(param: str, value) -> float:
    """A probability strictly inside (0, 1), as quantiles need."""
    return real(param, value, low=0.0, high=1.0, low_open=True, high_open=True)


def probabilities(param: str, values: Iterable | float) -> tuple[float, ...]:
    """Probabilities strictly inside (0, 1): one number, or several."""
    values = (values,) if isinstance(values, (Real, np.floating)) else tuple(values)
    if not values:
        raise ParameterError(param, "needs at least one value in (0, 1)")
    return tuple(probability(param, v) for v in values)


def choice(param: str, value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ParameterError(param, f"must be one of {', '.join(allowed)} (got {value!r})")
    return value


def _bound_text(low, high, low_open=False, high_open=False) -> str:
    if low is not None and high is not None:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        return f"in {left}{_num(low)}, {_num(high)}{right}"
    if low is not None:
        return f"{'>' if low_open else '>='} {_num(low)}"
    if high is not None:
        return f"{'<' if high_open else '<='} {_num(high)}"
    return "valid"


def _range_text(low, high, low_open=False, high_open=False) -> str:
    if low is None and high is None:
        return ""
    return " " + _bound_text(low, high, low_open, high_open)


def _num(x) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    if isinstance(x, int) and abs(x) >= 10 ** 16:
        return f"{float(x):g}" if abs(x) < 10 ** 308 else f"10^{len(str(abs(x))) - 1}"
    return str(x)


def scheduler_address(param: str, value) -> str | None:
    """None (local work), or the address of a running Dask scheduler such as ``tcp://HOST:8786``."""
    if value is None:
        return None
    text = str(value)
    if "://" not in text or text.endswith("://"):
        raise ParameterError(param, f"must be a dask scheduler address such as tcp://HOST:8786 (got {text[:60]!r})")
    return text


def output_file(param: str, path, suffixes: Sequence[str]) -> Path:
    """A file to be written: not empty, a known extension, its folder exists and is writable, and no
    folder stands where the file should go. Checked before any work starts."""
    text = "" if path is None else str(path)
    if not text.strip() or text.strip() == "-":
        raise ParameterError(param, f"must be a file name ending in {', '.join(suffixes)} (got {text!r})")
    p = Path(text)
    if p.suffix.lower() not in suffixes:
        raise ParameterError(param, f"must end in {', '.join(suffixes)} (got {text!r})")
    if path_kind(param, p) == "folder":
        raise ParameterError(param, f"{text} is a folder; give a file name ending in {', '.join(suffixes)}")
    _writable_parent(param, p)
    return p


def output_dir(param: str, path) -> Path:
    """A folder to write into (created if missing): not empty, not an existing file, its parent exists
    and is writable (or it exists and is writable). Checked before any work starts."""
    text = "" if path is None else str(path)
    if not text.strip() or text.strip() == "-":
        raise ParameterError(param, f"must be a folder name (got {text!r})")
    p = Path(text)
    kind = path_kind(param, p)
    if kind not in (None, "folder"):
        raise ParameterError(param, f"{text} is a file, not a folder")
    if kind == "folder":
        _probe(param, p)
        return p
    _writable_parent(param, p)
    return p


_ABSENT = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)    # nothing there (as Path.exists reads them)


def path_kind(param: str, path) -> str | None:
    """What stands at ``path``: "folder", "file" (or anything else that is not a folder), or None when
    nothing does. A path the system refuses to look up (a name too long, no permission to search a
    folder on the way) is the parameter's error, not an internal one."""
    import stat
    try:
        mode = Path(path).stat().st_mode
    except OSError as err:
        if err.errno in _ABSENT:
            return None
        raise refused_path(param, path, err) from None
    return "folder" if stat.S_ISDIR(mode) else "file"


def input_file(param: str, path, what: str = "file") -> Path:
    """``path`` as a :class:`~pathlib.Path` when a file stands there to be read; else the parameter's error:
    "cannot read {what}: no such file", "...: it is a folder", or the system's refusal (:func:`refused_path`)."""
    kind = path_kind(param, path)
    if kind is None:
        raise ParameterError(param, f"cannot read {what}: no such file")
    if kind == "folder":
        raise ParameterError(param, f"cannot read {what}: it is a folder")
    return Path(path)


def refused_path(param: str, path, err: OSError) -> ParameterError:
    """The parameter's error for a path the system refused (``err``), the path shortened to one line."""
    text = str(path)
    shown = text if len(text) <= 80 else f"{text[:40]}...{text[-20:]} ({len(text)} characters)"
    reason = "a name too long for this system" if err.errno == errno.ENAMETOOLONG else (err.strerror or err)
    return ParameterError(param, f"cannot use {shown}: {reason}")


def _writable_parent(param: str, p) -> None:
    parent = p.parent if str(p.parent) else type(p)(".")
    if path_kind(param, parent) != "folder":
        raise ParameterError(param, f"the folder {parent} does not exist (create it first)")
    _probe(param, parent)


def _probe(param: str, folder) -> None:
    """Write and remove a file in ``folder``: permissions say too little (root, /proc, read-only mounts)."""
    import tempfile
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".alignlab-probe-"):
            pass
    except OSError as err:
        raise ParameterError(param, f"cannot write into {folder} ({err.strerror or err})") from None
