"""The sweep commands: JSON contract, resumption through the CLI, one-line errors."""

import json

import pytest

from alignlab.cli.main import main


def test_sweep_steps_json_then_show_then_resume(capsys, tmp_path):
    out = str(tmp_path / "s.zarr")
    args = ["sweep", "steps", "--alpha", "0.5", "1", "--q", "1:3", "--n", "1e1:1e3:3", "--method", "exact",
            "--out", out, "--scheduler", "serial", "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["dims"] == {"alpha": 2, "q": 3, "n": 3} and first["done"] == 18 and first["computed"] == 18
    assert main(["sweep", "show", out, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["kind"] == "steps" and shown["done"] == shown["cells"] == 18
    assert shown["coords"]["n"] == [10.0, 100.0, 1000.0]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["computed"] == 0


@pytest.mark.parametrize("args,param", [
    (["sweep", "steps", "--alpha", "0.5", "--q", "3:1", "--n", "10", "--out", "x.zarr"], "q"),
    (["sweep", "steps", "--alpha", "-1", "--q", "2", "--n", "10", "--out", "x.zarr"], "alpha"),
    (["sweep", "steps", "--alpha", "0.5", "--q", "2", "--n", "0:5:3", "--out", "x.zarr"], "n"),
    (["sweep", "steps", "--alpha", "0.5", "--q", "2", "--n", "1e9", "--method", "mc", "--trials", "1e6",
      "--out", "x.zarr"], "trials"),
    (["sweep", "goodhart-bon", "--error", "nosuch", "--utility", "norm", "--n", "10", "--out", "x.zarr"], "error"),
    (["sweep", "show", "no/such/store.zarr"], "path"),
    (["sweep", "steps", "--alpha", "0.5", "--q", "2", "--n", "10", "--out", "x.zarr", "--scheduler",
      "tcp://127.0.0.1:1"], "scheduler"),
    (["sweep", "steps", "--alpha", "0.5", "--q", "2", "--n", "10", "--out", "x.zarr", "--scheduler", "bogus"],
     "scheduler"),
    (["sweep", "steps", "--alpha", "0.5", "--q", "1:1e12", "--n", "10", "--out", "x.zarr"], "q"),
    (["sweep", "steps", "--alpha", "0.5", "--q", "1:5000", "--n", "1:5000", "--out", "x.zarr"], "cells"),
    (["sweep", "steps", "--alpha", "0.5", "--q", "2", "--n", "2.5", "--out", "x.zarr"], "n"),
    (["sweep", "steps", "--alpha", "0.5", "--q", "2", "--n", "10", "--out", ""], "out"),
    (["sweep", "steps", "--alpha", "0.5", "--q", "2", "--n", "10", "--out", "x.txt"], "out"),
    (["sweep", "steps", "--alpha", "0.5", "--q", "2", "--n", "10", "--out", "no/such/dir/x.zarr"], "out"),
    (["sweep", "steps", "--alpha", "0.5", "--q", "2", "--n", "10", "--out", "x.zarr", "--workers", "0"], "workers"),
])
def test_bad_sweep_input_is_one_line_with_status_2(capsys, tmp_path, monkeypatch, args, param):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{param}:" in err and "Traceback" not in err


def test_a_damaged_store_is_one_line_with_the_way_out(capsys, tmp_path):
    out = tmp_path / "d.zarr"
    args = ["sweep", "steps", "--alpha", "0.5", "--q", "2", "--n", "10", "--out", str(out), "--scheduler", "serial"]
    assert main(args + ["--json"]) == 0
    capsys.readouterr()
    (out / "zarr.json").unlink()
    for command in (args, ["sweep", "show", str(out)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "remove it" in err and "Traceback" not in err


def test_stores_have_consolidated_metadata(capsys, tmp_path):
    import warnings

    import xarray as xr
    out = tmp_path / "c.zarr"
    assert main(["sweep", "steps", "--alpha", "0.5", "--q", "2", "--n", "10", "--out", str(out), "--scheduler",
                 "serial", "--json"]) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert xr.open_zarr(str(out))["done"].values.all()
