"""Limit laws, success probability and horizon."""

import math

import pytest
from scipy import stats

from alignlab import ParameterError
from alignlab.steps import StepsModel
from alignlab.steps.asymptotic import limit_law, stable_scale, standard_ppf


def test_stable_scale_at_one_half_is_pi_over_two():
    assert stable_scale(0.5) == pytest.approx(math.pi / 2, rel=1e-14)


def test_one_half_stable_limit_is_the_levy_law():
    for p in (0.01, 0.3, 0.5, 0.9, 0.99):
        assert standard_ppf(0.5, "stable", p) == pytest.approx(stats.levy.ppf(p, scale=math.pi / 2), rel=1e-9)


@pytest.mark.parametrize("beta", [0.3, 0.75, 1.0, 1.5, 1.8, 2.0, 3.0])
def test_asymptotic_quantiles_approach_exact_ones_at_large_n(beta):
    # the limit laws with the right normalisations: relative gap in the centred, scaled quantile shrinks with n
    gaps = []
    for n in (10 ** 4, 10 ** 10):
        exact = StepsModel(beta, 1).task_time(n)
        asym = StepsModel(beta, 1).task_time(n, "asymptotic")
        law = limit_law(beta, n)
        gaps.append(max(abs(exact.ppf(p) - asym.ppf(p)) / law.scale for p in (0.1, 0.5, 0.9)))
    assert gaps[1] < gaps[0]
    # near beta = 2 the correction terms decay slowly (like n^(1 - 2/beta) and 1/log n)
    assert gaps[1] < {1.8: 0.3, 2.0: 0.1}.get(beta, 0.02)


@pytest.mark.parametrize("beta", [0.1, 0.2, 0.3])
def test_below_one_half_the_stable_limit_is_off_by_order_one_over_n(beta):
    # (1 - psi)^n against exp(-n psi): the relative quantile error falls like 1/n (n^(1 - 1/beta) is far
    # smaller here), so a thousandfold n gives a thousandfold smaller error; docs/steps.md quotes beta = 0.1
    errors = []
    for n in (10 ** 3, 10 ** 6):
        exact, asym = StepsModel(beta, 1).task_time(n), StepsModel(beta, 1).task_time(n, "asymptotic")
        errors.append([(float(asym.ppf(p)) - float(exact.ppf(p))) / float(exact.ppf(p)) for p in (0.1, 0.5, 0.9)])
    for small, large in zip(*errors):
        assert small < 0 and large < 0
        assert small / large == pytest.approx(1000, rel=0.02)
        assert 1e-4 < -small < 2e-2
    if beta == 0.1:
        assert errors[0][0] == pytest.approx(-0.0115, abs=5e-4)


def test_normal_limit_for_finite_variance_families():
    m = StepsModel(q=2, approach="lognorm(s=0.5, loc=1)")
    asym = m.task_time(10 ** 6, "asymptotic")
    mean, sd = 10 ** 6 * m.mean_subtask_time, math.sqrt(10 ** 6 * m.subtask_time.variance())
    assert asym.median() == pytest.approx(mean, rel=1e-12)
    assert asym.ppf(0.9) == pytest.approx(mean + sd * stats.norm.ppf(0.9), rel=1e-12)


def test_asymptotic_is_refused_where_no_limit_is_implemented():
    with pytest.raises(ParameterError) as err:
        StepsModel(0.5, 1, "frechet(loc=1)").task_time(100, "asymptotic")
    assert err.value.param == "method"


def test_success_probability_is_zero_below_the_minimum_time_and_matches_the_cdf():
    m = StepsModel(0.5, 3)
    assert m.success_probability(100, 99.9) == 0.0
    x = float(m.task_time(100).ppf(0.3))
    assert m.success_probability(100, x) == pytest.approx(0.3, abs=1e-9)


