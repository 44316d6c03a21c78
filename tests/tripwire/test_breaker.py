import numpy as np
import pytest
from scipy import stats

from alignlab import ParameterError
from alignlab.tripwire.breaker import Thresholds, known_null_thresholds, make_alert, null_quantile
from alignlab.tripwire.calibration import NullRun, calibration_from_runs, parse_seeds
from alignlab.tripwire.config import TripwireConfig


def test_conformal_threshold_has_its_nominal_false_positive_rate():
    # null statistic: the largest of T independent N(0, 1) checks, whose tail is known exactly,
    # so each calibration's true false-positive rate is 1 - Phi(tau)^T. Averaged over calibrations
    # it must equal (N + 1 - k) / (N + 1) with k = ceil((1 - rate)(N + 1)): 5/501 here.
    rng = np.random.default_rng(0)
    n, t, rate, reps = 500, 30, 0.01, 400
    rates = []
    for _ in range(reps):
        tau = null_quantile(rng.normal(size=(n, t)).max(axis=1), rate)
        rates.append(1.0 - stats.norm.cdf(tau) ** t)
    expected = (n + 1 - np.ceil((1 - rate) * (n + 1))) / (n + 1)
    sd = np.sqrt(expected * (1 - expected) / (n + 2) / reps)
    assert abs(np.mean(rates) - expected) < 4 * sd
    assert np.mean(rates) <= rate + 4 * sd


def test_conformal_threshold_needs_enough_samples():
    with pytest.raises(ParameterError, match="at least 99"):
        null_quantile(np.arange(50.0), 0.01)


def test_known_null_threshold_is_bonferroni_over_checks_and_monitors():
    th = known_null_thresholds(("eval", "probe"), n_checks=100, fpr=0.01)
    tau = th.values["eval"]
    assert np.isclose(stats.norm.sf(tau), 0.01 / 200)
    assert 1 - stats.norm.cdf(tau) ** 200 <= 0.01           # iid N(0, 1) checks: run-level rate bounded


def test_alert_names_the_crossing_monitor():
    th = Thresholds({"eval": 3.0, "probe": 2.0}, 0.01, "known-null")
    assert make_alert(5, {"eval": 2.9, "probe": 1.0}, th, "learn") is None
    alert = make_alert(5, {"eval": 3.5, "probe": 1.0}, th, "learn")
    assert (alert.monitor, alert.statistic, alert.threshold) == ("eval", 3.5, 3.0)
    both = make_alert(5, {"eval": 3.1, "probe": 4.0}, th, "learn")
    assert both.monitor == "eval+probe" and both.statistic == 4.0


def test_calibration_on_synthetic_null_runs_meets_its_rate():
    cfg = TripwireConfig(n_hidden=12, steps=200, monitor_every=10, evidence_start=50, fpr=0.05)
    rng = np.random.default_rng(3)
    runs = []
    for seed in range(12):
        # scores drift like a training run (AR(1) over checks) and never depend on the answers
        s = np.zeros((cfg.n_checks, cfg.n_hidden, 4))
        for i in range(1, cfg.n_checks):
            s[i] = 0.9 * s[i - 1] + rng.normal(size=(cfg.n_hidden, 4))
        answers = rng.integers(0, 4, cfg.n_hidden)
        scores = {m: (s + 0.3 * rng.normal(size=s.shape)).tolist() for m in cfg.monitors}
        runs.append(NullRun(seed, tuple(range(0, 201, 10)), {m: (0.0,) for m in cfg.monitors}, scores,
                            tuple(answers.tolist()), 0.0, 0.0))
    cal = calibration_from_runs(cfg, tuple(runs), relabels=400)
    assert set(cal.thresholds) == set(cfg.monitors)
    for m in cfg.monitors:
        assert abs(cal.per_check_mean[m]) < 0.05 and abs(cal.per_check_var[m] - 1) < 0.05
    # leave-one-seed-out rate of the whole breaker: near the nominal 5% (12 x 400 keys)
    assert 0.02 < cal.estimated_fpr < 0.08
    assert cal.to_thresholds().source == "calibration"


def test_seed_ranges():
    assert parse_seeds("0-3") == (0, 1, 2, 3)
    assert parse_seeds("0,2,5-6") == (0, 2, 5, 6)
    for bad in ("3-1", "a", "1,1", "-2"):
        with pytest.raises(ParameterError, match="seeds"):
            parse_seeds(bad)
