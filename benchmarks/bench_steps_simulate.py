"""Fast task-time simulation against the naive NumPy baseline, side by side in one process.

Baseline (issue 2): ``(rng.random((trials, n)) ** (-1 / beta)).sum(1)``.
Ours: ``alignlab.steps.simulate.simulate_log_task_times`` (tiles on all cores, log space; the compiled
kernel when it was built, else NumPy: the first line says which).
Goal: at least 5x the baseline's throughput on the 2-core development machine.
Both outputs are checked against the exact median (fraction below it within 4.5 binomial sd of 1/2).

Run: .venv/bin/python benchmarks/bench_steps_simulate.py
"""

from __future__ import annotations

import math
import os
import time

import numpy as np

from alignlab.steps import StepsModel
from alignlab.steps.simulate import compiled_kernel, simulate_log_task_times

CASES = [  # (alpha, q, n, trials)
    (0.5, 3, 100, 100_000),
    (0.25, 2, 10_000, 1_000),
    (0.5, 5, 1_000_000, 20),
]
REPEATS = 7          # best of 7, interleaved: this VM's timings drift by tens of percent between runs


def naive(beta, n, trials, seed):
    rng = np.random.default_rng(seed)
    return (rng.random((trials, n)) ** (-1 / beta)).sum(1)


def main():
    print(f"cores: {os.cpu_count()}, numpy {np.__version__}, compiled kernel: {compiled_kernel() or 'not built (NumPy)'}")
    print(f"{'alpha':>5} {'q':>3} {'n':>9} {'trials':>8} {'naive ns/sample':>16} {'ours ns/sample':>15} {'ratio':>7}")
    ratios = []
    for alpha, q, n, trials in CASES:
        model = StepsModel(alpha, q)
        beta = model.beta
        t_naive, t_ours = float("inf"), float("inf")
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            base = naive(beta, n, trials, 1)
            t_naive = min(t_naive, time.perf_counter() - t0)
            t0 = time.perf_counter()
            logs = simulate_log_task_times(model.subtask_time, n, trials, seed=1)
            t_ours = min(t_ours, time.perf_counter() - t0)
        samples = n * trials
        ratio = t_naive / t_ours
        ratios.append(ratio)
        print(f"{alpha:>5} {q:>3} {n:>9} {trials:>8} {1e9 * t_naive / samples:>16.2f} {1e9 * t_ours / samples:>15.2f}"
              f" {ratio:>6.1f}x")
        # sanity: both sample the same law (half of each below the exact median)
        median = float(model.task_time(n).median())
        tolerance = 4.5 * 0.5 / math.sqrt(trials)
        for name, below in (("naive", np.mean(base <= median)), ("ours", np.mean(logs <= math.log(median)))):
            assert abs(below - 0.5) < tolerance, (name, below, tolerance)
    print(f"throughput ratio ours/naive: min {min(ratios):.1f}x, geometric mean "
          f"{float(np.exp(np.mean(np.log(ratios)))):.1f}x (goal >= 5x)")


if __name__ == "__main__":
    main()
