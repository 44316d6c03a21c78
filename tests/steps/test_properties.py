"""Property tests: monotone in q and n, efficiency in [0, 1]."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from alignlab.steps import StepsModel

alphas = st.floats(0.2, 2.0)
qs = st.floats(1.0, 12.0)


@settings(max_examples=40, deadline=None)
@given(alpha=alphas, q=qs)
def test_efficiency_lies_in_the_unit_interval_and_is_zero_exactly_when_stuck(alpha, q):
    m = StepsModel(alpha, q)
    assert 0.0 <= m.efficiency <= 1.0
    assert (m.efficiency == 0.0) == math.isinf(m.mean_subtask_time)


@settings(max_examples=25, deadline=None)
@given(alpha=st.floats(0.25, 1.5), q=st.floats(1.0, 6.0), dq=st.floats(0.05, 4.0),
       n=st.integers(2, 10 ** 9), p=st.sampled_from([0.1, 0.5, 0.9]))
def test_more_power_never_slows_the_task(alpha, q, dq, n, p):
    # q*alpha in [0.25, 9]; the exact quantile of S_n must fall as q grows
    slow = StepsModel(alpha, q).task_time(n).ppf(p)
    fast = StepsModel(alpha, q + dq).task_time(n).ppf(p)
    assert fast <= slow * (1 + 1e-9)


@settings(max_examples=25, deadline=None)
@given(alpha=st.floats(0.25, 1.5), q=st.floats(1.0, 6.0), n=st.integers(1, 10 ** 9), factor=st.integers(2, 1000),
       p=st.sampled_from([0.1, 0.5, 0.9]))
def test_longer_tasks_take_longer(alpha, q, n, factor, p):
    m = StepsModel(alpha, q)
    assert m.task_time(n * factor).ppf(p) > m.task_time(n).ppf(p)


@settings(max_examples=25, deadline=None)
@given(alpha=st.floats(0.25, 1.5), q=st.floats(1.0, 6.0), n=st.integers(1, 10 ** 6))
def test_exact_cdf_is_monotone_in_the_budget(alpha, q, n):
    dist = StepsModel(alpha, q).task_time(n)
    xs = [dist.ppf(p) for p in (0.2, 0.4, 0.6, 0.8)]
    values = [dist.cdf(x) for x in xs]
    assert all(b > a for a, b in zip(values, values[1:]))
