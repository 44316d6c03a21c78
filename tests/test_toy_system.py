"""The seam: a system that lives under tests/ plugs into the CLI, the report and the sweeps by registering
itself, with no edit anywhere else."""

import json

import pytest
from cli.clirun import run_cli

from alignlab import systems


@pytest.fixture
def toy():
    from toy_system.system import SYSTEM
    systems.register(SYSTEM)
    yield SYSTEM
    systems.unregister(SYSTEM.name)


def test_toy_system_appears_in_help_and_runs_its_command(toy):
    code, out, err = run_cli(["--help"])
    assert code == 0 and "toy" in out and "a toy system from tests/" in out
    code, out, err = run_cli(["toy", "square", "--x", "3", "--json"])
    assert code == 0 and json.loads(out) == {"x": 3.0, "square": 9.0}
    code, out, err = run_cli(["toy", "square", "--x", "abc", "--json"])
    assert code == 2 and err.count("\n") == 1


def test_toy_system_has_a_report_section(toy, tmp_path):
    from alignlab.report import build_report
    result = build_report(tmp_path, sections=("toy",))
    assert [(c.id, c.verdict) for c in result.claims] == [("TOY1", "holds")]
    assert "Toy system" in (tmp_path / "index.html").read_text()


def test_toy_system_is_a_sweep_kind(toy, tmp_path):
    out = tmp_path / "toy.zarr"
    code, stdout, err = run_cli(["sweep", "toy", "--x", "1", "2", "3", "--out", str(out), "--scheduler", "serial",
                                 "--json"])
    assert code == 0, err
    assert json.loads(stdout)["done"] == 3
    import xarray as xr
    ds = xr.open_zarr(str(out))
    assert ds["square"].values.tolist() == [1.0, 4.0, 9.0]


def test_without_registering_the_toy_is_unknown():
    code, out, err = run_cli(["toy", "square", "--x", "3"])
    assert code == 2 and "toy" in err
