"""Fast task-time simulation against the naive NumPy baseline, side by side in one process.

Baseline: ``(rng.random((trials, n)) ** (-1 / beta)).sum(1)`` (NumPy dispatches its power function to
AVX-512 where the CPU has it).
Ours: ``alignlab.steps.simulate.simulate_log_task_times`` (tiles on all cores, log space; the compiled
kernel on the fastest path the CPU offers, else NumPy). Every compiled path draws the same numbers,
so each is timed too.
Goals (issue 14): at least 5x the baseline in every shape, on any machine of the project's kind; on
AVX-512, at most 0.8 ns per subtask on two cores; explicit mode (q draws a subtask) in the compiled
kernel at least 2x the NumPy kernel.
Each output is checked against the exact median (fraction below it within 4.5 binomial sd of 1/2).

Run: .venv/bin/python benchmarks/bench_steps_simulate.py
"""

from __future__ import annotations

import math
import time

import numpy as np

from alignlab.steps import StepsModel
from alignlab.steps import simulate as sim

from _machine import cpu   # benchmarks/_machine.py (this folder is on sys.path when run as a script)

SHAPES = [  # (trials, n)
    (20_000, 500),
    (100_000, 100),
    (1_000, 10_000),
    (20, 1_000_000),
]
ALPHA, Q = 0.5, 3
REPEATS = 5          # best of 5, interleaved: this VM's timings drift by tens of percent between runs


def naive(beta, n, trials, seed):
    rng = np.random.default_rng(seed)
    return (rng.random((trials, n)) ** (-1 / beta)).sum(1)




def best_time(fn) -> float:
    best = math.inf
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    model = StepsModel(ALPHA, Q)
    beta = model.beta
    paths = sim._fastsim.paths() if sim._fastsim is not None else ()
    chosen = sim.compiled_kernel()
    print(f"CPU: {cpu()}")
    print(f"numpy {np.__version__}; compiled kernel: {chosen or 'not built (NumPy kernel)'}; paths: {', '.join(paths)}")
    print(f"{'trials':>8} {'n':>9} {'naive ns':>9} " + " ".join(f"{p + ' ns':>11}" for p in paths or ("numpy",))
          + f" {'ratio':>7}")
    ratios = []
    for trials, n in SHAPES:
        samples = n * trials
        t_naive = best_time(lambda: naive(beta, n, trials, 1))
        times = {}
        for path in paths or (None,):
            if path is not None:
                sim._fastsim.use(path)
            times[path] = best_time(lambda: sim.simulate_log_task_times(model.subtask_time, n, trials, seed=1))
        if paths:
            sim._fastsim.use(chosen)
        ratio = t_naive / times[chosen if paths else None]
        ratios.append(ratio)
        print(f"{trials:>8} {n:>9} {1e9 * t_naive / samples:>9.2f} "
              + " ".join(f"{1e9 * t / samples:>11.2f}" for t in times.values()) + f" {ratio:>6.1f}x")
        median = float(model.task_time(n).median())
        tolerance = 4.5 * 0.5 / math.sqrt(trials)
        logs = sim.simulate_log_task_times(model.subtask_time, n, trials, seed=1)
        for name, below in (("naive", np.mean(naive(beta, n, trials, 1) <= median)),
                            ("ours", np.mean(logs <= math.log(median)))):
            assert abs(below - 0.5) < tolerance, (name, below, tolerance)
    print(f"throughput ratio ours ({chosen or 'numpy'}) / naive: min {min(ratios):.1f}x, geometric mean "
          f"{float(np.exp(np.mean(np.log(ratios)))):.1f}x (goal >= 5x in every shape)")
    if paths:
        explicit_mode(model)


def explicit_mode(model, n: int = 10_000, trials: int = 500):
    """Explicit mode (q draws and a minimum per subtask): the compiled kernel against the NumPy kernel."""
    kernel = sim._fastsim
    t_compiled = best_time(lambda: sim.simulate_log_task_times(model.subtask_time, n, trials, seed=1, explicit=True))
    sim._fastsim = None
    try:
        t_numpy = best_time(lambda: sim.simulate_log_task_times(model.subtask_time, n, trials, seed=1, explicit=True))
    finally:
        sim._fastsim = kernel
    samples = n * trials
    print(f"explicit mode, q = {model.q:g}: compiled {1e9 * t_compiled / samples:.2f} ns, NumPy "
          f"{1e9 * t_numpy / samples:.2f} ns per subtask: {t_numpy / t_compiled:.1f}x (goal >= 2x)")


if __name__ == "__main__":
    main()
