"""What every command shares: a parser that fails in one line, number parsing, and output."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from alignlab._results import jsonable


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
        render(Console(), payload)


def show_progress(args) -> bool:
    """The CLI's progress convention: a bar on stderr when it is a terminal and --json is off."""
    return sys.stderr.isatty() and not getattr(args, "json", False)


def key_value_table(title: str, payload: dict) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in payload.items():
        table.add_row(key, fmt(value))
    return table


def fmt(value) -> str:
    if value is None:
        return "null"          # as in --json: infinite, or not reached / not applicable
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
