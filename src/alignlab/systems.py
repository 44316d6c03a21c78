"""The one seam through which a system plugs into alignlab: its CLI commands, report section and sweep kinds.

A system is a subpackage of alignlab (``steps``, ``tails``, ``goodhart``, ``tripwire``, ``horizons``)
whose module ``system.py`` defines ``SYSTEM``, a :class:`System`. The command line, the report and
the sweep runner ask :func:`systems` for what is there; none of them names a system. Adding a
system is adding a folder::

    # alignlab/mysystem/system.py
    from alignlab.systems import System, lazy

    SYSTEM = System("mysystem", "My system", order=60,
                    commands=lazy("alignlab.mysystem.cli", "register"),     # `alignlab mysystem COMMAND ...`
                    report=lazy("alignlab.mysystem.report", "build"))       # ReportContext -> Section

Code outside the package (a plugin, a test) registers its own with :func:`register`; installed
packages may also name a ``System`` under the entry-point group ``alignlab.systems``.

Keep ``system.py`` light: :func:`lazy` imports the system's heavy modules on first use, so
``alignlab --help`` stays fast.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:                       # pragma: no cover
    import argparse

    from alignlab.evidence.claims import Section
    from alignlab.evidence.context import ReportContext

ENTRY_POINT_GROUP = "alignlab.systems"


@dataclass(frozen=True)
class SweepKind:
    """One kind of sweep (``alignlab sweep NAME``): a grid of cells, each computed by ``cell``.

    ``cell(**coordinates, **fixed, stream=SeedSequence) -> {variable: number}`` must be a top-level
    function (Dask workers import it by name) and return every name in ``variables`` (float64; NaN
    for a value that does not exist). ``arguments(parser)`` adds the kind's own flags; ``grid(args)``
    turns the parsed flags into ``(Grid, fixed)``, checking every value before any work starts, and
    may return a third item, ``work``, the number of samples the sweep will draw (checked against
    the sweep's work limit). ``description`` and ``examples`` (two whole command lines, which a test
    runs) make its ``--help``.
    """

    name: str
    help: str
    cell: Callable[..., dict]
    variables: tuple[str, ...]
    arguments: Callable[[argparse.ArgumentParser], None]
    grid: Callable[[argparse.Namespace], tuple]
    integer_dims: tuple[str, ...] = ()
    description: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class System:
    """What one system contributes. ``name`` is its command (``alignlab NAME``) and its report section id;
    ``order`` places it in ``--help`` and in the report (smaller first).

    ``commands(subparsers)`` adds the system's commands (``alignlab NAME COMMAND``); ``report(ctx)``
    builds its report section; ``sweeps`` are its sweep kinds; ``distributions`` names the flags that
    take a distribution spec and the role each needs (:mod:`alignlab.dists.roles`), for
    ``alignlab dists list``."""

    name: str
    title: str
    order: int
    help: str = ""                          # one line for `alignlab --help`
    description: str = ""                   # a paragraph for `alignlab NAME --help`
    commands: Callable[[Any], None] | None = None
    report: Callable[[ReportContext], Section] | None = None
    sweeps: tuple[SweepKind, ...] = ()
    distributions: tuple[tuple[str, str], ...] = ()   # (flag, role): flags that take a distribution spec


def lazy(module: str, function: str) -> Callable:
    """``function`` of ``module``, imported on the first call: what ``system.py`` names for its commands
    and report, so that discovering systems imports nothing heavy. The returned function carries the
    target's module name (the report keys its cache on the system's package through it)."""
    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), function)(*args, **kwargs)
    call.__module__ = module
    call.__qualname__ = call.__name__ = function
    return call


_REGISTERED: dict[str, System] = {}
_DISCOVERED = False


def register(system: System) -> System:
    """Add ``system`` (or replace the one of the same name); returns it, so it can decorate a module."""
    if not isinstance(system, System):
        raise TypeError(f"register takes a System (got {type(system).__name__})")
    _REGISTERED[system.name] = system
    return system


def unregister(name: str) -> None:
    """Remove a registered system (tests use it to clean up after a toy system)."""
    _REGISTERED.pop(name, None)


def systems() -> tuple[System, ...]:
    """Every system, built-in and registered, in ``order``."""
    _discover()
    return tuple(sorted(_REGISTERED.values(), key=lambda s: (s.order, s.name)))


def get(name: str) -> System | None:
    _discover()
    return _REGISTERED.get(name)


def sweep_kinds() -> dict[str, SweepKind]:
    """Every sweep kind of every system, by name."""
    kinds: dict[str, SweepKind] = {}
    for system in systems():
        for kind in system.sweeps:
            if kind.name in kinds:
                raise RuntimeError(f"sweep kind {kind.name!r} is declared twice")
            kinds[kind.name] = kind
    return kinds


def _discover() -> None:
    """Import ``alignlab.<package>.system`` for every subpackage that has one, then entry points."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    _DISCOVERED = True
    import alignlab
    for info in pkgutil.iter_modules(alignlab.__path__):
        if not info.ispkg:
            continue
        name = f"alignlab.{info.name}.system"
        if importlib.util.find_spec(name) is None:
            continue
        system = getattr(importlib.import_module(name), "SYSTEM", None)
        if isinstance(system, System):
            _REGISTERED.setdefault(system.name, system)
    from importlib.metadata import entry_points
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        system = entry.load()
        if isinstance(system, System):
            _REGISTERED.setdefault(system.name, system)
