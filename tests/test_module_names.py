"""alignlab's own modules never shadow the standard library for a Python started inside the package folder
(``cd src/alignlab && python``): the folder is then first on ``sys.path``, so a ``_random.py`` there
would be imported in place of the standard library's ``_random`` and ``import random`` would fail."""

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "alignlab"


def test_no_top_level_module_is_named_like_a_standard_library_module():
    names = {p.stem for p in PACKAGE.glob("*.py")} | {p.name for p in PACKAGE.iterdir() if p.is_dir()}
    clashes = sorted(n for n in names if n in sys.stdlib_module_names and not n.startswith("__"))
    assert clashes == [], f"src/alignlab/{clashes[0]} shadows the standard library's {clashes[0]}"


def test_python_started_in_the_package_folder_imports_random():
    proc = subprocess.run([sys.executable, "-c", "import random; print(random.random())"], cwd=PACKAGE,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
