r"""Agent runs read from a file: who ran which task, how long the task takes a human, and the score.

:func:`load_runs` reads JSONL (one JSON object per line; ``.jsonl.gz`` gzip-compressed), CSV (a header
line) or Parquet, a shipped data set by name (``"metr-runs"``, :mod:`alignlab.data`) or a pandas
DataFrame, keeping six columns under their roles (``agent``, ``task``, ``family``, ``minutes``,
``score`` and the optional ``weight``), named by default as in METR's file (``alias``, ``task_id``,
``task_family``, ``human_minutes``, ``score_binarized``, ``invsqrt_task_weight``) and otherwise by
``columns={"agent": "model", ...}``. A score is a number in [0, 1] or True/False (1/0). Every problem
is a :class:`~alignlab._validate.ParameterError` naming the file (``DataFrame`` for a frame), with the
line (JSONL, CSV) or row (Parquet, DataFrame) where it is: a missing column (with the columns found
and the ``columns`` role that names it), a task length that is not a positive number, a score outside
[0, 1], an empty file, a file that is not of its type. Nothing read can run code (``json``, ``csv``
and Arrow only).

Weights (:func:`run_weights`), per agent and summing to 1 over its runs, as METR defines them:

* ``invsqrt``: :math:`w \propto 1 / (r_{task} \sqrt{k_{family}})`, with :math:`r_{task}` the agent's
  runs of the task and :math:`k_{family}` the agent's tasks in its family (the weight column when the
  file has one);
* ``equal``: :math:`w \propto 1 / r_{task}` (every task counts the same);
* ``none``: every run counts 1 (no normalisation: the log-likelihood is the plain sum over runs).
"""

from __future__ import annotations

import csv
import gzip
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from alignlab._validate import ParameterError, input_file

FORMATS = (".jsonl", ".jsonl.gz", ".csv", ".parquet")
WEIGHTS = ("invsqrt", "equal", "none")
DEFAULT_COLUMNS = {"agent": "alias", "task": "task_id", "family": "task_family", "minutes": "human_minutes",
                   "score": "score_binarized", "weight": "invsqrt_task_weight"}


@dataclass(frozen=True, eq=False)
class Runs:
    """Runs read from ``source``, one entry per run in every array. ``weight`` is the file's weight
    column (None when it has none); ``columns`` maps each role to the column it came from."""

    source: str
    columns: dict
    agent: np.ndarray
    task: np.ndarray
    family: np.ndarray
    minutes: np.ndarray
    score: np.ndarray
    weight: np.ndarray | None

    def __repr__(self) -> str:
        return (f"Runs(source={self.source!r}, runs={self.score.size}, agents={len(self.agents)}, "
                f"tasks={np.unique(self.task).size}, families={np.unique(self.family).size})")

    @property
    def agents(self) -> tuple[str, ...]:
        """The agents in the order they first appear."""
        _, first = np.unique(self.agent, return_index=True)
        return tuple(self.agent[np.sort(first)].tolist())

    def select(self, agents) -> Runs:
        """Only the runs of ``agents`` (a name or a list of names, each in the file)."""
        agents = (agents,) if isinstance(agents, str) else tuple(agents)
        known = self.agents
        missing = [a for a in agents if a not in known]
        if missing:
            raise ParameterError("agent", f"unknown agent {missing[0]!r} in {self.source} (agents: "
                                          f"{', '.join(known)})")
        keep = np.isin(self.agent, list(agents))
        return Runs(self.source, self.columns, *(a[keep] if a is not None else None for a in
                                                 (self.agent, self.task, self.family, self.minutes,
                                                  self.score, self.weight)))


ROLES = tuple(DEFAULT_COLUMNS)
FRAME = "DataFrame"                 # the source of runs given as a pandas DataFrame


class MissingColumn(ParameterError):
    """A role's column is not in the runs: ``role`` says which, so that a caller can name its own way of
    choosing the column (``columns={'agent': ...}`` in Python, ``--columns agent=...`` on the command line)."""

    def __init__(self, source: str, role: str, column: str, found):
        self.role, self.column, self.found = role, column, tuple(found)
        super().__init__(source, f"missing column {column!r} (columns found: {', '.join(self.found)}); "
                                 f"name the {role} column with columns={{'{role}': NAME}}")