@pytest.mark.parametrize("alpha,q,budget", [(0.5, 3, 1000), (0.5, 1, 1000), (0.25, 6, 10 ** 5)])
def test_horizon_is_the_largest_n_meeting_the_success_level(alpha, q, budget):
    m = StepsModel(alpha, q)
    h = m.horizon(budget, 0.5)
    assert h.horizon >= 1
    assert m.success_probability(h.horizon, budget) >= 0.5
    assert m.success_probability(h.horizon + 1, budget) < 0.5


def test_horizon_is_zero_when_one_subtask_already_fails():
    # one Pareto(0.1) subtask exceeds 2 with probability 2^-0.1 = 0.93
    assert StepsModel(0.1, 1).horizon(2, 0.5).horizon == 0


def test_exact_is_refused_for_families_without_a_transform():
    with pytest.raises(ParameterError) as err:
        StepsModel(q=2, approach="lognorm(s=1, loc=1)").task_time(10, "exact")
    assert err.value.param == "method"


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.2, 1.5, float("nan")])
def test_quantiles_outside_the_open_unit_interval_raise(bad):
    with pytest.raises(ParameterError) as err:
        StepsModel(0.5, 2).task_time(10).quantiles([0.5, bad])
    assert err.value.param == "quantile"


def test_budget_checks():
    m = StepsModel(0.5, 2)
    with pytest.raises(ParameterError):
        m.horizon(0.5)
    with pytest.raises(ParameterError):
        m.horizon(100, p=1.0)
    assert m.success_probability(10, math.inf) == 1.0


def test_quantiles_beyond_the_float_range_are_given_in_log10():
    # about n^10 = 10^350: the quantile is inf (JSON null), its log10 finite and on the limit law's slope
    q = StepsModel(0.1, 1).task_quantiles(10 ** 35, (0.5,))
    assert q.quantiles[0.5] == math.inf and q.to_json()["quantiles"]["0.5"] is None
    assert q.log10_quantiles[0.5] == pytest.approx(350, abs=2)
    below = StepsModel(0.1, 1).task_quantiles(10 ** 20, (0.5,))      # exact, and finite
    assert 10 * 20 - 2 < below.log10_quantiles[0.5] < 10 * 20 + 2
    assert math.log10(below.quantiles[0.5]) == pytest.approx(below.log10_quantiles[0.5], rel=1e-12)


def test_task_times_outside_the_checked_range_of_q_alpha_are_refused():
    for alpha, q in ((1e-301, 1), (1e300, 1e10)):
        with pytest.raises(ParameterError, match=r"q \* alpha must be finite and at least 1e-300") as err:
            StepsModel(alpha, q).task_time(10 ** 8)
        assert err.value.param == "alpha"
    with pytest.raises(ParameterError, match=r"for simulation") as err:      # Monte Carlo keeps its own range
        StepsModel(1e-5, 1).task_quantiles(10, method="mc")
    with pytest.raises(ParameterError, match=r"limit law is computed for q \* alpha >= 0.1") as err:
        StepsModel(0.05, 1).task_time(10 ** 8, "asymptotic")
    assert err.value.param == "method"


@pytest.mark.parametrize("alpha,budget,p", [(1e6, 1e6, 0.5), (20.0, 1e6, 0.5), (5.0, 1e6, 0.5), (50.0, 1e9, 0.99)])
def test_horizon_for_large_q_alpha_sits_at_budget_over_the_mean(alpha, budget, p):
    # S_n concentrates at n beta/(beta - 1); the bisection passes through n whose budget lies far above the
    # bulk, where the inversion does not reach: a moment bound settles those steps, never the answer
    model = StepsModel(alpha, 1)
    h = model.horizon(budget, p)
    assert h.horizon == pytest.approx(budget * (alpha - 1) / alpha, rel=1e-3)
    assert h.success_at_horizon == pytest.approx(model.success_probability(h.horizon, budget), abs=0)
    assert model.success_probability(h.horizon, budget) >= p > model.success_probability(h.horizon + 1, budget)
