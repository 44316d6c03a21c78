"""The data sets shipped inside alignlab: what each is, where it came from, its licence and checksum,
and where a command reads it from.

Every data set ships unmodified in ``alignlab/data/files/`` (METR's runs file gzip-compressed, the
rest as published) and is read through :func:`path`, which checks its SHA-256 (of the original,
uncompressed bytes) the first time a process reads it: a corrupted or altered copy is refused with
one line, never read. ``NOTICE`` at the top of the repository credits the same sources.

Where a data set is read from, first match wins:

1. a folder given explicitly to the function (``data_dir=``);
2. the folder of the command being run: the command line's ``--data DIR``, or any code inside
   ``with using(DIR):``;
3. the folder named by the environment variable ``ALIGNLAB_DATA``;
4. the copy shipped with the package.

A folder holds data sets in the layout of their ``folder/file`` (``agent-runs/metr_runs_2025-02-27.jsonl``,
``reward-samples/llama_starling_reward_values.npy``); a data set the folder does not hold comes from
the next place. Files read from a folder are the user's own and are not checked against the shipped
checksum. Library code never looks anywhere else: no repository layout, no folder beside it.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alignlab._results import Result
from alignlab._validate import ParameterError, path_kind

ENVIRONMENT = "ALIGNLAB_DATA"

_METR_REPO = "https://github.com/METR/eval-analysis-public"
_METR_CITATION = ("Kwa, West, Becker et al. (2025), Measuring AI Ability to Complete Long Tasks, "
                  "arXiv:2503.14499")
_KWA_REPO = "https://github.com/tkwa/catastrophic-goodhart"
_KWA_CITATION = ("Kwa, Thomas, Garriga-Alonso (2024), Catastrophic Goodhart: regularizing RLHF with KL divergence "
                 "does not mitigate heavy-tailed reward misspecification, arXiv:2407.14503")
_KWA_LICENCE = "no licence stated by the repository; measurements published with the paper, credited here"


@dataclass(frozen=True)
class DataSet(Result):
    """One shipped data set. ``file`` is its original name, ``folder`` the group it belongs to (a data
    folder's layout is ``folder/file``), ``shipped`` the file inside the package (``file`` or its
    gzip), ``sha256`` and ``bytes`` those of the original, uncompressed file."""

    name: str
    folder: str
    file: str
    shipped: str
    description: str
    shape: str
    source_url: str
    licence: str
    citation: str
    sha256: str
    bytes: int


CATALOGUE: tuple[DataSet, ...] = (
    DataSet("metr-runs", "agent-runs", "metr_runs_2025-02-27.jsonl", "metr_runs_2025-02-27.jsonl.gz",
            "METR's run-level results: AI agents (and human baseliners) on HCAST and RE-Bench tasks of known "
            "human length, with METR's weights (file data/external/all_runs.jsonl at commit 19b0311, 2025-02-27)",
            "7,063 runs (JSON lines): 11 agents incl. human, 83 tasks, 36 task families", _METR_REPO,
            "MIT, copyright 2025 METR", _METR_CITATION,
            "df59b43df7c0e03164cd036ce0ddaec9ceec73b3d325d8c5b7e9f5362f79ce9a", 3240727),
    DataSet("metr-release-dates", "agent-runs", "release_dates.csv", "release_dates.csv",
            "Release date of each agent of metr-runs, as METR dates them in its published results",
            "10 rows x 2 columns (alias, release_date)", _METR_REPO, "MIT, copyright 2025 METR", _METR_CITATION,
            "490559db18861d9b988c0023a038da57eee185af7a235fa34bc6314c58861757", 270),
    DataSet("metr-published-horizons", "agent-runs", "metr_published_horizons.csv", "metr_published_horizons.csv",
            "METR's published per-model 50% and 80% horizons with 95% intervals, suites 1.0 and 1.1 "
            "(benchmark_results_1_0.yaml and _1_1.yaml, as copied in IAPS-AI/METR-Time-Horizons at 0ce992b)",
            "50 rows x 10 columns: 33 models (suite 1.0), 17 (suite 1.1)", _METR_REPO,
            "MIT, copyright 2025 METR", _METR_CITATION,
            "114a5708443e6105c65b437a53bf6880be0cbe59cc8b88782aaf208e36b982da", 4775),
    DataSet("starling-llama", "reward-samples", "llama_starling_reward_values.npy", "llama_starling_reward_values.npy",
            "Starling-RM-7B-alpha rewards of Llama-2-7B-chat generations (temperature 1, at most 133 tokens, "
            "each started with 5 random tokens)", "16,000 values, float64", _KWA_REPO, _KWA_LICENCE, _KWA_CITATION,
            "2803239bd0c455d1737717ada7f575b80bb2dfcb98d9f6605fae68cd22fa894d", 128128),
    DataSet("starling-random", "reward-samples", "random_starling_reward_values.npy",
            "random_starling_reward_values.npy",
            "Starling-RM-7B-alpha rewards of sequences of 1,024 uniformly random tokens", "30,000 values, float32",
            _KWA_REPO, _KWA_LICENCE, _KWA_CITATION,
            "9a4f047091c333c5d8a9cfe1ad133213865d10fed76bf6c35f38c390d5e0a1a4", 120128),
)
NAMES = tuple(d.name for d in CATALOGUE)


class DataError(ParameterError):
    """A data set that cannot be read as shipped (a checksum mismatch, a missing file)."""


def get(name: str, param: str = "dataset") -> DataSet:
    """The catalogue entry called ``name``."""
    for entry in CATALOGUE:
        if entry.name == name:
            return entry
    raise ParameterError(param, f"must be a shipped data set, one of {', '.join(NAMES)} (got {name!r})")


_COMMAND_FOLDER: ContextVar[str | Path | None] = ContextVar("alignlab_data_folder", default=None)


@contextmanager
def using(data_dir: str | Path | None):
    """Within the block, ``data_dir`` is the data folder of every read that names none (the command
    line's ``--data DIR``: one flag reaches every reader of the command). None changes nothing. The
    setting is this thread's (a context variable): commands read their data before handing work out.
    A folder that is not there is refused at once, whether or not the command reads a data set."""
    if data_dir is not None:
        data_folder(data_dir)
    token = _COMMAND_FOLDER.set(data_dir) if data_dir is not None else None
    try:
        yield
    finally:
        if token is not None:
            _COMMAND_FOLDER.reset(token)


def data_folder(data_dir: str | Path | None = None, param: str = "data") -> Path | None:
    """The user's data folder: ``data_dir`` if given, else the one of :func:`using` (``--data``), else
    ``$ALIGNLAB_DATA`` if set, else None (the shipped copies)."""
    if data_dir is None:
        data_dir = _COMMAND_FOLDER.get()
    if data_dir is None:
        data_dir, param = os.environ.get(ENVIRONMENT) or None, ENVIRONMENT
    if data_dir is None:
        return None
    folder = Path(data_dir)
    if path_kind(param, folder) != "folder":
        raise ParameterError(param, f"must be a folder of data sets laid out as FOLDER/FILE, e.g. "
                                    f"agent-runs/{CATALOGUE[0].file} (no such folder: {data_dir})")
    return folder


def shipped_path(name: str) -> Path:
    """The packaged file of data set ``name`` (possibly gzip-compressed), unchecked."""
    entry = get(name)
    return Path(str(resources.files("alignlab.data").joinpath("files", entry.shipped)))


def path(name: str, data_dir: str | Path | None = None) -> Path:
    """A file holding data set ``name``: from the user's folder when it holds one (see the module
    docstring), else the shipped copy, whose checksum is verified on its first read in this process."""
    entry = get(name)
    folder = data_folder(data_dir)
    if folder is not None and (folder / entry.folder / entry.file).is_file():
        return folder / entry.folder / entry.file
    shipped = shipped_path(name)
    verify(entry, shipped)
    return shipped


def where(name: str, data_dir: str | Path | None = None) -> str:
    """Where :func:`path` reads data set ``name`` from: ``shipped`` or the folder's path."""
    entry = get(name)
    folder = data_folder(data_dir)
    if folder is not None and (folder / entry.folder / entry.file).is_file():
        return str(folder / entry.folder / entry.file)
    return "shipped"


