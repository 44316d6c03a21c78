"""Which theorem applies, its conditions, and the slope of the gain against theory."""

import math

import pytest

from alignlab._validate import ParameterError
from alignlab.goodhart import Proxy, counterexample

CASES = [  # error, utility, regime, limit, predicted slope
    ("t(df=3)", "norm(0, 1)", "catastrophic", 0.0, -1.0),
    ("lognorm(s=1)", "norm(0, 1)", "catastrophic", 0.0, -1.0),
    ("levy", "norm(2, 1)", "catastrophic", 2.0, -1.0),
    ("logcauchy(sigma=1)", "norm(0, 1)", "catastrophic", 0.0, -1.0),
    ("t(df=1.5)", "t(df=3)", "catastrophic", 0.0, -0.5),
    ("levy", "t(df=2.2)", "catastrophic", 0.0, -0.7),
    ("t(df=1.5)", "t(df=2.2)", "power-growth", math.inf, 0.3),
    ("t(df=3)", "t(df=2.2)", "unbounded", math.inf, 1.0),
    ("lognorm(s=1)", "t(df=3)", "unbounded", math.inf, 1.0),
    ("norm(0, 1)", "norm(0, 1)", "unbounded", math.inf, 1.0),
    ("weibull_min(c=2)", "norm(0, 1)", "unbounded", math.inf, 1.0),
    ("expon(scale=1)", "norm(0, 1)", "constant-gain", 1.0, 0.0),
    ("laplace(scale=0.5)", "norm(1, 1)", "constant-gain", 3.0, 0.0),
    ("expon(scale=1)", "t(df=4)", "unbounded", math.inf, 1.0),
    ("norm(0, 1)", "uniform(0, 2)", "maximal", 2.0, None),
]


@pytest.mark.parametrize("error, utility, name, limit, slope", CASES, ids=[f"{e}|{u}" for e, u, *_ in CASES])
def test_regime_limit_and_the_fitted_slope_of_the_gain(error, utility, name, limit, slope):
    r = Proxy(error, utility).regime()
    assert r.regime == name and r.limit_source == "theorem"
    assert r.limit == pytest.approx(limit, rel=1e-8) if math.isfinite(limit) else r.limit == limit
    assert r.predicted_slope == (pytest.approx(slope) if slope is not None else None)
    if slope is not None:
        # the gain is Var(V) times X's hazard: log(t)/(s^2 t) for the lognormal (local slope
        # -1 + 1/log t), 1/(t log t) for the log-Cauchy (-1 - 1/log t), at the fitted decades
        log_t = math.log(math.sqrt(r.t[-4] * r.t[-1]))
        correction = {"lognorm": 1 / log_t, "logcauchy": -1 / log_t}.get(error.split("(")[0], 0.0)
        local = slope + (correction if name == "catastrophic" else 0.0)
        assert abs(r.slope - local) < 0.015, (r.slope, local)
    assert all(c.holds is not None or c.name.startswith("t^p") for c in r.conditions)


def test_two_power_laws_report_the_exponent_one_plus_a_minus_b():
    assert Proxy("t(df=1.5)", "t(df=2.2)").regime().exponent == pytest.approx(0.3)
    assert Proxy("levy", "t(df=3)").regime().exponent == pytest.approx(-1.5)
    assert Proxy("norm(0, 1)", "norm(0, 1)").regime().exponent is None


def test_the_theorem_conditions_are_listed_with_their_verdicts():
    r = Proxy("t(df=3)", "norm(0, 1)").regime()
    held = {c.name: c.holds for c in r.conditions}
    assert held["X subexponential"] is True and held["X light: P(X>t+1)/P(X>t) -> 0"] is False
    assert held["t^p P(V>t)/P(X>t) -> 0 for some p > 1"] is True


def test_dependence_is_undetermined_with_a_numerical_limit_of_one():
    r = Proxy(utility="norm(0, 1)", dependence=counterexample()).regime(decades=4)
    assert r.regime == "undetermined" and r.limit_source == "numerical"
    assert r.limit == pytest.approx(1.0, abs=1e-3)


def test_decades_must_be_a_sensible_integer():
    with pytest.raises(ParameterError) as err:
        Proxy("t(df=3)", "norm(0, 1)").regime(decades=0)
    assert err.value.param == "decades"
