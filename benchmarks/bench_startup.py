"""Startup of the light commands against the SciPy import they avoid, side by side, with ratios.

Target (issue 21): ``alignlab --help`` and ``alignlab dists list --json`` in under 0.5 s. Neither
imports SciPy or an extra's package any more (tests/test_extras.py holds them to that); the baseline
is the same command with ``scipy.stats`` imported first, which ``dists list`` used to pay for. Each
runs in a fresh interpreter, as a user's command does; wall time and CPU time are medians of REPEAT
runs (CPU time is the steadier number on a shared machine).

Run: .venv/bin/python benchmarks/bench_startup.py        (about half a minute)
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time

REPEAT = 9
GOAL = 0.5            # seconds of wall time
COMMANDS = (["--help"], ["dists", "list", "--json"])
RUN = "import sys; {pre}from alignlab.cli.main import main; sys.exit(main({argv!r}))"


def timed(code: str) -> tuple[float, float]:
    """Median wall and CPU seconds of ``python -c code`` (output discarded)."""
    walls, cpus = [], []
    for _ in range(REPEAT):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    floor_wall, floor_cpu = timed("pass")
    print(f"python -c pass: {floor_wall:.3f} s wall, {floor_cpu:.3f} s CPU (the interpreter alone)")
    print(f"{'command':<26}{'wall s':>8}{'CPU s':>8}{'baseline wall':>15}{'baseline CPU':>14}{'ratio (CPU)':>13}  goal")
    for argv in COMMANDS:
        wall, cpu = timed(RUN.format(pre="", argv=argv))
        base_wall, base_cpu = timed(RUN.format(pre="import scipy.stats; ", argv=argv))
        print(f"{'alignlab ' + ' '.join(argv):<26}{wall:>8.3f}{cpu:>8.3f}{base_wall:>15.3f}{base_cpu:>14.3f}"
              f"{base_cpu / cpu:>13.2f}  {'met' if wall < GOAL else 'missed'} (< {GOAL} s wall)")


if __name__ == "__main__":
    main()
