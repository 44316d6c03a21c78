r"""Runs pooled into agent x task cells: what every joint likelihood reads.

A cell is one agent's runs of one task. Given the task effect :math:`z_j` its runs are independent
Bernoulli trials with the same success probability :math:`p_{aj}(z_j)`, so the cell enters every
likelihood only through its (weighted) successes :math:`s_{aj} = \sum_i w_i y_i` and failures
:math:`f_{aj} = \sum_i w_i (1 - y_i)`: the cost of a likelihood grows with cells (831 in METR's file),
not runs (7,063). A fractional score counts as a fractional success, as in METR's fits.

Three sets of per-cell totals are kept: under the fit's weights (``s``, ``f``: per agent the scheme of
:func:`alignlab.horizons.runs.run_weights` rescaled to average 1 per run, so ``none`` is a plain
count and every scheme keeps the number of runs), unweighted (``s_raw``, ``f_raw``: held-out nats per
run) and under METR's invsqrt weights (``s_metr``, ``f_metr``: weighted held-out nats per run).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from alignlab.horizons.joint._house import Runs, run_weights


@dataclass(frozen=True, eq=False)
class Cells:
    """Agents, tasks and the cells of a data set (see the module docstring).

    ``agents`` (A,) names; ``task_names``, ``task_family`` (J,) labels and ``minutes`` (J,) the human
    length of each task; per cell (C,): ``agent``, ``task`` (indices), the totals, ``runs`` (count); per
    run (R,): ``run_cell``, ``score``, ``fit_weight`` (the fit's weight), ``position`` (row in the runs
    file) for resampling."""

    source: str
    agents: tuple[str, ...]
    task_names: np.ndarray
    task_family: np.ndarray
    minutes: np.ndarray
    agent: np.ndarray
    task: np.ndarray
    s: np.ndarray
    f: np.ndarray
    s_raw: np.ndarray
    f_raw: np.ndarray
    s_metr: np.ndarray
    f_metr: np.ndarray
    runs: np.ndarray
    run_cell: np.ndarray
    score: np.ndarray
    fit_weight: np.ndarray
    metr_weight: np.ndarray

    @property
    def n_agents(self) -> int:
        return len(self.agents)

    @property
    def n_tasks(self) -> int:
        return int(self.minutes.size)

    @property
    def n_cells(self) -> int:
        return int(self.agent.size)

    @property
    def log2_minutes(self) -> np.ndarray:
        return np.log2(self.minutes)

    def subset(self, keep: np.ndarray) -> Cells:
        """Only the cells where ``keep`` (C,) is True; agents and tasks keep their numbering."""
        keep = np.asarray(keep, dtype=bool)
        index = np.flatnonzero(keep)
        new_of_old = np.full(self.n_cells, -1)
        new_of_old[index] = np.arange(index.size)
        runs = keep[self.run_cell]
        return replace(self, agent=self.agent[index], task=self.task[index], s=self.s[index], f=self.f[index],
                       s_raw=self.s_raw[index], f_raw=self.f_raw[index], s_metr=self.s_metr[index],
                       f_metr=self.f_metr[index], runs=self.runs[index], run_cell=new_of_old[self.run_cell[runs]],
                       score=self.score[runs], fit_weight=self.fit_weight[runs], metr_weight=self.metr_weight[runs])

    def with_totals(self, s: np.ndarray, f: np.ndarray) -> Cells:
        """The same cells with other fit totals (simulated or resampled data)."""
        return replace(self, s=np.asarray(s, float), f=np.asarray(f, float))

    def agent_cells(self, a: int) -> np.ndarray:
        return self.agent == a


def degenerate_agents(runs: Runs) -> dict[str, str]:
    """Agents whose runs all fail or all succeed (no agent curve has a finite maximum), with the reason."""
    out = {}
    for name in runs.agents:
        score = runs.score[runs.agent == name]
        if score.sum() <= 0 or score.sum() >= score.size:
            outcome = "fail" if score.sum() <= 0 else "succeed"
            out[name] = f"all {score.size} runs {outcome}: no curve can be fitted"
    return out


def cells_of(runs: Runs, weights: str = "none") -> Cells:
    """Pool ``runs`` into cells; the fit's weights follow ``weights`` (see the module docstring)."""
    agents = runs.agents
    agent_index = {a: i for i, a in enumerate(agents)}
    agent_of_run = np.array([agent_index[a] for a in runs.agent], dtype=np.intp)
    task_names, task_of_run = np.unique(runs.task, return_inverse=True)
    minutes = np.zeros(task_names.size)
    family = np.empty(task_names.size, dtype=object)
    minutes[task_of_run] = runs.minutes       # a task has one length (the last one read wins if a file disagrees)
    family[task_of_run] = runs.family
    key = task_of_run * len(agents) + agent_of_run
    cell_keys, run_cell = np.unique(key, return_inverse=True)
    fit_weight = _mean_one(run_weights(runs, weights), agent_of_run)
    metr_weight = run_weights(runs, "invsqrt")
    cells = cell_keys.size
    y = runs.score

    def total(w):
        return np.bincount(run_cell, w * y, cells), np.bincount(run_cell, w * (1.0 - y), cells)

    s, f = total(fit_weight)
    s_raw, f_raw = total(np.ones_like(y))
    s_metr, f_metr = total(metr_weight)
    return Cells(runs.source, agents, task_names, family, minutes, (cell_keys % len(agents)).astype(np.intp),
                 (cell_keys // len(agents)).astype(np.intp), s, f, s_raw, f_raw, s_metr, f_metr,
                 np.bincount(run_cell, minlength=cells), run_cell, y.astype(float), fit_weight, metr_weight)


def _mean_one(weight: np.ndarray, agent: np.ndarray) -> np.ndarray:
    """Weights rescaled so that each agent's average 1 (the number of runs is kept)."""
    total = np.bincount(agent, weight)
    count = np.bincount(agent)
    return weight * (count / total)[agent]
