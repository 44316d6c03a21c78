"""The PyTorch backend for task-time simulation: CUDA when there is a GPU, the CPU otherwise.

Same tile scheme as the NumPy backend (each tile its own stream, spawned from the seed by the tile's
index), larger tiles, and the Pareto fast path only, :math:`M = e^{E/\\beta}`. Two kernels:

* ``fused`` (CUDA with Triton, which CUDA builds of PyTorch ship): :mod:`alignlab.samplers.triton_pareto`
  draws, exponentiates and sums in registers; tiles of 2^28 samples.
* ``eager`` (otherwise): exponential variates from ``Tensor.exponential_`` in float32, ``exp`` in
  float32 where the tile cannot overflow (float64 log-sum-exp where it could), row sums in float64;
  tiles of 2^24 samples.

Same seed, same distribution as NumPy; not the same numbers (nor between the two kernels).
"""

from __future__ import annotations

from alignlab import _validate as v
from alignlab.dists.law import Minimum
from alignlab.samplers.torch_draws import block_key, cuda_available, device, fused_available, generator

BACKENDS = ("auto", "numpy", "torch")
TILE_SAMPLES = 1 << 24          # per tile (eager); a GPU wants large launches, memory stays bounded
COLUMN_BLOCK = 1 << 22
FUSED_TILE_SAMPLES = 1 << 28    # per tile (fused): nothing is stored per sample
_FLOAT32_EXP_LIMIT = 80.0


def resolve(backend: str, subtask: Minimum, explicit: bool) -> str:
    """``numpy`` or ``torch`` for a request; ``auto`` means torch exactly when CUDA is there."""
    v.choice("backend", backend, BACKENDS)
    if backend == "auto":
        backend = "torch" if cuda_available() and subtask.exponential_form and not explicit else "numpy"
    if backend == "torch" and (explicit or not subtask.exponential_form):
        raise v.ParameterError("backend", "torch simulates Pareto approaches in fast mode; use backend='numpy' "
                                          f"for {subtask.law.spec}{' in explicit mode' if explicit else ''}")
    return backend


def tile_shape(n: int, fused: bool = False) -> tuple[int, int]:
    cols = min(n, COLUMN_BLOCK)
    return max(1, (FUSED_TILE_SAMPLES if fused else TILE_SAMPLES) // cols), cols


def tile_plan(subtask: Minimum, n: int, fused: bool | None = None):
    """(kernel, streams, (rows, cols)) for the torch backend; ``fused`` None picks it where available."""
    fused = fused_available() if fused is None else fused
    if fused:
        from alignlab.samplers import triton_pareto
        rate, dev = 1.0 / subtask.beta, device()

        def kernel(key, rows, cols, bounds):
            return triton_pareto.segment_log_sums(key, rate, rows, cols, bounds, dev).cpu().numpy()

        return kernel, block_key, tile_shape(n, fused=True)
    return pareto_kernel(subtask), generator, tile_shape(n)


def pareto_kernel(subtask: Minimum):
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
