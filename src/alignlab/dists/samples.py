"""Empirical samples read from a file, for the simulation-based methods (``--error-samples FILE``).

A ``.npy`` file holds a one-dimensional array; any other file is text with numbers separated by
whitespace, commas or newlines (``#`` starts a comment). The empirical law has a bounded tail, so
only Monte Carlo methods accept it: its tail class says nothing about the law it was drawn from
(estimate that with :mod:`alignlab.tails`).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from alignlab._validate import ParameterError


class EmpiricalSamples:
    """Draws with replacement from a fixed sample."""

    def __init__(self, values, name: str = "samples", param: str = "samples"):
        values = np.asarray(values, dtype=float).ravel()
        if values.size < 2:
            raise ParameterError(param, f"needs at least 2 values (got {values.size})")
        if not np.isfinite(values).all():
            raise ParameterError(param, f"must hold finite numbers only (got {int((~np.isfinite(values)).sum())} "
                                        "nan or inf values)")
        self.values = values
        self.name = name

    @property
    def spec(self) -> str:
        return f"samples({self.name}, n={self.values.size})"

    @property
    def mean(self) -> float:
        return float(self.values.mean())

    @property
    def median(self) -> float:
        return float(np.median(self.values))

    def rvs(self, size, rng: np.random.Generator) -> np.ndarray:
        return self.values[rng.integers(0, self.values.size, size=size)]

    def __repr__(self) -> str:
        return f"EmpiricalSamples({self.spec})"


def load_samples(path, param: str = "error-samples") -> EmpiricalSamples:
    """Read a sample file into :class:`EmpiricalSamples`; unreadable or non-numeric files raise
    :class:`ParameterError` naming ``param``."""
    p = Path(path)
    if not p.is_file():
        raise ParameterError(param, f"must be a readable file (got {str(path)!r})")
    try:
        if p.suffix == ".npy":
            values = np.load(p, allow_pickle=False)
        else:
            text = re.sub(r"#[^\n]*", "", p.read_text())
            tokens = [t for t in re.split(r"[\s,;]+", text) if t]
            values = np.array([float(t) for t in tokens])
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise ParameterError(param, f"must be a .npy array or a text file of numbers ({p.name}: {err})") from None
    if values.ndim != 1 and values.size and values.squeeze().ndim != 1:
        raise ParameterError(param, f"must be one-dimensional (got shape {values.shape})")
    return EmpiricalSamples(values, p.name, param)
