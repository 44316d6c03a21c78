"""The tails commands: the JSON contract, figures written, and bad input as one line with exit status 2."""

import json

import numpy as np
import pytest

from alignlab.cli.main import main
from cli.clirun import run_error, run_json


@pytest.fixture
def pareto(tmp_path):
    path = tmp_path / "pareto.npy"
    np.save(path, np.random.default_rng(1).pareto(1.5, 3000) + 1)
    return path


@pytest.fixture
def counts(tmp_path):
    from scipy import stats
    path = tmp_path / "counts.txt"
    np.savetxt(path, stats.zipf(2.2).rvs(3000, random_state=np.random.default_rng(2)), fmt="%d")
    return path


def test_fit_json_contract(capsys, pareto):
    d = run_json(capsys, "tails", "fit", str(pareto))
    for key in ("xmin", "alpha", "sigma", "n_tail", "ks", "discrete"):
        assert key in d
    assert d["discrete"] is False and abs(d["alpha"] - 2.5) < 4 * d["sigma"] and d["p_value"] is None


def test_fit_with_gof_adds_the_p_value_and_is_reproducible(capsys, pareto):
    args = ("tails", "fit", str(pareto), "--gof", "--replicates", "30", "--seed", "3")
    a = run_json(capsys, *args)
    assert 0 <= a["p_value"] <= 1 and a["gof_replicates"] == 30 and a["seed"] == 3
    assert run_json(capsys, *args)["p_value"] == a["p_value"]
    assert run_json(capsys, "tails", "fit", str(pareto), "--gof", "--replicates", "10")["seed"] == 0   # the default


def test_discrete_fit_of_a_text_file(capsys, counts):
    d = run_json(capsys, "tails", "fit", str(counts), "--discrete")
    assert d["discrete"] is True and abs(d["alpha"] - 2.2) < 4 * d["sigma"]


def test_hill_writes_its_plot(capsys, pareto, tmp_path):
    out = tmp_path / "hill.png"
    d = run_json(capsys, "tails", "hill", str(pareto), "--bootstrap-samples", "50", "--out", str(out))
    assert out.stat().st_size > 10_000 and d["out"] == str(out)
    assert d["selection"] == "double-bootstrap" and isinstance(d["chosen_k"], int) and d["chosen_xi"] > 0
    assert d["seed"] == 0 and d["bootstrap"]["samples"] == 50
    fixed = run_json(capsys, "tails", "hill", str(pareto), "--k", "100")
    assert fixed["chosen_k"] == 100 and fixed["selection"] == "fixed" and fixed["seed"] is None


def test_compare_json_lists_every_alternative(capsys, pareto):
    d = run_json(capsys, "tails", "compare", str(pareto))
    assert [c["alternative"] for c in d["comparisons"]] == [
        "exponential", "lognormal", "stretched_exponential", "truncated_power_law"]
    assert d["comparisons"][0]["favours"] == "power_law" and d["fit"]["n_tail"] > 0


def test_diagnose_json_contract_and_output_folder(capsys, tmp_path):
    path = tmp_path / "normal.csv"
    path.write_text("reward\n" + "\n".join(str(v) for v in np.random.default_rng(4).normal(size=4000)))
    out = tmp_path / "diag"
    d = run_json(capsys, "tails", "diagnose", str(path), "--out", str(out), "--bootstrap-samples", "40")
    for key in ("verdict", "n", "hill", "evidence"):
        assert key in d
    assert d["verdict"] == "light" and d["n"] == 4000 and {"chosen_k", "chosen_xi"} <= set(d["hill"])
    assert d["seed"] == 0 and "figure_data" not in d
    assert all(isinstance(e, str) for e in d["evidence"]) and len(d["evidence"]) >= 4
    assert (out / "diagnosis.png").stat().st_size > 20_000
    assert json.loads((out / "diagnosis.json").read_text())["verdict"] == "light"


def test_human_output_is_not_json(capsys, pareto):
    assert main(["tails", "fit", str(pareto)]) == 0
    out, _ = capsys.readouterr()
    assert "alpha" in out and not out.startswith("{")


