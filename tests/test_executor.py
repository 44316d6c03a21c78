"""The one executor: order, shared data, where work runs, and never a wait."""

import os
import subprocess
import sys
import textwrap
import time
import warnings

import pytest

from alignlab._executor import WorkerError, local_threads, ordered_map


def square(x):
    return x * x


def offset(shared, x):
    return shared["k"] + x


def pid_after_a_moment(x):
    time.sleep(0.1)
    return os.getpid()


def dies_on_two(x):
    if x == 2:
        os._exit(3)
    return x


def test_results_come_back_in_input_order_whatever_runs_them():
    expected = [x * x for x in range(12)]
    assert list(ordered_map(square, range(12), workers=1)) == expected
    assert list(ordered_map(square, range(12), workers=2, threads=True)) == expected
    assert list(ordered_map(square, range(12), workers=2, in_flight=3)) == expected


def test_shared_data_reaches_every_item_in_processes_and_threads():
    assert list(ordered_map(offset, range(5), workers=2, shared={"k": 10})) == [10, 11, 12, 13, 14]
    assert list(ordered_map(offset, range(5), workers=2, threads=True, shared={"k": 1})) == [1, 2, 3, 4, 5]


def test_on_done_sees_every_item_once():
    seen = []
    out = list(ordered_map(square, range(9), workers=2, on_done=lambda i, r: seen.append((i, r)), in_flight=2))
    assert sorted(seen) == list(enumerate(out))


def test_small_work_stays_in_this_process():
    pids = list(ordered_map(pid_after_a_moment, range(3), workers=2, seconds=0.3))
    assert set(pids) == {os.getpid()}


def test_processes_run_when_the_work_pays():
    pids = list(ordered_map(pid_after_a_moment, range(4), workers=2))
    assert os.getpid() not in pids and len(set(pids)) >= 1


def test_a_dying_worker_is_one_error_not_a_wait():
    start = time.perf_counter()
    with pytest.raises(WorkerError, match="worker process stopped"):
        list(ordered_map(dies_on_two, range(6), workers=2))
    assert time.perf_counter() - start < 60


def test_a_local_dask_cluster_gives_the_same_numbers():
    assert list(ordered_map(offset, range(5), workers=2, scheduler="local", shared={"k": 1})) == [1, 2, 3, 4, 5]
    seen = []
    assert list(ordered_map(square, range(6), workers=2, scheduler="local", in_flight=2,
                            on_done=lambda i, r: seen.append((i, r)))) == [x * x for x in range(6)]
    assert sorted(seen) == [(x, x * x) for x in range(6)]


def _script(tmp_path, body: str) -> subprocess.CompletedProcess:
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(f"""
        import os, sys, time, warnings
        sys.path.insert(0, {str(os.path.dirname(__file__))!r})
        from test_executor import pid_after_a_moment
        from alignlab._executor import ordered_map
    """) + textwrap.dedent(body))
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)


def test_a_script_without_a_main_guard_finishes_in_this_process_and_says_why(tmp_path):
    done = _script(tmp_path, """
        pids = list(ordered_map(pid_after_a_moment, range(4), workers=2))
        print("same" if set(pids) == {os.getpid()} else "workers")
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "same"
    assert "__name__" in done.stderr and "__main__" in done.stderr


def test_a_guarded_script_gets_worker_processes(tmp_path):
    done = _script(tmp_path, """
        def main():
            pids = list(ordered_map(pid_after_a_moment, range(4), workers=2))
            print("same" if os.getpid() in pids else "workers")

        if __name__ == "__main__":
            main()
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "workers" and "RuntimeWarning" not in done.stderr


def test_no_items_start_nothing_not_even_a_connection():
    assert list(ordered_map(square, [], scheduler="tcp://127.0.0.1:1")) == []
    assert list(ordered_map(square, [], scheduler="local", on_done=lambda i, r: 1 / 0)) == []


def test_a_local_cluster_of_one_worker_or_for_one_item_is_this_process():
    assert set(ordered_map(pid_after_a_moment, range(3), workers=1, scheduler="local")) == {os.getpid()}
    assert list(ordered_map(pid_after_a_moment, [0], workers=2, scheduler="local")) == [os.getpid()]


@pytest.mark.slow
def test_an_item_that_keeps_killing_dask_workers_is_one_error_not_a_wait():
    start = time.perf_counter()
    with pytest.raises(WorkerError, match="dask worker died"):
        list(ordered_map(dies_on_two, range(4), workers=2, scheduler="local"))
    assert time.perf_counter() - start < 120


def local_threads_here(x):
    return local_threads()


def test_worker_processes_and_pool_threads_use_one_thread_and_this_process_its_cores():
    """Work inside a worker (process or pool thread) does not spread further: its siblings have the cores."""
    assert local_threads() == len(os.sched_getaffinity(0))
    assert list(ordered_map(local_threads_here, range(4), workers=2)) == [1] * 4
    assert list(ordered_map(local_threads_here, range(4), workers=2, threads=True)) == [1] * 4


def nested_sum(x):
    return sum(ordered_map(square, range(x), workers=2, threads=True))


def test_a_map_on_threads_inside_a_pool_thread_finishes_and_an_abandoned_map_leaves_the_pool_working():
    """The thread pools live as long as the process: a map on threads started from one of their threads runs
    in that thread (it would otherwise wait on itself), and a map left unfinished cancels only its own items."""
    assert list(ordered_map(nested_sum, [3, 4, 5, 6], workers=2, threads=True)) == [5, 14, 30, 55]
    started = ordered_map(pid_after_a_moment, range(20), workers=2, threads=True)
    next(started)
    started.close()
    assert list(ordered_map(square, range(6), workers=2, threads=True)) == [0, 1, 4, 9, 16, 25]



def test_a_forked_child_gets_thread_pools_of_its_own():
    """The pools live as long as their process; a child forked after one was made (its threads not copied)
    makes its own instead of waiting forever on the parent's."""
    import multiprocessing
    assert list(ordered_map(square, range(4), workers=2, threads=True)) == [0, 1, 4, 9]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply_async(nested_sum, (5,)).get(timeout=60) == 30
