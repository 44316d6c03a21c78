"""The KL construction: closed forms against direct integration of the constructed law."""

import mpmath as mp
import numpy as np
import pytest

from alignlab._validate import ParameterError
from alignlab.goodhart import construct


def _direct(t, m):
    """Mean and KL of q = m p/S(t) above t, (1-m) p/F(t) below, for the t(3) base, by mpmath."""
    with mp.workdps(30):
        pdf = lambda x: 6 * mp.sqrt(3) / (mp.pi * (3 + x * x) ** 2)     # noqa: E731
        t = mp.mpf(t)
        s = mp.quad(pdf, [t, mp.inf])
        f = 1 - s
        mean = (m / s) * mp.quad(lambda x: x * pdf(x), [t, 10 * t, mp.inf]) + \
               ((1 - m) / f) * mp.quad(lambda x: x * pdf(x), [-mp.inf, -10, 0, t])
        kl = m * mp.log(m / s) + (1 - m) * mp.log((1 - m) / f)
        return float(mean), float(kl)


@pytest.mark.parametrize("t", [1.5, 10.0, 100.0, 1e4])
def test_mean_and_kl_match_direct_integration_for_a_student_t_base(t):
    r = construct("t(df=3)", [t], mass_exponent=0.8)
    m = t ** -0.8
    mean, kl = _direct(t, m)
    assert abs(r.mean[0] - mean) <= 1e-10 * abs(mean)
    assert abs(r.kl[0] - kl) <= 1e-10 * abs(kl)
    assert r.mass[0] == pytest.approx(m, rel=1e-15)


def test_g4_kl_falls_throughout_and_the_mean_rises_after_a_small_dip():
    """KL falls over all of [1.5, 1e4]; the mean first dips (at t = 1.5 the mass 0.72 above t is
    six times the base's 0.115), bottoms out near t = 2.4 and then rises like t^0.2."""
    r = construct("t(df=3)", np.geomspace(1.5, 1e4, 20), mass_exponent=0.8)
    mean, kl = np.array(r.mean), np.array(r.kl)
    assert np.all(np.diff(kl) < 0)
    assert mean[1] < mean[0] and np.all(np.diff(mean[1:]) > 0)
    assert mean[-1] > 4 * mean[0] and kl[-1] < kl[0] / 50          # 1.88 -> 9.46, 1.01 -> 0.012


def test_mass_as_number_list_or_function():
    a = construct("norm(0, 1)", [1.0, 2.0], 0.1)
    b = construct("norm(0, 1)", [1.0, 2.0], [0.1, 0.1])
    c = construct("norm(0, 1)", [1.0, 2.0], lambda t: 0.1)
    assert a.mean == b.mean == c.mean and a.kl == b.kl
    # moving exactly the base's own mass above t changes nothing
    from scipy import stats
    same = construct("norm(0, 1)", [1.0], float(stats.norm.sf(1.0)))
    assert abs(same.mean[0]) < 1e-15 and abs(same.kl[0]) < 1e-15


@pytest.mark.parametrize("kwargs, param", [
    ({"base": "levy", "t": [2.0], "mass": 0.1}, "base"),
    ({"base": "t(df=3)", "t": [2.0], "mass": 1.5}, "mass"),
    ({"base": "t(df=3)", "t": [2.0], "mass": 0.0}, "mass"),
    ({"base": "t(df=3)", "t": [0.5], "mass_exponent": 0.8}, "t"),
    ({"base": "t(df=3)", "t": [2.0], "mass_exponent": -1}, "mass_exponent"),
    ({"base": "t(df=3)", "t": [2.0]}, "mass"),
    ({"base": "t(df=3)", "t": [2.0], "mass": 0.1, "mass_exponent": 1.0}, "mass"),
    ({"base": "t(df=3)", "t": [2.0, 3.0], "mass": [0.1, 0.2, 0.3]}, "mass"),
    ({"base": "t(df=3)", "t": [], "mass": 0.1}, "t"),
    ({"base": "uniform", "t": [2.0], "mass": 0.1}, "t"),
    ({"base": "t(df=3)", "t": [float("nan")], "mass": 0.1}, "t"),
])
def test_bad_inputs_name_the_parameter(kwargs, param):
    base = kwargs.pop("base")
    t = kwargs.pop("t")
    with pytest.raises(ParameterError) as err:
        construct(base, t, **kwargs)
    assert err.value.param == param
