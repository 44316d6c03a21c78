"""Catastrophic Goodhart: how much true utility V optimising a proxy U = X + V buys.

Optimisation is modelled three ways, each computed by deterministic quadrature that stays
accurate far into the tails (P(U >= t) to 1e-300 and beyond), with Monte Carlo as a cross-check:
conditioning on U >= t (:meth:`Proxy.conditional_utility`), best-of-n selection
(:meth:`Proxy.best_of_n`) and the KL-regularised optimum (:meth:`Proxy.tilt`), plus the
construction that defeats the KL penalty under heavy tails (:func:`construct`).
"""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "BestOfN": "best_of_n", "Condition": "regime", "ConditionalUtility": "conditioning",
    "Construction": "construction", "Dependence": "dependence", "GaoFit": "fits", "PointConditional": "conditioning",
    "Proxy": "proxy", "Regime": "regime", "Tilt": "tilt", "construct": "construction",
    "counterexample": "dependence", "fit_best_of_n": "fits", "fit_gao": "fits",
})
