"""What every command shares: a parser that fails in one line, number parsing, and output."""

from __future__ import annotations

import argparse
import json
import re
import sys

from rich.console import Console
from rich.table import Table

from alignlab._results import jsonable
from alignlab._validate import ParameterError


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2, never a traceback."""

    def error(self, message: str):
        raise UsageError(f"{self.prog}: {message}")


def number(text: str):
    """An int when the text is one (``1000000``), else a float (``1e8``, ``0.5``): the library checks ranges."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number (got {text!r})") from None


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout and nothing else")


def add_data(parser: argparse.ArgumentParser) -> None:
    """``--data DIR``: the user's folder of data sets for this command (:func:`alignlab.data.catalogue.using`;
    :func:`alignlab.cli.main.main` applies it around the command)."""
    parser.add_argument("--data", metavar="DIR",
                        help="your own folder of data sets laid out as agent-runs/FILE, reward-samples/FILE; those it "
                             "holds replace the shipped copies (default: $ALIGNLAB_DATA, else the shipped data; "
                             "alignlab data list)")


def emit(args, payload, render) -> None:
    """Print ``payload`` (a result or a dict) as strict JSON with --json, else as the human view
    ``render(console, payload)`` of the same JSON-ready dict."""
    payload = jsonable(payload)
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(payload, allow_nan=False) + "\n")
    else:
        render(console(), payload)


UNCUT_WIDTH = 10_000         # columns a table may use where no terminal sets a width: nothing is ever cut


def console() -> Console:
    """The console a command prints on: the terminal's width on a terminal (tables from :func:`table` wrap
    there rather than cut a number), and wide enough that nothing is cut in a pipe, a file or a notebook."""
    if sys.stdout.isatty():
        return Console()
    return Console(width=UNCUT_WIDTH, color_system=None, highlight=False)


def table(title: str, columns=(), **options) -> Table:
    """A rich table whose cells wrap instead of being cut when the terminal is narrow."""
    out = Table(title=title, title_justify="left", **options)
    for column in columns:
        out.add_column(column, overflow="fold")
    return out


def show_progress(args) -> bool:
    """The CLI's progress convention: a bar on stderr when it is a terminal and --json is off."""
    return sys.stderr.isatty() and not getattr(args, "json", False)


def key_value_table(title: str, payload: dict) -> Table:
    out = table(title, show_header=False)
    out.add_column("field", style="bold", overflow="fold")
    out.add_column("value", overflow="fold")
    for key, value in payload.items():
        out.add_row(key, fmt(value))
    return out


MISSING = "-"


def fmt(value) -> str:
    if value is None:
        return MISSING          # null in --json: infinite, or not reached / not applicable
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return str(value)
        return f"{value:.6g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {fmt(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt(v) for v in value)
    return str(value)


# -- leaf commands: a description, defaults shown, examples -----------------------------------------------
class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's lines (the examples) and shows each option's default where its help does not."""

    def _get_help_string(self, action):
        text = action.help or ""
        if (any(action.default is nothing for nothing in (None, False, argparse.SUPPRESS))   # 0 is a default
                or "default" in text.lower()
                or not action.option_strings or isinstance(action, argparse._HelpAction)):
            return text
        return f"{text} (default: %(default)s)"


def command(cmds, name: str, *, help: str, description: str, examples: tuple[str, ...], handler=None):
    """A leaf command ``alignlab ... NAME``: one-line ``help``, a ``description``, its defaults shown and an
    epilog of ``examples`` (whole command lines, which a test runs). The library's errors, worded for
    Python, are printed worded for its flags (:func:`flag_wording`). Returns its parser."""
    epilog = "examples:\n" + "\n".join(f"  {line}" for line in examples)
    parser = cmds.add_parser(name, help=help, description=description, epilog=epilog,
                             formatter_class=HelpFormatter)
    parser.examples = tuple(examples)
    parser.set_defaults(leaf_parser=parser)            # main words the library's errors for its flags
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


QUOTES = "'\""
_KEYWORD = re.compile(r"\b([a-z][a-z0-9_]*)=('[^']*'|\"[^\"]*\"|True\b|[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)")


def flag_wording(error: ParameterError, parser: argparse.ArgumentParser) -> ParameterError:
    """``error`` (raised by the library, worded for Python) as the command line says it: a parameter that
    is one of ``parser``'s options is named by its flag (``min_tail: ...`` -> ``--min-tail: ...``), and the
    keyword spellings of such options in the text become flags (``method='mc'`` -> ``--method mc``,
    ``drop_nonfinite=True`` -> ``--drop-nonfinite``, ``max_work=1e+10`` -> ``--max-work 1e+10``); keywords
    inside a distribution spec (``lomax(c=0.5, loc=1)``) stay as they are."""
    flags = {}
    for action in parser._actions:              # the first option of a dest: an old spelling comes later
        if action.option_strings and action.option_strings[0].startswith("--"):
            flags.setdefault(action.dest, action.option_strings[0])

    def keyword(match):
        flag = flags.get(match.group(1))
        if flag is None or _inside_spec(match.string, match.start()):
            return match.group(0)
        value = match.group(2)
        return flag if value == "True" else f"{flag} {value.strip(QUOTES)}"

    message = str(error).removeprefix(f"{error.param}: ")
    param = flags.get(error.param.replace("-", "_"), error.param)
    return ParameterError(param, _KEYWORD.sub(keyword, message))


def _inside_spec(text: str, position: int) -> bool:
    """Whether ``position`` lies inside the parentheses of a call-like ``name(...)`` (a spec) in ``text``."""
    opened = []
    for i, ch in enumerate(text[:position]):
        if ch == "(":
            opened.append(i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"))
        elif ch == ")" and opened:
            opened.pop()
    return any(opened)


class Renamed(argparse.Action):
    """An old spelling of a flag, kept for one release: it sets the new flag's value and the command prints
    one warning line naming the new flag (not with --json, whose output is the JSON object alone)."""

    def __init__(self, option_strings, dest, *, new: str, **kwargs):
        self.new = new
        kwargs.setdefault("help", f"old spelling of {new}, kept for one release")
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        notes = getattr(namespace, "deprecations", None) or []
        notes.append(f"{option_string} is renamed {self.new}; {option_string} will be removed in the next release")
        setattr(namespace, "deprecations", notes)
