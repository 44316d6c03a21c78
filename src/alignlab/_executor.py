"""One executor for every system's parallel work: :func:`ordered_map`.

``ordered_map(function, items, ...)`` yields ``function(item)`` (or ``function(shared, item)``) for
every item, in the order of ``items``, whatever ran where and finished when. Where the items run:

* **this process**: ``workers=1``, a single item, work too small to pay for starting processes
  (``seconds``, the caller's estimate of the whole job in this process, below
  :data:`MIN_PARALLEL_SECONDS`), or a script whose top level would run again in every worker
  (see below); this holds for ``scheduler="local"`` too (no items: nothing starts at all);
* **threads** (``threads=True``): for NumPy work (or a compiled kernel) that releases the GIL, on one
  pool per worker count that lives as long as the process, so that a kernel may split every call of a
  likelihood's thousands over threads; :func:`local_threads` says how many threads such work should use;
* **local processes**, started with ``spawn`` (no forked torch or BLAS state): ``shared`` is sent
  once to each worker, not once per item;
* **Dask**: ``scheduler="tcp://HOST:PORT"`` (a running scheduler) or ``scheduler="local"`` (an
  in-process ``LocalCluster`` of ``workers`` processes); ``shared`` is scattered to every worker
  once, and ``retries`` reruns an item whose worker died.

Results never depend on where items ran: each item carries its own seed (see
:mod:`alignlab._seeding`), so numbers are the same for any ``workers`` and any scheduler.

Never a wait:

* A spawned worker imports the caller's ``__main__`` file again. In a plain script whose call is
  not under ``if __name__ == "__main__":``, that import would run the script's top level again in
  every worker, which Python refuses while a worker is starting, and the pool would never finish.
  :func:`ordered_map` sees that case before starting anything (the calling line is at the script's
  top level, outside such a block) and runs the items in this process instead, with one
  :class:`RuntimeWarning` saying how to get the workers back.
* A worker that cannot start or dies (killed, out of memory) raises :class:`WorkerError`, one line.
"""

from __future__ import annotations

import ast
import os
import sys
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from alignlab._validate import ParameterError

MIN_PARALLEL_SECONDS = 2.0        # below this much work in one process, starting workers (~1 s each) loses
_NO_SHARED = object()


class WorkerError(RuntimeError):
    """A worker process could not start or died before finishing its work."""


def worker_count(workers: int | None, param: str = "workers") -> int:
    """``workers`` checked (1 to 1024), or every core for None."""
    from alignlab import _validate as v
    return v.integer(param, workers if workers is not None else (os.cpu_count() or 1), low=1, high=1024)


def local_threads() -> int:
    """How many threads work in this process should spread over: the cores it may use, or 1 in a worker
    process (of this module's pools or a Dask cluster), whose siblings have the other cores."""
    import multiprocessing
    if multiprocessing.parent_process() is not None or getattr(_POOL_THREAD, "inside", False):
        return 1
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def ordered_map(function: Callable, items: Iterable, *, workers: int | None = None, threads: bool = False,
                scheduler: str | None = None, shared=_NO_SHARED, in_flight: int | None = None,
                on_done: Callable[[int, object], None] | None = None, seconds: float | None = None,
                retries: int = 0) -> Iterator:
    """``function(item)`` for each item (``function(shared, item)`` when ``shared`` is given), yielded in
    the order of ``items``; see the module docstring for where they run.

    ``function`` must be a top-level function for processes and Dask (workers import it by name).
    ``in_flight`` bounds the items submitted and not yet yielded (default: 4 per worker), so memory
    stays bounded however many items there are. ``on_done(index, result)`` is called in this process as
    each item finishes, in the order they finish (progress bars, writing results as they come).
    """
    items = list(items)
    workers = worker_count(workers)
    call = function if shared is _NO_SHARED else _Bound(function, shared)
    local = scheduler is None or scheduler == "local"
    if not items:
        return iter(())
    if threads and getattr(_POOL_THREAD, "inside", False):       # a pool thread waiting on its own pool: never
        workers = 1
    if local and (workers == 1 or len(items) == 1 or (seconds is not None and seconds < MIN_PARALLEL_SECONDS)):
        return _serial(call, items, on_done)
    if local and not threads and _script_reruns_in_workers():
        warnings.warn("alignlab: running in this process: worker processes would run this script's top level "
                      "again; put the call under `if __name__ == \"__main__\":` to use worker processes",
                      RuntimeWarning, stacklevel=2)
        return _serial(call, items, on_done)
    if scheduler is not None:
        return _dask(function, shared, items, scheduler, workers, in_flight, on_done, retries)
    return _pool(function, shared, items, workers, threads, in_flight, on_done)


class _Bound:
    """``function(shared, item)`` as a one-argument callable (in this process and in threads)."""

    def __init__(self, function, shared):
        self.function, self.shared = function, shared

    def __call__(self, item):
        return self.function(self.shared, item)


def _serial(call, items, on_done) -> Iterator:
    for i, item in enumerate(items):
        result = call(item)
        if on_done is not None:
            on_done(i, result)
        yield result


# -- local threads and processes -----------------------------------------------------------------------
_SHARED = None          # a worker process's copy of ``shared``: the executor's one per-process slot


def _install(shared) -> None:
    global _SHARED
    _SHARED = shared


def _call_with_shared(function, item):
    return function(_SHARED, item)


