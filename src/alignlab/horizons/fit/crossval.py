r"""One agent's full-data fit and its leave-one-task-family-out cross-validation, fitted together.

For each task family F the agent ran, the fold is the agent's runs of every other family: fitted as if F
did not exist (:func:`~alignlab.horizons.fit.optimize.fit_best`: the curve's every start, placed from the
fold's own task lengths and success rate, run to convergence inside the fold's own bounds), then scored
on F's runs with their full-data weights:

.. math:: \mathrm{cv} = \sum_F \sum_{i \in F} w_i\,[y_i \log p_{-F}(t_i) + (1 - y_i)\log(1 - p_{-F}(t_i))].

The weights of the other families' runs differ from those of the runs file without F only by a constant
factor (they are normalised per agent), so with normalised weights (``renormalise``) the fold's are
scaled back to the full data's total: the logistic's penalty then weighs on the fold as on that file. A fold whose runs all fail or all succeed has no fit and is
named in ``skipped``; every curve skips the same folds, so their totals stay comparable. A held-out
success that a curve calls impossible scores -inf.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignlab.horizons.fit.data import AgentData, degenerate
from alignlab.horizons.fit.optimize import Effort, fit_best, loglik


@dataclass(frozen=True)
class CurveEstimate:
    """What one curve's fits to one agent gave: the full-data ``theta`` with whether it ``converged``, which
    parameters ended ``at_bound``, and, with cross-validation, the held-out score of every fold by task
    family (``folds``), the families ``skipped`` and how many folds stopped ``at_limit``."""

    theta: np.ndarray
    converged: bool
    at_bound: np.ndarray
    at_limit: bool
    folds: dict[str, float] | None = None
    skipped: tuple[str, ...] = ()
    folds_at_limit: int = 0


def fit_agent(agent: AgentData, curves: dict, family_names, penalty, cv: bool, effort: Effort,
              renormalise: bool = True):
    """Every curve fitted to ``agent`` (a :class:`CurveEstimate` by curve name), with its folds when ``cv``;
    None when its runs all fail or all succeed."""
    s, f = agent.totals()
    if degenerate(s, f)[0]:
        return None
    keep = np.zeros((0, agent.score.size))
    names: list[str] = []
    skipped: tuple[str, ...] = ()
    if cv:
        folds = np.unique(agent.family)
        keep = (agent.family[None, :] != folds[:, None]).astype(float)             # (folds, runs)
        fs, ff = agent.totals(keep)
        usable = ~degenerate(fs, ff)
        skipped = tuple(family_names[i] for i in folds[~usable])
        keep = keep[usable]
        names = [family_names[i] for i in folds[usable]]
    train = np.concatenate([np.ones((1, agent.score.size)), keep])
    if renormalise:
        train = train * (agent.weight.sum() / (train * agent.weight).sum(axis=1))[:, None]
    train_s, train_f = agent.totals(train)
    held_s, held_f = agent.totals(1.0 - keep)
    out = {}
    for name, curve in curves.items():
        batch = fit_best(curve, agent.minutes, train_s, train_f, penalty, effort)
        folds = None
        if cv:
            scores = loglik(curve, batch.theta[1:], agent.minutes, held_s, held_f)
            folds = {family: float(x) for family, x in zip(names, scores)}
        out[name] = CurveEstimate(theta=batch.theta[0], converged=bool(batch.converged[0]), at_bound=batch.at_bound[0],
                                  at_limit=bool(batch.at_limit[0]), folds=folds, skipped=skipped,
                                  folds_at_limit=int(batch.at_limit[1:].sum()))
    return out
