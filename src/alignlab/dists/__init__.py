"""Tail-aware distributions shared by every system, the spec-string parser and tail classes."""

from alignlab.dists.approach import (FAMILIES, REGULARLY_VARYING, ApproachTime, Frechet, LogCauchy, LogLogistic,
                                     LogNormal, LogPareto, Lomax, Pareto, SubtaskTime, Weibull, approach_time)
from alignlab.dists.samples import EmpiricalSamples, load_samples
from alignlab.dists.scipy_spec import FAMILY_NAMES, Continuous, continuous, from_frozen
from alignlab.dists.spec import Spec, parse_spec
from alignlab.dists.tails import TailClass, TailKind

__all__ = [
    "FAMILIES", "REGULARLY_VARYING", "ApproachTime", "Frechet", "LogCauchy", "LogLogistic", "LogNormal",
    "LogPareto", "Lomax", "Pareto", "Spec", "SubtaskTime", "TailClass", "TailKind", "Weibull",
    "approach_time", "parse_spec",
    # scipy.stats laws by spec string, with accurate log tails (alignlab.goodhart)
    "FAMILY_NAMES", "Continuous", "EmpiricalSamples", "continuous", "from_frozen", "load_samples",
]
