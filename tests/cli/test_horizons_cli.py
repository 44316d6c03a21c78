"""The horizons commands: the JSON contract of `fit`, the human table, `plot`, saved fits and `predict`, `trend`,
old spellings, and bad input as one line."""

import json

import pytest

from cli.clirun import run_cli, run_error, run_json
from horizons.synthetic import synthetic_runs, write_jsonl

AGENT_KEYS = {"agent", "runs", "successes", "tasks", "families", "minutes_range", "fits", "best_bic", "best_cv",
              "curve", "note"}
FIT_KEYS = {"curve", "params", "loglik", "aic", "bic", "p50_minutes", "p80_minutes", "p50_ci", "p80_ci", "params_ci",
            "cv_loglik", "cv_folds", "cv_skipped", "cv_at_limit", "bootstrap_draws", "bootstrap_at_limit",
            "extrapolated", "converged", "note"}
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
            assert f["curve"] == name and f["cv_folds"] == 8 and f["bootstrap_draws"] == 6


def test_fit_options_reach_the_library(capsys, runs_file):
    d = run_json(capsys, "horizons", "fit", runs_file, "--curve", "logistic", "--weights", "none", "--penalty", "10",
                 "--bootstrap", "0", "--cv", "none", "--agent", "weak")
    a, = d["agents"]
    assert a["agent"] == "weak" and list(a["fits"]) == ["logistic"] and d["penalty"] == 10 and d["weights"] == "none"
    assert a["fits"]["logistic"]["p50_ci"] is None and a["fits"]["logistic"]["cv_loglik"] is None


@pytest.fixture(scope="module")
def renamed_runs(tmp_path_factory):
    """The synthetic runs with the agent column called model and the task length length."""
    records = [{("model" if k == "alias" else "length" if k == "human_minutes" else k): v for k, v in r.items()}
               for r in synthetic_runs(seed=3)]
    return write_jsonl(tmp_path_factory.mktemp("renamed") / "renamed.jsonl", records)


def test_columns_in_one_flag_and_the_old_per_role_flags(capsys, renamed_runs):
    fit = ["--curve", "exponential", "--bootstrap", "0", "--cv", "none"]
    d = run_json(capsys, "horizons", "fit", renamed_runs, "--columns", "agent=model,minutes=length", *fit)
    assert [a["agent"] for a in d["agents"]] == ["strong", "weak"]
    old = run_json(capsys, "horizons", "fit", renamed_runs, "--agent-column", "model", "--minutes-column", "length",
                   *fit)
    assert old == d
    code, _, err = run_cli(["horizons", "fit", renamed_runs, "--agent-column", "model", "--minutes-column", "length",
                            *fit])
    assert code == 0 and "--agent-column is renamed --columns agent=NAME" in err and err.count("\n") == 2


@pytest.mark.parametrize("command", [["fit"], ["trend", "--skip-undated"], ["joint", "--model", "rasch"]])
def test_a_missing_column_names_the_flag_that_fixes_it(capsys, renamed_runs, command):
    name, *options = command
    err = run_error(capsys, "horizons", name, renamed_runs, *options, "--bootstrap", "0")
    assert "missing column 'alias'" in err and "name the agent column with --columns agent=NAME" in err
    assert "columns=" not in err
    assert "--columns: roles are" in run_error(capsys, "horizons", name, renamed_runs, *options, "--columns",
                                               "who=model")
    code, out, err = run_cli(["horizons", name, renamed_runs, "--columns", "model"])       # argparse's own words
    assert code == 2 and out == "" and err.count("\n") == 1 and "--columns: must be ROLE=NAME" in err


def test_human_output_is_a_table_per_agent(runs_file):
    code, out, err = run_cli(["horizons", "fit", runs_file, "--curve", "logistic", "weibull", "--bootstrap", "0"])
    assert code == 0 and not out.startswith("{")
    assert "strong" in out and "weak" in out and "p50 min" in out and "weibull" in out


