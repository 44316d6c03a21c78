"""The steps commands: the JSON contract, human output, and one-line errors with exit status 2."""

import math
import subprocess
import sys

import pytest
from scipy import stats

from alignlab.cli.main import main
from cli.clirun import run_error, run_json


def test_describe_json_contract(capsys):
    d = run_json(capsys, "steps", "describe", "--alpha", "0.5", "--q", "3")
    for key in ("alpha", "q", "beta", "critical_q", "variance_q", "mean_subtask_time", "median_subtask_time",
                "regime", "efficiency"):
        assert key in d
    assert (d["beta"], d["critical_q"], d["variance_q"], d["mean_subtask_time"], d["regime"]) == (
        1.5, 2.0, 4.0, 3.0, "linear-heavy")


def test_describe_writes_null_for_an_infinite_mean(capsys):
    d = run_json(capsys, "steps", "describe", "--alpha", "0.5", "--q", "1")
    assert d["mean_subtask_time"] is None and d["regime"] == "stuck" and d["efficiency"] == 0.0


def test_task_json_contract_with_quantiles_keyed_as_written(capsys):
    d = run_json(capsys, "steps", "task", "--alpha", "0.25", "--q", "2", "--n", "1000000",
                 "--quantile", "0.1", "0.5", "0.9")
    assert d["n"] == 1000000 and d["method"] == "exact" and d["mean"] is None
    assert list(d["quantiles"]) == ["0.1", "0.5", "0.9"]
    # beta = 1/2: S_n / n^2 is close to Levy(pi/2), whose median is 3.4528
    assert d["quantiles"]["0.5"] / 1e12 == pytest.approx(3.4528, rel=1e-4)


def test_simulate_json_contract_and_reproducibility(capsys):
    args = ("steps", "simulate", "--alpha", "0.25", "--q", "2", "--n", "100", "--trials", "20000", "--seed", "1")
    a = run_json(capsys, *args)
    b = run_json(capsys, *args)
    for key in ("n", "trials", "seed", "mean_sample", "quantiles"):
        assert key in a
    assert a == b and a["seed"] == 1 and list(a["quantiles"]) == ["0.1", "0.5", "0.9"]


def test_curve_writes_the_figure(capsys, tmp_path):
    out = tmp_path / "growth.png"
    d = run_json(capsys, "steps", "curve", "--alpha", "0.5", "--q", "1", "2", "3", "4", "--n", "1", "1e8",
                 "--points", "9", "--out", str(out))
    assert out.stat().st_size > 10_000 and d["out"] == str(out)
    assert [c["q"] for c in d["curves"]] == [1.0, 2.0, 3.0, 4.0]
    assert d["curves"][0]["fitted_slope"] == pytest.approx(d["curves"][0]["theory_slope"], abs=0.01)


def test_horizon_json_contract(capsys):
    d = run_json(capsys, "steps", "horizon", "--alpha", "0.5", "--q", "3", "--budget", "1000")
    assert set(d) >= {"budget", "p", "horizon"} and d["budget"] == 1000 and d["p"] == 0.5
    from alignlab.steps import StepsModel
    model = StepsModel(0.5, 3)
    assert model.success_probability(d["horizon"], 1000) >= 0.5 > model.success_probability(d["horizon"] + 1, 1000)


def test_task_and_horizon_across_the_double_range_of_q_alpha(capsys):
    # q alpha = 1e-300: quantiles of e^(7e302) are null, their log10 finite and those of the largest term
    out = run_json(capsys, "steps", "task", "--alpha", "1e-300", "--q", "1", "--n", "1e300")
    assert out["method"] == "exact" and all(v is None for v in out["quantiles"].values())
    largest = -math.log(-math.expm1(math.log(0.5) / 1e300)) / 1e-300 / math.log(10)
    assert out["log10_quantiles"]["0.5"] == pytest.approx(largest, rel=1e-12)
    out = run_json(capsys, "steps", "task", "--alpha", "0.01", "--q", "2", "--n", "1")   # closed form at n = 1
    assert out["quantiles"]["0.5"] == pytest.approx(2 ** 50, rel=1e-12)
    out = run_json(capsys, "steps", "horizon", "--alpha", "0.005", "--q", "1", "--budget", "1.7e308")
    assert out["horizon"] >= 1 and out["success_at_horizon"] >= 0.5
    # q alpha = 1e300: S_n = n + V_n / beta with V_n -> Gamma(n); q alpha = 1e6: the Gamma law shows
    out = run_json(capsys, "steps", "task", "--alpha", "1e300", "--q", "1", "--n", "10")
    assert out["quantiles"] == {"0.1": 10.0, "0.5": 10.0, "0.9": 10.0} and out["log10_quantiles"]["0.5"] == 1.0
    out = run_json(capsys, "steps", "task", "--alpha", "1e6", "--q", "1", "--n", "1000", "--quantile", "0.5")
    excess = (out["quantiles"]["0.5"] - 1000) * 1e6
    assert excess == pytest.approx(stats.gamma.ppf(0.5, 1000), rel=1e-5)     # doubles keep ~5 digits of it
    assert "alpha:" in run_error(capsys, "steps", "task", "--alpha", "1e300", "--q", "1e10", "--n", "10")
    assert "method:" in run_error(capsys, "steps", "task", "--alpha", "0.01", "--q", "1", "--n", "10",
                                  "--method", "asymptotic")


def test_human_output_is_a_table(capsys):
    assert main(["steps", "describe", "--alpha", "0.5", "--q", "3"]) == 0
    assert "linear-heavy" in capsys.readouterr().out


