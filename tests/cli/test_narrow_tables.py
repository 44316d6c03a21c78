"""Tables on a narrow terminal wrap their cells and never cut a number (no "…"); in a pipe they print whole
(the examples of test_help_examples run in a pipe and check that)."""

from __future__ import annotations

import pytest
from cli.test_help_examples import COVERED, run_example
from rich.console import Console

import alignlab.cli.common as common

FIRST = [(path, parser.examples[0]) for path, parser in COVERED if "--json" not in parser.examples[0]]
WIDTH = 60


def test_every_leaf_has_an_example_that_prints_its_table():
    assert len(FIRST) == len(COVERED)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """One folder for every example, run in order: `sweep show steps.zarr` and `tripwire plot study` and `horizons predict
    fit.json` read what an earlier command's first example wrote."""
    return tmp_path_factory.mktemp("narrow")


@pytest.mark.parametrize("path, line", FIRST, ids=[line for _, line in FIRST])
def test_a_60_column_terminal_wraps_and_cuts_nothing(path, line, monkeypatch, workdir):
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.setattr(common, "console", lambda: Console(width=WIDTH, color_system=None))   # as on a terminal
    code, out, err = run_example(line)
    assert code == 0, err
    assert "\u2026" not in out, f"{line}: a value cut at {WIDTH} columns:\n{out}"
    # a line that is one word (the path `data path` prints for a pipe) is printed whole, not wrapped
    assert max((len(row) for row in out.splitlines() if len(row.split()) > 1), default=0) <= WIDTH
