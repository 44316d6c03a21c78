"""``alignlab sweep KIND ...``: parameter grids on Dask, written to Zarr, resumable.

The kinds come from the systems' declarations (:class:`alignlab.systems.SweepKind`): each adds its
own flags and turns them into a grid; this module adds what every sweep shares.
"""

from __future__ import annotations

from alignlab.cli.common import Parser, add_json, command, emit, key_value_table, show_progress
from alignlab.systems import sweep_kinds


def register(sub) -> None:
    top = sub.add_parser("sweep", help="parameter sweeps on Dask, written cell by cell to Zarr",
                         description="Each grid cell is one Dask task; results go to a labelled xarray Dataset "
                                     "in Zarr as cells finish; rerunning the same command skips finished cells. "
                                     "Values: numbers, a:b (step 1) or a:b:k (k geometric points).")
    cmds = top.add_subparsers(dest="sweep_command", metavar="KIND", parser_class=Parser)
    cmds.required = True
    for kind in sweep_kinds().values():
        p = command(cmds, kind.name, help=kind.help, description=kind.description or kind.help,
                    examples=kind.examples, handler=run)
        kind.arguments(p)
        _engine(p)
        p.set_defaults(sweep_kind=kind.name)

    p = command(cmds, "show", help="summarise a sweep store",
                description="What a sweep store holds: its kind, dimensions and coordinates, variables, fixed "
                            "settings, seed, and how many cells are done.",
                examples=("alignlab sweep show steps.zarr", "alignlab sweep show steps.zarr --json"), handler=show)
    p.add_argument("path", metavar="PATH", help="a sweep store written by alignlab sweep (a folder ending in .zarr)")
    add_json(p)


def _engine(p) -> None:
    p.add_argument("--out", required=True, metavar="STORE", help="Zarr store to create or resume (a folder ending "
                                                                 "in .zarr)")
    p.add_argument("--seed", default=0, help="sweep seed, a whole number >= 0; each cell's stream derives from it "
                                             "and the cell's coordinates")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="address of a running dask scheduler (default: a local Dask cluster); "
                        "'serial' computes in this process")
    p.add_argument("--workers", default=None,
                   help="local worker processes, 1 to 1024 (default: one per core; 1: in this process)")
    p.add_argument("--max-work", default=None, metavar="CELLS",
                   help="raise the limit of 100,000 cells per sweep on purpose")
    add_json(p)


def run(args) -> None:

    from alignlab import _validate as v
    from alignlab.sweep import run_sweep
    from alignlab._limits import max_work
    kind = sweep_kinds()[args.sweep_kind]
    grid, fixed = kind.grid(args)[:2]
    result = run_sweep(kind.name, grid, fixed, args.out, seed=v.integer("seed", args.seed, low=0),
                       scheduler=args.scheduler, workers=args.workers, progress=show_progress(args),
                       max_work=max_work(args.max_work))
    emit(args, result.to_json(), lambda console, d: console.print(key_value_table(f"sweep {kind.name}", d)))


def show(args) -> None:
    from alignlab.sweep import show as show_store
    emit(args, show_store(args.path), lambda console, d: console.print(key_value_table("sweep store", d)))
