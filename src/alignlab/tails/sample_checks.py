"""Checks on samples at the boundary of every tails function: one clear sentence per problem.

Every message names the parameter (or, from the command line, the file) and says what is allowed,
so ``alignlab tails ...`` can print it as one line and exit with status 2.
"""

from __future__ import annotations

import math
from os import PathLike

import numpy as np

from alignlab._validate import ParameterError

MIN_TAIL = 10


def as_sample(values, param: str = "samples", column: str | None = None) -> np.ndarray:
    """``values`` as a 1-D float64 array of finite numbers with at least ``MIN_TAIL`` values and some spread.

    ``values``: a numpy array or a sequence of numbers, a pandas Series, a DataFrame (its ``column``), or a
    file or shipped data set by name (read by :func:`alignlab.dists.samples.load_samples`, whose errors
    name the file). Bool values are refused: samples are numbers."""
    from alignlab.dists.samples import load_samples, sample_values
    if isinstance(values, (str, PathLike)):
        x = load_samples(values, column, drop_nonfinite=False).values
    else:
        x = sample_values(values, column, param)[0]
    bad = ~np.isfinite(x)
    if bad.any():
        n_nan = int(np.isnan(x).sum())
        raise ParameterError(param, f"must be finite: {n_nan} NaN or missing and {int(bad.sum()) - n_nan} infinite "
                                    f"of {x.size} values (first at index {int(np.argmax(bad))}); drop them first "
                                    f"(x[np.isfinite(x)], or series.dropna())")
    if x.size < MIN_TAIL:
        raise ParameterError(param, f"needs at least {MIN_TAIL} values for a tail (got {x.size})")
    if x.min() == x.max():
        raise ParameterError(param, f"all {x.size} values equal {float(x[0])!r}: constant data has no tail")
    return x


def positive_part(x: np.ndarray, param: str = "samples", purpose: str = "this estimator") -> np.ndarray:
    """The positive values of ``x``; at least ``MIN_TAIL + 1`` of them, else an error that suggests a fix."""
    positive = x[x > 0]
    if positive.size < MIN_TAIL + 1:
        raise ParameterError(param, f"{purpose} uses log(x) of the largest values and needs at least "
                                    f"{MIN_TAIL + 1} positive values (got {positive.size} of {x.size}); shift the "
                                    f"data or use its excess over a threshold (diagnose uses x - mean(x))")
    return positive


def require_positive(x: np.ndarray, param: str = "samples") -> np.ndarray:
    """For a power-law fit every value must be positive: say how many are not and what to do instead."""
    bad = x <= 0
    if bad.any():
        raise ParameterError(param, f"a power-law fit needs positive values, but {int(bad.sum())} of {x.size} are "
                                    f"<= 0 (min {x.min():.6g}); shift them (x - min(x) + 1), fit the positive "
                                    f"excess over a threshold, or use the Hill estimator or the diagnosis, which "
                                    f"use the positive excess")
    return x


def require_integers(x: np.ndarray, param: str = "samples") -> np.ndarray:
    """Discrete fits need whole numbers >= 1."""
    fractional = x != np.round(x)
    if fractional.any():
        i = int(np.argmax(fractional))
        raise ParameterError(param, f"discrete=True needs whole numbers, but value {x[i]!r} at index {i} is not "
                                    f"({int(fractional.sum())} such values); fit it as continuous data instead")
    return x


def all_integers(x: np.ndarray) -> bool:
    return bool(np.all(x == np.round(x)))


def power_of_two(x: np.ndarray) -> float:
    """The power of two at or below the largest |x|: |x| / it < 2, and twice it is still finite."""
    return math.ldexp(1.0, math.frexp(float(np.abs(x).max()))[1] - 1)


def mean_sd(x: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation (ddof 1); for values near the double range, whose sums or squares
    overflow, computed in units of :func:`power_of_two` (exact) and scaled back."""
    with np.errstate(over="ignore", invalid="ignore"):
        mean, sd = float(x.mean()), float(x.std(ddof=1))
    if math.isfinite(mean) and math.isfinite(sd):
        return mean, sd
    unit = power_of_two(x)
    scaled = x / unit
    return float(scaled.mean()) * unit, float(scaled.std(ddof=1)) * unit


def excess_over_mean(x: np.ndarray, mean: float | None = None, param: str = "samples") -> np.ndarray:
    """x - mean(x); values spread over more than the double range (their excess overflows) are refused."""
    mean = mean_sd(x)[0] if mean is None else mean
    with np.errstate(over="ignore"):
        excess = x - mean
    if not np.isfinite(excess).all():
        raise ParameterError(param, f"values lie further from their mean than the double range reaches (from "
                                    f"{x.min():.6g} to {x.max():.6g}, mean {mean:.6g}); rescale them")
    return excess