def _pool(function, shared, items, workers, threads, in_flight, on_done) -> Iterator:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    workers = min(workers, len(items))
    if threads:
        pool = _thread_pool(workers, os.getpid())    # a forked child has none of its parent's threads
        submit = (lambda item: pool.submit(function, item)) if shared is _NO_SHARED else \
            (lambda item: pool.submit(function, shared, item))
    else:
        import multiprocessing
        has_shared = shared is not _NO_SHARED
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_install if has_shared else None,
                                   initargs=(shared,) if has_shared else ())
        submit = (lambda item: pool.submit(_call_with_shared, function, item)) if has_shared else \
            (lambda item: pool.submit(function, item))
    limit = in_flight or 4 * workers
    try:
        pending: deque = deque()           # (index, future) in submission order
        running: dict = {}                 # future -> index, not yet reported to on_done
        queue = iter(enumerate(items))
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit:
                nxt = next(queue, None)
                if nxt is None:
                    exhausted = True
                    break
                future = submit(nxt[1])
                pending.append((nxt[0], future))
                running[future] = nxt[0]
            if not pending:
                return
            head_index, head = pending[0]
            if on_done is not None:
                while head in running:
                    done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                    for future in sorted(done, key=running.get):
                        on_done(running.pop(future), _result(future, BrokenProcessPool))
            result = _result(head, BrokenProcessPool)
            running.pop(head, None)
            pending.popleft()
            yield result
    finally:
        if threads:                                  # the pool stays; this map's unfinished items do not
            for _, future in pending:
                future.cancel()
            wait([future for _, future in pending])
        else:
            pool.shutdown(wait=True, cancel_futures=True)


_POOL_THREAD = threading.local()      # .inside: this thread is one of a pool's (its maps run in it, serially)


def _mark_pool_thread() -> None:
    _POOL_THREAD.inside = True


@lru_cache(maxsize=None)
def _thread_pool(workers: int, pid: int):
    from concurrent.futures import ThreadPoolExecutor
    return ThreadPoolExecutor(workers, thread_name_prefix="alignlab", initializer=_mark_pool_thread)


def _result(future, broken):
    try:
        return future.result()
    except broken as err:
        raise WorkerError(f"a worker process stopped before finishing its work (killed, out of memory, or it "
                          f"could not start: {err})") from None


# -- Dask --------------------------------------------------------------------------------------------
def _refused(address: str) -> None:
    """Raise ConnectionRefusedError at once when nothing listens at a TCP scheduler address (``tcp://host:port``
    or ``host:port``): dask's client would retry a refused connection until its timeout. Any other outcome
    (a connection, a slow or unreachable host, another protocol) is left to the client."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:                                     # a port that is not a number: the client says so
        return
    if parts.scheme != "tcp" or not host or port is None:
        return
    try:
        socket.create_connection((host, port), timeout=2.0).close()
    except ConnectionRefusedError:
        raise
    except OSError:
        return


def _dask(function, shared, items, scheduler, workers, in_flight, on_done, retries) -> Iterator:
    from dask.distributed import Client, KilledWorker, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        # the scheduler's HTTP server on a free port: the default one (8787) may be another cluster's
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=40)
        client = Client(cluster)
    else:
        try:
            _refused(scheduler)
            client = Client(scheduler, timeout=10)
        except OSError as exc:
            raise ParameterError("scheduler", f"cannot reach a dask scheduler at {scheduler} ({exc})") from None
    try:
        remote = None if shared is _NO_SHARED else client.scatter(shared, broadcast=True)
        limit = in_flight or max(4 * workers, 4 * len(client.scheduler_info().get("workers", {})) or 8)
        pending: deque = deque()
        index_of: dict = {}
        finished: dict = {}
        queue = iter(enumerate(items))
        exhausted = False
        tracker = as_completed([], loop=client.loop)
        while True:
            while not exhausted and len(pending) < limit:
                nxt = next(queue, None)
                if nxt is None:
                    exhausted = True
                    break
                # the item alone, or the scattered ``shared`` before it (a marker object would not survive
                # the trip to a worker: its copy there is another object)
                arguments = (nxt[1],) if shared is _NO_SHARED else (remote, nxt[1])
                future = client.submit(function, *arguments, pure=False, retries=retries)
                pending.append((nxt[0], future))
                index_of[future.key] = nxt[0]
                tracker.add(future)
            if not pending:
                return
            head_index, head = pending[0]
            while head.key not in finished:
                future = next(tracker)
                try:
                    value = future.result()
                except KilledWorker as err:
                    raise WorkerError(f"a dask worker died {retries + 1} times running one item ({err})") from None
                finished[future.key] = value
                future.release()            # the value is here: a worker that dies now costs no recomputation
                if on_done is not None:
                    on_done(index_of[future.key], value)
            pending.popleft()
            value = finished.pop(head.key)
            index_of.pop(head.key)
            yield value
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# -- the __main__ guard --------------------------------------------------------------------------------
def _script_reruns_in_workers() -> bool:
    """Whether spawned workers would run the caller's top-level code again: ``__main__`` is a script file
    (not ``python -m``, ``-c`` or a notebook) and the line it is executing now lies outside every
    ``if __name__ == "__main__":`` block."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or getattr(main, "__spec__", None) is not None:
        return False
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals is main.__dict__ and frame.f_code.co_name == "<module>":
            guarded = _guarded_lines(os.path.abspath(path))
            return guarded is not None and not any(lo <= frame.f_lineno <= hi for lo, hi in guarded)
        frame = frame.f_back
    return False


@lru_cache(maxsize=8)
def _guarded_lines(path: str) -> tuple[tuple[int, int], ...] | None:
    """Line ranges of the ``if __name__ == "__main__":`` blocks of the script at ``path`` (None: unreadable)."""
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_main_test(node.test):
            out.append((node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno))
    return tuple(out)


def _is_main_test(test) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s.id for s in sides if isinstance(s, ast.Name)]
    constants = [s.value for s in sides if isinstance(s, ast.Constant)]
    return names == ["__name__"] and constants == ["__main__"]
