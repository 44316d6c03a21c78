"""Entry point: ``alignlab <system> <command> [options]``, and the house commands ``dists``, ``data``,
``sweep``, ``report``.

The systems' commands come from the registry (:func:`alignlab.systems.systems`); this module names
no system. A command that needs an optional extra which is not installed exits 2 with the one line
of :func:`alignlab._extras.hint`; ``--data DIR`` (where a command has it) is the data folder of the
whole command (:func:`alignlab.data.catalogue.using`).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

from alignlab._extras import hint
from alignlab._validate import ParameterError, refused_path
from alignlab.cli import data, dists, report, sweep
from alignlab.cli.common import Parser, UsageError, flag_wording
from alignlab.systems import systems

HOUSE_COMMANDS = (dists, data, sweep, report)       # each module has register(subparsers)


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
    """Run one command. Exit status 0 (done), 2 (bad input: one line on stderr naming the parameter),
    3 (a tripwire tripped), 130 (interrupted) or 1 (a fault of alignlab's own: one line, no traceback;
    please report it). With --json nothing but the JSON object is written: warnings are dropped."""
    args = None
    try:
        args = build_parser().parse_args(argv)
        from alignlab.data.catalogue import using
        with warnings.catch_warnings(), using(getattr(args, "data", None)):
            if getattr(args, "json", False):
                warnings.simplefilter("ignore")
            args.handler(args)
        if not getattr(args, "json", False):     # after the work: a command refused stays one line on stderr
            for note in getattr(args, "deprecations", None) or ():
                print(f"alignlab: warning: {note}", file=sys.stderr)
    except UsageError as err:
        print(_one_line(str(err)), file=sys.stderr)
        return 2
    except ParameterError as err:
        return _refused(err, args)
    except KeyboardInterrupt:
        print("alignlab: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exit_:          # --help, and the tripwire's exit status 3
        return int(exit_.code or 0)
    except ModuleNotFoundError as err:   # an optional extra that is not installed, else a fault of ours
        line = hint(err, _running(args))
        if line is None:
            return _internal(err)
        print(_one_line(f"alignlab: error: {' '.join(_running(args)[:2]) or 'this command'} {line}"), file=sys.stderr)
        return 2
    except MemoryError:
        print("alignlab: error: out of memory (the work estimate missed this case; please report it)", file=sys.stderr)
        return 1
    except OSError as err:               # the system refused a path given on the command line: bad input
        param = _given_path(args, err.filename)
        return _internal(err) if param is None else _refused(refused_path(param, err.filename, err), args)
    except Exception as err:             # noqa: BLE001 - a fault of ours: one line, never a traceback
        return _internal(err)
    return 0


def _refused(err: ParameterError, args) -> int:
    leaf = getattr(args, "leaf_parser", None)            # a command built by cli.common.command names its flags
    print(_one_line(f"alignlab: error: {flag_wording(err, leaf) if leaf is not None else err}"), file=sys.stderr)
    return 2


def _given_path(args, filename) -> str | None:
    """The argument whose value is ``filename`` or a folder above it (None: a path alignlab chose)."""
    if args is None or not filename:
        return None
    filename = str(filename)
    for dest, value in vars(args).items():
        for given in value if isinstance(value, (list, tuple)) else (value,):
            text = str(given) if isinstance(given, (str, Path)) else ""
            if text and (filename == text or filename.startswith(text.rstrip("/") + "/")):
                return dest
    return None


def _internal(err: Exception) -> int:
    print(_one_line(f"alignlab: internal error: {type(err).__name__}: {err} (please report it)"), file=sys.stderr)
    return 1


def _running(args) -> tuple[str, ...]:
    """The command being run (``tripwire``, ``run``) and the sweep kind, if any: they pick the extra to name."""
    if args is None:
        return ()
    command = getattr(args, "command", None)
    names = (command, getattr(args, f"{command}_command", None), getattr(args, "sweep_kind", None))
    return tuple(str(n) for n in names if n)


def _one_line(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
