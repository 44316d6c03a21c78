"""The torch backend (CPU here, CUDA where present): same distribution as numpy, reproducible."""

import math

import numpy as np
import pytest

from alignlab import ParameterError
from alignlab.steps import StepsModel, torch_backend
from alignlab.steps.simulate import simulate_log_partial_sums, simulate_log_task_times


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
        simulate_log_task_times(StepsModel(q=2, approach="lognorm(s=1, loc=1)").subtask_time, 5, 10, seed=1, backend="torch")
    assert err.value.param == "backend"
    with pytest.raises(ParameterError):
        simulate_log_task_times(sub, 5, 10, seed=1, backend="jax")


needs_fused = pytest.mark.skipif(not torch_backend.fused_available(), reason="needs CUDA and Triton")


@needs_fused
@pytest.mark.parametrize("fused", [True, False])
def test_cuda_kernels_match_the_exact_distribution(fused, monkeypatch):
    monkeypatch.setattr(torch_backend, "fused_available", lambda: fused)
    model, n, trials = StepsModel(0.5, 3), 1000, 200_000
    logs = simulate_log_task_times(model.subtask_time, n, trials, seed=8, backend="torch")
    exact = model.task_time(n)
    for p in (0.01, 0.1, 0.5, 0.9, 0.99):
        x = float(exact.ppf(p))
        assert abs(np.mean(logs <= math.log(x)) - p) < 4.5 * math.sqrt(p * (1 - p) / trials)


@needs_fused
def test_fused_kernel_variates_are_exponential_deep_into_the_tail():
    from alignlab.samplers import triton_pareto
    trials = 2 ** 24
    e = triton_pareto.segment_log_sums(17, 1.0, trials, 1, [0, 1], torch_backend.device()).cpu().numpy()[:, 0]
    for t in (0.01, 1.0, 6 * math.log(2) - 1e-3, 6 * math.log(2) + 1e-3, 12 * math.log(2), 14.0):
        p = math.exp(-t)
        assert abs(np.mean(e > t) - p) < 4.5 * math.sqrt(p * (1 - p) / trials)


@needs_fused
def test_fused_kernel_is_reproducible_prefix_stable_and_segment_consistent():
    sub = StepsModel(0.25, 2).subtask_time
    a = simulate_log_task_times(sub, 5000, 3000, seed=5, backend="torch")
    b = simulate_log_task_times(sub, 5000, 1000, seed=5, backend="torch")
    assert np.array_equal(a[:1000], b)
    parts = simulate_log_partial_sums(sub, [7, 2500, 5000], 3000, seed=5, backend="torch")
    assert np.all(np.diff(parts, axis=1) > 0)
    np.testing.assert_allclose(parts[:, -1], a, rtol=1e-6)      # float32 partial log-sum-exps
    big = simulate_log_task_times(StepsModel(0.002, 1).subtask_time, 3, 20_000, seed=1, backend="torch")
    assert np.isfinite(big).all()
