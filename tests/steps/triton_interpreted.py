"""Run the fused Triton kernel in Triton's interpreter on the CPU and save what the tests check.

Used by ``test_triton_interpreted.py`` in a subprocess, because ``TRITON_INTERPRET=1`` must be set
before Triton compiles anything: ``python triton_interpreted.py OUT.npz``.
"""

import os
import sys

os.environ["TRITON_INTERPRET"] = "1"

import numpy as np  # noqa: E402
import torch  # noqa: E402

from alignlab.samplers import triton_pareto  # noqa: E402
from alignlab.steps import StepsModel, torch_backend  # noqa: E402
from alignlab.steps.simulate import simulate_log_partial_sums, simulate_log_task_times  # noqa: E402

VARIATES = 1 << 16
SIM_N, SIM_TRIALS = 60, 4000


def main(out: str) -> None:
    cpu = torch.device("cpu")
    torch_backend.fused_available = lambda: True          # the fused kernel, interpreted, on CPU tensors
    result = {
        # one column: each row's log-sum-exp is its one variate, E for element e = row
        "variates": triton_pareto.segment_log_sums(17, 1.0, VARIATES, 1, [0, 1], cpu).numpy()[:, 0],
        # many columns and segments: element e = row * cols + col
        "grid": triton_pareto.segment_log_sums(29, 0.7, 8, 37, [0, 5, 37], cpu).numpy(),
    }
    model = StepsModel(0.5, 3)
    result["sim"] = simulate_log_task_times(model.subtask_time, SIM_N, SIM_TRIALS, seed=3, backend="torch")
    sub = StepsModel(0.25, 2).subtask_time
    result["a"] = simulate_log_task_times(sub, 500, 300, seed=5, backend="torch")
    result["b"] = simulate_log_task_times(sub, 500, 100, seed=5, backend="torch")
    result["parts"] = simulate_log_partial_sums(sub, [7, 250, 500], 300, seed=5, backend="torch")
    result["big"] = simulate_log_task_times(StepsModel(0.002, 1).subtask_time, 3, 2000, seed=1, backend="torch")
    np.savez(out, **result)


if __name__ == "__main__":
    main(sys.argv[1])
