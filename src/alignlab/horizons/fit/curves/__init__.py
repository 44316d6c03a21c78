r"""The five curves of success against task length, each with what its fit needs.

For a task of t minutes (p = success probability):

* ``logistic`` (METR): :math:`\mathrm{logit}\,p = a + b\log_2 t`; parameters ``intercept`` a and
  ``slope`` b (per doubling of the task length).
* ``exponential`` (a constant hazard, Ord 2025): :math:`p = 2^{-t/h}`; ``half_life_minutes`` h.
* ``weibull``: :math:`p = \exp(-(t/s)^k)`; ``scale_minutes`` s and ``shape`` k. Per doubling of the task
  length, :math:`\log p(2t) / \log p(t) = 2^k`: k < 1 means success falls more slowly across longer
  tasks than under a constant hazard (k = 1).
* ``steps`` and ``steps-mixed`` (the independent-steps model, :mod:`.steps`).

Every curve states its parameters as a vector :math:`\theta` the optimiser moves in (box-bounded),
``evaluate(theta, t)`` giving :math:`\log p`, :math:`\log(1-p)` and :math:`G = \nabla_\theta p / (p(1-p))`
(the gradient of the logit for a single curve), and the task length where the curve crosses a success
level (``horizon``). ``evaluate`` takes the task lengths as (C,) or, one row of lengths per row of theta,
as (D, C).
"""

from __future__ import annotations

from alignlab.horizons.fit.curves.base import Curve
from alignlab.horizons.fit.curves.logistic import Logistic
from alignlab.horizons.fit.curves.steps import Steps
from alignlab.horizons.fit.curves.survival import Exponential, Weibull

CURVES: dict[str, Curve] = {
    "logistic": Logistic("logistic", ("intercept", "slope")),
    "exponential": Exponential("exponential", ("half_life_minutes",)),
    "weibull": Weibull("weibull", ("scale_minutes", "shape")),
    "steps": Steps("steps", ("beta", "tau_minutes", "budget")),
    "steps-mixed": Steps("steps-mixed", ("beta", "tau_minutes", "budget", "sigma"), mixed=True),
}
STEPS_CURVES = ("steps", "steps-mixed")

__all__ = ["CURVES", "STEPS_CURVES", "Curve", "Exponential", "Logistic", "Steps", "Weibull"]
