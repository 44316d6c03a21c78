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


@pytest.mark.parametrize("args, words", [
    (["condexp", "--error", "norm", "--utility", "weibull_min(c=0.001)", "--t", "1"], "utility: "),
    (["bon", "--error", "norm", "--utility", "genpareto(c=-5)", "--n", "1", "10", "--method", "mc", "--trials",
      "1e6", "--n", "1e6"], "trials: 1e+12 draws of (X, V) exceed the work limit of 1e+08"),
    (["condexp", "--error", "t(df=3)", "--t", "1", "--method", "mc", "--samples", "1e15"],
     "samples: 1e+15 draws of (X, V) exceed the work limit of 1e+08 draws of (X, V); raise it on purpose with "
     "--max-work 1e+15"),
    (["condexp", "--error", "t(df=3)", "--t", "1", "--method", "mc", "--max-work", "10"], "exceed the work limit of 10"),
    (["condexp", "--error", "t(df=3)", "--t", "1", "--method", "mc", "--max-work", "-1"], "max-work: "),
    (["tilt", "--error", "norm", "--beta", "1e-300"], "beta: at beta = 1e-300 the tilted utility law norm lies "
                                                       "beyond the double range"),
    (["tilt", "--beta", "1e-160", "--dependence", "counterexample"], "beta: "),
    (["experiment", "bon-synthetic", "--trials", "1e9", "--n-max", "100", "--mc-max", "16"], "trials: 1.6e+11"),
])
def test_out_of_domain_input_is_refused_naming_the_parameter(capsys, args, words):
    """Issue 13: each was a traceback, an internal error or unbounded work."""
    assert main(["goodhart", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and words in err, err


@pytest.mark.parametrize("out", ["out.zarr", "", "missing/sub/out.png", "folder", "-"])
def test_experiment_checks_its_figure_path_before_any_work(capsys, tmp_path, monkeypatch, out):
    """A bad --out was found by matplotlib after the whole experiment (or wrote out.png next to it)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    import alignlab.goodhart.experiments as experiments
    monkeypatch.setattr(experiments, "bon_synthetic", lambda **kw: pytest.fail("ran before checking --out"))
    assert main(["goodhart", "experiment", "bon-synthetic", "--out", out, "--json"]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("alignlab: error: --out: ") and sorted(p.name for p in tmp_path.iterdir()) == ["folder"]


def test_sweep_reads_goodhart_specs_with_the_same_domain(capsys, tmp_path):
    """sweep goodhart-bon with weibull_min(c=0.001): 'x must be strictly increasing' after the store was made."""
    out = tmp_path / "g.zarr"
    code = main(["sweep", "goodhart-bon", "--error", "norm", "--utility", "weibull_min(c=0.001)", "--n", "2",
                 "--out", str(out), "--scheduler", "serial", "--json"])
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith("alignlab: error: --utility: ") and not out.exists()
    code = main(["sweep", "goodhart-bon", "--error", "norm", "--utility", "norm", "--n", "1e6", "--method", "mc",
                 "--out", str(out), "--scheduler", "serial", "--json"])
    _, err = capsys.readouterr()
    assert code == 2 and "trials: 1e+09 draws" in err and "--max-work" not in err and not out.exists()


def test_method_quadrature_still_works_with_one_warning_line_naming_exact(capsys):
    exact = run_json(capsys, "condexp", "--error", "t(df=3)", "--t", "1", "10")
    assert exact["method"] == "exact"
    assert run_json(capsys, "condexp", "--error", "t(df=3)", "--t", "1", "10", "--method", "quadrature") == exact
    code = main(["goodhart", "condexp", "--error", "t(df=3)", "--t", "1", "--method", "quadrature"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ("alignlab: warning: --method quadrature is renamed --method exact; quadrature will "
                                 "be removed in the next release\n")


def test_a_bad_error_spec_names_the_flag_once(capsys):
    err = clirun.run_error(capsys, "goodhart", "condexp", "--error", "t(df=3", "--t", "1")
    assert err == "alignlab: error: --error: has an unclosed parenthesis (got 't(df=3')\n"


@pytest.mark.parametrize("command", [["condexp", "--t", "1", "--method", "mc"], ["bon", "--n", "2", "--method", "mc"]])
def test_an_empty_samples_file_is_exit_2_naming_it(capsys, tmp_path, command):
    (tmp_path / "zero.npy").write_bytes(b"")
    err = clirun.run_error(capsys, "goodhart", *command, "--error-samples", str(tmp_path / "zero.npy"))
    assert err.startswith("alignlab: error: --error-samples: cannot read file as .npy")


def test_samples_errors_name_error_samples_and_the_limit_of_n(capsys):
    err = clirun.run_error(capsys, "goodhart", "bon", "--error-samples", "starling-llama", "--n", "2")
    assert err.startswith("alignlab: error: --error-samples: ") and "only Monte Carlo applies (--method mc)" in err
    err = clirun.run_error(capsys, "goodhart", "bon", "--error-samples", "starling-llama", "--n", "1", "900",
                           "--method", "mc")
    assert err.startswith("alignlab: error: --n: best of n from 16000 samples of X stops at n = 842")