def original_bytes(name: str, data_dir: str | Path | None = None) -> bytes:
    """The bytes of the file :func:`path` reads (decompressed; the shipped copy verified)."""
    file = path(name, data_dir)
    return _decompressed(file)


def shipped_bytes(name: str) -> bytes:
    """Data set ``name`` as published: the shipped copy, decompressed and verified (whatever folder is set)."""
    entry = get(name)
    return _checked(entry, shipped_path(name))


def resolve(value, param: str, data_dir: str | Path | None = None) -> Path:
    """What a command or function was given to read: a shipped data set's name, or a path to a file."""
    if isinstance(value, str) and value in NAMES:
        return path(value, data_dir)
    return Path(value)


_VERIFIED: dict[tuple[str, int, int], bool] = {}


def verify(entry: DataSet, file: Path) -> None:
    """Check the shipped ``file`` against ``entry``'s SHA-256 (once per process per file version)."""
    try:
        stat = file.stat()
    except OSError:
        stat = None
    if stat is not None and _VERIFIED.get((str(file), stat.st_size, stat.st_mtime_ns)):
        return
    _checked(entry, file)


def _checked(entry: DataSet, file: Path) -> bytes:
    """The decompressed bytes of the shipped ``file``, refused in one line unless their SHA-256 is ``entry``'s."""
    try:
        stat = file.stat()
        data = _decompressed(file)
    except FileNotFoundError:
        raise DataError("dataset", f"{entry.name}: the shipped file {file} is missing (reinstall alignlab)") from None
    except (OSError, EOFError, zlib.error) as err:      # gzip.BadGzipFile is an OSError
        raise DataError("dataset", f"{entry.name}: the shipped file {file} cannot be read ({err}); reinstall "
                                   f"alignlab") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry.sha256:
        raise DataError("dataset", f"{entry.name}: checksum mismatch in {file} (sha256 {digest[:16]}..., expected "
                                   f"{entry.sha256[:16]}...): the file is corrupted or altered; reinstall alignlab")
    _VERIFIED[(str(file), stat.st_size, stat.st_mtime_ns)] = True
    return data


def _decompressed(file: Path) -> bytes:
    data = file.read_bytes()
    return gzip.decompress(data) if file.name.endswith(".gz") else data
