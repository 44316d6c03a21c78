"""Independent training runs over worker processes.

Each run seeds itself from its configuration and uses its own thread count, so mapping runs over
processes changes nothing but the wall time: results come back in input order and are identical to
a sequential loop. Workers are started with ``spawn`` (no forked torch state).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor


def map_runs(fn: Callable, items: Iterable, workers: int | None = 1) -> list:
    """``[fn(item) for item in items]``, on ``workers`` processes when that is more than one
    (``None``: one per core)."""
    items = list(items)
    workers = (os.cpu_count() or 1) if workers is None else workers
    if workers <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    with ProcessPoolExecutor(max_workers=min(workers, len(items)),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(fn, items))
