"""One progress convention for every long computation in alignlab.

Every function that can take long accepts ``progress``:

* ``False`` (the default): silent;
* ``True``: a rich progress bar on stderr;
* a callable ``progress(done, total, description)``: called as work advances, with the amount done,
  the total (both in the function's own units: tiles, steps, cells, bootstrap draws) and a short
  description of what is running now.

Functions hand ``progress`` to :func:`tracker` and report through the object it returns, so the
bar, the callback and silence are one code path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Union

ProgressCallback = Callable[[float, float, str], None]
ProgressLike = Union[bool, ProgressCallback, None]


class Tracker:
    """Counts work done and forwards it to a bar or a callback (see the module docstring)."""

    def __init__(self, progress: ProgressLike, total: float, description: str = "", *, transient: bool = False):
        if progress is not None and not isinstance(progress, bool) and not callable(progress):
            from alignlab._validate import ParameterError
            raise ParameterError("progress", f"must be False, True or a callable(done, total, description) "
                                             f"(got {progress!r})")
        self._progress = progress
        self.total = float(total)
        self.done = 0.0
        self.description = description
        self._transient = transient
        self._bar = None

    def __enter__(self) -> Tracker:
        if self._progress is True:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True), transient=self._transient)
            self._task = self._bar.add_task(self.description, total=self.total)
            self._bar.start()
        return self

    def advance(self, amount: float = 1, description: str | None = None) -> None:
        """Add ``amount`` to the work done (and change the description if one is given)."""
        self.update(self.done + amount, description)

    def update(self, done: float, description: str | None = None) -> None:
        """Set the work done to ``done``."""
        self.done = float(done)
        if description is not None:
            self.description = description
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, description=self.description)
        elif callable(self._progress):
            self._progress(self.done, self.total, self.description)

    def scaled(self, offset: float, total: float) -> ProgressCallback:
        """A callback for a sub-task of ``total`` units that starts at ``offset`` units of this one."""
        def forward(done: float, sub_total: float, description: str) -> None:
            fraction = done / sub_total if sub_total else 1.0
            self.update(offset + fraction * total, description or None)
        return forward

    def __exit__(self, *exc) -> bool:
        if self._bar is not None:
            self._bar.stop()
        return False


def tracker(progress: ProgressLike, total: float, description: str = "", *, transient: bool = False) -> Tracker:
    """A :class:`Tracker` for ``progress`` (``False``, ``True`` or a callable); use it as a context manager."""
    return Tracker(progress, total, description, transient=transient)


def is_enabled(progress: ProgressLike) -> bool:
    return progress is True or callable(progress)
