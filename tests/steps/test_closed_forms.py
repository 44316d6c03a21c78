"""Closed forms of the model: thresholds, mean, median, variance, regime, efficiency."""

import math

import pytest

from alignlab import ParameterError
from alignlab.steps import StepsModel


@pytest.mark.parametrize("alpha,q", [(0.5, 3), (0.25, 5), (1.0, 2.5), (2.0, 1), (0.1, 30)])
def test_pareto_mean_median_and_thresholds_follow_the_formulas(alpha, q):
    m = StepsModel(alpha, q)
    beta = q * alpha
    assert m.beta == pytest.approx(beta)
    assert m.critical_q == pytest.approx(1 / alpha)
    assert m.variance_q == pytest.approx(2 / alpha)
    assert m.median_subtask_time == pytest.approx(2 ** (1 / beta), rel=1e-14)
    assert m.mean_subtask_time == pytest.approx(beta / (beta - 1), rel=1e-14)
    assert m.efficiency == pytest.approx((beta - 1) / beta, rel=1e-14)
    variance = m.subtask_time.variance()
    if beta > 2:
        assert variance == pytest.approx(beta / ((beta - 1) ** 2 * (beta - 2)), rel=1e-12)
    else:
        assert math.isinf(variance)


@pytest.mark.parametrize("q,regime", [(1, "stuck"), (1.99, "stuck"), (2, "boundary"), (2.01, "linear-heavy"),
                                      (3.99, "linear-heavy"), (4, "linear-gaussian"), (9, "linear-gaussian")])
def test_regime_switches_at_one_over_alpha_and_two_over_alpha(q, regime):
    assert StepsModel(0.5, q).regime == regime


def test_below_the_threshold_the_mean_is_infinite_and_efficiency_zero():
    m = StepsModel(0.5, 1.9)
    assert math.isinf(m.mean_subtask_time)
    assert m.efficiency == 0.0
    assert m.describe().to_json()["mean_subtask_time"] is None


def test_lomax_scale_enters_mean_and_median():
    m = StepsModel(0.5, 3, "lomax(loc=1, scale=2)")
    assert m.mean_subtask_time == pytest.approx(1 + 2 / 0.5)
    assert m.median_subtask_time == pytest.approx(1 + 2 * (2 ** (1 / 1.5) - 1))


@pytest.mark.parametrize("spec", ["frechet(loc=1)", "loglogistic(loc=1)", "lomax(loc=1, scale=3)"])
def test_regularly_varying_families_share_the_threshold(spec):
    assert math.isinf(StepsModel(0.5, 1.99, spec).mean_subtask_time)
    assert math.isfinite(StepsModel(0.5, 2.01, spec).mean_subtask_time)
    assert StepsModel(0.5, 3, spec).critical_q == 2.0


@pytest.mark.parametrize("spec,finite", [("lognorm(s=2, loc=1)", True), ("weibull_min(c=0.3, loc=1)", True),
                                         ("logcauchy(sigma=1, loc=1)", False), ("logpareto(a=1)", False)])
def test_families_without_a_tail_index_have_no_critical_q(spec, finite):
    for q in (1, 4, 50):
        m = StepsModel(q=q, approach=spec)
        assert m.critical_q is None and m.variance_q is None
        assert math.isfinite(m.mean_subtask_time) == finite
    assert StepsModel(q=1, approach=spec).regime == ("linear-gaussian" if finite else "stuck")


def test_generic_quadrature_mean_matches_known_integrals():
    # E[M] = 1 + int (1 + sqrt x)^(-3) dx = 2 for log-logistic(0.5), q = 3
    assert StepsModel(0.5, 3, "loglogistic(loc=1)").mean_subtask_time == pytest.approx(2.0, rel=1e-9)
    # Weibull(0.5), q = 3: 1 + int exp(-3 sqrt x) dx = 1 + 2/9
    assert StepsModel(q=3, approach="weibull_min(c=0.5, loc=1)").mean_subtask_time == pytest.approx(1 + 2 / 9, rel=1e-9)
    # lognormal: E[1 + exp(sigma Z)] = 1 + exp(sigma^2 / 2)
    assert StepsModel(q=1, approach="lognorm(s=1.5, loc=1)").mean_subtask_time == pytest.approx(
        1 + math.exp(1.5 ** 2 / 2), rel=1e-9)


@pytest.mark.parametrize("kwargs,param", [
    ({"alpha": 0.0, "q": 2}, "alpha"), ({"alpha": -1, "q": 2}, "alpha"), ({"alpha": float("nan"), "q": 2}, "alpha"),
    ({"alpha": float("inf"), "q": 2}, "alpha"), ({"alpha": 0.5, "q": 0.99}, "q"), ({"alpha": 0.5, "q": float("nan")}, "q"),
    ({"alpha": None, "q": 2}, "alpha"), ({"alpha": 0.5, "q": 2, "approach": "nosuch"}, "approach"),
    ({"alpha": 0.5, "q": 2, "approach": "lognorm(s=1, loc=1)"}, "alpha"), ({"alpha": 0.5, "q": 2, "approach": "pareto(1, 2, 3, 4)"}, "approach"),
    ({"alpha": None, "q": 2, "approach": "weibull_min(c=-1, loc=1)"}, "approach"),
])
def test_bad_model_parameters_raise_parameter_error_naming_the_parameter(kwargs, param):
    with pytest.raises(ParameterError) as err:
        StepsModel(**kwargs)
    assert err.value.param == param
    assert str(err.value).startswith(param + ":")
