"""The PyTorch backend for best-of-n Monte Carlo: CUDA when there is a GPU, the CPU otherwise.

Same block layout as :func:`alignlab.goodhart.montecarlo.best_of_n_draws` (block ``b`` from its own
stream spawned from the seed), with the draws made on the device by exact transforms of standard
variates (:func:`alignlab.samplers.torch_draws.law_sampler`), and the running maximum by ``torch.cummax``. Same seed, same
distribution as NumPy; not the same numbers. Independent error and utility only.
"""

from __future__ import annotations

import numpy as np

from alignlab import _validate as v
from alignlab._progress import ProgressLike, tracker
from alignlab.goodhart.montecarlo import BLOCK


def best_of_n_draws_torch(model, n_values, trials: int, root: np.random.SeedSequence,
                          progress: ProgressLike = False):
    """Per trial, (U, V) of the draw with the largest U among the first n, for every n (numpy arrays)."""
    import torch

    from alignlab.goodhart.joint_law import IndependentModel
    from alignlab.samplers.torch_draws import device, generator, law_sampler
    if not isinstance(model, IndependentModel):
        raise v.ParameterError("backend", "torch simulates independent error and utility; use backend='numpy'")
    draw_x, draw_v = law_sampler(model.error, "error"), law_sampler(model.utility, "utility")
    n_values = np.asarray(n_values, dtype=np.int64)
    n_max = int(n_values.max())
    per_block = max(1, BLOCK // n_max)
    dev = device()
    pick_at = torch.as_tensor(n_values - 1, device=dev)
    sel_u = np.empty((trials, n_values.size))
    sel_v = np.empty((trials, n_values.size))
    starts = range(0, trials, per_block)
    with tracker(progress, len(starts), "best-of-n Monte Carlo (torch): blocks of trials") as bar:
        for b, start in enumerate(starts):
            k = min(per_block, trials - start)
            gen = generator(root, b)
            x = draw_x(k * n_max, gen, dev).reshape(k, n_max)
            val = draw_v(k * n_max, gen, dev).reshape(k, n_max)
            u = x + val
            _, where = torch.cummax(u, dim=1)                 # index of the running maximum
            pick = where[:, pick_at]
            sel_u[start:start + k] = torch.gather(u, 1, pick).cpu().numpy()
            sel_v[start:start + k] = torch.gather(val, 1, pick).cpu().numpy()
            bar.advance()
    return sel_u, sel_v
