r"""Goodness of fit of a power-law tail: the semi-parametric bootstrap of Clauset, Shalizi & Newman (2009, sec. 4.1).

Each synthetic data set has the size ``n`` of the original. Each of its values is, with probability
:math:`n_{tail}/n`, a draw from the fitted power law above ``xmin`` and otherwise a value drawn
uniformly from the original values below ``xmin``. Each is fitted the same way as the data (the
full xmin scan, or the same fixed xmin), and

.. math:: p = \frac{\#\{\text{replicates with } D_{synthetic} \ge D_{data}\}}{\text{replicates}}.

Small ``p`` (CSN use 0.1) rules the power law out. Replicate ``r`` draws from its own stream
``block_generator(seed, r)``, so ``p`` depends on the seed and the number of replicates only,
never on ``workers``. Its Monte Carlo standard error is :math:`\sqrt{p(1-p)/\text{replicates}}`.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._random import SeedLike, block_generator, seed_sequence
from alignlab._results import Result
from alignlab.tails.csn import fit_sorted, sample_tail


@dataclass(frozen=True)
class GoodnessOfFit(Result):
    """Bootstrap p-value of a power-law fit and the KS distances behind it."""

    p_value: float
    p_value_se: float
    replicates: int
    ks: float
    synthetic_ks: np.ndarray
    failed: int          # synthetic sets with no admissible xmin (counted as worse fits than the data)

    def to_dict(self) -> dict:
        return {"p_value": self.p_value, "p_value_se": self.p_value_se, "replicates": self.replicates,
                "ks": self.ks, "failed": self.failed,
                "synthetic_ks_quantiles": {q: float(np.quantile(self.synthetic_ks, q)) for q in (0.05, 0.5, 0.95)}}


def goodness_of_fit(fit, *, replicates: int = 1000, seed: SeedLike = 0, workers: int | None = None) -> GoodnessOfFit:
    """The CSN bootstrap p-value of ``fit`` (a :class:`~alignlab.tails.power_law.PowerLawFit`)."""
    replicates = v.integer("replicates", replicates, low=10, high=1_000_000)
    workers = v.integer("workers", workers if workers is not None else (os.cpu_count() or 1), low=1, high=256)
    root = seed_sequence(seed)
    data = fit.data
    body = data[:data.size - fit.n_tail]
    fixed = fit.xmin if fit.xmin_fixed else None

    def one(r: int) -> float:
        rng = block_generator(root, r)
        from_tail = int(rng.binomial(data.size, fit.n_tail / data.size)) if body.size else data.size
        synthetic = np.concatenate([sample_tail(fit.xmin, fit.alpha, fit.discrete, from_tail, rng),
                                    body[rng.integers(0, body.size, data.size - from_tail)] if body.size
                                    else np.empty(0)])
        synthetic.sort()
        est = fit_sorted(synthetic, fit.discrete, fit.min_tail, fixed)
        return math.inf if est is None else est.ks

    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            distances = np.fromiter(pool.map(one, range(replicates)), float, replicates)
    else:
        distances = np.fromiter(map(one, range(replicates)), float, replicates)
    p = float(np.mean(distances >= fit.ks))
    failed = int(np.isinf(distances).sum())
    return GoodnessOfFit(p, math.sqrt(p * (1 - p) / replicates), replicates, fit.ks, distances, failed)
