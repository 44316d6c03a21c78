"""The tripwire's results from a notebook: short reprs, tidy tables (to_pandas), figures on given Axes,
and the seed of everything random a call does."""

import numpy as np
import pytest

from alignlab._figures import figure
from alignlab._results import REPR_CHARACTERS
from alignlab._validate import ParameterError
from alignlab.tripwire import plots
from alignlab.tripwire.calibration import NullRun, calibration_from_runs
from alignlab.tripwire.config import TripwireConfig
from alignlab.tripwire.intervals import bootstrap_median
from alignlab.tripwire.outcomes import Median


def test_reprs_are_one_short_line(tripped_run, tiny_study):
    result, _ = tripped_run
    study, _, _ = tiny_study
    for r in (result, result.summary, study, study.calibration, study.summaries[0], result.config):
        text = repr(r)
        assert "\n" not in text and len(text) <= REPR_CHARACTERS, text


def test_a_run_is_a_row_per_check_and_its_summary_one_row(tripped_run):
    result, _ = tripped_run
    table = result.to_pandas()
    assert list(table["step"]) == [c.step for c in result.checks]
    assert (table["seed"] == result.summary.seed).all() and table["response"].isna().all()
    for m in result.config.monitors:
        assert list(table[f"{m}_statistic"]) == [c.statistic[m] for c in result.checks]
    assert np.isnan(table["loss"].iloc[0]) and table["loss"].iloc[1:].notna().all()   # no training before step 0
    summary = result.summary.to_pandas()
    assert len(summary) == 1 and summary["trip.step"].iloc[0] == result.summary.trip.step
    assert summary["trip.tripped"].iloc[0]


def test_a_study_is_a_row_per_world_and_response(tiny_study):
    study, _, _ = tiny_study
    table = study.to_pandas()
    assert len(table) == len(study.seeds) * len(study.responses)
    assert set(zip(table["seed"], table["response"])) == {(s, r) for s in study.seeds for r in study.responses}
    for b in study.branches:
        row = table[(table["seed"] == b.seed) & (table["response"] == b.outcome.response)].iloc[0]
        assert row["trip_step"] == b.outcome.trip_step and row["oracle_end"] == b.outcome.oracle_end
        assert row["chance_low"] == b.outcome.chance_interval[0] and bool(row["kept_out"]) == b.outcome.kept_out
    cal = study.calibration.to_pandas()
    assert list(cal["control_seed"]) == list(study.calibration.seeds)
    assert list(cal["estimated_fpr"]) == list(study.calibration.estimated_fpr_by_seed)


def test_run_and_calibration_figures_draw_on_the_axes_they_are_given(tripped_run, tiny_study):
    result, _ = tripped_run
    study, _, _ = tiny_study
    fig, axes = figure(3, 1)
    assert plots.plot_run(result, ax=axes) is fig and all(a.has_data() for a in axes)
    fig, axes = figure(1, 2)
    assert plots.plot_calibration(study.calibration, ax=axes) is fig and all(a.has_data() for a in axes)
    fig, ax = figure()
    assert plots.plot_leak(result, ax=ax) is fig and ax.has_data()
    with pytest.raises(ParameterError, match="ax: must be 3 Axes"):
        plots.plot_run(result, ax=ax)


def _null_runs(cfg, n_runs: int = 3):
    rng = np.random.default_rng(0)
    runs = []
    for seed in range(n_runs):
        scores = {m: rng.normal(size=(cfg.n_checks, cfg.n_hidden, 4)).tolist() for m in cfg.monitors}
        runs.append(NullRun(seed, tuple(range(0, cfg.steps + 1, cfg.monitor_every)),
                            {m: (0.0,) for m in cfg.monitors}, scores, (0,) * cfg.n_hidden, 0.0, 0.0))
    return tuple(runs)


def test_the_seed_draws_the_answer_keys_and_the_bootstrap():
    cfg = TripwireConfig(n_hidden=8, steps=100, monitor_every=20, evidence_start=50, fpr=0.05)
    runs = _null_runs(cfg)
    default, zero, one = (calibration_from_runs(cfg, runs, 200, **seed) for seed in ({}, {"seed": 0}, {"seed": 1}))
    assert default.thresholds == zero.thresholds and default.seed == 0
    assert one.seed == 1 and one.thresholds != zero.thresholds          # other answer keys, other samples
    assert type(one).from_dict(one.to_dict()) == one
    values = np.random.default_rng(1).exponential(size=30)
    assert Median.of(values) == Median.of(values, seed=0)
    assert (Median.of(values, seed=5).low, Median.of(values, seed=5).high) == bootstrap_median(values, seed=5)[1:]
