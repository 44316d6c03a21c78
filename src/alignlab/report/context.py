"""What a section builder gets: where to write, a cache for long experiments, progress."""

from __future__ import annotations

import ast
import hashlib
import io
import pickle
from collections.abc import Callable
from pathlib import Path

import alignlab


SOURCE_PATTERNS = ("*.py", "*.c")              # C: the compiled kernels' sources
EXTENSION_PATTERNS = ("*.so", "*.pyd")         # built kernels: whether one is there decides which runs


def _sources(directory: Path) -> list[Path]:
    return [path for pattern in SOURCE_PATTERNS for path in directory.rglob(pattern)]


def _source_fingerprint(section_module: str | None = None) -> str:
    """Hash of the source a section depends on: its own subpackage and every alignlab module those
    files import, followed transitively (all of alignlab when no section is named), C sources of
    compiled kernels included, and the names of the extensions built. A changed model invalidates its
    cached experiments; an edit to an unrelated system does not."""
    root = Path(alignlab.__file__).parent
    files = sorted(_sources(root)) if section_module is None else sorted(_import_closure(root, section_module))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    for path in sorted(p for pattern in EXTENSION_PATTERNS for p in root.rglob(pattern)):
        digest.update(path.relative_to(root).as_posix().encode())
    return digest.hexdigest()[:16]


def _import_closure(root: Path, module: str) -> set[Path]:
    """The source files of ``module``'s package and of every alignlab package or module they import."""
    def files_of(name: str) -> list[Path]:
        parts = name.split(".")[1:]
        if not parts:
            return [root / "__init__.py"]
        target = root.joinpath(*parts)
        if target.is_dir():
            return _sources(target)
        return [target.with_suffix(".py")] if target.with_suffix(".py").exists() else []

    package = module.rsplit(".", 1)[0]
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
    """Passed to every section's ``build``: ``cached`` results, ``figure`` rendering, ``step`` progress."""

    def __init__(self, out_dir: Path, use_cache: bool = True, progress: Callable[[str], None] | None = None,
                 section_module: str | None = None):
        self.out_dir = Path(out_dir)
        self.use_cache = use_cache
        self.cache_dir = self.out_dir / ".cache"
        self._progress = progress or (lambda message: None)
        self._fingerprint = _source_fingerprint(section_module) if use_cache else ""

    def step(self, message: str) -> None:
        """Report what the section is doing now (shown beside the progress bar)."""
        self._progress(message)

    def cached(self, key: str, compute: Callable[[], object]):
        """``compute()``, or its cached value from an earlier run with the same key and source code."""
        if not self.use_cache:
            return compute()
        name = hashlib.sha256(f"{self._fingerprint}:{key}".encode()).hexdigest()[:24]
        path = self.cache_dir / f"{name}.pkl"
        if path.exists():
            try:
                with path.open("rb") as fh:
                    return pickle.load(fh)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
                path.unlink(missing_ok=True)
        value = compute()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(value, fh)
        tmp.replace(path)
        return value

    @staticmethod
    def render(fig, name: str, caption: str):
        """A matplotlib figure as a report :class:`Figure` (PNG bytes); closes the figure."""
        import matplotlib.pyplot as plt

        from alignlab.report.claims import Figure
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        return Figure(name, caption, buf.getvalue())
