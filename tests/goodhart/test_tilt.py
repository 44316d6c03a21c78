"""The KL-regularised optimum p exp(U/beta): closed forms, and a clear error when it does not exist."""


import mpmath as mp
import numpy as np
import pytest

from alignlab._validate import ParameterError
from alignlab.goodhart import Proxy, counterexample


def test_normal_tilt_shifts_each_mean_by_its_variance_over_beta():
    beta = np.array([4.0, 2.0, 1.0, 0.5, 0.1, 0.01])
    r = Proxy("norm(-1, 2)", "norm(1, 1.5)").tilt(beta)
    assert np.allclose(r.utility, 1 + 2.25 / beta, rtol=1e-11)
    assert np.allclose(r.error, -1 + 4 / beta, rtol=1e-11)
    assert np.allclose(r.proxy, 6.25 / beta, rtol=1e-11)
    assert np.allclose(r.kl, 6.25 / (2 * beta ** 2), rtol=1e-9)


def test_exponential_error_tilt_matches_the_closed_form():
    """X ~ Exp(rate 2) tilted by s < 2 is Exp(rate 2 - s): E = 1/(2 - s), and with V ~ N(0, 1)
    KL = s/(2 - s) - log(2/(2 - s)) + s^2/2 - s/2 (the X part measured from E[X] = 1/2)."""
    s = np.array([0.1, 0.5, 1.0, 1.9])
    r = Proxy("expon(scale=0.5)", "norm(0, 1)").tilt(1 / s)
    assert np.allclose(r.error, 1 / (2 - s), rtol=1e-10)
    assert np.allclose(r.utility, s, rtol=1e-10)
    kl = s / (2 - s) - np.log(2 / (2 - s)) + s ** 2 / 2
    assert np.allclose(r.kl, kl, rtol=1e-9)


def test_heavy_tailed_error_has_no_optimum_and_points_to_construct():
    with pytest.raises(ParameterError, match="construct") as err:
        Proxy("t(df=3)", "norm(0, 1)").tilt([1.0])
    assert err.value.param == "error" and "no KL-regularised optimum" in str(err.value)
    with pytest.raises(ParameterError, match="construct") as err:
        Proxy("norm(0, 1)", "lognorm(s=1)").tilt([1.0])
    assert err.value.param == "utility"


def test_beta_below_one_over_the_rate_is_refused():
    with pytest.raises(ParameterError, match="1/rate") as err:
        Proxy("laplace(scale=2)", "norm(0, 1)").tilt([3.0, 2.0])
    assert err.value.param == "beta"


def test_dependent_tilt_against_direct_integrals():
    """E_beta[V] for the counterexample: weights phi(v) e^(s v) E[e^(s X) | v] with
    E[e^(sX)|v] = e^(2 s^2) inside |v| <= 1 and 1 outside."""
    beta = [2.0, 0.5, 0.1]
    r = Proxy(utility="norm(0, 1)", dependence=counterexample()).tilt(beta)
    with mp.workdps(30):
        for b, ev, ex in zip(beta, r.utility, r.error):
            s = mp.mpf(1) / b
            w = lambda v: mp.npdf(v) * mp.exp(s * v) * (mp.exp(2 * s * s) if abs(v) <= 1 else 1)  # noqa: E731
            pts = sorted({-mp.inf, mp.mpf(-1), mp.mpf(0), mp.mpf(1), s, mp.inf})
            z = mp.quad(w, pts)
            assert abs(ev - float(mp.quad(lambda v: v * w(v), pts) / z)) < 1e-9
            inside = mp.quad(lambda v: mp.npdf(v) * mp.exp(s * v) * mp.exp(2 * s * s), [-1, 0, 1])
            assert abs(ex - float(4 * s * inside / z)) < 1e-9 * max(1, ex)
    assert r.utility[-1] < 1 < Proxy("norm(0, 2)", "norm(0, 1)").tilt([0.1]).utility[0]
