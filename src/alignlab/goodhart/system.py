"""The goodhart system's declaration: its commands, report section and sweep kind (see :mod:`alignlab.systems`)."""

from __future__ import annotations

import math
import time

from alignlab.systems import SweepKind, System, lazy


def sweep_cell(error: str, utility: str, n: float, method: str, trials: int, stream) -> dict:
    """Best of n draws of U = X + V: E[V] (``mean_utility``), E[U] (``mean_proxy``), KL and its bound,
    by exact quadrature or Monte Carlo."""
    from alignlab.goodhart import Proxy
    t0 = time.perf_counter()
    result = Proxy(error, utility).best_of_n([int(n)], method, trials, stream)
    se = result.utility_se[0] if result.utility_se is not None else math.nan
    return {"mean_utility": float(result.utility[0]), "mean_proxy": float(result.proxy[0]),
            "kl": float(result.kl[0]), "kl_bound": float(result.kl_bound[0]), "mean_utility_se": float(se),
            "seconds": time.perf_counter() - t0}


def sweep_arguments(p) -> None:
    p.add_argument("--error", nargs="+", required=True, metavar="SPEC", help='error distributions, e.g. "t(df=3)"')
    p.add_argument("--utility", nargs="+", required=True, metavar="SPEC", help='utility distributions, e.g. "norm"')
    p.add_argument("--n", nargs="+", required=True, metavar="N",
                   help="numbers of draws (whole, 1 to 1e12; 1 to 2^24 with --method mc)")
    p.add_argument("--method", default="exact", choices=["exact", "mc"],
                   help="best-of-n per cell: exact (quadrature) or mc (Monte Carlo)")
    p.add_argument("--trials", default=1000, help="Monte Carlo trials per cell (method mc), whole, 2 to 1e15; "
                                                  "trials * n at most 1e8 draws per cell")


def sweep_grid(args):
    from alignlab import _validate as v
    from alignlab.goodhart import Proxy
    from alignlab.goodhart.montecarlo import MAX_COUNT
    from alignlab.sweep.grid import Grid, parse_range
    ns = parse_range("n", args.n, integer=True)
    for n in ns:
        v.integer("n", n, low=1, high=10 ** 12)
    errors, utilities = tuple(dict.fromkeys(args.error)), tuple(dict.fromkeys(args.utility))
    for e in errors:
        for u in utilities:
            Proxy(e, u)                     # every spec parses and makes a proxy before any work starts
    trials = v.integer("trials", args.trials, low=2, high=MAX_COUNT)
    if args.method == "mc":                 # each cell is one simulation, bounded like `goodhart bon --method mc`
        from alignlab.goodhart.best_of_n import MAX_N_SIMULATED, check_simulation
        from alignlab.goodhart.montecarlo import MAX_DRAWS
        for n in ns:
            v.integer("n", n, low=1, high=MAX_N_SIMULATED)
        # the limit given as such: a sweep's --max-work counts cells, so no hint to raise draws with it
        check_simulation(None, [max(ns)], trials, max_work=MAX_DRAWS)
    return (Grid(("error", "utility", "n"), (errors, utilities, ns)), {"method": args.method, "trials": trials})


SYSTEM = System(
    "goodhart", "Catastrophic Goodhart", order=30,
    help="catastrophic Goodhart: optimising a proxy U = X + V of true utility V",
    description="How much true utility V does optimising the proxy U = X + V buy? Conditioning, best-of-n and "
                "the KL-regularised optimum, by exact quadrature.",
    commands=lazy("alignlab.goodhart.cli", "register"), report=lazy("alignlab.goodhart.report", "build"),
    sweeps=(SweepKind("goodhart-bon", "best-of-n E[V], E[U], KL over (error, utility, n)", sweep_cell,
                      ("mean_utility", "mean_proxy", "kl", "kl_bound", "mean_utility_se", "seconds"),
                      sweep_arguments, sweep_grid, integer_dims=("n",),
                      description="Best-of-n on the proxy U = X + V over every (error law, utility law, n) of the "
                                  "grid: E[V], E[U], the KL divergence from the base and its bound log n - (n-1)/n.",
                      examples=('alignlab sweep goodhart-bon --error "t(df=3)" "norm" --utility norm --n 1e0:1e6:7 '
                                "--out bon.zarr",
                                'alignlab sweep goodhart-bon --error "lognorm(s=1)" --utility norm --n 10 100 '
                                "--workers 1 --out bon-small.zarr --json")),),
    distributions=(("goodhart --error", "error"), ("goodhart --utility", "utility"), ("goodhart construct --base", "error"),
                   ("sweep goodhart-bon --error", "error"), ("sweep goodhart-bon --utility", "utility")),
)
