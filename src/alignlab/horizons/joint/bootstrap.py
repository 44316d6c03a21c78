r"""The hierarchical bootstrap of the joint models: families, then tasks, each copy its own task.

One draw: the task families with replacement, then within each drawn copy of a family its tasks with
replacement (METR's first two levels, Kwa et al. 2025). A task drawn twice counts as two tasks, each
with its own :math:`z` (pooling the copies into one task with twice the runs would give one integral
the data of two). Runs are not resampled within a task: a task's runs already carry their binomial
noise, and drawing them again adds it a second time, which inflates the spread between tasks (on
METR's file, resampling runs too moved the 95% interval of logistic-joint's s to [3.3, 4.0], above its
estimate 2.8). Draw b takes its random numbers from ``block_generator(root, b)`` only, so it does not
depend on how the draws are split among workers.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np


def resample(cells, rng: np.random.Generator):
    """One draw: new :class:`~alignlab.horizons.joint.data.Cells` whose tasks are the drawn copies, and the
    original task of every copy."""
    family_names, family_of_task = np.unique(cells.task_family.astype(str), return_inverse=True)
    tasks_of_family = [np.flatnonzero(family_of_task == f) for f in range(family_names.size)]
    families = rng.integers(0, family_names.size, family_names.size)
    copies = np.concatenate([members[rng.integers(0, members.size, members.size)]
                             for members in (tasks_of_family[f] for f in families)])
    order = np.argsort(cells.task, kind="stable")                     # cells grouped by task
    first = np.searchsorted(cells.task[order], np.arange(cells.n_tasks))
    count = np.bincount(cells.task, minlength=cells.n_tasks)
    new_cells = np.concatenate([order[first[t]:first[t] + count[t]] for t in copies]) if copies.size else \
        np.zeros(0, dtype=np.intp)
    new_task = np.repeat(np.arange(copies.size), count[copies])
    drawn = replace(cells, task_names=cells.task_names[copies], task_family=cells.task_family[copies],
                    minutes=cells.minutes[copies], agent=cells.agent[new_cells], task=new_task,
                    s=cells.s[new_cells], f=cells.f[new_cells], s_raw=cells.s_raw[new_cells],
                    f_raw=cells.f_raw[new_cells], s_metr=cells.s_metr[new_cells], f_metr=cells.f_metr[new_cells],
                    runs=cells.runs[new_cells])
    return drawn, copies
