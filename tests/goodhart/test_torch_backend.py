"""Best-of-n Monte Carlo on the torch backend (CPU here, CUDA where present) against quadrature."""

import numpy as np
import pytest

from alignlab import ParameterError
from alignlab.goodhart import Proxy


@pytest.mark.parametrize("error,utility", [("t(df=3)", "norm(0,1)"), ("lognorm(s=1)", "norm(0,1)"),
                                           ("levy", "norm(0,2)"), ("norm(0,1)", "t(df=10, scale=2)")])
def test_torch_best_of_n_agrees_with_quadrature_within_standard_errors(error, utility):
    proxy = Proxy(error, utility)
    ns = [1, 4, 32, 256]
    exact = proxy.best_of_n(ns)
    mc = proxy.best_of_n(ns, method="mc", trials=3000, seed=2, backend="torch")
    z = (np.array(mc.utility) - np.array(exact.utility)) / np.array(mc.utility_se)
    assert np.all(np.abs(z) < 4.5), z


def test_torch_backend_is_reproducible_for_a_seed():
    proxy = Proxy("t(df=3)", "norm(0,1)")
    a = proxy.best_of_n([1, 10], method="mc", trials=500, seed=7, backend="torch")
    b = proxy.best_of_n([1, 10], method="mc", trials=500, seed=7, backend="torch")
    assert a.utility == b.utility


def test_torch_backend_refuses_families_it_cannot_draw():
    with pytest.raises(ParameterError) as err:
        Proxy("genpareto(c=0.5)", "norm(0,1)").best_of_n([1, 10], method="mc", trials=10, backend="torch")
    assert err.value.param == "backend"
