"""The PyTorch backend for best-of-n Monte Carlo: CUDA when there is a GPU, the CPU otherwise.

Same block layout as :func:`alignlab.goodhart.montecarlo.best_of_n_draws` (block ``b`` from its own
stream spawned from the seed), with the draws made on the device by exact transforms of standard
variates for the families below, and the running maximum by ``torch.cummax``. Same seed, same
distribution as NumPy; not the same numbers. Independent error and utility only.
"""

from __future__ import annotations

import math

import numpy as np

from alignlab import _validate as v
from alignlab._random import SeedLike, seed_sequence
from alignlab.goodhart.montecarlo import BLOCK


def _sampler(law, param: str):
    """A function (size, generator, device) -> float64 tensor drawing from ``law`` (a Continuous)."""
    import torch
    shapes = dict(zip(law.family.shapes, law.shapes))
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
        raise v.ParameterError("backend", f"torch draws {', '.join(sorted(standard))}; {param} is {law.spec}: "
                                          f"use backend='numpy'")
    draw = standard[law.name]
    return lambda size, gen, dev: loc + scale * draw(size, gen, dev)


def best_of_n_draws_torch(model, n_values, trials: int, seed: SeedLike):
    """Per trial, (U, V) of the draw with the largest U among the first n, for every n (numpy arrays)."""
    import torch

    from alignlab.goodhart.model import IndependentModel
    from alignlab.steps.torch_backend import device, generator
    if not isinstance(model, IndependentModel):
        raise v.ParameterError("backend", "torch simulates independent error and utility; use backend='numpy'")
    draw_x, draw_v = _sampler(model.error, "error"), _sampler(model.utility, "utility")
    n_values = np.asarray(n_values, dtype=np.int64)
    n_max = int(n_values.max())
    per_block = max(1, BLOCK // n_max)
    root = seed_sequence(seed)
    dev = device()
    pick_at = torch.as_tensor(n_values - 1, device=dev)
    sel_u = np.empty((trials, n_values.size))
    sel_v = np.empty((trials, n_values.size))
    for b, start in enumerate(range(0, trials, per_block)):
        k = min(per_block, trials - start)
        gen = generator(root, b)
        x = draw_x(k * n_max, gen, dev).reshape(k, n_max)
        val = draw_v(k * n_max, gen, dev).reshape(k, n_max)
        u = x + val
        _, where = torch.cummax(u, dim=1)                 # index of the running maximum
        pick = where[:, pick_at]
        sel_u[start:start + k] = torch.gather(u, 1, pick).cpu().numpy()
        sel_v[start:start + k] = torch.gather(val, 1, pick).cpu().numpy()
    return sel_u, sel_v
