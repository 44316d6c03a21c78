r"""What the steps model predicts for success against task length, exactly (the figure of the docs and
the report).

With subtask times :math:`P(M > m) = m^{-\beta}` and a budget B, a task of n subtasks succeeds with
probability :math:`p(n) = P(Y_n \le B - n)` (:class:`alignlab.numerics.LomaxSum`, real n). Two
references:

* **one slow subtask** (short tasks): failing mostly means one subtask alone overruns the budget,
  :math:`1 - p(n) \approx n\,P(M > B) = n B^{-\beta}`: a constant hazard, :math:`p \approx e^{-nB^{-\beta}}`;
* **the cliff** (beta > 1, long tasks): by the law of large numbers :math:`S_n \approx n\beta/(\beta-1)`,
  so success collapses near :math:`n^* = B(\beta-1)/\beta`. Below the threshold (beta < 1) there is
  no cliff: :math:`S_n \approx n^{1/\beta}Z` with Z one-sided stable, and success fades over the
  scale :math:`n \sim B^\beta`, then falls as the stable law's left tail, faster than any constant
  hazard (:math:`-\log p \propto n^{1/(1-\beta)}`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab._results import Result

REGIME_BETAS = (0.5, 0.8, 1.5, 3.0)
REGIME_BUDGET = 100.0


@dataclass(frozen=True)
class RegimeCurve(Result):
    """Success against the number of subtasks for one beta: exact, the one-slow-subtask constant hazard,
    and the cliff position (None below the threshold)."""

    beta: float
    n: tuple[float, ...]
    success: tuple[float, ...]
    constant_hazard: tuple[float, ...]
    cliff: float | None


@dataclass(frozen=True)
class StepsRegimes(Result):
    budget: float
    curves: tuple[RegimeCurve, ...]


def steps_regimes(betas=REGIME_BETAS, budget: float = REGIME_BUDGET, points: int = 60) -> StepsRegimes:
    """p(n) = P(S_n <= budget) for each beta over n from 1e-2 to just below the budget, by exact Laplace
    inversion, with its references (module docstring)."""
    from alignlab.numerics.lomax_sum import LomaxSum

    n = np.exp(np.linspace(math.log(1e-2), math.log(budget * 0.999), points))
    curves = []
    for beta in betas:
        success = [float(LomaxSum(beta, m).cdf(budget - m)) for m in n]
        hazard = np.exp(-n * budget ** -beta)
        cliff = budget * (beta - 1) / beta if beta > 1 else None
        curves.append(RegimeCurve(beta=float(beta), n=tuple(n.tolist()), success=tuple(success),
                                  constant_hazard=tuple(hazard.tolist()), cliff=cliff))
    return StepsRegimes(budget=float(budget), curves=tuple(curves))
