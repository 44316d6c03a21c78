"""Release dates: reading them, checking them, and the day numbers that trends are fitted in.

Dates are calendar dates written ``YYYY-MM-DD``. Trends work in days, :func:`day` (the proleptic
Gregorian ordinal, day 1 = 0001-01-01) and years of :data:`DAYS_PER_YEAR` days; :func:`iso` turns a
day number back into a date (None where there is none: a trend that never gets there, or a date after
9999-12-31). Every problem is a :class:`~alignlab._validate.ParameterError` that names the file and
the line (the header is line 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re

from alignlab._validate import ParameterError, input_file

DAYS_PER_YEAR = 365.25
AGENT_COLUMNS = ("alias", "model", "agent")     # names the agent column of a release-dates file may have
DATE_COLUMN = "release_date"
_LAST_DAY = dt.date.max.toordinal()
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(param: str, text) -> dt.date:
    """``text`` (``YYYY-MM-DD``, nothing else) as a date."""
    value = str(text).strip()
    if _ISO.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ParameterError(param, f"must be a date YYYY-MM-DD (got {value[:40]!r})")


def day(date: dt.date) -> float:
    """The day number of ``date``."""
    return float(date.toordinal())


def iso(day_number: float) -> str | None:
    """The date of a (real) day number, rounded to the nearest day; None where it is not finite or not a
    calendar date (before year 1 or after 9999)."""
    if not math.isfinite(day_number):
        return None
    whole = round(day_number)
    if not 1 <= whole <= _LAST_DAY:
        return None
    return dt.date.fromordinal(whole).isoformat()


def read_csv(path, what: str) -> tuple[str, list[str], list[dict]]:
    """The header and rows of the CSV file ``path`` (or a shipped data set's name; ``what`` it should hold,
    for the messages)."""
    from alignlab.data.catalogue import NAMES, resolve
    name = path if isinstance(path, str) and path in NAMES else str(path)
    path = resolve(path, what)
    input_file(name, path, what)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as err:
        raise ParameterError(name, f"cannot read {what} as CSV: {err}") from None
    if not rows:
        raise ParameterError(name, f"holds no {what} (the file is empty)")
    return name, header, rows


def require_columns(name: str, header: list[str], columns) -> None:
    missing = [c for c in columns if c not in header]
    if missing:
        raise ParameterError(name, f"missing column {missing[0]!r} (columns found: {', '.join(header) or 'none'})")


def row_date(name: str, line: int, text) -> dt.date:
    """The release date of CSV line ``line`` of file ``name``."""
    if text is None or not str(text).strip():
        raise ParameterError(name, f"line {line}: {DATE_COLUMN} is empty (a date YYYY-MM-DD is needed)")
    try:
        return parse_date(DATE_COLUMN, text)
    except ParameterError:
        raise ParameterError(name, f"line {line}: {DATE_COLUMN} must be a date YYYY-MM-DD "
                                   f"(got {str(text)[:40]!r})") from None


def read_release_dates(path, *, agent_column: str | None = None) -> dict[str, dt.date]:
    """Release date of each agent, from a CSV file with a header: the agent column (``agent_column``,
    else the first of ``alias``, ``model``, ``agent`` present) and ``release_date``. An agent listed
    twice must have the same date both times."""
    name, header, rows = read_csv(path, "release dates")
    column = agent_column if agent_column in header else next((c for c in AGENT_COLUMNS if c in header), None)
    if column is None:
        wanted = (agent_column,) if agent_column else AGENT_COLUMNS
        raise ParameterError(name, f"no agent column (looked for {', '.join(wanted)}; columns found: "
                                   f"{', '.join(header) or 'none'})")
    require_columns(name, header, (DATE_COLUMN,))
    dates: dict[str, dt.date] = {}
    for line, row in enumerate(rows, start=2):
        agent = (row.get(column) or "").strip()
        if not agent:
            raise ParameterError(name, f"line {line}: column {column!r} is empty")
        date = row_date(name, line, row.get(DATE_COLUMN))
        if dates.setdefault(agent, date) != date:
            raise ParameterError(name, f"line {line}: {agent!r} is listed again with another date "
                                       f"({date} against {dates[agent]})")
    return dates
