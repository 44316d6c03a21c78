"""The README's commands, run as a reader would run them: the README cannot drift from the code.

Every ``alignlab ...`` line of a shell block runs (in a fresh folder; data sets are the shipped ones).
A line shown with ``$`` and
followed by output must exit 0, and when the output shown is JSON, every key the README shows at the
top level must be in the JSON the command prints. ``python`` blocks run as plain scripts in
tests/test_doc_snippets.py, with those of docs/.

Tripwire commands train a transformer for minutes on the default world; here they run as written plus
the flags of the tests' tiny world (the same code path, seconds of training), so the suite stays fast.
Commands that would start worker processes or a Dask cluster (tripwire calibrate and study, the sweeps)
run with ``--workers 1``, in this process: their numbers do not depend on where the work runs, which
tests/tripwire/test_study.py, tests/sweep/test_sweep.py and tests/test_executor.py check with real workers,
and starting them here would cost more than the tiny work they get.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from cli.clirun import run_cli

README = Path(__file__).resolve().parents[1] / "README.md"
EXIT = {"tripwire run": (0, 3)}      # a run that trips exits 3 by design (docs/tripwire.md)
TINY_TRIPWIRE = ["--n-known", "32", "--n-hidden", "8", "--d-model", "32", "--d-mlp", "128", "--batch-size", "32",
                 "--steps", "300", "--evidence-start", "100", "--hidden-fraction", "0.15", "--monitor-every", "20",
                 "--lr", "5e-3"]


def argv_of(command: str) -> list[str]:
    argv = shlex.split(command)[1:]
    if argv[:2] in (["tripwire", "run"], ["tripwire", "calibrate"], ["tripwire", "study"], ["sweep", "tripwire"]):
        argv += TINY_TRIPWIRE
    if argv[:2] in (["tripwire", "calibrate"], ["tripwire", "study"]) or argv[0] == "sweep" and argv[1] != "show":
        argv += ["--workers", "1"]                # in this process: no pool or Dask cluster to start
    return argv


def blocks(text: str):
    """(language, body) of every fenced block."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"```(\w*)\n(.*?)```", text, re.S)]


def commands():
    """(command line, the output shown after it or None) for every alignlab line of a shell block."""
    out = []
    for lang, body in blocks(README.read_text()):
        if lang not in ("", "bash", "sh", "console"):
            continue
        lines = body.splitlines()
        i = 0
        while i < len(lines):
            line = lines[i].strip()
            shown = line.startswith("$ ")
            command = line[2:] if shown else line
            command = command.split("  #")[0].strip()
            i += 1
            if not command.startswith("alignlab "):
                continue
            output = []
            while shown and i < len(lines) and not lines[i].startswith("$ ") and lines[i].strip():
                output.append(lines[i])
                i += 1
            out.append((command, "\n".join(output) if shown and output else None))
    return out


def top_level_keys(text: str) -> set[str]:
    """The keys at depth 1 of a JSON object as the README shows it (possibly shortened with ...)."""
    keys, depth, i = set(), 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        elif ch == '"':
            end = text.index('"', i + 1)
            if depth == 1 and text[end + 1:end + 2] == ":":
                keys.add(text[i + 1:end])
            i = end
        i += 1
    return keys


COMMANDS = commands()


def test_the_readme_shows_commands():
    assert len(COMMANDS) >= 15


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory):
    """One folder for the whole README, as a reader works through it: a command reads what earlier ones
    wrote (the calibration, the sweep store)."""
    return tmp_path_factory.mktemp("readme")


@pytest.mark.slow
@pytest.mark.parametrize("command,shown", COMMANDS, ids=[c for c, _ in COMMANDS])
def test_readme_command_runs_as_shown(command, shown, walkthrough, monkeypatch):
    monkeypatch.chdir(walkthrough)
    code, out, err = run_cli(argv_of(command))
    allowed = next((codes for prefix, codes in EXIT.items() if command.startswith(f"alignlab {prefix}")), (0,))
    assert code in allowed, f"{command}: exit {code}: {err}"
    if shown is not None and shown.lstrip().startswith("{"):
        assert "--json" in command
        printed = json.loads(out)
        missing = top_level_keys(shown) - set(printed)
        assert not missing, f"{command}: the README shows keys the command does not print: {sorted(missing)}"
