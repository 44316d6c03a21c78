"""Threads for the bootstraps: results come back in submission order, so sums and arrays built from them
do not depend on how many threads ran (numpy releases the GIL in the sorts and sums that dominate)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

from alignlab import _validate as v


def worker_count(workers: int | None) -> int:
    """``workers`` checked (1 to 256), or every core for None."""
    return v.integer("workers", workers if workers is not None else (os.cpu_count() or 1), low=1, high=256)


def ordered_map(function: Callable, items: Iterable, workers: int) -> Iterator:
    """``map(function, items)`` on ``workers`` threads, yielding in the order of ``items`` in this thread."""
    if workers == 1:
        yield from map(function, items)
        return
    with ThreadPoolExecutor(workers) as pool:
        yield from pool.map(function, items)
