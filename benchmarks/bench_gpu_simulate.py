"""Pareto subtask samples per second with the torch backend (CUDA when present), against numpy.

Target (issue 6): >= 1e11 Pareto subtask samples per second on an H100/H200. On a machine without
a GPU this measures the torch CPU fallback and says so.

Run: .venv/bin/python benchmarks/bench_gpu_simulate.py
"""

from __future__ import annotations

import time

import torch

from alignlab.steps import StepsModel
from alignlab.steps.simulate import simulate_log_task_times


def rate(backend: str, n: int, trials: int) -> float:
    sub = StepsModel(0.5, 3).subtask_time
    simulate_log_task_times(sub, n, max(1, trials // 10), seed=0, backend=backend)      # warm-up
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    simulate_log_task_times(sub, n, trials, seed=1, backend=backend)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return n * trials / (time.perf_counter() - t0)


def main():
    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no CUDA device (torch on CPU)"
    n, trials = (10 ** 6, 10 ** 5) if torch.cuda.is_available() else (10 ** 4, 2000)
    t = rate("torch", n, trials)
    numpy_rate = rate("numpy", n, trials)
    print(f"device: {device}")
    print(f"torch backend: {t:.3g} samples/s; numpy backend: {numpy_rate:.3g} samples/s; ratio {t / numpy_rate:.2f}x")
    print("target on an H100/H200: >= 1e11 samples/s" + ("" if torch.cuda.is_available() else " (not measured here)"))


if __name__ == "__main__":
    main()
