"""Lazy package faces: ``from alignlab.steps import StepsModel`` imports the model module on first use.

A system's ``__init__`` names what it exports and where it lives; nothing heavy (scipy, torch) is
imported until a name is used, so discovering systems (``alignlab --help``) stays fast::

    __getattr__, __dir__, __all__ = lazy_exports(__name__, {"StepsModel": "model", ...})
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
