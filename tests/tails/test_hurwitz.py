"""log zeta(s, q) and its s-derivatives against mpmath, including where scipy's zeta underflows."""

import mpmath as mp
import numpy as np
import pytest

from alignlab.tails.hurwitz import log_zeta

GRID = [(s, q) for s in (1.0001, 1.3, 2.0, 2.7, 6.0, 40.0, 150.0)
        for q in (1.0, 2.0, 5.0, 15.0, 16.0, 123.0, 1e6, 1e12)]


@pytest.mark.parametrize("s,q", GRID)
def test_log_zeta_and_derivatives_match_mpmath(s, q):
    with mp.workdps(50):
        z = mp.zeta(s, q)
        ref = [float(mp.log(z)), float(mp.zeta(s, q, 1) / z),
               float(mp.zeta(s, q, 2) / z - (mp.zeta(s, q, 1) / z) ** 2)]
    value, d1, d2 = log_zeta(s, q, derivatives=2)
    assert value == pytest.approx(ref[0], rel=1e-13, abs=1e-13)
    assert d1 == pytest.approx(ref[1], rel=1e-12)
    assert d2 == pytest.approx(ref[2], rel=1e-8)


def test_log_zeta_stays_finite_where_the_zeta_value_underflows():
    # zeta(200, 1e6) = 1e6^-199 / 199 ~ 1e-1196: far below the smallest double
    with mp.workdps(30):
        ref = float(mp.log(mp.zeta(200, 1e6)))
    assert log_zeta(200.0, 1e6) == pytest.approx(ref, rel=1e-14)


def test_log_zeta_broadcasts():
    out = log_zeta(np.array([[2.0], [3.0]]), np.array([1.0, 10.0, 100.0]))
    assert out.shape == (2, 3)
    assert out[0, 0] == pytest.approx(np.log(np.pi ** 2 / 6), rel=1e-15)
