"""Wilson, bootstrap and chance intervals against values worked out by hand or by scipy."""

import math

import numpy as np
import pytest
from scipy import stats

from alignlab.tripwire.intervals import bootstrap_median, chance_interval, wilson


@pytest.mark.parametrize("k, n, low, high", [
    (0, 20, 0.0, 0.16113), (20, 20, 0.83887, 1.0), (10, 20, 0.29929, 0.70071), (1, 5, 0.03622, 0.62447),
])
def test_wilson_matches_the_formula(k, n, low, high):
    assert wilson(k, n) == pytest.approx((low, high), abs=1e-5)


def test_wilson_covers_at_its_level():
    # the share of draws whose interval holds the true rate: close to 95% (Wilson is near nominal)
    rng = np.random.default_rng(0)
    for p, n in ((0.1, 20), (0.5, 20), (0.9, 40)):
        ks = rng.binomial(n, p, size=4000)
        covered = np.mean([lo <= p <= hi for lo, hi in (wilson(int(k), n) for k in ks)])
        assert 0.90 <= covered <= 0.99        # 4000 draws: SE of a coverage near 0.95 is 0.0035


def test_bootstrap_median_is_seeded_and_handles_never():
    x = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert bootstrap_median(x) == bootstrap_median(x)
    m, lo, hi = bootstrap_median(x)
    assert m == 55 and lo <= m <= hi and lo >= 10 and hi <= 100
    m, lo, hi = bootstrap_median([10, 20, math.inf, math.inf, math.inf])
    assert m == math.inf and hi == math.inf and lo >= 10          # most never came back: the median is "never"
    assert all(math.isnan(v) for v in bootstrap_median([]))


def test_chance_interval_is_the_binomial_over_cities():
    low, high = chance_interval(16, 4)
    law = stats.binom(16, 0.25)
    assert low * 16 == law.ppf(0.025) and high * 16 == law.isf(0.025)
    assert law.cdf(high * 16) >= 0.975 and law.cdf(high * 16 - 1) < 0.975
    assert chance_interval(64, 4)[1] < high              # more cities, a tighter interval
