"""TransformDistribution on transforms whose distributions scipy knows in closed form."""

import math

import numpy as np
import pytest
from scipy import stats

from alignlab.numerics import TransformDistribution, clog1p


def gamma_transform(k, rate=1.0):
    # log E exp(-sY) = -k log(1 + s/rate); concentrated far from zero for large k
    return TransformDistribution(lambda s: -k * clog1p(s / rate), mean=k / rate)


def test_clog1p_is_accurate_for_tiny_arguments():
    z = np.array([1e-13 + 1e-13j, -3e-17 + 2e-16j, 0.3 - 0.2j])
    np.testing.assert_allclose(clog1p(z), [z[0] - z[0] ** 2 / 2, z[1] - z[1] ** 2 / 2, np.log(1 + z[2])], rtol=1e-15)


@pytest.mark.parametrize("k", [1, 3.5, 40])
def test_spread_gamma_laws_come_out_of_the_talbot_contour(k):
    dist = gamma_transform(k)
    for y in stats.gamma.ppf([0.01, 0.5, 0.99], k):
        ev = dist.evaluate(y)
        assert ev.cdf == pytest.approx(stats.gamma.cdf(y, k), rel=1e-10)
        assert ev.sf == pytest.approx(stats.gamma.sf(y, k), rel=1e-9)
        assert ev.pdf == pytest.approx(stats.gamma.pdf(y, k), rel=1e-9)


def gamma_pdf_mp(y, k):
    # scipy's gamma.pdf loses ~1e-7 at k = 1e8 (log Gamma(k) ~ 1.7e9); mpmath does not
    import mpmath as mp
    with mp.workdps(40):
        return float(mp.exp((k - 1) * mp.log(y) - y - mp.loggamma(k)))


@pytest.mark.parametrize("k", [1e4, 1e8])
def test_concentrated_gamma_laws_need_and_get_the_bromwich_line(k):
    dist = gamma_transform(k)
    methods = set()
    for p in (0.001, 0.1, 0.5, 0.9):
        y = stats.gamma.ppf(p, k)
        ev = dist.evaluate(y)
        methods.add(ev.method)
        assert ev.cdf == pytest.approx(p, rel=1e-9)
        assert ev.pdf == pytest.approx(gamma_pdf_mp(y, k), rel=1e-9)
    assert "line" in methods


@pytest.mark.parametrize("k,p", [(2.5, 0.3), (1e6, 0.02), (1e6, 0.98), (7.0, 0.999)])
def test_quantiles_match_scipy(k, p):
    assert gamma_transform(k).ppf(p) == pytest.approx(stats.gamma.ppf(p, k), rel=1e-10)


def test_levy_law_from_its_transform():
    # Levy(scale c): E exp(-sY) = exp(-sqrt(2 c s))
    c = 0.7
    dist = TransformDistribution(lambda s: -np.sqrt(2 * c * s))
    for p in (1e-4, 0.2, 0.5, 0.97):
        assert dist.ppf(p) == pytest.approx(stats.levy.ppf(p, scale=c), rel=1e-10)


def test_far_lower_tail_underflows_to_zero_with_a_chernoff_bound():
    dist = gamma_transform(1e6)
    ev = dist.evaluate(0.5e6)
    assert ev.cdf == 0.0 and ev.method == "chernoff-bound" and ev.error < 1e-300
    assert math.isclose(stats.gamma.cdf(0.5e6, 1e6), 0.0, abs_tol=1e-300)
