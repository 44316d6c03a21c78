"""The exact method against an independent high-precision reference (mpmath), a closed form and
the Levy limit. Requirement: quantiles with relative error <= 1e-6 for beta in [1e-300, 20] (the steps
model's checked range), n up to 1e12 (below beta = 0.1, in log space: n up to 1e300, and relative 1e-10
in log y where y is beyond the double range)."""

import math

import numpy as np
import pytest
from scipy import stats

from alignlab.steps import StepsModel
from alignlab.numerics.lomax_sum import LomaxSum, lomax_log_laplace

import numerics.mp_reference as ref

REQUIRED = 1e-6


def quantile_relative_error(x, n, p, F, f):
    """Relative error of a quantile x from the reference CDF and density at x."""
    return abs(F - p) / (x * f)


SPREAD = [  # (beta, n, p): laws spread out from zero, mpmath Talbot
    (0.2, 7, 0.9), (0.2, 10 ** 12, 0.5), (0.5, 10 ** 6, 0.1), (0.5, 10 ** 12, 0.99), (0.9, 1000, 0.5),
    (0.9, 10 ** 12, 0.01), (1.0, 10 ** 6, 0.5), (1.0, 10 ** 12, 0.99), (1.5, 7, 0.5), (2.5, 7, 0.1),
    (0.1, 3, 0.99), (0.1, 10 ** 6, 0.1),                       # the lower end of the checked range
]
CONCENTRATED = [  # finite mean, large n: mpmath de Hoog on the centred law
    (1.5, 1000, 0.01), (1.5, 10 ** 12, 0.01), (2.0, 10 ** 12, 0.99), (3.0, 10 ** 12, 0.5), (3.0, 1000, 0.9),
    (5.0, 10 ** 6, 0.5), (5.0, 10 ** 12, 0.1), (1.99999, 194_673_150, 0.1), (2.0000001, 10 ** 9, 0.5),
    (20.0, 10 ** 6, 0.5),                                       # the upper end of the checked range
]


@pytest.mark.parametrize("beta,n,p", SPREAD)
def test_exact_quantile_matches_mpmath_talbot(beta, n, p):
    x = float(StepsModel(beta, 1).task_time(n).ppf(p))
    F, f = ref.talbot(beta, n, x - n, dps=30 + int(math.log10(n)))
    assert quantile_relative_error(x, n, p, F, f) < REQUIRED


@pytest.mark.parametrize("beta,n,p", CONCENTRATED)
def test_exact_quantile_matches_mpmath_dehoog_on_centred_law(beta, n, p):
    x = float(StepsModel(beta, 1).task_time(n).ppf(p))
    F, f, log_bound = ref.centered(beta, n, x - n, dps=40 + int(math.log10(n)))
    assert log_bound < -200          # the reference neglects a mass below e^-200
    assert quantile_relative_error(x, n, p, F, f) < REQUIRED


@pytest.mark.parametrize("beta", [0.2, 0.7, 1.0, 2.0, 4.3])
def test_inversion_at_n_1_reproduces_the_lomax_closed_form(beta):
    # the transform inversion (not the n = 1 shortcut) against (1 - p)^(-1/beta) - 1
    dist = LomaxSum(beta, 1)
    for p in (0.05, 0.5, 0.95):
        assert dist.ppf(p, guess=1.0) == pytest.approx((1 - p) ** (-1 / beta) - 1, rel=1e-9)


def test_beta_one_half_approaches_the_levy_law_with_scale_pi_over_2():
    # S_n / n^2 -> Levy(scale = pi/2); at n = 1e12 the finite-n correction is ~1e-12
    n = 10 ** 12
    dist = StepsModel(0.5, 1).task_time(n)
    for p in (0.1, 0.5, 0.9):
        assert dist.ppf(p) / n ** 2 == pytest.approx(stats.levy.ppf(p, scale=math.pi / 2), rel=1e-8)


@pytest.mark.parametrize("beta", [0.3, 1.0, 1.7, 2.0, 3.0, 4.9995])
@pytest.mark.parametrize("modulus", [1e-40, 1e-8, 0.3, 0.7, 1.4, 2.5, 6.0, 40.0])
def test_lomax_transform_matches_mpmath_off_the_real_axis(beta, modulus):
    s = modulus * np.exp(1j * np.array([0.0, 1.1, 2.5]))
    ours = lomax_log_laplace(s, beta)
    import mpmath as mp
    with mp.workdps(60):
        theirs = [complex(mp.log(ref.lomax_transform(si, beta))) for si in s]
    np.testing.assert_allclose(ours, theirs, rtol=1e-11)


