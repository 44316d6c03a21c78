"""The torch backend (CPU here, CUDA where present): same distribution as numpy, reproducible."""

import math

import numpy as np
import pytest

from alignlab import ParameterError
from alignlab.steps import StepsModel
from alignlab.steps.simulate import simulate_log_task_times


def test_torch_backend_matches_the_exact_distribution():
    model = StepsModel(0.5, 3)
    trials, n = 40_000, 60
    logs = simulate_log_task_times(model.subtask_time, n, trials, seed=3, backend="torch")
    exact = model.task_time(n)
    for p in (0.05, 0.5, 0.95):
        x = float(exact.ppf(p))
        assert abs(np.mean(logs <= math.log(x)) - p) < 4.5 * math.sqrt(p * (1 - p) / trials)


def test_torch_backend_is_reproducible_and_independent_of_tiles_in_flight():
    sub = StepsModel(0.25, 2).subtask_time
    a = simulate_log_task_times(sub, 1000, 200, seed=5, backend="torch", in_flight=1)
    b = simulate_log_task_times(sub, 1000, 200, seed=5, backend="torch", in_flight=4)
    c = simulate_log_task_times(sub, 1000, 200, seed=6, backend="torch")
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_torch_backend_handles_overflowing_tiles_in_log_space():
    model = StepsModel(0.002, 1)          # subtask times beyond 1e308 appear quickly
    logs = simulate_log_task_times(model.subtask_time, 1, 20_000, seed=1, backend="torch")
    assert np.isfinite(logs).all()
    assert np.median(logs) / math.log(10) == pytest.approx(math.log10(2) / 0.002, rel=0.03)


def test_auto_uses_numpy_without_cuda_and_torch_refuses_what_it_cannot_do():
    sub = StepsModel(0.5, 3).subtask_time
    auto = simulate_log_task_times(sub, 50, 100, seed=2, backend="auto")
    import torch
    if not torch.cuda.is_available():
        assert np.array_equal(auto, simulate_log_task_times(sub, 50, 100, seed=2, backend="numpy"))
    with pytest.raises(ParameterError) as err:
        simulate_log_task_times(StepsModel(q=2, approach="lognormal").subtask_time, 5, 10, seed=1, backend="torch")
    assert err.value.param == "backend"
    with pytest.raises(ParameterError):
        simulate_log_task_times(sub, 5, 10, seed=1, backend="jax")
