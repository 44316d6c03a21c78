"""Sanity experiments for the report: known tail indices recovered, light and heavy tails told apart.

Samples are named by their scipy spec and drawn by numpy's generators; sample ``i`` comes from its own
stream ``block_generator(seed, i)``, so the numbers depend on the seed only (default 0, as the report
runs; None: fresh entropy). ``progress`` counts samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignlab._progress import ProgressLike, tracker
from alignlab._seeding import SeedLike, block_generator, seed_sequence, seed_used
from alignlab._results import Result
from alignlab.tails.diagnosis import diagnose
from alignlab.tails.estimators import hill
from alignlab.tails.power_law import fit_power_law

# (scipy spec, true extreme-value index xi, sampler)
EXACT_POWER_LAWS = (
    ("pareto(b=1.5)", 1 / 1.5, lambda rng, n: rng.pareto(1.5, n) + 1.0),
    ("pareto(b=3)", 1 / 3, lambda rng, n: rng.pareto(3.0, n) + 1.0),
)
HEAVY = EXACT_POWER_LAWS + (
    ("t(df=3)", 1 / 3, lambda rng, n: rng.standard_t(3.0, n)),                   # power law only asymptotically
    ("invweibull(c=2)", 1 / 2, lambda rng, n: (-np.log(rng.random(n))) ** (-1 / 2)),   # Frechet, likewise
)
LIGHT = (
    ("norm", lambda rng, n: rng.normal(size=n)),
    ("expon", lambda rng, n: rng.exponential(size=n)),
    ("uniform", lambda rng, n: rng.random(n)),
)


@dataclass(frozen=True)
class RecoveryRow(Result):
    label: str
    true_xi: float
    hill_k: int
    hill_xi: float
    hill_se: float
    fit_xmin: float
    fit_alpha: float
    fit_sigma: float
    true_alpha: float            # density exponent 1 + 1/xi

    @property
    def hill_error_in_se(self) -> float:
        return abs(self.hill_xi - self.true_xi) / self.hill_se

    @property
    def fit_error_in_sigma(self) -> float:
        return abs(self.fit_alpha - self.true_alpha) / self.fit_sigma


@dataclass(frozen=True)
class Recovery(Result):
    n: int
    rows: tuple[RecoveryRow, ...]
    seed: int | None = None


@dataclass(frozen=True)
class Verdicts(Result):
    n: int
    labels: tuple[str, ...]
    expected: tuple[str, ...]
    verdicts: tuple[str, ...]
    seed: int | None = None


def recovery(n: int = 20000, seed: SeedLike = 0, bootstrap_samples: int = 300,
             progress: ProgressLike = False) -> Recovery:
    """Hill (double-bootstrap k) and the CSN fit on samples with known tails."""
    root = seed_sequence(seed)
    rows = []
    with tracker(progress, len(HEAVY), "known-index recovery") as bar:
        for i, (label, xi, draw) in enumerate(HEAVY):
            x = draw(block_generator(root, i), n)
            h = hill(x, seed=block_generator(root, 100 + i), bootstrap_samples=bootstrap_samples)
            f = fit_power_law(x[x > 0])
            rows.append(RecoveryRow(label, xi, h.chosen_k, h.chosen_xi, h.chosen_se, f.xmin, f.alpha, f.sigma,
                                    1 + 1 / xi))
            bar.advance()
    return Recovery(n, tuple(rows), seed_used(root))


def verdicts(n: int = 10000, seed: SeedLike = 0, bootstrap_samples: int = 200,
             progress: ProgressLike = False) -> Verdicts:
    """The diagnosis verdict on light-tailed and heavy-tailed samples."""
    root = seed_sequence(seed)
    cases = [(label, "light", draw) for label, draw in LIGHT] + [(label, "heavy", draw) for label, _, draw in HEAVY]
    labels, expected, got = [], [], []
    with tracker(progress, len(cases), "light and heavy verdicts") as bar:
        for i, (label, want, draw) in enumerate(cases):
            d = diagnose(draw(block_generator(root, 200 + i), n), seed=block_generator(root, 300 + i),
                         bootstrap_samples=bootstrap_samples)
            labels.append(label)
            expected.append(want)
            got.append(d.verdict)
            bar.advance()
    return Verdicts(n, tuple(labels), tuple(expected), tuple(got), seed_used(root))
