r"""Data simulated from a joint model at a given design, and the parameter-recovery study.

:func:`simulate` draws :math:`z_j \sim N(0, 1)` per task and each cell's successes as
Binomial(runs, :math:`p_{aj}(z_j)`), keeping the design (agents, tasks, lengths, runs per cell).
:func:`recovery_study` fits the model to ``datasets`` such data sets simulated from ``theta`` and counts how
often each parameter's 95% Wald interval covers the truth: at the nominal rate, coverage is
0.95 within two binomial standard errors :math:`2\sqrt{0.95 \cdot 0.05 / n}`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignlab._seeding import block_generator, seed_sequence
from alignlab._results import Result
from alignlab.horizons.joint.fitting import fit as fit_model
from alignlab.horizons.joint.links import log_probabilities
from alignlab.horizons.joint.marginal import linear
from alignlab.horizons.joint.summary import _flat, wald


def simulate(model, theta, cells, rng: np.random.Generator):
    """``cells`` with successes and failures drawn from ``model`` at ``theta`` (unweighted runs)."""
    z = rng.standard_normal(cells.n_tasks)
    lin = linear(model, theta, cells)
    eta = lin.eta0 + lin.lam * z[cells.task]
    log_p, _ = log_probabilities(model.link, eta, lin.link_params)
    s = rng.binomial(cells.runs, np.exp(log_p)).astype(float)
    f = cells.runs - s
    return cells.with_totals(s, f), z


@dataclass(frozen=True)
class Recovery(Result):
    """Coverage of the 95% Wald intervals over ``datasets`` simulated data sets: per parameter name (agent
    parameters pooled over agents) the fraction of intervals covering the truth and how many there were;
    ``failed`` fits without intervals (counted as not covering)."""

    model: str
    datasets: int
    coverage: dict[str, float]
    intervals: dict[str, int]
    failed: int
    seconds: float


def recovery_study(model, theta, cells, datasets: int = 50, seed=0) -> Recovery:
    """Fit ``model`` to ``datasets`` data sets simulated from ``theta`` at the design of ``cells``."""
    import time
    began = time.perf_counter()
    root = seed_sequence(seed)
    truth = _flat(model, theta, cells.n_agents)
    hits: dict[str, list] = {}
    failed = 0
    for d in range(datasets):
        data, _ = simulate(model, theta, cells, block_generator(root, d))
        fitted = fit_model(model, data, theta)
        intervals = wald(model, fitted.theta, fitted.covariance, cells.n_agents)
        if fitted.covariance is None:
            failed += 1
        for key, value in truth.items():
            ci = intervals.get(key)
            target = abs(value) if model.scales.get(key[1]) == "abs" else value
            hits.setdefault(key[1], []).append(ci is not None and ci[0] <= target <= ci[1])
    return Recovery(model.name, datasets, {k: float(np.mean(v)) for k, v in hits.items()},
                    {k: len(v) for k, v in hits.items()}, failed, time.perf_counter() - began)
