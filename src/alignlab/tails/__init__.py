"""Tail diagnostics: are these samples heavy-tailed, and how heavy?

Tail-index estimators over every k (:func:`hill`, :func:`smoothed_hill`, :func:`pickands`,
:func:`moment`, with the double bootstrap for k), the Clauset-Shalizi-Newman power-law fit with an
exact O(n log n)-in-practice xmin scan (:func:`fit_power_law`, :func:`goodness_of_fit`),
likelihood-ratio tests against other tails (:func:`compare`), and :func:`diagnose`, the verdict
heavy / light / ambiguous with its evidence and what it means for optimising a proxy.
"""

from alignlab.tails.compare import Comparison, Comparisons, compare
from alignlab.tails.diagnose import Diagnosis, diagnose
from alignlab.tails.estimators import TailPath, hill, moment, pickands, smoothed_hill
from alignlab.tails.gof import GoodnessOfFit, goodness_of_fit
from alignlab.tails.io import Samples, load_samples
from alignlab.tails.power_law import PowerLawFit, fit_power_law

__all__ = ["Comparison", "Comparisons", "Diagnosis", "GoodnessOfFit", "PowerLawFit", "Samples", "TailPath",
           "compare", "diagnose", "fit_power_law", "goodness_of_fit", "hill", "load_samples", "moment",
           "pickands", "smoothed_hill"]
