"""Optional extras: the core install runs the light systems and the report, a command whose extra is
missing says in one line what to install, and the light paths import no heavy package."""

import json
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from alignlab._extras import EXTRAS, MODULES, extra_for, hint
from alignlab.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[1]
HEAVY = sorted(MODULES | {"pandas"})          # pandas is core, but only tables and DataFrame input need it
PROBE = """
import json, sys
from alignlab.cli.main import main
for argv in json.loads(sys.argv[1]):
    main(argv)
print(json.dumps(sorted(m for m in sys.modules if m.partition(".")[0] in set(json.loads(sys.argv[2])))))
"""


def command_lines(name: str) -> list[list[str]]:
    """``--help`` of the top-level command ``name`` and of each of its commands."""
    top = next(a for a in build_parser()._actions if a.dest == "command").choices[name]
    subs = [a for a in top._actions if a.dest.endswith("_command")]
    return [[name, "--help"]] + [[name, sub, "--help"] for a in subs for sub in a.choices]


def test_import_alignlab_and_its_help_import_no_heavy_package():
    code = f"import json, sys, alignlab, alignlab.data; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    assert json.loads(subprocess.check_output([sys.executable, "-c", code], text=True)) == []
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps([["--help"]]), json.dumps(HEAVY)],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out.splitlines()[-1]) == []


def test_help_and_dists_list_do_not_even_import_scipy():
    """What keeps `alignlab --help` and `alignlab dists list` fast (README, "Install": startup times)."""
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps([["--help"], ["dists", "list", "--json"]]),
                          json.dumps(["scipy"])], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.splitlines()[-1]) == []


@pytest.mark.parametrize("name", sorted(next(a for a in build_parser()._actions if a.dest == "command").choices))
def test_every_commands_help_imports_no_heavy_package(name):
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(command_lines(name)), json.dumps(HEAVY)],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out.splitlines()[-1]) == [], f"alignlab {name} --help imports heavy packages"


def installed_by(requirements: list[str]) -> set[str]:
    """The distributions these requirements name, with those their extras add (dask[distributed]: distributed)."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement
    out = set()
    for text in requirements:
        req = Requirement(text)
        out.add(req.name.lower())
        for extra in req.extras:
            out |= {Requirement(r).name.lower() for r in requires(req.name) or ()
                    if Requirement(r).marker is not None and Requirement(r).marker.evaluate({"extra": extra})}
    return out


def test_the_extras_declared_in_pyproject_bring_the_modules_that_name_them():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    optional = declared["optional-dependencies"]
    distributions = packages_distributions()
    for extra, modules in EXTRAS.items():
        for module in modules:                    # the module comes from a distribution the extra installs
            assert {d.lower() for d in distributions[module]} & installed_by(optional[extra]), (extra, module)
    from packaging.requirements import Requirement
    assert [Requirement(r).extras for r in optional["all"]] == [set(EXTRAS)]
    core = installed_by(declared["dependencies"])
    assert not core & {d.lower() for m in MODULES for d in distributions[m]}, "a heavy package is a core dependency"


def test_a_missing_module_names_the_extra_of_the_command_being_run():
    missing = lambda name: ModuleNotFoundError(f"No module named {name!r}", name=name)  # noqa: E731
    assert hint(missing("torch.nn"), ("tripwire", "run")) == \
        'needs torch, which is not installed: pip install "alignlab[tripwire]"'
    assert extra_for("torch", ("steps", "simulate")) == "gpu" and extra_for("distributed", ("horizons",)) == "sweep"
    assert hint(missing("pyarrow.parquet")).endswith('pip install "alignlab[parquet]"')
    assert hint(missing("numpy")) is None and hint(ImportError("cannot import name x")) is None


def test_the_core_install_runs_the_light_systems_and_the_report_and_names_missing_extras(tmp_path):
    """As installed without extras (tests/without_extras.py blocks every extra's packages)."""
    import numpy as np
    np.save(tmp_path / "pareto.npy", np.random.default_rng(0).pareto(2.0, 300) + 1)
    (tmp_path / "x.parquet").write_bytes(b"PAR1")
    lines = [
        ["steps", "describe", "--alpha", "0.5", "--q", "3", "--json"],
        ["steps", "simulate", "--alpha", "0.5", "--q", "3", "--n", "10", "--trials", "100", "--json"],
        ["goodhart", "regime", "--error", "t(df=3)", "--json"],
        ["tails", "fit", str(tmp_path / "pareto.npy"), "--json"],
        ["horizons", "fit", "--agent", "o1", "--family", "logistic", "--bootstrap", "0", "--cv", "none", "--json"],
        ["data", "list", "--json"],
        ["report", "--only", "tails", "tripwire", "--out", str(tmp_path / "report"), "--json"],
        ["tripwire", "run", "--out", str(tmp_path / "run")],
        ["sweep", "steps", "--alpha", "0.5", "--q", "2", "--n", "10", "--out", str(tmp_path / "s.zarr")],
        ["tails", "fit", str(tmp_path / "x.parquet")],
        ["steps", "simulate", "--alpha", "0.5", "--q", "3", "--n", "10", "--trials", "100", "--backend", "torch"],
        ["horizons", "fit", "--agent", "o1", "--bootstrap", "10", "--cv", "none", "--scheduler", "tcp://127.0.0.1:1"],
    ]
    out = subprocess.run([sys.executable, str(ROOT / "tests" / "without_extras.py"), *map(json.dumps, lines)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["argv"] for r in results] == lines and all(r["loaded"] == [] for r in results)
    ran, refused = results[:7], results[7:]
    for r in ran:
        assert r["code"] == 0 and r["err"] == "", (r["argv"], r["err"])
    assert json.loads(ran[4]["out"])["agents"][0]["fits"]["logistic"]["p50_minutes"] > 0
    report = json.loads(ran[6]["out"])
    assert [c["id"] for c in report["claims"]] == ["R1", "R2", "R3"]
    assert all(c["verdict"] in ("holds", "conditional", "fails", "undetermined") for c in report["claims"])
    assert report["not_run"] == {"tripwire": 'not run: this section needs torch, which is not installed: '
                                             'pip install "alignlab[tripwire]"'}
    page = (tmp_path / "report" / "index.html").read_text()
    assert "Not run</b>: this section needs torch" in page and "alignlab[tripwire]" in page
    for r, extra in zip(refused, ("tripwire", "sweep", "parquet", "gpu", "sweep")):
        assert r["code"] == 2 and r["out"] == "" and r["err"].count("\n") == 1, (r["argv"], r["err"])
        assert r["err"].startswith("alignlab: error: ") and f'pip install "alignlab[{extra}]"' in r["err"], r["err"]
    assert not (tmp_path / "run").exists() and not (tmp_path / "s.zarr").exists()
