"""The toy system's declaration: one command, one report section, one sweep kind. Nothing outside this
folder names it; ``alignlab.systems.register(SYSTEM)`` is all it takes."""

from __future__ import annotations

from dataclasses import dataclass

from alignlab._results import Result
from alignlab.systems import SweepKind, System


@dataclass(frozen=True)
class Square(Result):
    x: float
    square: float


def square(x: float) -> Square:
    from alignlab import _validate as v
    x = v.real("x", x)
    return Square(x, x * x)


def commands(cmds) -> None:
    from alignlab.cli.common import add_json, emit, key_value_table, number
    p = cmds.add_parser("square", help="x squared")
    p.add_argument("--x", type=number, required=True)
    add_json(p)
    p.set_defaults(handler=lambda args: emit(args, square(args.x),
                                             lambda console, d: console.print(key_value_table("square", d))))


def report(ctx):
    from alignlab.evidence.claims import Claim, Section
    result = ctx.cached("toy/square", lambda: square(3.0))
    verdict = "holds" if result.square == 9.0 else "fails"
    return Section("A toy system plugged in from tests/.",
                   (Claim("TOY1", "Three squared is nine.", verdict, f"computed {result.square:g}"),))


def sweep_cell(x: float, stream=None) -> dict:
    return {"square": x * x}


def sweep_arguments(p) -> None:
    p.add_argument("--x", nargs="+", required=True)


def sweep_grid(args):
    from alignlab.sweep.grid import Grid, parse_range
    return Grid(("x",), (parse_range("x", args.x),)), {}


SYSTEM = System("toy", "Toy system", order=99, help="a toy system from tests/", commands=commands, report=report,
                sweeps=(SweepKind("toy", "x squared over a grid of x", sweep_cell, ("square",), sweep_arguments,
                                  sweep_grid),))
