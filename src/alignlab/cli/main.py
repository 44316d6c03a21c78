"""Entry point: ``alignlab <system> <command> [options]``, and the house commands ``dists``, ``sweep``, ``report``.

The systems' commands come from the registry (:func:`alignlab.systems.systems`); this module names
no system.
"""

from __future__ import annotations

import sys

from alignlab._validate import ParameterError
from alignlab.cli import dists, report, sweep
from alignlab.cli.common import Parser, UsageError
from alignlab.systems import systems

HOUSE_COMMANDS = (dists, sweep, report)       # each module has register(subparsers)


def build_parser() -> Parser:
    parser = Parser(prog="alignlab", description="Runnable, checkable toy models of AI alignment.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for system in systems():
        if system.commands is None:
            continue
        top = sub.add_parser(system.name, help=system.help, description=system.description or system.help)
        cmds = top.add_subparsers(dest=f"{system.name}_command", metavar="COMMAND", parser_class=Parser)
        cmds.required = True
        system.commands(cmds)
    for module in HOUSE_COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        args.handler(args)
    except UsageError as err:
        print(f"{err}", file=sys.stderr)
        return 2
    except ParameterError as err:
        print(f"alignlab: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("alignlab: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exit_:          # --help
        return int(exit_.code or 0)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
