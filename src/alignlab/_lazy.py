"""Lazy package faces: ``from alignlab.steps import StepsModel`` imports the model module on first use.

A system's ``__init__`` names what it exports and where it lives; nothing heavy (scipy, torch) is
imported until a name is used, so discovering systems (``alignlab --help``) stays fast::

    __getattr__, __dir__, __all__ = lazy_exports(__name__, {"StepsModel": "model", ...})

and :func:`lazy_module` stands in for a module that a light module uses only inside its functions
(``special = lazy_module("scipy.special")``), so that reading a table (``alignlab dists list``) does not
import SciPy.
"""

from __future__ import annotations

import importlib


def lazy_exports(package: str, exports: dict[str, str]):
    """``(__getattr__, __dir__, __all__)`` for ``package``: ``exports`` maps a name to its submodule."""
    names = sorted(exports)

    def __getattr__(name: str):
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    def __dir__():
        return names

    return __getattr__, __dir__, names


class lazy_module:  # noqa: N801 - used like a module
    """Module ``name``, imported on its first attribute access."""

    def __init__(self, name: str):
        self._name = name
        self._module = None

    def __getattr__(self, attr: str):
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        return f"lazy_module({self._name!r})"
