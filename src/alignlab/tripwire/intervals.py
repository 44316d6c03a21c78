r"""Intervals for the study's summaries: Wilson for rates, the bootstrap for medians, and chance.

* :func:`wilson`: the Wilson score interval for ``k`` successes in ``n`` trials (Wilson 1927),

  .. math::  \frac{\hat p + \frac{z^2}{2n} \pm z \sqrt{\frac{\hat p (1 - \hat p)}{n} + \frac{z^2}{4n^2}}}{1 + \frac{z^2}{n}},
             \qquad z = \Phi^{-1}\left(\tfrac{1 + \mathrm{level}}{2}\right),

  which keeps its coverage near 0 and 1 and for the 5 to 20 worlds of a study, where the normal
  interval collapses to a point.
* :func:`bootstrap_median`: the median and the percentile interval of the medians of ``bootstrap``
  resamples (Efron & Tibshirani 1993, ch. 13). Values may be ``inf`` (a relearning that never came
  within the run): the median is then an order statistic that may itself be ``inf`` ("never"), and the
  interval's ends are taken as order statistics too (``lower``/``higher``), never interpolated.
* :func:`chance_interval`: the central interval of the oracle's accuracy for answers independent of
  the truth. A model that holds no belief about a hidden city still tends to answer its three
  phrasings alike, so the unit of independence is the city: with ``n`` hidden cities, ``K``
  countries and uniform true countries, the number of cities answered right is at most as spread as
  Binomial(n, 1/K) (all phrasings alike), whose quantiles over ``n`` bound the interval.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from alignlab._seeding import SeedLike, seed_sequence

LEVEL = 0.95
BOOTSTRAP = 2000


def wilson(k: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Wilson score interval for ``k`` of ``n``; ``(0, 1)`` when ``n`` is 0 (nothing observed)."""
    if n == 0:
        return 0.0, 1.0
    z = float(stats.norm.isf((1 - level) / 2))
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)
    # exact at the ends: with k = 0 the lower end is 0, with k = n the upper end is 1
    return (0.0 if k == 0 else max(0.0, low)), (1.0 if k == n else min(1.0, high))


def bootstrap_median(values, level: float = LEVEL, bootstrap: int = BOOTSTRAP,
                     seed: SeedLike = 0) -> tuple[float, float, float]:
    """``(median, low, high)`` of ``values`` (``inf`` allowed); NaNs when there are none."""
    x = np.asarray([float(v) for v in values], dtype=np.float64)
    if x.size == 0:
        return math.nan, math.nan, math.nan
    rng = np.random.default_rng(seed_sequence(seed))
    medians = np.sort(np.median(x[rng.integers(0, x.size, size=(bootstrap, x.size))], axis=1))
    alpha = (1 - level) / 2
    return (float(np.median(x)), float(np.quantile(medians, alpha, method="lower")),
            float(np.quantile(medians, 1 - alpha, method="higher")))


def chance_interval(n_cities: int, n_countries: int, level: float = LEVEL) -> tuple[float, float]:
    """Central ``level`` interval of accuracy on ``n_cities`` for answers independent of the truth (module
    docstring)."""
    alpha = (1 - level) / 2
    law = stats.binom(n_cities, 1.0 / n_countries)
    return float(law.ppf(alpha) / n_cities), float(law.isf(alpha) / n_cities)
