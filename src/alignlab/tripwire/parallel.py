"""Independent training runs over worker processes.

Each run seeds itself from its configuration and uses its own thread count, so mapping runs over
processes changes nothing but the wall time: results come back in input order and are identical to
a sequential loop. Workers are started with ``spawn`` (no forked torch state).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed


def map_runs(fn: Callable, items: Iterable, workers: int | None = 1,
             finished: Callable[[int], None] | None = None) -> list:
    """``[fn(item) for item in items]``, on ``workers`` processes when that is more than one
    (``None``: one per core). ``finished(i)``, if given, is called as item ``i`` completes (a
    progress callback cannot cross into a worker process; this is how the caller still counts)."""
    items = list(items)
    workers = (os.cpu_count() or 1) if workers is None else workers
    finished = finished or (lambda i: None)
    if workers <= 1 or len(items) <= 1:
        results = []
        for i, item in enumerate(items):
            results.append(fn(item))
            finished(i)
        return results
    with ProcessPoolExecutor(max_workers=min(workers, len(items)),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
        for future in as_completed(futures):
            finished(futures[future])
        return [future.result() for future in futures]
