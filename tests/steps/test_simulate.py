"""Monte Carlo: fast against explicit, against exact, reproducibility, overflow, limits."""

import math

import numpy as np
import pytest

from alignlab import ParameterError
from alignlab.steps import StepsModel
from alignlab.steps.simulate import simulate_log_partial_sums, simulate_log_task_times


def binomial_tolerance(p, trials, sigmas=4.5):
    return sigmas * math.sqrt(p * (1 - p) / trials)


@pytest.mark.parametrize("alpha,q,n", [(0.5, 3, 50), (0.25, 2, 20), (0.5, 1, 10), (1.0, 3, 200)])
def test_simulation_matches_exact_distribution_at_its_quantiles(alpha, q, n):
    trials = 40_000
    model = StepsModel(alpha, q)
    logs = simulate_log_task_times(model.subtask_time, n, trials, seed=11)
    exact = model.task_time(n)
    for p in (0.05, 0.25, 0.5, 0.75, 0.95):
        x = float(exact.ppf(p))
        assert abs(np.mean(logs <= math.log(x)) - p) < binomial_tolerance(p, trials)


@pytest.mark.parametrize("spec,q", [("pareto(b=0.5)", 3), ("invweibull(c=0.7, loc=1)", 2),
                                    ("lognorm(s=1, loc=1)", 3), ("logcauchy(sigma=1, loc=1)", 2), ("weibull_min(c=0.5, loc=1)", 4)])
def test_explicit_and_fast_simulation_agree_in_distribution(spec, q):
    trials, n = 30_000, 8
    model = StepsModel(q=q, approach=spec)
    fast = simulate_log_task_times(model.subtask_time, n, trials, seed=1)
    explicit = simulate_log_task_times(model.subtask_time, n, trials, seed=2, explicit=True)
    for p in (0.1, 0.5, 0.9):
        cut = np.quantile(fast, p)
        assert abs(np.mean(explicit <= cut) - p) < binomial_tolerance(p, trials) * math.sqrt(2)


@pytest.mark.parametrize("spec", ["invweibull(c=0.5, loc=1)", "lognorm(s=2, loc=1)", "logpareto(a=2)", "weibull_min(c=0.3, loc=1)"])
def test_single_subtask_samples_follow_the_analytic_cdf(spec):
    model = StepsModel(q=3, approach=spec)
    trials = 50_000
    logs = simulate_log_task_times(model.subtask_time, 1, trials, seed=3)
    for p in (0.1, 0.5, 0.9, 0.99):
        t = float(model.subtask_time.ppf(p))
        assert abs(np.mean(logs <= math.log(t)) - p) < binomial_tolerance(p, trials)


@pytest.mark.parametrize("approach,explicit", [("pareto", False), ("pareto", True), ("lognorm(s=2, loc=1)", False)])
def test_same_seed_same_numbers_whatever_the_threads_or_tiles_in_flight(approach, explicit):
    sub = StepsModel(0.25 if approach == "pareto" else None, 2, approach).subtask_time
    a = simulate_log_task_times(sub, 70_000, 30, seed=5, threads=1, in_flight=1, explicit=explicit)
    b = simulate_log_task_times(sub, 70_000, 30, seed=5, threads=2, in_flight=7, explicit=explicit)
    c = simulate_log_task_times(sub, 70_000, 30, seed=5, threads=3, in_flight=2, explicit=explicit)
    assert np.array_equal(a, b) and np.array_equal(a, c)
    d = simulate_log_task_times(sub, 70_000, 30, seed=6, explicit=explicit)
    assert not np.array_equal(a, d)


def test_more_trials_extend_fewer_trials():
    sub = StepsModel(0.5, 3).subtask_time
    small = simulate_log_task_times(sub, 100, 1000, seed=9)
    large = simulate_log_task_times(sub, 100, 5000, seed=9)
    assert np.array_equal(small, large[:1000])


def test_partial_sums_are_increasing_and_end_at_the_task_time():
    sub = StepsModel(0.5, 1).subtask_time
    logs = simulate_log_partial_sums(sub, [1, 10, 100, 1000], 200, seed=4)
    assert np.all(np.diff(logs, axis=1) > 0)
    full = simulate_log_task_times(sub, 1000, 200, seed=4)
    np.testing.assert_allclose(logs[:, -1], full, rtol=1e-12)


def test_huge_task_times_stay_exact_in_log_space_and_overflow_is_reported():
    # beta = 0.0005: the median subtask time 2^2000 = 1e602 is far beyond 1e308; its log must still be right
    model = StepsModel(0.0005, 1)
    sim = model.simulate(1, 20_000, seed=1, quantile=0.5)
    assert sim.log10_quantiles[0.5] == pytest.approx(math.log10(2) / 0.0005, rel=0.02)
    assert sim.quantiles[0.5] == math.inf and sim.to_json()["quantiles"]["0.5"] is None
    assert sim.overflowed == int(np.count_nonzero(sim.log_task_time > math.log(np.finfo(float).max)))
    assert sim.overflowed > 0


def test_simulation_past_the_budget_is_refused_with_a_pointer_to_exact():
    with pytest.raises(ParameterError, match="exact"):
        StepsModel(0.5, 2).simulate(10 ** 9, 10 ** 6)


@pytest.mark.parametrize("kwargs,param", [({"n": 0, "trials": 10}, "n"), ({"n": 2.5, "trials": 10}, "n"),
                                          ({"n": 10, "trials": 0}, "trials"), ({"n": 10, "trials": -3}, "trials")])
def test_bad_simulation_sizes_raise(kwargs, param):
    with pytest.raises(ParameterError) as err:
        StepsModel(0.5, 2).simulate(seed=1, **kwargs)
    assert err.value.param == param


def test_explicit_simulation_needs_a_whole_q():
    with pytest.raises(ParameterError) as err:
        StepsModel(0.5, 2.5).simulate(10, 10, seed=1, explicit=True)
    assert err.value.param == "q"


def test_bad_seed_is_rejected():
    with pytest.raises(ParameterError) as err:
        StepsModel(0.5, 2).simulate(10, 10, seed=-1)
    assert err.value.param == "seed"