def test_plot_writes_figures_and_json(capsys, runs_file, tmp_path):
    out = tmp_path / "figs"
    d = run_json(capsys, "horizons", "plot", runs_file, "--out", str(out), "--curve", "logistic", "steps",
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
    for args in (["fit", runs_file, "--curve", "probit"], ["plot", runs_file]):
        code, out, err = run_cli(["horizons", *args])
        assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("alignlab horizons")


# -- trend ------------------------------------------------------------------------------------------------
TREND_KEYS = {"source", "models", "trends", "forecasts", "reach", "seed"}
TREND_AGENTS = (("old", -1.0, -0.9), ("mid", 0.5, -0.8), ("new", 2.0, -0.6), ("newest", 3.0, -0.5),
                ("human", 4.0, -0.4))
DATES = "alias,release_date\nold,2022-01-01\nmid,2023-01-01\nnew,2024-01-01\nnewest,2024-08-01\n"


@pytest.fixture(scope="module")
def published_file(tmp_path_factory):
    from horizons.synthetic import write_published
    return write_published(tmp_path_factory.mktemp("trend") / "published.csv")


@pytest.fixture(scope="module")
def dated_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dated")
    (folder / "dates.csv").write_text(DATES)
    return (write_jsonl(folder / "runs.jsonl", synthetic_runs(seed=5, agents=TREND_AGENTS, families=5)),
            str(folder / "dates.csv"))


def test_trend_json_contract_on_the_published_table(capsys, published_file):
    d = run_json(capsys, "horizons", "trend", "--published", published_file, "--suite", "1.1", "--bootstrap", "60",
                 "--seed", "4", "--forecast", "2026-01-01", "2027-01-01", "--reach", "480", "2400", "1e12")
    assert set(d) == TREND_KEYS and d["seed"] == 4
    assert d["source"]["kind"] == "published" and d["source"]["bootstrap"] == 60 and d["source"]["holdout"] == 3
    assert all(set(m) == {"model", "release_date", "p50_minutes", "p50_ci"} for m in d["models"])
    assert len(d["models"]) == 12 and d["models"] == sorted(d["models"], key=lambda m: m["release_date"])
    t = d["trends"]
    assert {"doubling_days", "doubling_days_ci", "r2", "holdout_error"} <= set(t["exponential"])
    assert {"acceleration", "acceleration_ci", "doubling_days_last", "holdout_error"} <= set(t["accelerating"])
    assert {"beta_per_year", "beta_crosses_1", "beta_crosses_1_ci", "beta_crosses_2",
            "holdout_error"} <= set(t["steps"])
    assert t["broken"]["break_date"] == "2023-01-01" and {"doubling_days_before", "doubling_days_after", "p_value",
                                                           "f_statistic", "change_ci"} <= set(t["broken"])
    assert t["steps"]["beta_crosses_1"] is None and t["steps"]["note"].startswith("no steps fit")
    assert [f["date"] for f in d["forecasts"]] == ["2026-01-01", "2027-01-01"]
    assert set(d["forecasts"][0]) == {"date", "exponential", "accelerating", "steps"}
    assert d["forecasts"][0]["steps"] is None and len(d["forecasts"][0]["exponential"]["p50_ci"]) == 2
    assert [r["minutes"] for r in d["reach"]] == [480, 2400, 1e12]
    assert d["reach"][0]["exponential"]["date"] < d["reach"][1]["exponential"]["date"]


def test_trend_filters_holdout_and_figures(capsys, published_file, tmp_path):
    out = tmp_path / "figs"
    d = run_json(capsys, "horizons", "trend", "--published", published_file, "--suite", "1.1", "--frontier-only",
                 "--since", "2019-06-01", "--holdout", "2", "--bootstrap", "20", "--out", str(out))
    assert [m["model"] for m in d["models"]] == ["m02", "m04", "m06", "m08", "m10"]
    assert d["trends"]["exponential"]["holdout"]["models"] == ["m08", "m10"]
    assert sorted(p.name for p in out.iterdir()) == ["trend.png"]          # no beta without runs
    code, text, err = run_cli(["horizons", "trend", "--published", published_file, "--suite", "1.1",
                               "--bootstrap", "20", "--forecast", "2026-01-01", "--reach", "480"])
    assert code == 0 and "doubling every" in text and "forecast p50" in text and "reach" in text


def test_trend_from_a_runs_file_with_release_dates(capsys, dated_runs, tmp_path):
    runs, dates = dated_runs
    err = run_error(capsys, "horizons", "trend", runs, "--release-dates", dates, "--bootstrap", "0")
    assert "--release-dates: no release date for agent 'human'" in err and "--skip-undated" in err
    out = tmp_path / "figs"
    d = run_json(capsys, "horizons", "trend", runs, "--release-dates", dates, "--skip-undated", "--steps-curve",
                 "steps", "--bootstrap", "4", "--workers", "1", "--holdout", "1", "--out", str(out))
    assert d["source"]["kind"] == "runs" and d["source"]["left_out"] == ["human: no release date"]
    assert [m["model"] for m in d["models"]] == ["old", "mid", "new", "newest"]
    assert d["source"]["steps_curve"] == "steps" and len(d["trends"]["steps"]["agents"]) == 4
    assert sorted(p.name for p in out.iterdir()) == ["beta.png", "trend.png"]


@pytest.mark.parametrize("args, words", [
    (["--suite", "2.0"], ["suite: must be one of 1.1 (got '2.0')"]),
    (["--suite", "1.1", "--since", "2024-06-01"], ["models: a trend needs at least 3 release dates"]),
    (["--suite", "1.1", "--since", "June 2024"], ["since: must be a date YYYY-MM-DD"]),
    (["--suite", "1.1", "--holdout", "12"], ["holdout: must be smaller than the number of models on the trend, 12"]),
    (["--suite", "1.1", "--holdout", "10"], ["holdout: holding out the newest 10 models leaves 2 release dates"]),
    (["--suite", "1.1", "--forecast", "2026-02-30"], ["forecast: must be a date YYYY-MM-DD"]),
    (["--suite", "1.1", "--reach", "0"], ["reach: must be > 0"]),
    (["--suite", "1.1", "--bootstrap", "-1"], ["bootstrap: must be an integer >= 0"]),
    (["--suite", "1.1", "--bootstrap", "1e9"], ["bootstrap:", "exceed the work limit", "--max-work"]),
    (["--suite", "1.1", "--release-dates", "x.csv"], ["published:", "--release-dates applies to a runs file only"]),
    (["--suite", "1.1", "--curve", "weibull"], ["published:", "--curve applies to a runs file only"]),
    (["--suite", "1.1", "--break", "2023"], ["break: must be a date YYYY-MM-DD"]),
    (["--suite", "1.1", "--out", "/proc/nowhere/figs"], ["out:"]),
    ([], ["suite: give the suite to trend, one of 1.1"]),
])
def test_trend_bad_input_exits_2_with_one_line(capsys, published_file, args, words):
    err = run_error(capsys, "horizons", "trend", "--published", published_file, *args)
    for w in words:
        assert w in err


def test_trend_bad_release_dates_name_the_line(capsys, dated_runs, tmp_path):
    runs, _ = dated_runs
    bad = tmp_path / "dates.csv"
    bad.write_text("alias,release_date\nold,2022-01-01\nmid,2023-31-01\n")
    err = run_error(capsys, "horizons", "trend", runs, "--release-dates", str(bad), "--skip-undated")
    assert f"{bad}: line 3: release_date must be a date YYYY-MM-DD (got '2023-31-01')" in err
    err = run_error(capsys, "horizons", "trend", runs, "--release-dates", str(tmp_path / "absent.csv"))
    assert "cannot read release dates: no such file" in err
    err = run_error(capsys, "horizons", "trend", runs, "--suite", "1.1")
    assert "suite: applies to --published only" in err


# -- saved fits and predict -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def saved_fit(tmp_path_factory, runs_file):
    path = tmp_path_factory.mktemp("saved") / "fit.json"
    code, out, err = run_cli(["horizons", "fit", runs_file, "--curve", "logistic", "weibull", "steps",
                              "--bootstrap", "20", "--workers", "1", "--out", str(path), "--json"])
    assert code == 0 and err == ""
    return path, json.loads(out)


def test_fit_out_saves_the_whole_result_and_predict_reproduces_its_curves(capsys, saved_fit):
    from alignlab.horizons import load_fit
    path, printed = saved_fit
    result = load_fit(path)
    assert result.to_json() == printed                       # the file holds what --json printed, and more:
    assert len(result.agents[0].fits["weibull"].param_draws["shape"]) == 20
    agent = result.agents[0]
    minutes = list(agent.curve.minutes[:4])
    d = run_json(capsys, "horizons", "predict", str(path), "--minutes", *map(str, minutes))
    assert set(d) == {"fit", "minutes", "agents"} and d["fit"] == str(path) and d["minutes"] == minutes
    assert [a["agent"] for a in d["agents"]] == ["strong", "weak"]
    for name, c in d["agents"][0]["curves"].items():
        assert set(c) == {"success", "success_ci"}
        assert c["success"] == pytest.approx(agent.curve.success[name][:4], rel=1e-12)
        assert all(lo <= hi for lo, hi in c["success_ci"])


def test_predict_chooses_agents_and_curves_and_prints_a_table(capsys, saved_fit):
    path, _ = saved_fit
    d = run_json(capsys, "horizons", "predict", str(path), "--minutes", "15", "120", "--agent", "weak",
                 "--curve", "steps")
    assert [a["agent"] for a in d["agents"]] == ["weak"] and list(d["agents"][0]["curves"]) == ["steps"]
    code, out, err = run_cli(["horizons", "predict", str(path), "--minutes", "15", "120"])
    assert code == 0 and "weak" in out and "120 min" in out and "weibull" in out


@pytest.mark.parametrize("args, words", [
    (["--minutes", "0"], ["minutes: must be > 0"]),
    (["--minutes", "15", "--agent", "nobody"], ["agent: must be one of strong, weak (got 'nobody')"]),
    (["--minutes", "15", "--curve", "steps-mixed"], ["curve: must be one of logistic, weibull, steps"]),
])
def test_predict_bad_input_exits_2_with_one_line(capsys, saved_fit, args, words):
    err = run_error(capsys, "horizons", "predict", str(saved_fit[0]), *args)
    for w in words:
        assert w in err


def test_predict_refuses_files_that_are_not_saved_fits(capsys, tmp_path, runs_file):
    assert "no such file" in run_error(capsys, "horizons", "predict", str(tmp_path / "x.json"), "--minutes", "1")
    (tmp_path / "other.json").write_text('{"format": "something else"}')
    assert "is not a saved horizons fit" in run_error(capsys, "horizons", "predict", str(tmp_path / "other.json"),
                                                      "--minutes", "1")
    (tmp_path / "broken.json").write_text('{"format": "alignlab.horizons.fit", "version": 1, "result": {"x": 1}}')
    assert "damaged saved fit" in run_error(capsys, "horizons", "predict", str(tmp_path / "broken.json"),
                                            "--minutes", "1")
    assert "out:" in run_error(capsys, "horizons", "fit", runs_file, "--bootstrap", "0", "--out",
                               str(tmp_path / "fit.txt"))


def test_old_spellings_still_work_with_a_warning_naming_the_new(capsys, runs_file):
    code, out, err = run_cli(["horizons", "fit", runs_file, "--family", "logistic", "--bootstrap", "0", "--cv", "none"])
    assert code == 0 and err == ("alignlab: warning: --family is renamed --curve; --family will be removed in the "
                                 "next release\n")
    d = run_json(capsys, "horizons", "fit", runs_file, "--family", "logistic", "--bootstrap", "0", "--cv", "none")
    assert list(d["agents"][0]["fits"]) == ["logistic"]
    # a refused command with an old spelling: the error alone, one line
    assert "--bootstrap: must be an integer" in run_error(capsys, "horizons", "fit", runs_file, "--family", "logistic",
                                                          "--bootstrap", "-1")
