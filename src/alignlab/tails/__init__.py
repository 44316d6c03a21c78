"""Tail diagnostics: are these samples heavy-tailed, and how heavy?

Tail-index estimators over every k (:func:`hill`, :func:`smoothed_hill`, :func:`pickands`,
:func:`moment`, with the double bootstrap for k), the Clauset-Shalizi-Newman power-law fit with an
exact O(n log n)-in-practice xmin scan (:func:`fit_power_law`, :func:`goodness_of_fit`),
likelihood-ratio tests against other tails (:func:`compare`), and :func:`diagnose`, the verdict
heavy / light / ambiguous with its evidence and what it means for optimising a proxy.
"""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "Comparison": "likelihood_ratio", "Comparisons": "likelihood_ratio", "Diagnosis": "diagnosis", "GoodnessOfFit": "gof",
    "PowerLawFit": "power_law", "TailPath": "estimators", "compare": "likelihood_ratio",
    "diagnose": "diagnosis", "fit_power_law": "power_law", "goodness_of_fit": "gof", "hill": "estimators",
    "moment": "estimators", "pickands": "estimators", "smoothed_hill": "estimators",
})
