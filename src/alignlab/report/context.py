"""What a section builder gets: where to write, a cache for long experiments, progress."""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable
from pathlib import Path

import alignlab


def _source_fingerprint() -> str:
    """Hash of the package's source files: a changed model invalidates cached experiments."""
    digest = hashlib.sha256()
    root = Path(alignlab.__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ReportContext:
    """Passed to every section's ``build``: ``cached`` results, ``figure`` rendering, ``step`` progress."""

    def __init__(self, out_dir: Path, use_cache: bool = True, progress: Callable[[str], None] | None = None):
        self.out_dir = Path(out_dir)
        self.use_cache = use_cache
        self.cache_dir = self.out_dir / ".cache"
        self._progress = progress or (lambda message: None)
        self._fingerprint = _source_fingerprint() if use_cache else ""

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
