"""Entry point: ``alignlab <system> <command> [options]``."""

from __future__ import annotations

import importlib
import sys

from alignlab._validate import ParameterError
from alignlab.cli.common import Parser, UsageError

# each module exposes register(subparsers); the handler it sets returns nothing and prints its result
COMMANDS = (
    "alignlab.cli.steps",
    "alignlab.cli.tails",
    "alignlab.cli.goodhart",
    "alignlab.cli.tripwire",
    "alignlab.cli.sweep",
    "alignlab.cli.report",
)


def build_parser() -> Parser:
    parser = Parser(prog="alignlab", description="Runnable, checkable toy models of AI alignment.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
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
