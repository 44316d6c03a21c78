"""Tail classes: the one fact about a distribution that decides most results in alignlab.

Ordered from lightest to heaviest:

================== ============================================ ===========================
kind               definition                                   examples
================== ============================================ ===========================
``bounded``        P(X > t) = 0 beyond some t                   uniform, beta
``light``          P(X > t + 1) / P(X > t) -> 0                 normal, Weibull shape > 1
``exponential``    P(X > t + 1) / P(X > t) -> exp(-rate)        exponential, gamma, logistic
``subexponential`` heavier than every exponential, all moments  lognormal, Weibull shape < 1
                   finite
``regularly-       P(X > t) = t^(-index) L(t), L slowly varying Pareto, Lomax, Frechet,
varying``                                                       log-logistic, Student-t
``super-heavy``    P(X > t) slowly varying: no moment of any    log-Cauchy, log-Pareto
                   positive order is finite
================== ============================================ ===========================
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from alignlab._results import Result


class TailKind(str, Enum):
    BOUNDED = "bounded"
    LIGHT = "light"
    EXPONENTIAL = "exponential"
    SUBEXPONENTIAL = "subexponential"
    REGULARLY_VARYING = "regularly-varying"
    SUPER_HEAVY = "super-heavy"


@dataclass(frozen=True)
class TailClass(Result):
    """The right tail of a distribution: its kind and, where it has one, its index or rate.

    ``index`` is the tail index ``a`` of a regularly varying tail (moments of order < a are
    finite) or the rate ``lambda`` of an exponential-type tail.
    """

    kind: TailKind
    index: float | None = None

    def moment_finite(self, order: float) -> bool:
        """Whether E[X^order] is finite for a positive variable with this tail."""
        if self.kind is TailKind.SUPER_HEAVY:
            return False
        if self.kind is TailKind.REGULARLY_VARYING:
            return order < self.index
        return True

    def min_of(self, q: float) -> "TailClass":
        """Tail class of the minimum of ``q`` independent copies: P(min > t) = P(X > t)^q."""
        if self.kind is TailKind.REGULARLY_VARYING:
            return TailClass(self.kind, q * self.index)
        if self.kind is TailKind.EXPONENTIAL:
            return TailClass(self.kind, q * self.index)
        return self

    def __str__(self) -> str:
        if self.index is None:
            return self.kind.value
        label = "index" if self.kind is TailKind.REGULARLY_VARYING else "rate"
        value = int(self.index) if float(self.index).is_integer() else self.index
        return f"{self.kind.value} ({label} {value})"


def is_finite_index(x: float | None) -> bool:
    return x is not None and math.isfinite(x)
