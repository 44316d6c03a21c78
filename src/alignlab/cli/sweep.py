"""``alignlab sweep ...``: parameter grids on Dask, written to Zarr, resumable."""

from __future__ import annotations

from alignlab.cli.common import Parser, add_json, emit, key_value_table


def register(sub) -> None:
    top = sub.add_parser("sweep", help="parameter sweeps on Dask, written cell by cell to Zarr",
                         description="Each grid cell is one Dask task; results go to a labelled xarray Dataset "
                                     "in Zarr as cells finish; rerunning the same command skips finished cells. "
                                     "Values: numbers, a:b (step 1) or a:b:k (k geometric points).")
    cmds = top.add_subparsers(dest="sweep_command", metavar="KIND", parser_class=Parser)
    cmds.required = True

    def engine(p):
        p.add_argument("--out", required=True, help="Zarr store to create or resume")
        p.add_argument("--seed", default=0, help="sweep seed; each cell's stream derives from its coordinates")
        p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="address of a running dask scheduler (default: an in-process LocalCluster); "
                            "'serial' computes in this process")
        p.add_argument("--workers", default=None, help="LocalCluster worker processes (default: one per core)")
        add_json(p)

    p = cmds.add_parser("steps", help="task-time quantiles over (alpha, Q, n)")
    p.add_argument("--alpha", nargs="+", required=True, metavar="A")
    p.add_argument("--q", nargs="+", required=True, metavar="Q")
    p.add_argument("--n", nargs="+", required=True, metavar="N")
    p.add_argument("--method", default="exact", choices=["exact", "asymptotic", "mc"])
    p.add_argument("--trials", default=10_000, help="Monte Carlo trials per cell (method mc)")
    engine(p)
    p.set_defaults(handler=steps)

    p = cmds.add_parser("goodhart-bon", help="best-of-n E[V], E[U], KL over (error, utility, n)")
    p.add_argument("--error", nargs="+", required=True, metavar="SPEC", help='error distributions, e.g. "t(df=3)"')
    p.add_argument("--utility", nargs="+", required=True, metavar="SPEC", help='utility distributions, e.g. "norm"')
    p.add_argument("--n", nargs="+", required=True, metavar="N")
    p.add_argument("--method", default="exact", choices=["exact", "mc"])
    p.add_argument("--trials", default=1000, help="Monte Carlo trials per cell (method mc)")
    engine(p)
    p.set_defaults(handler=goodhart_bon)

    p = cmds.add_parser("tripwire", help="tripwire runs over seeds (default world)")
    p.add_argument("--seeds", required=True, help="seeds, e.g. 0-31 or 0,3,5-7")
    p.add_argument("--control", action="store_true", help="the control world (evidence uninformative)")
    p.add_argument("--erase", choices=["leace", "unlearn"], default=None, help="erase at the trip, keep training")
    p.add_argument("--no-shadow", action="store_true",
                   help="stop each run at its trip (default: record the trip and train on, to measure latencies)")
    engine(p)
    p.set_defaults(handler=tripwire)

    p = cmds.add_parser("show", help="summarise a sweep store")
    p.add_argument("path")
    add_json(p)
    p.set_defaults(handler=show)


def _run(args, kind, grid, fixed):
    from alignlab import _validate as v
    from alignlab.sweep import run_sweep
    workers = None if args.workers is None else v.integer("workers", args.workers, low=1, high=1024)
    result = run_sweep(kind, grid, fixed, args.out, seed=v.integer("seed", args.seed, low=0),
                       scheduler=args.scheduler, workers=workers)
    emit(args, result.to_dict(), lambda console, d: console.print(key_value_table(f"sweep {kind}", d)))


def steps(args) -> None:
    from alignlab import _validate as v
    from alignlab.sweep import Grid, parse_range
    alphas = parse_range("alpha", args.alpha)
    qs = parse_range("q", args.q)
    ns = parse_range("n", args.n, integer=True)
    for a in alphas:
        v.real("alpha", a, low=0.0, low_open=True)
    for q in qs:
        v.real("q", q, low=1.0)
    for n in ns:
        v.integer("n", n, low=1)
    trials = v.integer("trials", args.trials, low=1)
    if args.method == "mc":
        from alignlab.steps.simulate import check_budget
        check_budget(int(max(ns)), trials)
    _run(args, "steps", Grid(("alpha", "q", "n"), (alphas, qs, ns)), {"method": args.method, "trials": trials})


def goodhart_bon(args) -> None:
    from alignlab import _validate as v
    from alignlab.goodhart import Proxy
    from alignlab.sweep import Grid, parse_range
    ns = parse_range("n", args.n, integer=True)
    for n in ns:
        v.integer("n", n, low=1, high=10 ** 12)
    errors, utilities = tuple(dict.fromkeys(args.error)), tuple(dict.fromkeys(args.utility))
    for e in errors:
        for u in utilities:
            Proxy(e, u)                     # every spec parses and makes a proxy before any work starts
    _run(args, "goodhart-bon", Grid(("error", "utility", "n"), (errors, utilities, ns)),
         {"method": args.method, "trials": v.integer("trials", args.trials, low=2)})


def tripwire(args) -> None:
    from alignlab.sweep import Grid
    from alignlab.tripwire.calibrate import parse_seeds
    seeds = tuple(float(s) for s in parse_seeds(args.seeds))
    _run(args, "tripwire", Grid(("seed",), (seeds,)),
         {"control": args.control, "erase": args.erase, "shadow": not args.no_shadow, "config": None})


def show(args) -> None:
    from alignlab.sweep import show as show_store
    emit(args, show_store(args.path), lambda console, d: console.print(key_value_table("sweep store", d)))
