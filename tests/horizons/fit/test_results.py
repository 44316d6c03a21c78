"""Results as tables, the fitted curve on demand, and saved fits: lossless, draws included, refusing bad files."""

import json
import math

import numpy as np
import pytest

from alignlab._validate import ParameterError
from alignlab.horizons import fit_horizons, load_fit, predict, save_fit
from horizons.synthetic import synthetic_runs, write_jsonl


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = write_jsonl(tmp_path_factory.mktemp("runs") / "runs.jsonl", synthetic_runs(seed=4))
    return fit_horizons(path, curve=["logistic", "weibull", "steps"], bootstrap=25, cv="family", seed=2, workers=1)


def test_to_pandas_has_a_row_per_agent_and_curve(result):
    tidy = result.to_pandas()
    assert list(tidy.columns[:2]) == ["agent", "curve"] and len(tidy) == 6
    frame = tidy.set_index(["agent", "curve"])
    row = frame.loc[("weak", "weibull")]
    fit = result.agent("weak").fits["weibull"]
    assert row["shape"] == pytest.approx(fit.params["shape"]) and row["shape_low"] == pytest.approx(fit.params_ci["shape"][0])
    assert row["p50_minutes"] == pytest.approx(fit.p50_minutes) and row["p50_high"] == pytest.approx(fit.p50_ci[1])
    assert row["cv_nats"] == pytest.approx(fit.cv_loglik * result.agent("weak").loglik_scale)
    assert math.isnan(frame.loc[("weak", "logistic"), "shape"])          # a parameter the curve does not have
    assert {"loglik", "aic", "bic", "cv_loglik", "converged", "cv_at_limit", "bootstrap_at_limit"} <= set(frame.columns)
    assert len(repr(result)) <= 240 and "<td>weak</td>" in result._repr_html_()       # a notebook shows the agent


def test_a_prediction_is_a_row_per_agent_curve_and_length(result):
    asked = predict(result, [3.0, 30.0], curve=["logistic", "steps"])
    tidy = asked.to_pandas()
    assert len(tidy) == 2 * 2 * 2 and list(tidy.columns) == ["agent", "curve", "minutes", "success", "success_low",
                                                             "success_high"]
    row = tidy.set_index(["agent", "curve", "minutes"]).loc[("weak", "steps", 30.0)]
    assert row["success"] == pytest.approx(float(result.agent("weak").fits["steps"].success([30.0])[0]))
    assert row["success_low"] <= row["success"] <= row["success_high"]


def test_success_is_the_fitted_curve_and_its_band_holds_it(result):
    agent = result.agent("strong")
    for name, fit in agent.fits.items():
        assert np.allclose(fit.success(agent.curve.minutes), agent.curve.success[name], rtol=1e-12, atol=0)
        band = fit.success_interval([5.0, 60.0])
        assert band.shape == (2, 2) and np.all(band[:, 0] <= band[:, 1])
    assert float(agent.fits["logistic"].success(agent.fits["logistic"].p50_minutes)) == pytest.approx(0.5, abs=1e-9)
    with pytest.raises(ParameterError, match="minutes: must be > 0"):
        agent.fits["weibull"].success([0.0])


def test_a_saved_fit_is_the_fit_with_every_draw(result, tmp_path):
    path = save_fit(result, tmp_path / "fit.json")
    assert json.loads(path.read_text())["format"] == "alignlab.horizons.fit"
    again = load_fit(path)
    assert again == result
    for a, b in zip(again.agents, result.agents):
        for name in a.fits:
            assert a.fits[name].param_draws == b.fits[name].param_draws
            assert a.fits[name].fold_loglik == b.fits[name].fold_loglik
    asked = predict(path, [3.0, 30.0], agent="weak", curve="steps")
    direct = result.agent("weak").fits["steps"].success([3.0, 30.0])
    assert asked.agents[0].curves["steps"].success == pytest.approx(tuple(direct), rel=1e-12)
    with pytest.raises(ParameterError, match="out: "):
        save_fit(result, tmp_path / "fit.csv")
