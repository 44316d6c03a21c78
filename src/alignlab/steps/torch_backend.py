"""The PyTorch backend for task-time simulation: CUDA when there is a GPU, the CPU otherwise.

Same tile scheme as the NumPy backend (each tile its own stream, spawned from the seed by the tile's
index), larger tiles, and the Pareto fast path only, :math:`M = e^{E/\\beta}`. Two kernels:

* ``fused`` (CUDA with Triton, which CUDA builds of PyTorch ship): :mod:`alignlab.steps.triton_kernel`
  draws, exponentiates and sums in registers; tiles of 2^28 samples.
* ``eager`` (otherwise): exponential variates from ``Tensor.exponential_`` in float32, ``exp`` in
  float32 where the tile cannot overflow (float64 log-sum-exp where it could), row sums in float64;
  tiles of 2^24 samples.

Same seed, same distribution as NumPy; not the same numbers (nor between the two kernels).
"""

from __future__ import annotations

import numpy as np

from alignlab import _validate as v
from alignlab._random import block_sequence
from alignlab.dists.approach import Pareto, SubtaskTime

BACKENDS = ("auto", "numpy", "torch")
TILE_SAMPLES = 1 << 24          # per tile (eager); a GPU wants large launches, memory stays bounded
COLUMN_BLOCK = 1 << 22
FUSED_TILE_SAMPLES = 1 << 28    # per tile (fused): nothing is stored per sample
_FLOAT32_EXP_LIMIT = 80.0


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:          # pragma: no cover - torch is a dependency
        return False
    return bool(torch.cuda.is_available())


def device():
    import torch
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def resolve(backend: str, subtask: SubtaskTime, explicit: bool) -> str:
    """``numpy`` or ``torch`` for a request; ``auto`` means torch exactly when CUDA is there."""
    v.choice("backend", backend, BACKENDS)
    if backend == "auto":
        backend = "torch" if cuda_available() and isinstance(subtask.approach, Pareto) and not explicit else "numpy"
    if backend == "torch" and (explicit or not isinstance(subtask.approach, Pareto)):
        raise v.ParameterError("backend", "torch simulates Pareto approaches in fast mode; use backend='numpy' "
                                          f"for {subtask.approach.family}{' in explicit mode' if explicit else ''}")
    return backend


def fused_available() -> bool:
    """True where the fused Triton kernel can run: CUDA and an importable Triton."""
    if not cuda_available():
        return False
    try:
        import triton  # noqa: F401
    except ImportError:
        return False
    return True


def tile_shape(n: int, fused: bool = False) -> tuple[int, int]:
    cols = min(n, COLUMN_BLOCK)
    return max(1, (FUSED_TILE_SAMPLES if fused else TILE_SAMPLES) // cols), cols


def seed(root: np.random.SeedSequence, *key: int) -> int:
    """The fused kernel's Philox key for the tile with index ``key``."""
    return int(block_sequence(root, *key).generate_state(1, np.uint64)[0] >> np.uint64(1))


def tile_plan(subtask: SubtaskTime, n: int, fused: bool | None = None):
    """(kernel, streams, (rows, cols)) for the torch backend; ``fused`` None picks it where available."""
    fused = fused_available() if fused is None else fused
    if fused:
        from alignlab.steps import triton_kernel
        rate, dev = 1.0 / subtask.beta, device()

        def kernel(key, rows, cols, bounds):
            return triton_kernel.segment_log_sums(key, rate, rows, cols, bounds, dev).cpu().numpy()

        return kernel, seed, tile_shape(n, fused=True)
    return pareto_kernel(subtask), generator, tile_shape(n)


def generator(root: np.random.SeedSequence, *key: int):
    """A torch Generator on the backend's device for the tile with index ``key``."""
    import torch
    gen = torch.Generator(device=device())
    gen.manual_seed(seed(root, *key))
    return gen


def pareto_kernel(subtask: SubtaskTime):
    """kernel(gen, rows, cols, bounds) -> (rows, segments) log sums of exp(E / beta), as numpy."""
    import torch
    rate = 1.0 / subtask.beta
    dev = device()

    def kernel(gen, rows, cols, bounds):
        e = torch.empty((rows, cols), dtype=torch.float32, device=dev).exponential_(generator=gen)
        out = torch.empty((rows, len(bounds) - 1), dtype=torch.float64, device=dev)
        if float(e.max()) * rate <= _FLOAT32_EXP_LIMIT:
            m = torch.exp(e * rate)
            for j, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
                out[:, j] = torch.log(m[:, int(a):int(b)].sum(dim=1, dtype=torch.float64))
        else:
            x = e.double() * rate
            for j, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
                out[:, j] = torch.logsumexp(x[:, int(a):int(b)], dim=1)
        return out.cpu().numpy()

    return kernel
