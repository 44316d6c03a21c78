"""The goodhart commands: the JSON contract of the issue, human output, and one-line errors (exit 2)."""

import json
import subprocess
import sys

import numpy as np
import pytest

from alignlab.cli.main import main
from cli import clirun


def run_json(capsys, *args):
    return clirun.run_json(capsys, "goodhart", *args)


def test_condexp_contract(capsys):
    d = run_json(capsys, "condexp", "--error", "t(df=3)", "--utility", "norm(0,1)", "--t", "1", "10", "100", "1e4",
                 "1e8")
    assert d["t"] == [1, 10, 100, 1e4, 1e8]
    assert len(d["conditional_utility"]) == len(d["log_tail_probability"]) == 5
    assert d["conditional_utility"][-1] == pytest.approx(3e-8, rel=1e-6)
    assert d["log_tail_probability"][0] < 0


def test_condexp_monte_carlo_and_samples_file(capsys, tmp_path):
    np.save(tmp_path / "x.npy", np.linspace(-2, 2, 201))
    d = run_json(capsys, "condexp", "--error-samples", str(tmp_path / "x.npy"), "--t", "0", "1", "--method", "mc",
                 "--samples", "20000", "--seed", "3")
    assert d["method"] == "mc" and len(d["standard_error"]) == 2 and d["samples"] == 20000 and d["seed"] == 3


def test_regime_contract(capsys):
    d = run_json(capsys, "regime", "--error", "lognorm(s=1)", "--utility", "norm(0,1)")
    assert d["regime"] == "catastrophic" and d["limit"] == 0 and d["reason"]
    d = run_json(capsys, "regime", "--error", "norm(0,1)", "--utility", "norm(0,1)")
    assert d["regime"] == "unbounded" and d["limit"] is None          # infinite: JSON null


def test_bon_contract(capsys):
    d = run_json(capsys, "bon", "--error", "t(df=3)", "--utility", "norm(0,1)", "--n", "1", "10", "100", "1e4", "1e9")
    for key in ("n", "utility", "proxy", "kl", "kl_bound"):
        assert len(d[key]) == 5
    assert d["n"] == [1, 10, 100, 10000, 1000000000]
    assert d["kl"][1] == pytest.approx(d["kl_bound"][1], abs=1e-10) and d["seed"] is None    # nothing drawn
    mc = run_json(capsys, "bon", "--error", "t(df=3)", "--n", "1", "8", "--method", "mc", "--trials", "20")
    assert mc["seed"] == 0 and mc["trials"] == 20                                     # the CLI's default seed


def test_tilt_and_construct_contracts(capsys):
    d = run_json(capsys, "tilt", "--error", "norm(0,1)", "--utility", "norm(0,1)", "--beta", "2", "1", "0.5", "0.1")
    assert d["utility"] == pytest.approx([0.5, 1, 2, 10], rel=1e-10)
    d = run_json(capsys, "construct", "--base", "t(df=3)", "--t", "1.5", "10", "100", "--mass-exponent", "0.8")
    assert set(("t", "mean", "kl")) <= set(d) and len(d["mean"]) == 3 and d["kl"][2] < d["kl"][0]


def test_experiment_writes_the_figure(capsys, tmp_path):
    out = tmp_path / "bon.png"
    d = run_json(capsys, "experiment", "bon-synthetic", "--out", str(out), "--n-max", "100", "--mc-max", "16",
                 "--trials", "5")
    assert out.read_bytes().startswith(b"\x89PNG") and d["out"] == str(out) and len(d["cases"]) == 10
    assert d["seed"] == 0 and d["trials"] == 5


def test_human_output_is_a_table(capsys):
    assert main(["goodhart", "condexp", "--error", "t(df=3)", "--t", "1", "10"]) == 0
    out = capsys.readouterr().out
    assert "E[V | U >= t]" in out and "0.756365" in out


@pytest.mark.parametrize("args, words", [
    (["condexp", "--error", "foo(1)", "--t", "1"], "error: unknown distribution"),
    (["condexp", "--error", "t(df=-1)", "--t", "1"], "error: t needs df > 0"),
    (["condexp", "--error", "t(df=3)", "--t", "nan"], "t: must be a number"),
    (["condexp", "--error", "t(df=3)", "--t", "abc"], "must be a number"),
    (["condexp", "--t", "1"], "error: is required"),
    (["condexp", "--error", "t(df=3)", "--utility", "cauchy", "--t", "1"], "utility: must have a finite mean"),
    (["condexp", "--error-samples", "/nonexistent.npy", "--t", "1", "--method", "mc"], "error-samples"),
    (["bon", "--error", "norm", "--n", "0"], "n: must be an integer"),
    (["tilt", "--error", "t(df=3)", "--beta", "1"], "construct"),
    (["tilt", "--error", "expon", "--beta", "0.5"], "beta: must exceed 1/rate"),
    (["construct", "--base", "t(df=3)", "--t", "0.5", "--mass-exponent", "0.8"], "t: must be > 1"),
    (["construct", "--base", "t(df=3)", "--t", "5"], "required"),
    (["regime", "--error", "t(df=3)", "--decades", "0"], "decades"),
    (["experiment", "bon-synthetic", "--trials", "1"], "trials"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_status_2(capsys, args, words):
    assert main(["goodhart", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and words in err


def test_console_script_runs_in_a_fresh_process():
    proc = subprocess.run([sys.executable, "-m", "alignlab.cli.main", "goodhart", "regime", "--error", "t(df=3)",
                           "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and json.loads(proc.stdout)["regime"] == "catastrophic"
