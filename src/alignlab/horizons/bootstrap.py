r"""METR's hierarchical bootstrap, and running its draws (or any list of tasks) on local processes or Dask.

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

import os
from dataclasses import dataclass

import numpy as np

from alignlab._random import block_generator


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
    """(len(draws), R) run multiplicities of the given draw indices."""
    return np.stack([hierarchy.draw(block_generator(root, int(b))) for b in draws])


# -- running tasks ------------------------------------------------------------------------------
_CONTEXT = None


def _install(context, table):
    """Worker initialiser: the shared context and the parent's Lomax table."""
    global _CONTEXT
    _CONTEXT = context
    if table is not None:
        from alignlab.horizons import lomax_table
        lomax_table.install(table)


def _call(function, item):
    return function(_CONTEXT, item)


def _call_with(function, context, table, item):
    """A Dask task: install the scattered table, then run."""
    if table is not None:
        from alignlab.horizons import lomax_table
        lomax_table.install(table)
    return function(context, item)


class Workers:
    """Where tasks run, opened once for all the phases of a fit: this process (``workers`` = 1), local
    processes (spawned; each receives ``context`` and the Lomax ``table`` once), or the Dask scheduler
    at ``scheduler`` (both scattered to every worker). Use as a context manager."""

    def __init__(self, context, *, workers: int | None = None, scheduler: str | None = None, table=None):
        self.context, self.workers, self.scheduler, self.table = context, workers, scheduler, table
        self._pool = self._client = self._shared = None

    def __enter__(self) -> Workers:
        if self.scheduler is not None:
            from dask.distributed import Client

            from alignlab._validate import ParameterError
            try:
                self._client = Client(self.scheduler, timeout=10)
            except OSError as exc:
                raise ParameterError("scheduler", f"cannot reach a dask scheduler at {self.scheduler} ({exc})") \
                    from None
            self._shared = self._client.scatter([self.context, self.table], broadcast=True)
        elif self.workers != 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            self._pool = ProcessPoolExecutor(self.workers or os.cpu_count() or 1,
                                             mp_context=multiprocessing.get_context("spawn"), initializer=_install,
                                             initargs=(self.context, self.table))
        elif self.table is not None:
            from alignlab.horizons import lomax_table
            lomax_table.install(self.table)
        return self

    def map(self, function, items, on_done=None) -> list:
        """``[function(context, item) for item in items]``; ``on_done(i)`` as item i finishes.
        ``function`` must be a top-level function (workers import it by name)."""
        items = list(items)
        results: list = [None] * len(items)
        if self._client is not None:
            from dask.distributed import as_completed
            futures = [self._client.submit(_call_with, function, self._shared[0], self._shared[1], item, pure=False)
                       for item in items]
            index = {f.key: i for i, f in enumerate(futures)}
            for future in as_completed(futures, loop=self._client.loop):
                results[index[future.key]] = future.result()
                if on_done:
                    on_done(index[future.key])
        elif self._pool is not None:
            from concurrent.futures import as_completed
            futures = {self._pool.submit(_call, function, item): i for i, item in enumerate(items)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if on_done:
                    on_done(futures[future])
        else:
            for i, item in enumerate(items):
                results[i] = function(self.context, item)
                if on_done:
                    on_done(i)
        return results

    def __exit__(self, *exc) -> bool:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        if self._client is not None:
            self._client.close()
        return False
