"""Pareto subtask samples per second with the torch backend (CUDA when present), against numpy.

Target (issue 6): >= 1e11 Pareto subtask samples per second on an H100/H200. On CUDA this measures
both torch kernels, the fused Triton kernel (the default where Triton is importable) and the eager
one, and the CPU backend on the same machine; without CUDA, the eager kernel on the CPU, and says so.
Each run is checked against the exact median (fraction below it within 4.5 binomial sd of 1/2).

Run: .venv/bin/python benchmarks/bench_gpu_simulate.py
"""

from __future__ import annotations

import math
import os
import time

import numpy as np
import torch

from alignlab.steps import StepsModel, torch_backend
from alignlab.steps.simulate import compiled_kernel, simulate_log_task_times

MODEL = StepsModel(0.5, 3)


def rate(backend: str, n: int, trials: int, fused: bool | None = None) -> float:
    sub = MODEL.subtask_time
    saved = torch_backend.fused_available
    if fused is not None:
        torch_backend.fused_available = lambda: fused
    try:
        simulate_log_task_times(sub, n, max(1, trials // 20), seed=0, backend=backend)  # warm-up
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        logs = simulate_log_task_times(sub, n, trials, seed=1, backend=backend)
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        elapsed = time.perf_counter() - t0
    finally:
        torch_backend.fused_available = saved
    below = float(np.mean(logs <= math.log(float(MODEL.task_time(n).median()))))
    assert abs(below - 0.5) < 4.5 * 0.5 / math.sqrt(trials), (backend, fused, below)
    return n * trials / elapsed


def main():
    cuda = torch.cuda.is_available()
    print(f"device: {torch.cuda.get_device_name(0) if cuda else 'no CUDA device (torch on CPU)'}; "
          f"torch {torch.__version__}; CPU cores {os.cpu_count()}; compiled CPU kernel: {compiled_kernel()}")
    n = 10 ** 6
    rows = []
    if cuda and torch_backend.fused_available():
        rows.append(("torch fused (Triton)", rate("torch", n, 200_000, fused=True)))
    rows.append(("torch eager" + ("" if cuda else " (CPU)"), rate("torch", n, 10_000 if cuda else 100, fused=False)))
    rows.append(("numpy backend (CPU)", rate("numpy", n, 200 if cuda else 100)))
    best = rows[0][1]
    for name, r in rows:
        print(f"{name:>22}: {r:.3g} samples/s  (first row / this: {best / r:.2f}x)")
    print("target on an H100/H200: >= 1e11 samples/s" + ("" if cuda else " (not measured here)"))


if __name__ == "__main__":
    main()
