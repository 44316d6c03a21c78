"""The Lomax-sum table's interpolation: the compiled kernel against the NumPy kernel, side by side.

Likelihoods call ``LomaxTable.logit`` with a few dozen to a few thousand points at a time (the joint
models' steps link: median 40 points per call in the report's horizons section), so the table is timed
at those sizes, with derivatives, and on one workload that sits on it: leave-one-task-family-out
cross-validation of steps-mixed for two agents of METR's runs file (36 families, 72 fold fits).

Run: .venv/bin/python benchmarks/bench_lomax_table.py      (about a minute)
"""

from __future__ import annotations

import time

import numpy as np

from _machine import cpu   # benchmarks/_machine.py (this folder is on sys.path when run as a script)




def per_call(table, kernel: str, points, repeats: int) -> float:
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        for _ in range(repeats):
            table.logit(*points, derivatives=True, kernel=kernel)
        best = min(best, (time.perf_counter() - began) / repeats)
    return best


def crossval_seconds(lt, kernel: str, runs) -> float:
    """The fit with ``kernel`` as the table's default (the NumPy one by hiding the extension, as on a machine
    where it was not built)."""
    from alignlab.horizons import fit_horizons
    extension = lt._lomax_interp
    lt._lomax_interp = extension if kernel == "compiled" else None
    try:
        began = time.perf_counter()
        fit_horizons(runs, curve="steps-mixed", bootstrap=0, cv="family", workers=1)
        return time.perf_counter() - began
    finally:
        lt._lomax_interp = extension


def main() -> None:
    from alignlab.horizons import load_runs
    from alignlab.horizons import lomax_table as lt
    if lt._lomax_interp is None:
        raise SystemExit("the compiled kernel was not built here (no C compiler at install): nothing to compare")
    print(f"CPU: {cpu()}")
    table = lt.table()
    rng = np.random.default_rng(0)
    for size in (40, 600, 10_000):
        points = (np.exp(rng.uniform(-3.0, 1.4, size)), np.exp(rng.uniform(-7.0, 9.0, size)),
                  np.exp(rng.uniform(-10.0, 20.0, size)))
        repeats = max(1, 100_000 // size)
        ours, numpy = (per_call(table, k, points, repeats) for k in ("compiled", "numpy"))
        print(f"{size:6d} points with derivatives: compiled {ours * 1e6:8.1f} us, numpy {numpy * 1e6:8.1f} us, "
              f"ratio {numpy / ours:5.1f}x")
    runs = load_runs("metr-runs")
    runs = runs.select(["Claude 3.5 Sonnet (Old)", "GPT-4 Turbo"])
    crossval_seconds(lt, "compiled", runs)                        # warm both kernels and the fit's imports
    ours, numpy = (crossval_seconds(lt, k, runs) for k in ("compiled", "numpy"))
    print(f"steps-mixed, family cross-validation of 2 METR agents: compiled {ours:.2f} s, numpy {numpy:.2f} s, "
          f"ratio {numpy / ours:.2f}x")


if __name__ == "__main__":
    main()