# -- small beta, in log space (LogLomaxSum): q alpha down to 1e-300 -------------------------------------
from alignlab.numerics.lomax_sum import LogLomaxSum, LomaxSum as _LomaxSum  # noqa: E402

MODERATE_Y = [  # (beta, n, p) with the quantile inside the double range: mpmath Talbot on the whole transform
    (0.05, 2, 0.5), (0.05, 7, 0.99), (0.05, 3, 1e-4), (0.02, 2, 0.01), (0.02, 3, 0.01), (0.01, 2, 0.001),
    (1e-3, 2, 1e-5), (1e-4, 2, 1e-6),
]


@pytest.mark.parametrize("beta,n,p", MODERATE_Y)
def test_log_space_quantile_matches_mpmath_talbot(beta, n, p):
    y = math.exp(LogLomaxSum(beta, n).log_ppf(p))
    F, f = ref.talbot(beta, n, y, dps=40)
    assert abs(F - p) / (y * f) < REQUIRED


@pytest.mark.parametrize("beta", [0.02, 0.01, 1e-3, 1e-6, 1e-9, 1e-12, 1e-15])
@pytest.mark.parametrize("n", [2, 100, 10 ** 6, 10 ** 300])
def test_log_space_quantile_matches_the_singular_series_far_beyond_the_double_range(beta, n):
    # the series drops terms of relative order n^(1 - 1/beta) <= 2^-49 in the bulk (y beyond 1e40 here);
    # quantiles reach e^(7e17), so beyond 1e308 (only log10 is reported) the test is on log y
    checked = 0
    for p in (0.01, 0.5, 0.99) if n != 100 else (1e-10, 0.5):
        ell = LogLomaxSum(beta, n).log_ppf(p)
        if ell < 100:
            continue                                   # small y: MODERATE_Y checks those against Talbot
        checked += 1
        F, density = ref.small_beta(beta, n, ell, dps=60)
        shift = abs(F - p) / density                  # error in log y
        assert shift / ell < 1e-10                     # relative error of log y
        if ell < 709:
            assert shift < REQUIRED                    # relative error of y itself
    assert checked >= 1


@pytest.mark.parametrize("beta", [0.1, 0.3, 0.7])
def test_log_space_agrees_with_the_y_space_inversion_where_both_run(beta):
    for n in (2, 1000, 10 ** 6):
        for p in (0.01, 0.5, 0.99):
            ell = LogLomaxSum(beta, n).log_ppf(p)
            assert ell == pytest.approx(math.log(_LomaxSum(beta, n).ppf(p, guess=math.exp(ell))), abs=1e-10)


@pytest.mark.parametrize("beta", [1e-30, 1e-200, 1e-300])
def test_tiny_beta_quantiles_are_those_of_the_largest_term(beta):
    # max Y_i <= Y_n <= n max Y_i pins log y to relative log(n) beta: the sum is its largest term
    for n in (2, 10 ** 300):
        for p in (1e-10, 0.5, 0.99):
            u = math.log(p) / n                     # log(1 - e^u), accurate on both sides
            expected = -(math.log(-math.expm1(u)) if u > -math.log(2) else math.log1p(-math.exp(u))) / beta
            assert LogLomaxSum(beta, n).log_ppf(p) == pytest.approx(expected, rel=1e-12)


def test_log_space_cdf_inverts_the_quantile_and_the_density_is_its_slope():
    dist = LogLomaxSum(0.01, 5)
    ell = dist.log_ppf(0.3)
    cdf, sf = dist.log_cdf_sf(ell)
    assert cdf == pytest.approx(0.3, rel=1e-10) and sf == pytest.approx(0.7, rel=1e-10)
    h = 1e-3
    slope = (dist.log_cdf_sf(ell + h)[0] - dist.log_cdf_sf(ell - h)[0]) / (2 * h)
    assert dist.evaluate(ell)[2] == pytest.approx(slope, rel=1e-6)