@pytest.mark.parametrize("args,param", [
    (["steps", "describe", "--alpha", "0", "--q", "2"], "alpha"),
    (["steps", "describe", "--alpha", "-1", "--q", "2"], "alpha"),
    (["steps", "describe", "--alpha", "nan", "--q", "2"], "alpha"),
    (["steps", "describe", "--alpha", "inf", "--q", "2"], "alpha"),
    (["steps", "describe", "--alpha", "0.5", "--q", "0.5"], "q"),
    (["steps", "task", "--alpha", "0.5", "--q", "2", "--n", "0"], "n"),
    (["steps", "task", "--alpha", "0.5", "--q", "2", "--n", "2.5"], "n"),
    (["steps", "task", "--alpha", "0.5", "--q", "2", "--n", "10", "--quantile", "0"], "quantile"),
    (["steps", "task", "--alpha", "0.5", "--q", "2", "--n", "10", "--quantile", "0.5", "1.2"], "quantile"),
    (["steps", "describe", "--alpha", "0.5", "--q", "2", "--approach", "nosuch"], "approach"),
    (["steps", "simulate", "--alpha", "0.5", "--q", "2", "--n", "10", "--trials", "0"], "trials"),
    (["steps", "simulate", "--alpha", "0.5", "--q", "2", "--n", "1e9", "--trials", "1e6"], "trials"),
    (["steps", "task", "--alpha", "0.5", "--q", "2", "--n", "1e9", "--method", "mc", "--trials", "1e6"], "trials"),
    (["steps", "horizon", "--alpha", "0.5", "--q", "2", "--budget", "0"], "budget"),
])
def test_bad_input_is_one_line_naming_the_parameter_with_status_2(capsys, args, param):
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and f"{param}:" in err and "Traceback" not in err


def test_argument_syntax_errors_are_one_line_too(capsys):
    assert main(["steps", "describe", "--alpha", "abc", "--q", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--alpha" in err
    assert main(["steps", "nosuch"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_the_installed_command_exits_2_without_a_traceback():
    proc = subprocess.run([sys.executable, "-m", "alignlab.cli.main", "steps", "task", "--alpha", "-2", "--q", "2",
                           "--n", "5"], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == "alignlab: error: --alpha: must be > 0 (got -2.0)"


LOGNORMAL = ("--q", "2", "--approach", "lognorm(s=1, loc=1)")


def test_horizon_by_monte_carlo_gives_the_same_answer_twice_and_says_how(capsys):
    """`steps horizon` fell back to Monte Carlo with a fresh seed (0.507, then 0.520 on the same command)."""
    a = run_json(capsys, "steps", "horizon", *LOGNORMAL, "--budget", "100")
    b = run_json(capsys, "steps", "horizon", *LOGNORMAL, "--budget", "100")
    assert a == b and (a["method"], a["seed"], a["trials"]) == ("mc", 0, 20000)
    other = run_json(capsys, "steps", "horizon", *LOGNORMAL, "--budget", "100", "--seed", "1", "--trials", "5000")
    assert (other["seed"], other["trials"]) == (1, 5000)
    from alignlab.steps import StepsModel
    assert StepsModel(q=2, approach="lognorm(s=1, loc=1)").horizon(100).to_json() == a   # the same default seed
    code = main(["steps", "horizon", *LOGNORMAL, "--budget", "100"])
    out, _ = capsys.readouterr()
    assert code == 0 and "horizon (mc)" in out and "seed" in out and "20000" in out


def test_monte_carlo_task_and_curve_name_their_seed_and_trials(capsys):
    d = run_json(capsys, "steps", "task", *LOGNORMAL, "--n", "50", "--trials", "1000")
    assert (d["method"], d["seed"], d["trials"]) == ("mc", 0, 1000)
    exact = run_json(capsys, "steps", "task", "--alpha", "0.5", "--q", "3", "--n", "50")
    assert (exact["method"], exact["seed"], exact["trials"]) == ("exact", None, None)
    code = main(["steps", "curve", "--q", "1", "2", "--approach", "lognorm(s=1, loc=1)", "--n", "1", "100",
                 "--points", "4", "--trials", "300"])
    out, _ = capsys.readouterr()
    assert code == 0 and "Monte Carlo (method mc): seed 0, 300 tasks per Q" in out


def test_old_threads_flag_works_with_a_warning_naming_workers(capsys):
    args = ["steps", "simulate", "--alpha", "0.5", "--q", "3", "--n", "100", "--trials", "1000"]
    new = run_json(capsys, *args, "--workers", "1")
    code = main(args + ["--threads", "1"])
    out, err = capsys.readouterr()
    assert code == 0 and err.count("\n") == 1 and "--threads is renamed --workers" in err
    assert new == run_json(capsys, *args, "--threads", "2")       # the numbers do not depend on the cores


def test_python_errors_name_keywords_and_command_line_errors_name_flags(capsys):
    from alignlab._validate import ParameterError
    from alignlab.steps import StepsModel
    with pytest.raises(ParameterError, match="use method='mc' or method='asymptotic'"):
        StepsModel(q=2, approach="lognorm(s=1, loc=1)").task_quantiles(10, method="exact")
    err = run_error(capsys, "steps", "task", *LOGNORMAL, "--n", "10", "--method", "exact")
    assert "alignlab: error: --method: " in err and "use --method mc or --method asymptotic" in err
    with pytest.raises(ParameterError, match="max_work=3e\\+10"):
        StepsModel(0.5, 3).simulate(10 ** 6, 30_000)
    err = run_error(capsys, "steps", "simulate", "--alpha", "0.5", "--q", "3", "--n", "1e6", "--trials", "30000")
    assert "--max-work 3e+10" in err and "max_work" not in err