def test_bad_input_is_one_line_naming_the_file(capsys, tmp_path):
    err = run_error(capsys, "tails", "fit", str(tmp_path / "missing.npy"))
    assert "missing.npy: cannot read file" in err
    bad = tmp_path / "bad.txt"
    bad.write_text("1\n2\nthree\n" + "4\n" * 20)
    assert "bad.txt: line 3: 'three' is not a number" in run_error(capsys, "tails", "hill", str(bad))
    neg = tmp_path / "neg.npy"
    np.save(neg, np.random.default_rng(0).normal(size=100))
    err = run_error(capsys, "tails", "fit", str(neg))
    assert "neg.npy: a power-law fit needs positive values" in err
    nan = tmp_path / "nan.npy"
    np.save(nan, np.array([1.0, np.nan] + list(range(2, 40))))
    assert "--drop-nonfinite" in run_error(capsys, "tails", "diagnose", str(nan))
    assert run_json(capsys, "tails", "fit", str(nan), "--drop-nonfinite")["dropped_nonfinite"] == 1
    assert "--min-tail: must be an integer in [2, 39] (got 1)" in run_error(capsys, "tails", "fit", str(nan),
                                                                           "--drop-nonfinite", "--min-tail", "1")


def test_usage_errors_exit_2_with_one_line(capsys, pareto):
    for args in (["tails", "fit", str(pareto), "--nonsense"], ["tails", "fit"], ["tails", "hill", str(pareto),
                                                                               "--k", "many"]):
        code = main(args)
        out, err = capsys.readouterr()
        assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("alignlab")


@pytest.mark.parametrize("command, out", [("fit", "out.zarr"), ("fit", ""), ("hill", "missing/sub/h.png"),
                                          ("hill", "folder"), ("fit", "-")])
def test_figure_paths_are_checked_before_any_work(capsys, tmp_path, monkeypatch, pareto, command, out):
    """`tails fit FILE --out out.zarr` was a matplotlib error after the fit; `--out folder` wrote folder.png."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    err = run_error(capsys, "tails", command, str(pareto), "--out", out)
    assert err.startswith("alignlab: error: --out: ") and sorted(p.name for p in tmp_path.iterdir()) == before


def test_diagnose_writes_only_into_a_folder_of_its_own(capsys, tmp_path, monkeypatch, pareto):
    """--out . wrote diagnosis files among the user's; an existing file was a FileExistsError."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.txt").write_text("keep\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    for out in (".", "data.txt", "-", str(tmp_path / "missing" / "d")):
        assert "out: " in run_error(capsys, "tails", "diagnose", str(pareto), "--out", out)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    for _ in range(2):                       # a new folder, then the same one again (an earlier diagnosis)
        d = run_json(capsys, "tails", "diagnose", str(pareto), "--out", "d", "--bootstrap-samples", "20")
        assert d["out"] == "d" and sorted(p.name for p in (tmp_path / "d").iterdir()) == ["diagnosis.json",
                                                                                         "diagnosis.png"]


def test_values_near_the_double_range_keep_the_contract(capsys, tmp_path):
    """`tails compare huge.npy` (values up to 1e308) was a math domain error."""
    huge = tmp_path / "huge.npy"
    np.save(huge, np.full(100, 1e308) * np.random.default_rng(0).random(100))
    d = run_json(capsys, "tails", "compare", str(huge))
    assert len(d["comparisons"]) == 4 and d["fit"]["xmin"] > 1e300
    err = run_error(capsys, "tails", "compare", str(huge), "--xmin", "1e-300")
    assert err.startswith("alignlab: error: --xmin: ")


def test_hill_excess_of_values_spanning_the_double_range_names_the_file(capsys, tmp_path):
    wide = tmp_path / "wide.npy"
    np.save(wide, np.concatenate([np.full(50, -1.7e308), np.linspace(0, 1.7e308, 50)]))
    assert "wide.npy: values lie further from their mean" in run_error(capsys, "tails", "hill", str(wide), "--excess")


@pytest.mark.parametrize("command", ["fit", "hill", "compare", "diagnose"])
def test_an_empty_npy_file_is_exit_2_naming_it(capsys, tmp_path, command):
    """It was "internal error: EOFError: No data left in file" with exit 1."""
    (tmp_path / "zero.npy").write_bytes(b"")
    err = run_error(capsys, "tails", command, str(tmp_path / "zero.npy"))
    assert err.startswith(f"alignlab: error: {tmp_path / 'zero.npy'}: cannot read file as .npy")


def test_workers_do_not_change_the_numbers(capsys, pareto):
    args = ("tails", "hill", str(pareto), "--bootstrap-samples", "20")
    assert run_json(capsys, *args, "--workers", "1") == run_json(capsys, *args, "--workers", "3")
