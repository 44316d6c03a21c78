"""The base of every curve: parameters as a box-bounded vector theta, the curve and its gradient, horizons."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Curve:
    """What the fitting code needs of a curve (see the package docstring); subclasses state it."""

    name: str
    param_names: tuple[str, ...]

    @property
    def k(self) -> int:
        return len(self.param_names)

    def bounds(self, minutes: np.ndarray) -> np.ndarray:
        """(k, 2) lower and upper bounds of theta for data with these task lengths."""
        raise NotImplementedError

    def starts(self, minutes: np.ndarray, rate: float) -> np.ndarray:
        """(S, k) starting points for a data set with these task lengths and overall success ``rate``."""
        raise NotImplementedError

    def evaluate(self, theta: np.ndarray, minutes: np.ndarray, gradient: bool = True):
        """theta (D, k), minutes (C,) -> log p, log(1 - p) (D, C) and, with ``gradient``, G (D, C, k)."""
        raise NotImplementedError

    def params(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """The public parameters (each an array over the leading axes of theta)."""
        raise NotImplementedError

    def theta(self, params: dict) -> np.ndarray:
        """The inverse of :meth:`params` for one set of public parameters."""
        raise NotImplementedError

    def horizon(self, theta: np.ndarray, level: float) -> np.ndarray:
        """Task length (minutes) where success falls to ``level``, per row of theta; NaN where the curve
        does not fall through it."""
        raise NotImplementedError

    def success(self, theta: np.ndarray, minutes) -> np.ndarray:
        """p (D, C) for theta (D, k) at ``minutes`` (C,)."""
        return np.exp(self.evaluate(np.atleast_2d(theta), np.asarray(minutes, dtype=float), gradient=False)[0])

    def penalty(self, theta: np.ndarray, strength: float | None):
        """An L2 penalty subtracted from the log-likelihood (value (D,), gradient (D, k), Hessian (k, k))."""
        zeros = np.zeros(theta.shape[0])
        return zeros, np.zeros_like(theta), np.zeros((self.k, self.k))
