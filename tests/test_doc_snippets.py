"""Every ``python`` block of the README and docs/*.md runs as a plain script: pasted into a file with no
``if __name__ == "__main__":`` guard and run with ``python`` in an empty folder, it finishes (exit 0)
within a time bound. A snippet is a complete script: its imports, its data, a world small enough to
run in seconds (the docs say what the full-size call is)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_readme import blocks

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TIME_BOUND = 120          # seconds per snippet; each takes a few on a quiet machine


def snippets():
    out = []
    for doc in DOCS:
        bodies = [body for lang, body in blocks(doc.read_text()) if lang == "python"]
        for i, body in enumerate(bodies):
            name = str(doc.relative_to(ROOT))
            out.append(pytest.param(body, id=f"{name}[{i}]"))
    return out


SNIPPETS = snippets()


def test_the_docs_have_python_snippets():
    assert len(SNIPPETS) >= 8


@pytest.mark.parametrize("body", SNIPPETS)
def test_snippet_runs_as_a_plain_script(body, tmp_path):
    script = tmp_path / "snippet.py"
    script.write_text(body)
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=TIME_BOUND, env={**os.environ, "MPLBACKEND": "Agg"})
    assert proc.returncode == 0, proc.stderr[-3000:]
