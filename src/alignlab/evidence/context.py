"""What a section builder gets: where to write, where the data is, a cache for long experiments, progress.

The cache holds results as JSON (:meth:`alignlab._results.Result.to_dict`), read back with
:meth:`~alignlab._results.Result.from_dict` for result classes of alignlab only: nothing read from
a report folder can run code.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import json
from collections.abc import Callable
from pathlib import Path

import alignlab
from alignlab._results import Result


SOURCE_PATTERNS = ("*.py", "*.c")              # C: the compiled kernels' sources
EXTENSION_PATTERNS = ("*.so", "*.pyd")         # built kernels: whether one is there decides which runs


def _sources(directory: Path) -> list[Path]:
    return [path for pattern in SOURCE_PATTERNS for path in directory.rglob(pattern)]


def _source_fingerprint(package: str | None = None) -> str:
    """Hash of the source a section depends on: its own subpackage and every alignlab module those
    files import, followed transitively (all of alignlab when no section is named), C sources of
    compiled kernels included, and the names of the extensions built. A changed model invalidates its
    cached experiments; an edit to an unrelated system does not."""
    root = Path(alignlab.__file__).parent
    files = sorted(_sources(root)) if package is None else sorted(_import_closure(root, package))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    for path in sorted(p for pattern in EXTENSION_PATTERNS for p in root.rglob(pattern)):
        digest.update(path.relative_to(root).as_posix().encode())
    return digest.hexdigest()[:16]


def _import_closure(root: Path, package: str) -> set[Path]:
    """The source files of ``package`` and of every alignlab package or module they import."""
    def files_of(name: str) -> list[Path]:
        parts = name.split(".")[1:]
        if not parts:
            return [root / "__init__.py"]
        target = root.joinpath(*parts)
        if target.is_dir():
            return _sources(target)
        return [target.with_suffix(".py")] if target.with_suffix(".py").exists() else []

    todo = files_of(package) + [root / "__init__.py"]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen or not path.exists():
            continue
        seen.add(path)
        if path.suffix != ".py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("alignlab"):
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("alignlab")]
            for name in names:
                # a subpackage pulls in the whole subpackage; a top-level module just itself
                head = ".".join(name.split(".")[:2])
                todo.extend(files_of(head))
    return seen


class ReportContext:
    """Passed to every section's ``build``: ``cached`` results, ``render`` figures, ``step`` progress, ``data``.

    ``package`` is the section's system package (``alignlab.steps``): its import closure keys the cache.
    ``data_dir`` is the user's folder of data sets, or None for ``$ALIGNLAB_DATA`` and then the shipped
    copies (:mod:`alignlab.data.catalogue`).
    """

    def __init__(self, out_dir: Path, use_cache: bool = True, progress: Callable[[str], None] | None = None,
                 package: str | None = None, data_dir: str | Path | None = None):
        self.out_dir = Path(out_dir)
        self.use_cache = use_cache
        self.cache_dir = self.out_dir / ".cache"
        self.data_dir = None if data_dir is None else Path(data_dir)
        self._progress = progress or (lambda message: None)
        self._fingerprint = _source_fingerprint(package) if use_cache else ""
        self._trusted = ("alignlab",) + ((package,) if package else ())

    def step(self, message: str) -> None:
        """Report what the section is doing now (shown beside the progress bar)."""
        self._progress(message)

    def progress(self, label: str):
        """A ``progress(done, total, description)`` callback (the house convention) shown as this section's step."""
        return lambda done, total, description: self.step(f"{label}: {description} ({done:g} of {total:g})")

    def dataset(self, name: str) -> Path:
        """A file holding the data set ``name`` (``metr-runs``, ``starling-llama``, ...): from the user's
        data folder when it holds one, else the shipped copy, checked (:func:`alignlab.data.catalogue.path`)."""
        from alignlab.data.catalogue import path
        return path(name, self.data_dir)

    def dataset_key(self, name: str) -> str:
        """A cache key for the data set ``name`` as read now: its file's path, size and modification time."""
        file = self.dataset(name)
        stat = file.stat()
        return f"{name}/{file}/{stat.st_size}/{stat.st_mtime_ns}"

    def cached(self, key: str, compute: Callable[[], Result]) -> Result:
        """``compute()``, or its cached value from an earlier run with the same key and source code.

        ``compute`` returns a :class:`~alignlab._results.Result`; it is stored as JSON and rebuilt with
        ``from_dict``. A cache file that is unreadable, of another class or not an alignlab result is
        ignored and recomputed."""
        if not self.use_cache:
            return compute()
        name = hashlib.sha256(f"{self._fingerprint}:{key}".encode()).hexdigest()[:24]
        path = self.cache_dir / f"{name}.json"
        if path.is_file():
            value = _load(path, self._trusted)
            if value is not None:
                return value
        value = compute()
        if not isinstance(value, Result):
            raise TypeError(f"cached experiment {key!r} must return a Result (got {type(value).__name__})")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"class": f"{type(value).__module__}:{type(value).__qualname__}",
                                   "data": value.to_dict()}))
        tmp.replace(path)
        return value

    @staticmethod
    def render(fig, name: str, caption: str):
        """A matplotlib figure as a report :class:`Figure` (PNG bytes)."""
        from alignlab._figures import png_bytes
        from alignlab.evidence.claims import Figure
        return Figure(name, caption, png_bytes(fig))


def _load(path: Path, trusted: tuple[str, ...]) -> Result | None:
    """The result stored at ``path``, or None: only JSON, only result classes defined in alignlab or in
    the section's own package (``trusted``)."""
    try:
        stored = json.loads(path.read_text())
        module_name, _, class_name = stored["class"].partition(":")
        if not any(module_name == p or module_name.startswith(p + ".") for p in trusted):
            return None
        cls = getattr(importlib.import_module(module_name), class_name, None)
        if not (isinstance(cls, type) and issubclass(cls, Result)):
            return None
        return cls.from_dict(stored["data"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError, ImportError, UnicodeDecodeError):
        return None
