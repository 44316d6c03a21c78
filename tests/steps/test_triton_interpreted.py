"""The fused Triton kernel on the CPU, in Triton's interpreter: its words against an independent
Philox-4x32-10, its variates against Exp(1), its task times against the exact law, and its streams
reproducible. (On a GPU, ``test_torch_backend.py`` runs the compiled kernel with larger samples.)

The kernel runs once, in a subprocess (``triton_interpreted.py``), because the interpreter must be
switched on before Triton compiles anything. Skipped where Triton does not import."""

import importlib.util
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from alignlab.steps import StepsModel

from steps.philox_reference import philox4x32, seed_key

pytestmark = pytest.mark.skipif(importlib.util.find_spec("triton") is None, reason="needs Triton")

SCRIPT = Path(__file__).with_name("triton_interpreted.py")
ACCEPT = 1 << 17                      # 23-bit j >= 2^17  <=>  U >= 2^-6
SIX_LN2 = np.float32(6 * math.log(2))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("triton") / "runs.npz"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), *sys.path]))
    done = subprocess.run([sys.executable, str(SCRIPT), str(out)], env=env, timeout=600, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(out, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def reference_exponentials(seed: int, elements: np.ndarray) -> np.ndarray:
    """E for flat elements e, by the kernel's documented law: word e mod 4 of Philox at counter e // 4,
    key seed; a word with U < 2^-6 is replaced by the same word at key seed + 1 (then + 2, ...), adding
    6 log 2 each time. Float32 arithmetic, as in the kernel."""
    counters = (elements // 4).astype(np.uint32)
    zeros = np.zeros_like(counters)
    word = elements % 4
    base = np.zeros(elements.shape, dtype=np.float32)
    u = np.zeros(elements.shape, dtype=np.float32)
    pending = np.ones(elements.shape, dtype=bool)
    rnd = 0
    while pending.any():
        words = np.stack(philox4x32([counters, zeros, zeros, zeros], seed_key(seed + rnd)))
        j = (words[word, np.arange(elements.size)] >> np.uint32(9)).astype(np.int64)
        u = np.where(pending, ((2 * j + 1) * 2.0 ** -24).astype(np.float32), u)
        rejected = pending & (j < ACCEPT)
        base = np.where(rejected, base + SIX_LN2, base)
        pending = rejected
        rnd += 1
    return base - np.log(u)


def test_philox_reference_reproduces_the_random123_known_answers():
    def words(counter, key):
        return [int(w[0]) for w in philox4x32([np.array([c], dtype=np.uint32) for c in counter], key)]
    assert words([0, 0, 0, 0], [0, 0]) == [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]
    assert words([0xFFFFFFFF] * 4, [0xFFFFFFFF] * 2) == [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]
    assert words([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0]) == \
        [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]


def test_kernel_uses_all_four_philox_words_with_the_documented_redraws(runs):
    e = runs["variates"]
    expected = reference_exponentials(17, np.arange(e.size))
    np.testing.assert_allclose(e, expected, rtol=2e-7)
    redrawn = expected > SIX_LN2
    assert redrawn.sum() > 500 and (expected > 2 * SIX_LN2).any()        # both redraw depths were checked


def test_kernel_maps_row_and_column_to_the_flat_element_and_sums_segments(runs):
    rows, cols, rate = 8, 37, np.float32(0.7)
    x = (rate * reference_exponentials(29, np.arange(rows * cols))).reshape(rows, cols).astype(float)
    expected = np.stack([np.logaddexp.reduce(x[:, :5], axis=1), np.logaddexp.reduce(x[:, 5:], axis=1)], axis=1)
    np.testing.assert_allclose(runs["grid"], expected, rtol=1e-6)


def test_kernel_variates_are_exponential_in_the_bulk_and_past_the_redraw_point(runs):
    e = runs["variates"].astype(float)
    size = e.size
    # KS against Exp(1) at level 1e-4 (the critical value of the one-sample statistic for this size)
    assert stats.kstest(e, "expon").statistic < math.sqrt(-math.log(0.5e-4) / 2) / math.sqrt(size)
    for t in (0.01, 1.0, 6 * math.log(2) - 1e-3, 6 * math.log(2) + 1e-3, 12 * math.log(2), 9.0):
        p = math.exp(-t)
        assert abs(np.mean(e > t) - p) < 4.5 * math.sqrt(p * (1 - p) / size)
    tail = e[e > 6 * math.log(2)] - 6 * math.log(2)                     # memoryless past the redraw point
    assert stats.kstest(tail, "expon").statistic < math.sqrt(-math.log(0.5e-4) / 2) / math.sqrt(tail.size)


def test_fused_task_times_follow_the_exact_law(runs):
    logs = runs["sim"]
    exact = StepsModel(0.5, 3).task_time(60)
    for p in (0.05, 0.5, 0.95):
        x = float(exact.ppf(p))
        assert abs(np.mean(logs <= math.log(x)) - p) < 4.5 * math.sqrt(p * (1 - p) / logs.size)


def test_fused_streams_are_reproducible_prefix_stable_and_segment_consistent(runs):
    assert np.array_equal(runs["a"][:100], runs["b"])
    parts = runs["parts"]
    assert np.all(np.diff(parts, axis=1) > 0)
    np.testing.assert_allclose(parts[:, -1], runs["a"], rtol=1e-6)
    assert np.isfinite(runs["big"]).all()
