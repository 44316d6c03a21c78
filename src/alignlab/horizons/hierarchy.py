r"""METR's hierarchical bootstrap: which runs a resample draws, and how often.

One draw resamples, for all agents together (Kwa et al. 2025, as in METR's ``bootstrap_sample``):
the task families with replacement; within each drawn copy of a family, its tasks with replacement;
within each drawn copy of a task, each agent's runs of it with replacement. A run's weight is kept
as it was in the full data (a task drawn twice counts twice; METR does not renormalise either).
The result is a multiplicity for every run. Draw b takes its random numbers from
``block_generator(root, b)`` only, so its numbers do not depend on how draws are split among workers.

Resampling m copies of a group of k items, each copy drawing k items with replacement, gives the
same multinomial counts as drawing m k items from the group at once, which is how it is done here
(for families' tasks and tasks' runs alike).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignlab._seeding import block_generator


@dataclass(frozen=True)
class Hierarchy:
    """Runs grouped for resampling: ``family_of_task`` (T,), ``task_of_group`` (G,) for the (task, agent)
    groups, and ``group_of_run`` (R,). Tasks are numbered family by family and runs group by group, so
    that each level's members are contiguous (``*_start`` and ``*_size``)."""

    families: int
    task_start: np.ndarray        # per family
    task_size: np.ndarray
    group_start: np.ndarray       # per task: its groups
    group_size: np.ndarray
    run_start: np.ndarray         # per group: its runs, in the order of ``order``
    run_size: np.ndarray
    order: np.ndarray             # run positions (in the data) listed group by group

    @classmethod
    def of(cls, family: np.ndarray, task: np.ndarray, agent: np.ndarray) -> Hierarchy:
        fam_ids, fam_of_run = np.unique(family, return_inverse=True)
        task_keys = np.array([f"{f}\x00{t}" for f, t in zip(fam_of_run, task)], dtype=object)
        # tasks sorted by family, groups by task, runs by group
        task_ids, task_of_run = np.unique(task_keys, return_inverse=True)
        fam_of_task = np.zeros(task_ids.size, dtype=int)
        fam_of_task[task_of_run] = fam_of_run
        t_order = np.lexsort((np.arange(task_ids.size), fam_of_task))
        task_rank = np.empty_like(t_order)
        task_rank[t_order] = np.arange(t_order.size)
        task_of_run = task_rank[task_of_run]
        fam_of_task = fam_of_task[t_order]
        _, agent_of_run = np.unique(agent, return_inverse=True)
        group_key = task_of_run * (agent_of_run.max() + 1) + agent_of_run
        group_ids, group_of_run = np.unique(group_key, return_inverse=True)
        task_of_group = group_ids // (agent_of_run.max() + 1)
        order = np.argsort(group_of_run, kind="stable")
        return cls(fam_ids.size, *_starts(fam_of_task, fam_ids.size), *_starts(task_of_group, task_ids.size),
                   *_starts(group_of_run, group_ids.size), order)

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        """Multiplicity of every run (in data order) in one hierarchical resample."""
        families = np.bincount(rng.integers(0, self.families, self.families), minlength=self.families)
        tasks = _resample(rng, families, self.task_start, self.task_size)
        groups = np.repeat(tasks, self.group_size)            # every agent's runs of a task, as often
        runs = _resample(rng, groups, self.run_start, self.run_size)
        out = np.empty(runs.size, dtype=int)
        out[self.order] = runs
        return out


def _starts(owner: np.ndarray, owners: int):
    size = np.bincount(owner, minlength=owners)
    return np.concatenate([[0], np.cumsum(size)[:-1]]), size


def _resample(rng, copies, start, size):
    """Counts of the members of every group after drawing copies * size members with replacement."""
    draws = copies * size
    total = int(draws.sum())
    owner = np.repeat(np.arange(copies.size), draws)
    picked = start[owner] + np.floor(rng.random(total) * size[owner]).astype(int)
    return np.bincount(picked, minlength=int(size.sum()))


def multiplicities(hierarchy: Hierarchy, root: np.random.SeedSequence, draws) -> np.ndarray:
    """(len(draws), R) run multiplicities of the given draw indices (draw b from ``block_generator(root, b)``)."""
    return np.stack([hierarchy.draw(block_generator(root, int(b))) for b in draws])
