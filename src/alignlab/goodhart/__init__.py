"""Catastrophic Goodhart: how much true utility V optimising a proxy U = X + V buys.

Optimisation is modelled three ways, each computed by deterministic quadrature that stays
accurate far into the tails (P(U >= t) to 1e-300 and beyond), with Monte Carlo as a cross-check:
conditioning on U >= t (:meth:`Proxy.conditional_utility`), best-of-n selection
(:meth:`Proxy.best_of_n`) and the KL-regularised optimum (:meth:`Proxy.tilt`), plus the
construction that defeats the KL penalty under heavy tails (:func:`construct`).
"""

from alignlab.goodhart.best_of_n import BestOfN
from alignlab.goodhart.conditioning import ConditionalUtility, PointConditional
from alignlab.goodhart.construct import Construction, construct
from alignlab.goodhart.dependence import Dependence, counterexample
from alignlab.goodhart.fits import GaoFit, fit_best_of_n, fit_gao
from alignlab.goodhart.proxy import Proxy
from alignlab.goodhart.regime import Condition, Regime
from alignlab.goodhart.tilt import Tilt

__all__ = ["BestOfN", "Condition", "ConditionalUtility", "Construction", "Dependence", "GaoFit", "PointConditional",
           "Proxy", "Regime", "Tilt", "construct", "counterexample", "fit_best_of_n", "fit_gao"]
