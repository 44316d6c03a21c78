"""The horizons commands: the JSON contract of `fit`, the human table, `plot`, and bad input as one line."""

import json

import pytest

from cli.clirun import run_cli, run_error, run_json
from horizons.synthetic import synthetic_runs, write_jsonl

AGENT_KEYS = {"agent", "runs", "successes", "tasks", "families", "minutes_range", "fits", "best_bic", "best_cv",
              "curve", "note"}
FIT_KEYS = {"params", "loglik", "aic", "bic", "p50_minutes", "p80_minutes", "p50_ci", "p80_ci", "params_ci",
            "cv_loglik", "extrapolated", "converged", "note"}
PARAMS = {"logistic": {"intercept", "slope"}, "exponential": {"half_life_minutes"},
          "weibull": {"scale_minutes", "shape"}, "steps": {"beta", "tau_minutes", "budget"},
          "steps-mixed": {"beta", "tau_minutes", "budget", "sigma"}}


@pytest.fixture(scope="module")
def runs_file(tmp_path_factory):
    return write_jsonl(tmp_path_factory.mktemp("cli") / "runs.jsonl", synthetic_runs(seed=3))


def test_fit_json_contract(capsys, runs_file):
    d = run_json(capsys, "horizons", "fit", runs_file, "--bootstrap", "6", "--workers", "1", "--seed", "2")
    assert set(d) == {"runs_file", "weights", "penalty", "agents", "bootstrap", "cv", "seed"}
    assert d["runs_file"] == runs_file and d["weights"] == "invsqrt" and d["penalty"] is None and d["seed"] == 2
    assert [a["agent"] for a in d["agents"]] == ["strong", "weak"]
    for a in d["agents"]:
        assert set(a) == AGENT_KEYS and set(a["fits"]) == set(PARAMS)
        assert a["runs"] == 120 and a["tasks"] == 24 and a["families"] == 8
        assert a["curve"]["minutes"] == sorted(a["curve"]["minutes"]) and len(a["curve"]["minutes"]) == 24
        assert set(a["curve"]["success"]) == set(PARAMS)
        assert a["best_cv"] in PARAMS and a["best_bic"] in PARAMS
        for name, f in a["fits"].items():
            assert set(f) == FIT_KEYS and set(f["params"]) == PARAMS[name]
            assert set(f["params_ci"]) == PARAMS[name] and len(f["p50_ci"]) == 2
            assert set(f["extrapolated"]) == {"p50", "p80"} and isinstance(f["cv_loglik"], float)


def test_fit_options_reach_the_library(capsys, runs_file):
    d = run_json(capsys, "horizons", "fit", runs_file, "--family", "logistic", "--weights", "none", "--penalty", "10",
                 "--bootstrap", "0", "--cv", "none", "--agent", "weak")
    a, = d["agents"]
    assert a["agent"] == "weak" and list(a["fits"]) == ["logistic"] and d["penalty"] == 10 and d["weights"] == "none"
    assert a["fits"]["logistic"]["p50_ci"] is None and a["fits"]["logistic"]["cv_loglik"] is None


def test_column_flags(capsys, tmp_path):
    records = [{("model" if k == "alias" else "length" if k == "human_minutes" else k): v for k, v in r.items()}
               for r in synthetic_runs(seed=3)]
    path = write_jsonl(tmp_path / "renamed.jsonl", records)
    d = run_json(capsys, "horizons", "fit", path, "--agent-column", "model", "--minutes-column", "length",
                 "--family", "exponential", "--bootstrap", "0", "--cv", "none")
    assert [a["agent"] for a in d["agents"]] == ["strong", "weak"]


def test_human_output_is_a_table_per_agent(runs_file):
    code, out, err = run_cli(["horizons", "fit", runs_file, "--family", "logistic", "weibull", "--bootstrap", "0"])
    assert code == 0 and not out.startswith("{")
    assert "strong" in out and "weak" in out and "p50 min" in out and "weibull" in out


def test_plot_writes_figures_and_json(capsys, runs_file, tmp_path):
    out = tmp_path / "figs"
    d = run_json(capsys, "horizons", "plot", runs_file, "--out", str(out), "--family", "logistic", "steps",
                 "--bootstrap", "4", "--workers", "1")
    names = sorted(p.name for p in out.iterdir())
    assert names == ["agent_strong.png", "agent_weak.png", "agents.png", "horizons.json", "summary.png"]
    assert all((out / n).stat().st_size > 10_000 for n in names if n.endswith(".png"))
    assert json.loads((out / "horizons.json").read_text())["agents"][0]["agent"] == "strong"
    assert len(d["figures"]) == 4


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


ROW = '{"alias": "a", "task_id": "t", "task_family": "f", "human_minutes": %s, "score_binarized": %s}\n'


@pytest.mark.parametrize("name, text, words", [
    ("missing.jsonl", '{"alias": "a", "task_id": "t", "human_minutes": 3, "score_binarized": 1}\n',
     ["missing column 'task_family'", "columns found: alias, task_id, human_minutes, score_binarized"]),
    ("length.jsonl", ROW % (3, 1) + ROW % ('"ten"', 1), ["line 2", "human_minutes", "positive task length"]),
    ("negative.jsonl", ROW % (-4, 1), ["line 1", "positive task length"]),
    ("score.jsonl", ROW % (3, 2), ["line 1", "score in [0, 1]"]),
    ("empty.jsonl", "", ["holds no runs"]),
    ("runs.txt", "x", ["unknown file type '.txt'"]),
    ("broken.parquet", "not parquet", ["cannot read file as parquet"]),
])
def test_bad_runs_files_exit_2_with_one_line(capsys, tmp_path, name, text, words):
    err = run_error(capsys, "horizons", "fit", _write(tmp_path, name, text), "--bootstrap", "0")
    for w in words:
        assert w in err


def test_bad_options_exit_2_with_one_line(capsys, runs_file):
    assert "unknown agent 'nobody'" in run_error(capsys, "horizons", "fit", runs_file, "--agent", "nobody")
    assert "(agents: strong, weak)" in run_error(capsys, "horizons", "fit", runs_file, "--agent", "nobody")
    assert "penalty: must be > 0" in run_error(capsys, "horizons", "fit", runs_file, "--penalty", "0")
    assert "bootstrap: must be an integer" in run_error(capsys, "horizons", "fit", runs_file, "--bootstrap", "2.5")
    # argparse's own errors: the same exit status and one line, in argparse's words
    for args in (["fit", runs_file, "--family", "probit"], ["plot", runs_file]):
        code, out, err = run_cli(["horizons", *args])
        assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("alignlab horizons")
