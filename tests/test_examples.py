"""Every walkthrough in examples/ runs as a plain script (no ``__main__`` guard), as a reader would paste it
into a notebook or run it with ``python examples/NAME.py``: exit 0 within the time bound, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.py"))
TIME_BOUND = 120          # seconds per script; each takes under 20 s on a quiet machine


def test_there_are_walkthroughs():
    assert {p.stem for p in EXAMPLES} >= {"steps_walkthrough", "tails_walkthrough", "goodhart_walkthrough",
                                          "tripwire_walkthrough", "horizons_walkthrough"}


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_walkthrough_runs_as_a_plain_script(script, tmp_path):
    assert "__main__" not in script.read_text(), f"{script.name}: a walkthrough runs top to bottom, unguarded"
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=TIME_BOUND)
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr and proc.stdout.strip()
    assert list(tmp_path.iterdir()) == [], f"{script.name} wrote files"
