"""PyTorch streams, device and law samplers shared by the systems' torch backends.

A block's stream is keyed by the block's index under the seed, exactly as the NumPy streams of
:mod:`alignlab._seeding`, so a torch backend's numbers depend on the seed and its own block layout
only. Torch and NumPy draw different numbers from the same seed, from the same law.
"""

from __future__ import annotations

import math

import numpy as np

from alignlab import _validate as v
from alignlab._seeding import block_sequence


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:          # pragma: no cover - torch is a dependency
        return False
    return bool(torch.cuda.is_available())


def fused_available() -> bool:
    """True where the fused Triton kernels can run: CUDA and an importable Triton."""
    if not cuda_available():
        return False
    import importlib.util
    return importlib.util.find_spec("triton") is not None


def device():
    import torch
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def block_key(root: np.random.SeedSequence, *key: int) -> int:
    """A 63-bit key for the block with index ``key`` (a torch seed, or a Philox key for Triton)."""
    return int(block_sequence(root, *key).generate_state(1, np.uint64)[0] >> np.uint64(1))


def generator(root: np.random.SeedSequence, *key: int):
    """A torch Generator on :func:`device` for the block with index ``key``."""
    import torch
    gen = torch.Generator(device=device())
    gen.manual_seed(block_key(root, *key))
    return gen


TORCH_FAMILIES = ("cauchy", "expon", "levy", "lognorm", "norm", "pareto", "t", "uniform")


def law_sampler(law, param: str):
    """``draw(size, generator, device) -> float64 tensor`` of draws from ``law`` (a
    :class:`~alignlab.dists.law.Continuous` of one of :data:`TORCH_FAMILIES`)."""
    import torch
    shapes = dict(zip(law.family.shape_names, law.shapes))
    loc, scale = law.loc, law.scale

    def normal(size, gen, dev):
        return torch.randn(size, generator=gen, device=dev, dtype=torch.float64)

    def uniform(size, gen, dev):
        # (0, 1) open: 1 - [0, 1) never hits 0
        return 1.0 - torch.rand(size, generator=gen, device=dev, dtype=torch.float64)

    standard = {
        "norm": normal,
        "lognorm": lambda size, gen, dev: torch.exp(shapes["s"] * normal(size, gen, dev)),
        "expon": lambda size, gen, dev: -torch.log(uniform(size, gen, dev)),
        "levy": lambda size, gen, dev: 1.0 / normal(size, gen, dev) ** 2,
        "pareto": lambda size, gen, dev: uniform(size, gen, dev) ** (-1.0 / shapes.get("b", 1.0)),
        "cauchy": lambda size, gen, dev: torch.tan(math.pi * (uniform(size, gen, dev) - 0.5)),
        "uniform": lambda size, gen, dev: uniform(size, gen, dev),
        # Student t: Z / sqrt(chi2_df / df), chi2_df = 2 Gamma(df/2)
        "t": lambda size, gen, dev: normal(size, gen, dev) / torch.sqrt(
            torch._standard_gamma(torch.full((size,), shapes.get("df", 1.0) / 2.0, dtype=torch.float64,
                                             device=dev), generator=gen) * 2.0 / shapes.get("df", 1.0)),
    }
    if law.name not in standard:
        raise v.ParameterError("backend", f"torch draws {', '.join(TORCH_FAMILIES)}; {param} is {law.spec}: "
                                          f"use backend='numpy'")
    draw = standard[law.name]
    return lambda size, gen, dev: loc + scale * draw(size, gen, dev)