def runs_columns(columns=None, **old) -> dict:
    """The column of each role: METR's names (:data:`DEFAULT_COLUMNS`) where ``columns`` (a dict from roles to
    column names; a weight of None: no weight column, weights computed) does not say otherwise. ``old`` are
    the per-role keywords of older releases (``agent="model"``), kept for one release with a warning."""
    out = dict(DEFAULT_COLUMNS)
    given = {role: name for role, name in old.items() if name is not None}
    if given:
        import warnings
        listed = ", ".join(f"{role}=" for role in given)
        warnings.warn(f"{listed} (a column name) is renamed columns={{{', '.join(f'{r!r}: ...' for r in given)}}}; "
                      f"{listed} will be removed in the next release", DeprecationWarning, stacklevel=3)
        out.update(given)
    if columns is None:
        return out
    if not isinstance(columns, dict):
        raise ParameterError("columns", f"must be a dict from roles ({', '.join(ROLES)}) to column names "
                                        f"(got {type(columns).__name__})")
    for role, name in columns.items():
        if role not in ROLES:
            raise ParameterError("columns", f"roles are {', '.join(ROLES)} (got {role!r})")
        if not (isinstance(name, str) and name) and not (role == "weight" and name is None):
            raise ParameterError("columns", f"the {role} column must be a column name (got {name!r})")
        out[role] = name
    return out


def load_runs(path, *, columns: dict | None = None, agent: str | None = None, task: str | None = None,
              family: str | None = None, minutes: str | None = None, score: str | None = None,
              weight: str | None = None) -> Runs:
    """Read runs from ``path``: a .jsonl, .jsonl.gz, .csv or .parquet file, a shipped data set's name, or a
    pandas DataFrame with a row per run. ``columns`` names the column of each role where it is not METR's
    (``columns={"agent": "model", "minutes": "length"}``; ``{"weight": None}`` ignores a weight column).
    A score may be a number in [0, 1] or True/False. The per-role keywords (``agent="model"``) are the old
    spelling of ``columns``."""
    columns = runs_columns(columns, agent=agent, task=task, family=family, minutes=minutes, score=score,
                           weight=weight)
    weight = columns.pop("weight")
    wanted = [c for c in (*columns.values(), weight) if c]
    if _is_frame(path):
        name = FRAME
        found, rows, where = _read_frame(path, wanted)
    else:
        from alignlab.data.catalogue import NAMES, resolve
        shipped = path if isinstance(path, str) and path in NAMES else None
        path = resolve(path, "runs")
        name = shipped or str(path)
        suffix = ".jsonl.gz" if path.name.lower().endswith(".jsonl.gz") else path.suffix.lower()
        if suffix not in FORMATS:
            raise ParameterError(name, f"unknown file type {suffix or '(none)'!r}; use one of {', '.join(FORMATS)}")
        input_file(name, path)
        reader = {".jsonl": _read_jsonl, ".jsonl.gz": _read_jsonl, ".csv": _read_csv,
                  ".parquet": _read_parquet}[suffix]
        found, rows, where = reader(path, name, wanted)
    if not rows:
        raise ParameterError(name, "holds no runs (it is empty)")
    for role, column in columns.items():
        if column not in found:
            raise MissingColumn(name, role, column, found)
    has_weight = weight is not None and weight in found
    get = {role: [row.get(col) for row in rows] for role, col in columns.items()}
    minutes_values = _numbers(name, get["minutes"], where, columns["minutes"], "a positive task length",
                              lambda x: x > 0)
    score_values = _numbers(name, [_score(x) for x in get["score"]], where, columns["score"],
                            "a score in [0, 1] or True/False", lambda x: 0.0 <= x <= 1.0)
    weight_values = None
    if has_weight:
        weight_values = _numbers(name, [row.get(weight) for row in rows], where, weight, "a positive weight",
                                 lambda x: x > 0)
        columns["weight"] = weight
    labels = {role: _labels(name, get[role], where, columns[role]) for role in ("agent", "task", "family")}
    return Runs(name, columns, labels["agent"], labels["task"], labels["family"], minutes_values, score_values,
                weight_values)


def run_weights(runs: Runs, scheme: str) -> np.ndarray:
    """The weight of every run under ``scheme`` (see the module docstring)."""
    if scheme == "none":
        return np.ones(runs.minutes.size)
    if scheme == "invsqrt" and runs.weight is not None:
        raw = runs.weight.astype(float)
    else:
        raw = np.empty(runs.minutes.size)
        for name in np.unique(runs.agent):
            mine = np.flatnonzero(runs.agent == name)
            tasks, task_of, per_task = np.unique(runs.task[mine], return_inverse=True, return_counts=True)
            raw[mine] = 1.0 / per_task[task_of]
            if scheme == "invsqrt":
                family_of_task = {t: f for t, f in zip(runs.task[mine], runs.family[mine])}
                families = np.array([family_of_task[t] for t in tasks])
                _, fam_of_task, tasks_per_family = np.unique(families, return_inverse=True, return_counts=True)
                raw[mine] /= np.sqrt(tasks_per_family[fam_of_task][task_of])
    out = np.empty_like(raw)
    for name in np.unique(runs.agent):
        mine = runs.agent == name
        out[mine] = raw[mine] / raw[mine].sum()
    return out


