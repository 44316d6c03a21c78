r"""Percentile intervals over bootstrap draws: the one definition that fits, trends and joint models share.

A 95% interval is the 2.5% and 97.5% percentiles of the draws (``inverted_cdf``: each end is one of the
draws, no interpolation between them). Two kinds of missing value mean different things:

* a draw that could not be fitted at all (an agent whose resampled runs all fail) is NaN and is left
  out (:func:`interval`);
* a value that does not exist in a draw that was fitted (a horizon the curve never falls through, a date
  a trend never reaches) counts as +inf (:func:`percentile_interval` after :func:`never_as_inf`).
"""

from __future__ import annotations

import numpy as np

LEVEL = 0.95
Z95 = 1.959963984540054          # the standard normal's 97.5% point
QUANTILES = ((1.0 - LEVEL) / 2.0, (1.0 + LEVEL) / 2.0)


def percentile_interval(values) -> tuple[float, float]:
    """The 2.5% and 97.5% percentiles of ``values`` (NaN counts as +inf; at least one value)."""
    values = never_as_inf(values)
    lo, hi = np.quantile(values, QUANTILES, method="inverted_cdf")
    return float(lo), float(hi)


def interval(values) -> tuple[float, float] | None:
    """The 95% percentile interval of the draws that could be fitted (NaN left out); None without any."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    return percentile_interval(values) if values.size else None


def band(draws) -> tuple[np.ndarray, np.ndarray] | None:
    """Column by column, the 95% interval of ``draws`` (D, m) over its rows without NaN; None without any."""
    draws = np.asarray(draws, dtype=float)
    draws = draws[~np.isnan(draws).any(axis=1)]
    if not draws.shape[0]:
        return None
    low, high = np.quantile(draws, QUANTILES, axis=0, method="inverted_cdf")
    return low, high


def never_as_inf(values) -> np.ndarray:
    """``values`` with NaN (a value that does not exist in that draw) as +inf."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isnan(values), np.inf, values)
