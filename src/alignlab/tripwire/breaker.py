"""The circuit breaker: thresholds with a known false-positive rate, and the alert it writes.

A run trips at the first check where some monitor's statistic ``z`` exceeds that monitor's
threshold. The false-positive rate that matters is per *run*: the chance that a run in which the
fact is not learnable trips at any of its checks. Thresholds come from one of two places:

* **calibration** (:func:`alignlab.tripwire.calibration.calibrate`): the null distribution of each
  monitor's largest ``z`` over a whole run, sampled from control runs over seeds; each monitor
  gets the conformal ``1 - fpr/M`` quantile of its samples (``M`` monitors), so the union over
  monitors has a rate of at most ``fpr``;
* **known null** (the default when no calibration is given): ``z`` has mean 0 and variance 1 under
  the null and is close to N(0, 1), so ``Phi^-1(1 - fpr / (M * n_checks))`` bounds the run-level
  rate by Bonferroni over checks and monitors. It ignores that successive checks are correlated,
  so it is conservative; calibration is sharper.

Exit statuses of ``alignlab tripwire run``: :data:`EXIT_OK` (0) no trip, :data:`EXIT_TRIPPED` (3)
the breaker tripped, 2 bad input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._results import Result

EXIT_OK = 0
EXIT_TRIPPED = 3


@dataclass(frozen=True)
class Thresholds(Result):
    """Per-monitor thresholds on ``z``; ``fpr`` is the nominal run-level false-positive rate.

    ``estimated_fpr`` is the leave-one-seed-out rate measured in calibration (``None`` for the
    known-null thresholds, whose rate is at most ``fpr`` by construction).
    """

    values: dict[str, float]
    fpr: float
    source: str
    estimated_fpr: float | None = None

    def crossed(self, statistic: dict[str, float]) -> list[str]:
        """Monitors whose statistic is above their threshold, in the order of ``values``."""
        return [m for m, tau in self.values.items() if statistic.get(m, -math.inf) > tau]


def known_null_thresholds(monitors, n_checks: int, fpr: float) -> Thresholds:
    """``Phi^-1(1 - fpr / (len(monitors) * n_checks))`` for every monitor (Bonferroni)."""
    fpr = v.probability("fpr", fpr)
    n_checks = v.integer("n_checks", n_checks, low=1)
    from scipy import stats        # here, not at the top: `alignlab tripwire --help` reads EXIT_TRIPPED
    tau = float(stats.norm.isf(fpr / (len(monitors) * n_checks)))
    return Thresholds({m: tau for m in monitors}, fpr, "known-null")


def null_quantile(samples, rate: float) -> float:
    """The conformal threshold for exceedance rate ``rate``: the ``ceil((1 - rate)(N + 1))``-th smallest
    of the ``N`` null samples. A new sample exchangeable with them exceeds it with probability at
    most ``rate`` (and at least ``rate - 1/(N + 1)`` for continuous samples)."""
    x = np.sort(np.asarray(samples, dtype=np.float64).ravel())
    rate = v.probability("rate", rate)
    if x.size == 0 or not np.isfinite(x).all():
        raise v.ParameterError("samples", "must be a non-empty set of finite null statistics")
    k = math.ceil((1.0 - rate) * (x.size + 1))
    if k > x.size:
        raise v.ParameterError("samples", f"needs at least {math.ceil(1 / rate) - 1} null samples for a rate of "
                                          f"{rate:g} (got {x.size})")
    return float(x[k - 1])


@dataclass(frozen=True)
class Alert(Result):
    """What the breaker writes when it trips."""

    step: int
    monitor: str                      # the monitor that crossed ("eval+probe" when both did)
    statistic: float                  # its z (the larger ratio to threshold when both crossed)
    threshold: float
    statistics: dict[str, float]      # every monitor's z at this check
    thresholds: dict[str, float]
    fpr: float
    threshold_source: str
    phase: str                        # "learn" (first acquisition) or "relearn" (after erasure)
    checkpoint: str | None            # state at the trip
    previous_checkpoint: str | None   # the last state before it


def make_alert(step: int, statistic: dict[str, float], thresholds: Thresholds, phase: str,
               checkpoint: str | None = None, previous_checkpoint: str | None = None) -> Alert | None:
    """The alert for this check, or ``None`` if no monitor crossed."""
    crossed = thresholds.crossed(statistic)
    if not crossed:
        return None
    lead = max(crossed, key=lambda m: statistic[m] - thresholds.values[m])
    return Alert(step, "+".join(crossed), float(statistic[lead]), float(thresholds.values[lead]),
                 {m: float(z) for m, z in statistic.items()}, dict(thresholds.values), thresholds.fpr,
                 thresholds.source, phase, checkpoint, previous_checkpoint)
