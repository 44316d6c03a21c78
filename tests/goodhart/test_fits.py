"""Least-squares fits of Gao et al.'s forms."""

import numpy as np
import pytest

from alignlab._validate import ParameterError
from alignlab.goodhart import fit_best_of_n, fit_gao
from alignlab.goodhart.best_of_n import BestOfN


def test_exact_curves_give_back_their_coefficients():
    d = np.linspace(0.1, 4, 30)
    bon = fit_gao(d, d * (1.3 - 0.4 * d), "bon")
    rl = fit_gao(d, d * (0.9 - 0.25 * np.log(d)), "rl")
    assert (bon.a, bon.b) == pytest.approx((1.3, 0.4), rel=1e-12) and bon.r_squared == pytest.approx(1.0)
    assert (rl.a, rl.b) == pytest.approx((0.9, 0.25), rel=1e-12) and rl.rmse < 1e-13
    wrong = fit_gao(d, d * (0.9 - 0.25 * np.log(d)), "bon")
    assert wrong.r_squared < 1.0


def test_fit_best_of_n_uses_the_square_root_of_the_kl():
    n = np.array([1, 2, 4, 8, 16, 32])
    kl = np.log(n) - (n - 1) / n
    d = np.sqrt(kl)
    bon = BestOfN(n=tuple(n), utility=tuple(5 + d * (2 - 0.5 * d)), proxy=tuple(n * 0.0), error=tuple(n * 0.0),
                  kl=tuple(kl), kl_bound=tuple(kl), utility_mean=5.0, method="exact")
    a, b = fit_best_of_n(bon)
    assert (a.a, a.b) == pytest.approx((2.0, 0.5), rel=1e-10) and b.form == "rl"


def test_bad_fit_inputs():
    with pytest.raises(ParameterError) as err:
        fit_gao([0.0, 1.0], [0.0, 1.0], "bon")
    assert err.value.param == "gain"
    with pytest.raises(ParameterError) as err:
        fit_gao([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], "linear")
    assert err.value.param == "form"
