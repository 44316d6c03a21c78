"""Bootstrap refits: every curve refitted to every draw of METR's hierarchical resampling
(:mod:`alignlab.horizons.hierarchy`), warm-started at the full-data fit and run to convergence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignlab.horizons.fit.data import degenerate, stack
from alignlab.horizons.fit.optimize import maximise
from alignlab.horizons.hierarchy import multiplicities

LEVELS = (0.5, 0.8)


@dataclass(frozen=True)
class DrawFits:
    """One curve refitted to some draws for one agent: ``theta`` (B, k) and horizons (B, 2) at the
    :data:`LEVELS`, NaN where the draw left the agent no curve to fit; ``at_limit`` (B,) the draws still
    moving when the iterations ran out."""

    theta: np.ndarray
    horizons: np.ndarray
    at_limit: np.ndarray


def refit_draws(context, draws, starts) -> list[dict[str, DrawFits] | None]:
    """Per agent (None for an agent without a full-data fit), per curve, the refits of the draws with
    indices ``draws``, starting from ``starts`` (per agent, per curve, the full-data theta). All agents of
    a curve are one batch, each row on its agent's own task lengths."""
    mult = multiplicities(context.hierarchy, context.root, draws)
    count = len(draws)
    fitted = [i for i, start in enumerate(starts) if start is not None]
    out: list = [None] * len(context.agents)
    rows, owner = [], []
    for i in fitted:
        agent = context.agents[i]
        s, f = agent.totals(mult[:, agent.position])
        usable = np.flatnonzero(~degenerate(s, f))
        rows.append((agent.minutes, s[usable], f[usable]))
        owner.append(np.stack([np.full(usable.size, i), usable], axis=1))
        out[i] = {}
    owner = np.concatenate(owner) if owner else np.zeros((0, 2), dtype=int)
    for name, curve in context.curves.items():
        for i in fitted:
            out[i][name] = DrawFits(np.full((count, curve.k), np.nan), np.full((count, len(LEVELS)), np.nan),
                                    np.zeros(count, dtype=bool))
        if not owner.size:
            continue
        minutes, s, f = stack(rows)
        start = np.stack([starts[i][name] for i in owner[:, 0]])
        bounds = np.stack([curve.bounds(context.agents[i].minutes) for i in owner[:, 0]])
        batch = maximise(curve, minutes, s, f, start, bounds, context.penalty, context.effort)
        horizons = np.stack([curve.horizon(batch.theta, q) for q in LEVELS], axis=1)
        for row, (i, d) in enumerate(owner):
            fits = out[i][name]
            fits.theta[d], fits.horizons[d], fits.at_limit[d] = batch.theta[row], horizons[row], batch.at_limit[row]
    return out
