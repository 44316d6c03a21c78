"""The compiled fast-path kernel: its law, its SIMD path against its scalar path, its NumPy fallback."""

import json
import math
import os
import platform
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from alignlab.steps import StepsModel
from alignlab.steps import simulate as sim

needs_kernel = pytest.mark.skipif(sim._fastsim is None, reason="compiled kernel not built on this platform")


def binomial_tolerance(p, trials, sigmas=4.5):
    return sigmas * math.sqrt(p * (1 - p) / trials)


def exponentials(rows, seed, rate=1.0):
    """rows single-subtask draws from the kernel, returned as E = log M / rate."""
    out = np.empty(rows)
    sim._fastsim.pareto_log_sums(np.random.SeedSequence(seed).generate_state(20, np.uint64), rate, rows, 1,
                                 np.array([0, 1], np.int64), out)
    return out / rate


@pytest.mark.skipif(not (sys.platform.startswith("linux") and platform.machine() == "x86_64"),
                    reason="the extension is built on Linux x86-64 only")
def test_the_kernel_is_built_and_vectorised_on_linux_x86_64():
    # a failed build is not fatal to installation; this makes it fatal to the suite where it should build
    assert sim.compiled_kernel() == "avx2"


@needs_kernel
def test_kernel_variates_are_standard_exponential_across_the_redraw_threshold():
    trials = 2_000_000
    e = exponentials(trials, seed=1)
    assert stats.kstest(e, "expon").pvalue > 1e-3
    # P(E > t) = e^-t, checked just below and above the redraw point 6 log 2 and deep in the tail
    for t in (0.01, 1.0, 6 * math.log(2) - 1e-3, 6 * math.log(2) + 1e-3, 10 * math.log(2), 12.0):
        p = math.exp(-t)
        assert abs(np.mean(e > t) - p) < binomial_tolerance(p, trials)
    assert abs(e.mean() - 1) < 4.5 / math.sqrt(trials)


@needs_kernel
def test_kernel_tail_conditional_law_is_memoryless():
    # given E > 6 log 2 (the redrawn variates), E - 6 log 2 is again Exp(1)
    e = exponentials(4_000_000, seed=2)
    excess = e[e > 6 * math.log(2)] - 6 * math.log(2)
    assert excess.size > 50_000
    assert stats.kstest(excess, "expon").pvalue > 1e-3


@needs_kernel
def test_simd_and_scalar_paths_draw_the_same_variates():
    # same random bits; the two paths differ only in float32 rounding of log and exp
    code = ("import numpy as np; from alignlab.steps import _fastsim as f; out = np.empty((37, 3)); "
            "f.pareto_log_sums(np.random.SeedSequence(7).generate_state(20, np.uint64), 1 / 0.7, 37, 2501, "
            "np.array([0, 13, 2000, 2501], np.int64), out); import json; print(f.simd()); print(json.dumps(out.tolist()))")
    results = {}
    for flag in ("", "1"):
        env = dict(os.environ, ALIGNLAB_NO_SIMD=flag) if flag else {k: v for k, v in os.environ.items()
                                                                     if k != "ALIGNLAB_NO_SIMD"}
        lines = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                               check=True).stdout.splitlines()
        results[lines[0]] = np.array(json.loads(lines[1]))
    assert set(results) == {"avx2", "scalar"}
    np.testing.assert_allclose(results["avx2"], results["scalar"], rtol=2e-6)


@needs_kernel
def test_segment_sums_survive_spreads_beyond_float32_range():
    # beta = 0.001: terms within one block differ by factors far beyond e^88; every single-column
    # segment must still come back finite and right, and the segments must add up to the whole
    rate, rows, cols = 1000.0, 40, 700
    state = np.random.SeedSequence(3).generate_state(20, np.uint64)
    single = np.empty((rows, cols))
    sim._fastsim.pareto_log_sums(state, rate, rows, cols, np.arange(cols + 1, dtype=np.int64), single)
    whole = np.empty((rows, 1))
    sim._fastsim.pareto_log_sums(state, rate, rows, cols, np.array([0, cols], np.int64), whole)
    assert np.all(np.isfinite(single))
    assert stats.kstest(single.ravel() / rate, "expon").pvalue > 1e-3
    np.testing.assert_allclose(np.logaddexp.reduce(single, axis=1), whole[:, 0], rtol=1e-6)


@needs_kernel
@pytest.mark.parametrize("state,bounds,out,message", [
    (np.zeros(19, np.uint64), [0, 5], (2, 1), "state"),
    (np.zeros(20, np.int64), [0, 5], (2, 1), "state"),
    (np.zeros(20, np.uint64), [0, 4], (2, 1), "bounds"),
    (np.zeros(20, np.uint64), [0, 3, 3, 5], (2, 3), "bounds"),
    (np.zeros(20, np.uint64), [0, 5], (3, 1), "out"),
])
def test_kernel_rejects_malformed_arguments(state, bounds, out, message):
    with pytest.raises(ValueError, match=message):
        sim._fastsim.pareto_log_sums(state, 1.0, 2, 5, np.array(bounds, np.int64), np.empty(out))


@needs_kernel
def test_kernel_rejects_a_bad_rate():
    for rate in (0.0, -1.0, math.inf, math.nan):
        with pytest.raises(ValueError, match="rate"):
            sim._fastsim.pareto_log_sums(np.zeros(20, np.uint64), rate, 1, 1, np.array([0, 1], np.int64),
                                         np.empty(1))


@needs_kernel
def test_compiled_and_numpy_kernels_agree_in_distribution(monkeypatch):
    model, n, trials = StepsModel(0.5, 3), 40, 40_000
    compiled = sim.simulate_log_task_times(model.subtask_time, n, trials, seed=4)
    monkeypatch.setattr(sim, "_fastsim", None)
    assert sim.compiled_kernel() is None
    numpy_logs = sim.simulate_log_task_times(model.subtask_time, n, trials, seed=4)
    assert not np.array_equal(compiled, numpy_logs)
    exact = model.task_time(n)
    for logs in (compiled, numpy_logs):
        for p in (0.05, 0.5, 0.95):
            assert abs(np.mean(logs <= math.log(float(exact.ppf(p)))) - p) < binomial_tolerance(p, trials)
