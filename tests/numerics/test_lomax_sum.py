"""The exact method against an independent high-precision reference (mpmath), a closed form and
the Levy limit. Requirement: quantiles with relative error <= 1e-6 for beta in [0.1, 20] (the steps
model's checked range), n up to 1e12."""

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
