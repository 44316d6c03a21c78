r"""Goodness of fit of a power-law tail: the semi-parametric bootstrap of Clauset, Shalizi & Newman (2009, sec. 4.1).

Each synthetic data set has the size ``n`` of the original. Each of its values is, with probability
:math:`n_{tail}/n`, a draw from the fitted power law above ``xmin`` and otherwise a value drawn
uniformly from the original values below ``xmin``. Each is fitted the same way as the data (the
full xmin scan, or the same fixed xmin), and

.. math:: p = \frac{\#\{\text{replicates with } D_{synthetic} \ge D_{data}\}}{\text{replicates}}.

Small ``p`` (CSN use 0.1) rules the power law out. Replicate ``r`` draws from its own stream
``block_generator(seed, r)``, so ``p`` depends on the seed and the number of replicates only,
never on ``workers``. Its Monte Carlo standard error is :math:`\sqrt{p(1-p)/\text{replicates}}`.
The work, ``replicates * n`` values fitted, is checked against :data:`MAX_FITTED` before it starts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from alignlab import _validate as v
from alignlab._limits import check_work
from alignlab._progress import ProgressLike, tracker
from alignlab._seeding import SeedLike, block_generator, seed_sequence, seed_used
from alignlab._results import BULK, Result
from alignlab._executor import ordered_map, worker_count
from alignlab.tails.power_law_model import fit_sorted, sample_tail

MAX_FITTED = 1e8         # values fitted by the bootstrap (replicates * n; minutes here) unless max_work says more


@dataclass(frozen=True)
class GoodnessOfFit(Result):
    """Bootstrap p-value of a power-law fit, the KS distances behind it (``synthetic_ks``, one per replicate:
    kept by ``to_dict``, left out of ``--json``) and the ``seed`` of the draws."""

    p_value: float
    p_value_se: float
    replicates: int
    ks: float
    failed: int          # synthetic sets with no admissible xmin (counted as worse fits than the data)
    seed: int | None = None
    synthetic_ks: np.ndarray | None = field(default=None, metadata=BULK, compare=False, repr=False)


def goodness_of_fit(fit, *, replicates: int = 1000, seed: SeedLike = 0, workers: int | None = None,
                    progress: ProgressLike = False, max_work: float | None = None) -> GoodnessOfFit:
    """The CSN bootstrap p-value of ``fit`` (a :class:`~alignlab.tails.power_law.PowerLawFit`), drawn with
    ``seed`` using ``workers`` CPU cores (default all; the value does not depend on them); ``progress``
    counts replicates; ``max_work`` raises the limit :data:`MAX_FITTED` on the values fitted."""
    replicates = v.integer("replicates", replicates, low=10, high=1_000_000)
    check_work("replicates", float(replicates) * fit.n, MAX_FITTED, "values fitted", max_work)
    workers = worker_count(workers)
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

    distances = np.empty(replicates)
    with tracker(progress, replicates, "goodness of fit: bootstrap replicates") as bar:
        for r, distance in enumerate(ordered_map(one, range(replicates), workers=workers, threads=True)):
            distances[r] = distance
            bar.advance()
    p = float(np.mean(distances >= fit.ks))
    failed = int(np.isinf(distances).sum())
    return GoodnessOfFit(p, math.sqrt(p * (1 - p) / replicates), replicates, fit.ks, failed, seed_used(root),
                         distances)
