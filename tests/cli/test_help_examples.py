"""Every leaf command's --help: a description, its defaults shown, help for every option, and two
examples that run (exit 0, in this process; a leaf whose exit status carries a result, such as
`tripwire run`'s 3 on a trip, states each example's status in ``parser.example_statuses``).

Tables print whole: in a pipe (where the examples run) no value is cut, and on a narrow terminal
(60 columns) cells wrap and never cut a number (no "…"), no line is wider than the terminal. Every
human view is ``render(console(), payload)`` (:func:`alignlab.cli.common.emit`), so each example runs
once, on a console that prints everything it is given both in the pipe and on a 60-column terminal
(:class:`TeeConsole`); the first example of every leaf prints its table and is held to both.

``SYSTEMS`` names the command groups held to this so far; ``check_help`` and ``run_example`` take any
leaf, so extending the list (or listing every leaf) is all another system needs.
"""

from __future__ import annotations

import argparse
import io
import shlex

import pytest
from cli.clirun import run_cli
from rich.console import Console

import alignlab.cli.common as common
from alignlab.cli.common import HelpFormatter
from alignlab.cli.main import build_parser

SYSTEMS = ("steps", "tails", "goodhart", "dists", "data", "sweep", "report", "tripwire", "horizons")
EXAMPLES_PER_LEAF = 2


def leaves(parser: argparse.ArgumentParser | None = None, path: tuple[str, ...] = ()):
    """(path, parser) of every leaf command under ``parser`` (default: all of ``alignlab``)."""
    parser = parser or build_parser()
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [(path, parser)]
    return [leaf for name, sub in subs[0].choices.items() for leaf in leaves(sub, path + (name,))]


def statuses(parser: argparse.ArgumentParser) -> tuple[int, ...]:
    """The exit status each example of a leaf ends with: 0 unless the leaf says otherwise."""
    examples = getattr(parser, "examples", ())
    return getattr(parser, "example_statuses", (0,) * len(examples))


COVERED = [(path, parser) for path, parser in leaves() if path[0] in SYSTEMS]
EXAMPLES = [(path, line, status) for path, parser in COVERED
            for line, status in zip(getattr(parser, "examples", ()), statuses(parser))]
FIRST = {parser.examples[0] for _, parser in COVERED if "--json" not in parser.examples[0]}
WIDTH = 60


class TeeConsole(Console):
    """The console of a pipe (:func:`alignlab.cli.common.console` where stdout is not a terminal) that also
    prints everything it is given on a ``WIDTH``-column terminal console, into ``narrow``."""

    def __init__(self):
        super().__init__(width=common.UNCUT_WIDTH, color_system=None, highlight=False)
        self.narrow = io.StringIO()
        self._terminal = Console(width=WIDTH, color_system=None, file=self.narrow)   # as on a terminal

    def print(self, *objects, **options):
        super().print(*objects, **options)
        self._terminal.print(*objects, **options)


def check_help(path: tuple[str, ...], parser: argparse.ArgumentParser) -> None:
    """What --help of a leaf must show: a description, every option's help, defaults and two examples."""
    name = "alignlab " + " ".join(path)
    assert parser.description and parser.description.strip(), f"{name}: no description"
    assert parser.formatter_class is HelpFormatter, f"{name}: not built with cli.common.command (no defaults shown)"
    formatter = parser._get_formatter()
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        label = "/".join(action.option_strings) or action.dest
        assert action.help and action.help.strip(), f"{name}: {label} has no help text"
        has_default = not any(action.default is nothing for nothing in (None, False, argparse.SUPPRESS))
        if action.option_strings and has_default:
            assert "default" in formatter._get_help_string(action).lower(), f"{name}: {label} hides its default"
    examples = getattr(parser, "examples", ())
    assert len(examples) >= EXAMPLES_PER_LEAF, f"{name}: {len(examples)} examples"
    for line in examples:
        assert line.startswith(name + " ") or line == name, f"{name}: example of another command: {line}"
    text = parser.format_help()
    assert "examples:" in text and all(line in text for line in examples)
    assert len(statuses(parser)) == len(examples), f"{name}: a status for each example"
    for status in set(statuses(parser)) - {0}:
        assert f"exit status {status}" in parser.description.lower(), f"{name}: exit status {status} undocumented"


def run_example(line: str) -> tuple[int, str, str]:
    """Run one example line (``alignlab ...``) in this process: (exit status, stdout, stderr)."""
    return run_cli(shlex.split(line)[1:])


def test_every_system_listed_has_commands():
    assert {path[0] for path, _ in COVERED} == set(SYSTEMS)


@pytest.mark.parametrize("path, parser", COVERED, ids=[" ".join(p) for p, _ in COVERED])
def test_help_shows_description_defaults_and_examples(path, parser):
    check_help(path, parser)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """One folder for every example, as a reader works through the help: `sweep show steps.zarr` reads the
    store that `sweep steps`'s example wrote (examples run in the order the commands are listed)."""
    return tmp_path_factory.mktemp("examples")


def test_every_leaf_has_an_example_that_prints_its_table():
    assert len(FIRST) == len(COVERED)


@pytest.mark.parametrize("path, line, status", EXAMPLES, ids=[line for _, line, _ in EXAMPLES])
def test_example_runs(path, line, status, workdir, monkeypatch):
    monkeypatch.chdir(workdir)                    # an example that writes files writes them here
    tee = TeeConsole()
    monkeypatch.setattr(common, "console", lambda: tee)
    code, out, err = run_example(line)
    assert code == status, f"{line}: exit {code}: {err}"
    assert out.strip(), f"{line}: printed nothing"
    assert "\u2026" not in out, f"{line}: cut a value in a pipe"        # an ellipsis: rich cut a cell
    if line in FIRST:
        narrow = tee.narrow.getvalue()
        assert narrow.strip() and "\u2026" not in narrow, f"{line}: a value cut at {WIDTH} columns:\n{narrow}"
        # a line that is one word (the path `data path` prints for a pipe) is printed whole, not wrapped
        assert max((len(row) for row in narrow.splitlines() if len(row.split()) > 1), default=0) <= WIDTH, narrow


def test_the_tee_shows_a_cut_cell_on_the_narrow_terminal_and_not_in_the_pipe():
    """The check the examples rely on: a table whose cells are cut (not wrapped) prints whole in the pipe and
    with an ellipsis on the 60-column terminal, so a command that printed such a table would fail above."""
    from rich.table import Table
    tee = TeeConsole()
    cut = Table("name", "value")
    cut.columns[1].overflow, cut.columns[1].no_wrap = "ellipsis", True
    cut.add_row("x", "9" * 200)
    tee.file = io.StringIO()
    tee.print(cut)
    assert "\u2026" not in tee.file.getvalue() and "9" * 200 in tee.file.getvalue()
    assert "\u2026" in tee.narrow.getvalue()
    assert max(len(row) for row in tee.narrow.getvalue().splitlines()) <= WIDTH
