"""The compiled fast-path kernel: its law, its vector paths against its scalar path (bit for bit, the
AVX-512 path through SIMDe's portable intrinsics where the CPU lacks it), its NumPy fallback."""

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


def state(seed):
    return np.random.SeedSequence(seed).generate_state(sim.STATE_WORDS, np.uint64)


def exponentials(rows, seed, rate=1.0):
    """rows single-subtask draws from the kernel, returned as E = log M / rate."""
    out = np.empty(rows)
    sim._fastsim.pareto_log_sums(state(seed), rate, rows, 1, np.array([0, 1], np.int64), out)
    return out / rate


def cpu_flags() -> set[str]:
    try:
        text = open("/proc/cpuinfo").read()
    except OSError:
        return set()
    line = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return set(line.split(":", 1)[-1].split())


@pytest.mark.skipif(not (sys.platform.startswith("linux") and platform.machine() == "x86_64"),
                    reason="the extension is built on Linux x86-64 only")
def test_the_kernel_is_built_and_vectorised_on_linux_x86_64():
    # a failed build is not fatal to installation; this makes it fatal to the suite where it should build,
    # and the fastest path the CPU offers must be the one chosen
    flags = cpu_flags()
    expected = "avx512" if {"avx512f", "avx512dq", "avx512bw", "avx512vl"} <= flags else \
        "avx2" if "avx2" in flags else "scalar"
    assert sim.compiled_kernel() == expected
    assert sim._fastsim.paths()[-1] == expected


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


def _tile(module, path, rate, rows, cols, bounds, q=1, seed=7):
    saved = module.simd()
    module.use(path)
    try:
        out = np.empty((rows, len(bounds) - 1))
        module.pareto_log_sums(state(seed), rate, rows, cols, np.array(bounds, np.int64), out, q)
        return out
    finally:
        module.use(saved)


CASES = [(1 / 0.7, 37, 2501, [0, 13, 2000, 2501], 1), (1000.0, 9, 700, list(range(0, 701, 7)), 1),
         (1e-3, 5, 3000, [0, 1, 2999, 3000], 1), (1.0, 64, 1, [0, 1], 1),
         (1 / 0.7, 50, 100, [0, 10, 37, 100], 1), (1000.0, 30, 20, [0, 3, 6, 9, 12, 15, 18, 20], 1),  # short rows
         (2.0, 20, 777, [0, 5, 777], 7), (1.0, 3, 50, [0, 50], 3000)]        # explicit mode: q draws a subtask


@needs_kernel
@pytest.mark.parametrize("rate,rows,cols,bounds,q", CASES)
def test_every_path_draws_the_same_numbers(rate, rows, cols, bounds, q):
    reference = _tile(sim._fastsim, "scalar", rate, rows, cols, bounds, q)
    for path in sim._fastsim.paths():
        np.testing.assert_array_equal(_tile(sim._fastsim, path, rate, rows, cols, bounds, q), reference)


def _emulated_module(tmp_path_factory):
    """The kernel compiled against SIMDe's portable intrinsics: every path, AVX-512 included, runs here."""
    import importlib.util
    import shutil
    import sysconfig
    if shutil.which("gcc") is None or not os.path.exists("/usr/include/simde/x86/avx512.h"):
        pytest.skip("SIMDe's headers (Debian's libsimde-dev) are not installed; make test installs them when it can")
    source = os.path.join(os.path.dirname(sim.__file__), "_fastsim.c")
    target = tmp_path_factory.mktemp("emulated") / ("_fastsim_emulated" + sysconfig.get_config_var("EXT_SUFFIX"))
    subprocess.run(["gcc", "-O1", "-std=c11", "-ffp-contract=off", "-DFASTSIM_SIMDE", "-DMODULE_NAME=_fastsim_emulated",
                    "-fPIC", "-shared", f"-I{sysconfig.get_paths()['include']}", source, "-o", str(target), "-lm"],
                   check=True, capture_output=True)
    spec = importlib.util.spec_from_file_location("_fastsim_emulated", target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_kernel
def test_the_avx512_path_draws_the_same_numbers_as_the_others_under_emulation(tmp_path_factory):
    emulated = _emulated_module(tmp_path_factory)
    assert emulated.paths() == ("scalar", "avx2", "avx512")
    for rate, rows, cols, bounds, q in CASES:
        reference = _tile(sim._fastsim, "scalar", rate, rows, cols, bounds, q)
        for path in emulated.paths():
            np.testing.assert_array_equal(_tile(emulated, path, rate, rows, cols, bounds, q), reference)


@needs_kernel
def test_an_unknown_path_is_refused():
    with pytest.raises(ValueError, match="path"):
        sim._fastsim.use("avx1024")


@needs_kernel
def test_segment_sums_survive_spreads_beyond_float32_range():
    # beta = 0.001: terms within one block differ by factors far beyond e^88; every single-column
    # segment must still come back finite and right, and the segments must add up to the whole
    rate, rows, cols = 1000.0, 40, 700
    single = np.empty((rows, cols))
    sim._fastsim.pareto_log_sums(state(3), rate, rows, cols, np.arange(cols + 1, dtype=np.int64), single)
    whole = np.empty((rows, 1))
    sim._fastsim.pareto_log_sums(state(3), rate, rows, cols, np.array([0, cols], np.int64), whole)
    assert np.all(np.isfinite(single))
    assert stats.kstest(single.ravel() / rate, "expon").pvalue > 1e-3
    np.testing.assert_allclose(np.logaddexp.reduce(single, axis=1), whole[:, 0], rtol=1e-6)


@needs_kernel
@pytest.mark.parametrize("words,bounds,out,message", [
    (np.zeros(35, np.uint64), [0, 5], (2, 1), "state"),
    (np.zeros(36, np.int64), [0, 5], (2, 1), "state"),
    (np.zeros(36, np.uint64), [0, 4], (2, 1), "bounds"),
    (np.zeros(36, np.uint64), [0, 3, 3, 5], (2, 3), "bounds"),
    (np.zeros(36, np.uint64), [0, 5], (3, 1), "out"),
])
def test_kernel_rejects_malformed_arguments(words, bounds, out, message):
    with pytest.raises(ValueError, match=message):
        sim._fastsim.pareto_log_sums(words, 1.0, 2, 5, np.array(bounds, np.int64), np.empty(out))


@needs_kernel
def test_kernel_rejects_a_bad_rate():
    for rate in (0.0, -1.0, math.inf, math.nan):
        with pytest.raises(ValueError, match="rate"):
            sim._fastsim.pareto_log_sums(np.zeros(36, np.uint64), rate, 1, 1, np.array([0, 1], np.int64),
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


@needs_kernel
def test_explicit_mode_in_the_kernel_samples_the_minimum_of_q_approaches():
    # q = 3 approaches of index alpha = 0.5: the minimum is Pareto(1.5), the exact law of S_n
    model, n, trials = StepsModel(0.5, 3), 40, 40_000
    logs = sim.simulate_log_task_times(model.subtask_time, n, trials, seed=5, explicit=True)
    exact = model.task_time(n)
    for p in (0.05, 0.5, 0.95):
        assert abs(np.mean(logs <= math.log(float(exact.ppf(p)))) - p) < binomial_tolerance(p, trials)
    # one subtask: E = min of q exponentials is Exp(q), so q * alpha * log M is Exp(1)
    out = np.empty(200_000)
    sim._fastsim.pareto_log_sums(state(6), 2.0, 200_000, 1, np.array([0, 1], np.int64), out, 3)
    assert stats.kstest(3 * out / 2.0, "expon").pvalue > 1e-3
