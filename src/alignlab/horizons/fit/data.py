"""One agent's runs as the fits see them: pooled by task length into weighted successes and failures."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab._results import Result
from alignlab.horizons.runs import Runs

BINS = 8                    # bins of the binned success the figures draw


@dataclass(frozen=True)
class AgentData:
    """One agent's runs, pooled by task length: ``minutes`` (C,) ascending; per run its ``cell`` (index into
    minutes), ``weight``, ``score``, ``family`` (index into the file's task families, sorted by name) and
    ``position`` in the runs file (for bootstrap multiplicities); ``tasks`` counts its distinct tasks."""

    name: str
    minutes: np.ndarray
    cell: np.ndarray
    weight: np.ndarray
    score: np.ndarray
    family: np.ndarray
    position: np.ndarray
    tasks: int

    def totals(self, factor=None):
        """Weighted successes and failures per cell, (D, C) each: one row per row of ``factor`` (D, R), a
        multiplier of each of the agent's R runs (a fold's 0/1, a bootstrap multiplicity); None: once each."""
        w = self.weight if factor is None else np.asarray(factor) * self.weight
        w = np.atleast_2d(w)
        cells = self.minutes.size
        index = self.cell + cells * np.arange(w.shape[0])[:, None]
        s = np.bincount(index.ravel(), (w * self.score).ravel(), minlength=w.shape[0] * cells)
        f = np.bincount(index.ravel(), (w * (1.0 - self.score)).ravel(), minlength=w.shape[0] * cells)
        return s.reshape(-1, cells), f.reshape(-1, cells)

    @property
    def n_eff(self) -> float:
        """Kish's effective number of runs, (sum w)^2 / sum w^2."""
        return float(self.weight.sum() ** 2 / (self.weight ** 2).sum())

    @property
    def families(self) -> int:
        return int(np.unique(self.family).size)


def agent_data(runs: Runs, weight: np.ndarray) -> tuple[tuple[AgentData, ...], tuple[str, ...]]:
    """Every agent's :class:`AgentData` (in the order of ``runs.agents``) and the task family names that
    ``AgentData.family`` indexes."""
    names, family_index = np.unique(runs.family, return_inverse=True)
    out = []
    for name in runs.agents:
        position = np.flatnonzero(runs.agent == name)
        minutes, cell = np.unique(runs.minutes[position], return_inverse=True)
        out.append(AgentData(name, minutes, cell, weight[position], runs.score[position], family_index[position],
                             position, int(np.unique(runs.task[position]).size)))
    return tuple(out), tuple(str(n) for n in names)


def degenerate(s, f) -> np.ndarray:
    """Rows in which every run fails or every run succeeds (no curve can be fitted)."""
    return (s.sum(axis=-1) <= 0) | (f.sum(axis=-1) <= 0)


def stack(rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of (minutes (C_i,), s (D_i, C_i), f (D_i, C_i)) with different task lengths as one batch: minutes,
    s and f (sum D_i, max C_i), each row padded with its own last length at zero weight (which changes
    nothing a fit of the row computes)."""
    width = max(m.size for m, _, _ in rows)
    minutes, s_out, f_out = [], [], []
    for m, s, f in rows:
        pad = width - m.size
        count = s.shape[0]
        minutes.append(np.repeat(np.concatenate([m, np.full(pad, m[-1])])[None], count, axis=0))
        s_out.append(np.pad(s, ((0, 0), (0, pad))))
        f_out.append(np.pad(f, ((0, 0), (0, pad))))
    return np.concatenate(minutes), np.concatenate(s_out), np.concatenate(f_out)


@dataclass(frozen=True)
class Binned(Result):
    """The agent's weighted success rate in bins of task length (equal widths in log minutes), with its
    standard error: what the plots draw the curves over. ``minutes`` is the weighted geometric mean
    length of each bin."""

    edges: tuple[float, ...]
    minutes: tuple[float, ...]
    success: tuple[float, ...]
    stderr: tuple[float, ...]
    runs: tuple[int, ...]


def binned(agent: AgentData) -> Binned:
    """Weighted success in equal bins of log task length, with the standard error of a weighted mean."""
    log_t = np.log(agent.minutes[agent.cell])
    edges = np.linspace(log_t.min(), log_t.max() + 1e-9, BINS + 1)
    which = np.clip(np.searchsorted(edges, log_t, side="right") - 1, 0, BINS - 1)
    rows = []
    for b in range(BINS):
        mine = which == b
        if not mine.any():
            continue
        w, y = agent.weight[mine], agent.score[mine]
        rate = float((w * y).sum() / w.sum())
        se = float(math.sqrt(((w * (y - rate)) ** 2).sum()) / w.sum())
        rows.append((float(np.exp((w * log_t[mine]).sum() / w.sum())), rate, se, int(mine.sum())))
    m, r, e, c = zip(*rows)
    return Binned(edges=tuple(np.exp(edges).tolist()), minutes=m, success=r, stderr=e, runs=c)