def _score(value):
    """A score as read: True and False (a bool column, as pandas writes it to CSV too) are 1 and 0."""
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, str) and value.strip() in ("True", "False", "true", "false"):
        return float(value.strip() in ("True", "true"))
    return value


def _labels(name, values, where, column) -> np.ndarray:
    out = []
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
            raise ParameterError(name, f"{where(i)}: column {column!r} is empty")
        out.append(v if isinstance(v, str) else str(v))
    return np.array(out, dtype=object)


def _numbers(name, values, where, column, allowed, ok) -> np.ndarray:
    out = np.empty(len(values))
    for i, v in enumerate(values):
        try:
            if isinstance(v, bool) or v is None or v == "":
                raise ValueError
            x = float(v)
        except (TypeError, ValueError):
            raise ParameterError(name, f"{where(i)}: column {column!r} must be {allowed} (got {v!r})") from None
        if not (math.isfinite(x) and ok(x)):
            raise ParameterError(name, f"{where(i)}: column {column!r} must be {allowed} (got {v!r})")
        out[i] = x
    return out


def _is_frame(data) -> bool:
    return type(data).__name__ == "DataFrame" and hasattr(data, "columns")       # pandas, without importing it


def _read_frame(frame, wanted):
    """The runs of a DataFrame: missing values (NaN, None, pandas' NA) read as empty cells."""
    found = [str(c) for c in frame.columns]
    data = {}
    for k in wanted:
        if found.count(k) > 1:
            raise ParameterError(FRAME, f"has {found.count(k)} columns named {k!r}; a role needs one")
        if k in found:
            data[k] = [None if _missing(x) else x for x in frame.iloc[:, found.index(k)].tolist()]
    rows = [{k: data[k][i] for k in data} for i in range(len(frame))]
    return found, rows, lambda i: f"row {i + 1}"


def _missing(value) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, float) and math.isnan(value)


def _read_jsonl(path: Path, name: str, wanted):
    found: dict[str, None] = {}
    rows, lines = [], []
    opener = (lambda: gzip.open(path, "rt", encoding="utf-8")) if path.name.lower().endswith(".gz") else \
        (lambda: path.open(encoding="utf-8"))
    try:
        with opener() as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    raise ParameterError(name, f"line {number} is not valid JSON; a .jsonl file holds one JSON "
                                               f"object per line") from None
                if not isinstance(record, dict):
                    raise ParameterError(name, f"line {number} is not a JSON object")
                for key in record:
                    found.setdefault(key)
                rows.append({k: record[k] for k in wanted if k in record})
                lines.append(number)
    except UnicodeDecodeError:
        raise ParameterError(name, "cannot read file as JSONL: it is not UTF-8 text") from None
    except (OSError, EOFError) as err:          # a broken gzip stream
        raise ParameterError(name, f"cannot read file as gzip-compressed JSONL: {err}") from None
    return list(found), rows, lambda i: f"line {lines[i]}"


def _read_csv(path: Path, name: str, wanted):
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            found = list(reader.fieldnames or [])
            rows = [{k: row.get(k) for k in wanted} for row in reader]
    except (UnicodeDecodeError, csv.Error) as err:
        raise ParameterError(name, f"cannot read file as CSV: {err}") from None
    # line numbers: the header is line 1 (rows spanning several lines are rare in run tables)
    return found, rows, lambda i: f"line {i + 2}"


def _read_parquet(path: Path, name: str, wanted):
    import pyarrow.parquet as pq               # the [parquet] extra: missing, the command names it
    try:
        table = pq.read_table(path)
    except Exception as err:  # noqa: BLE001 - pyarrow raises several unrelated types for a bad file
        raise ParameterError(name, f"cannot read file as parquet: {err}") from None
    found = table.column_names
    data = {k: table.column(k).to_pylist() for k in wanted if k in found}
    rows = [{k: data[k][i] for k in data} for i in range(table.num_rows)]
    return found, rows, lambda i: f"row {i + 1}"
