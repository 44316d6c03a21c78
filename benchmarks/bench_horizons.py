"""Agent time horizons: the issue's workload timed, and one steps-curve likelihood against Monte Carlo.

Targets (issue 12), on this machine:
  1. all five curves on all agents of METR's runs file, 1,000 hierarchical bootstrap draws and
     leave-one-task-family-out cross-validation with honest folds (issue 22: every fold fitted as if its
     family did not exist, every start to convergence): at most 2 minutes;
  2. the cost of one steps-curve likelihood evaluation (the curve at the file's 60 distinct task
     lengths) against a Monte Carlo estimate of the same p(t) at the same accuracy, as a ratio.

Monte Carlo can only sample whole numbers of subtasks, so the comparison uses whole n = t / tau: the
accuracy of our table is measured there against exact inversion (LomaxSum), and Monte Carlo is given
the number of tasks per length that brings its standard error down to that accuracy. Both run here,
side by side; Monte Carlo at that size is timed on a slice of its work and scaled (its cost is linear).

Run: .venv/bin/python benchmarks/bench_horizons.py        (about two minutes; --skip-workload: seconds)
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from _machine import cpu   # benchmarks/_machine.py (this folder is on sys.path when run as a script)

RUNS = "metr-runs"                 # the shipped data set




def timed(fn, repeat: int = 5):
    best, value = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best, value


def workload(draws: int) -> None:
    from alignlab.horizons import fit_horizons
    print(f"1. five curves x all agents, {draws:,} bootstrap draws, task-family CV (goal <= 120 s at 1,000)")
    t0 = time.perf_counter()
    result = fit_horizons(RUNS, bootstrap=draws, cv="family", seed=0)
    seconds = time.perf_counter() - t0
    fitted = [a for a in result.agents if not a.note]
    limits = sum(f.cv_at_limit + f.bootstrap_at_limit for a in result.agents for f in a.fits.values())
    print(f"   {seconds:.1f} s for {len(result.agents)} agents ({len(fitted)} fitted), "
          f"{'MET' if seconds <= 120 else 'MISSED'}; {limits} folds and draws at the iteration limit")
    for a in fitted:
        print(f"   {a.agent:26s} best BIC {a.best_bic:12s} best held-out {a.best_cv}")


def likelihood_against_monte_carlo() -> None:
    from alignlab.horizons import lomax_table
    from alignlab.horizons.fit.curves import CURVES
    from alignlab.horizons.fit.optimize import loglik
    from alignlab.horizons.runs import load_runs
    from alignlab.numerics.lomax_sum import LomaxSum

    steps = CURVES["steps"]
    t0 = time.perf_counter()
    lomax_table.table()
    print(f"2. one steps-curve likelihood against Monte Carlo (table built in {time.perf_counter() - t0:.1f} s, "
          f"once per process)")
    minutes = np.unique(load_runs(RUNS).minutes)
    rng = np.random.default_rng(0)
    s, f = rng.random(minutes.size)[None], rng.random(minutes.size)[None]
    beta, tau, budget = 0.8, 10.0, 300.0
    theta = steps.theta({"beta": beta, "tau_minutes": tau, "budget": budget})[None]
    t_eval, _ = timed(lambda: loglik(steps, theta, minutes, s, f), repeat=50)
    t_grad, _ = timed(lambda: steps.evaluate(theta, minutes), repeat=50)
    # accuracy at whole n, against exact inversion
    whole = np.arange(1, 61)
    ours = np.exp(steps.evaluate(theta, whole * tau, gradient=False)[0][0])
    exact = np.array([LomaxSum(beta, int(n)).cdf(budget - n) for n in whole])
    error = float(np.max(np.abs(ours - exact)))
    # Monte Carlo: tasks per length for a standard error of `error`, timed on a slice and scaled
    draws = np.ceil(exact * (1 - exact) / error ** 2).astype(np.int64)
    total_subtasks = float((draws * whole).sum())
    probe = 2_000_000
    t_probe, _ = timed(lambda: ((rng.pareto(beta, (probe // 40, 40)) + 1.0).sum(axis=1) <= budget).mean(), repeat=3)
    t_mc = t_probe * total_subtasks / probe
    print(f"   ours: {t_eval * 1e6:.0f} us per log-likelihood at {minutes.size} lengths "
          f"({t_grad * 1e6:.0f} us with its gradient); max |p error| at whole n = {error:.2g}")
    print(f"   Monte Carlo at that accuracy: up to {draws.max():.3g} tasks per length, {total_subtasks:.3g} Pareto "
          f"draws, {t_mc:.3g} s (scaled from {probe:.0e} draws in {t_probe:.3f} s)")
    print(f"   ratio: {t_mc / t_eval:.3g}x")


def main(skip_workload: bool, draws: int) -> None:
    print(f"CPU: {cpu()}")
    likelihood_against_monte_carlo()
    if not skip_workload:
        workload(draws)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-workload", action="store_true")
    parser.add_argument("--draws", type=int, default=1000, help="bootstrap draws of the workload (default 1000)")
    args = parser.parse_args()
    main(args.skip_workload, args.draws)
