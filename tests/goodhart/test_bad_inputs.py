"""Every bad input gives one ParameterError that names the parameter."""

import math

import numpy as np
import pytest
from scipy import stats

from alignlab._validate import ParameterError
from alignlab.dists import EmpiricalSamples
from alignlab.goodhart import Dependence, Proxy

GOOD = Proxy("t(df=3)", "norm(0, 1)")


@pytest.mark.parametrize("call, param", [
    (lambda: Proxy("foo", "norm(0, 1)"), "error"),
    (lambda: Proxy("t(df=3)", "t(df=1)"), "utility"),
    (lambda: Proxy("t(df=3)", "levy"), "utility"),
    (lambda: Proxy("t(df=3)", "norm(0, 1)", dependence=lambda v: 0.0), "error"),
    (lambda: Proxy(None, "norm(0, 1)"), "error"),
    (lambda: Proxy("t(df=3)", "bar(1)"), "utility"),
    (lambda: Proxy(utility="norm(0, 1)", dependence="not callable"), "dependence"),
    (lambda: Proxy(utility="norm(0, 1)", dependence=lambda v: "text"), "dependence"),
    (lambda: Proxy(utility="norm(0, 1)", dependence=lambda v: stats.rayleigh()), "dependence"),
    (lambda: Proxy(utility="norm(0, 1)", dependence=lambda v: math.inf), "dependence"),
    (lambda: Dependence(lambda v: 0.0, breakpoints=(float("nan"),)), "dependence"),
    (lambda: GOOD.conditional_utility([]), "t"),
    (lambda: GOOD.conditional_utility([1.0, float("nan")]), "t"),
    (lambda: GOOD.conditional_utility([math.inf]), "t"),
    (lambda: GOOD.conditional_utility(["x"]), "t"),
    (lambda: GOOD.conditional_utility([1.0], method="simulate"), "method"),
    (lambda: GOOD.conditional_utility([1.0], method="mc", samples=0), "samples"),
    (lambda: GOOD.conditional_utility([1.0], method="mc", seed=-1), "seed"),
    (lambda: GOOD.conditional_utility_at([]), "u"),
    (lambda: GOOD.best_of_n([0]), "n"),
    (lambda: GOOD.best_of_n([2.5]), "n"),
    (lambda: GOOD.best_of_n([10 ** 13]), "n"),
    (lambda: GOOD.best_of_n([2], method="mc", trials=1), "trials"),
    (lambda: GOOD.best_of_n([2], method="other"), "method"),
    (lambda: GOOD.tilt([0.0]), "beta"),
    (lambda: GOOD.tilt([]), "beta"),
    (lambda: Proxy("norm(0, 1)", "norm(0, 1)").tilt([-1.0]), "beta"),
    (lambda: Proxy("uniform(0, 1)", "uniform(0, 1)").conditional_utility([2.5]), "t"),
    (lambda: Proxy("uniform(0, 1)", "uniform(0, 1)").conditional_utility_at([3.0]), "u"),
    (lambda: Proxy(EmpiricalSamples([1.0, 2.0]), "norm(0, 1)").conditional_utility([1.0]), "error"),
    (lambda: Proxy(EmpiricalSamples([1.0, 2.0]), "norm(0, 1)").best_of_n([2]), "error"),
    (lambda: Proxy(EmpiricalSamples([1.0, 2.0]), "norm(0, 1)").tilt([1.0]), "error"),
])
def test_bad_input_raises_a_parameter_error_naming_it(call, param):
    with pytest.raises(ParameterError) as err:
        call()
    assert err.value.param == param
    assert str(err.value).startswith(f"{param}: ") and "\n" not in str(err.value)


def test_a_point_mass_that_varies_inside_a_piece_is_refused():
    dep = Dependence(lambda v: float(v > 0.5))                    # 0 then 1: needs a breakpoint at 0.5
    with pytest.raises(ParameterError, match="same on a piece") as err:
        Proxy(utility="norm(0, 1)", dependence=dep)
    assert err.value.param == "dependence"
    Proxy(utility="norm(0, 1)", dependence=Dependence(lambda v: float(v > 0.5), breakpoints=(0.5,)))


def test_distributions_and_point_masses_may_not_mix_inside_a_piece():
    wide = stats.norm(0, 2)
    dep = Dependence(lambda v: wide if v < 0.5 else 0.0)                   # missing breakpoint at 0.5
    with pytest.raises(ParameterError, match="add a breakpoint") as err:
        Proxy(utility="norm(0, 1)", dependence=dep)
    assert err.value.param == "dependence"


def test_empirical_samples_work_with_monte_carlo():
    r = Proxy(EmpiricalSamples(np.linspace(-1, 1, 101)), "norm(0, 1)").conditional_utility(
        [0.0, 1.0], method="mc", samples=50_000, seed=0)
    assert r.method == "mc" and all(k > 1000 for k in r.accepted)
