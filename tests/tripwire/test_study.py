"""The response study: the same numbers on any number of workers, resumed from its folder after a kill,
round-trips through JSON, and refuses worlds its calibration used."""

import json

import pytest
from tripwire.conftest import STUDY

from alignlab import ParameterError
from alignlab.tripwire.experiments import Study, run_study
from alignlab.tripwire.run import Trainer


def _numbers(study: Study, responses=None):
    """What a study measured (of ``responses``, default all), without wall-clock seconds (the only thing that
    may differ) and run folders."""
    def clean(summary):
        return {k: v for k, v in summary.to_dict().items() if k not in ("timing", "out")}
    responses = responses or study.responses
    return ([clean(w.summary) for w in study.worlds], [w.curve for w in study.worlds],
            [(b.seed, b.outcome, b.curve) for b in study.branches if b.outcome.response in responses],
            [s for s in study.summaries if s.response in responses], study.calibration.thresholds)


def test_study_on_two_processes_equals_the_sequential_study(tiny_study, tiny_config):
    serial, serial_calls, _ = tiny_study
    parallel_calls, responses = [], ("leace-persistent",)
    parallel = run_study(tiny_config, responses, STUDY["seeds"], calibration=serial.calibration, workers=2,
                         scheduler=None, progress=lambda *call: parallel_calls.append(call))
    assert _numbers(serial, responses) == _numbers(parallel)
    assert serial.example.config.seed == parallel.example.config.seed == 5    # the first world, kept whole
    # progress counts runs (control, world and branch), in order, to the end
    for calls, total in ((serial_calls, 2 + 2 * (1 + len(STUDY["responses"]))), (parallel_calls, 2 * 2)):
        done = [c[0] for c in calls]
        assert done == sorted(done) and done[-1] == total and {c[1] for c in calls} == {total}


def test_a_killed_study_resumes_from_its_folder_with_identical_results(tiny_study, tiny_config, tmp_path,
                                                                       monkeypatch):
    reference, _, _ = tiny_study
    out, responses = tmp_path / "study", ("leace", "unlearn", "filter")
    # a first study with one response, then with three: finished runs are read back, not trained again
    first = run_study(tiny_config, workers=1, scheduler=None, out=out, **{**STUDY, "responses": ("leace",)})
    assert [b.outcome.response for b in first.branches] == ["leace"] * 2
    train_step, steps = Trainer.train_step, []

    def dies(self):           # the process dies in the middle of the second branch it trains
        steps.append(self.step)
        if len(steps) == (self.config.steps - reference.worlds[0].summary.trip.step) + 30:
            raise KeyboardInterrupt
        train_step(self)
    monkeypatch.setattr(Trainer, "train_step", dies)
    with pytest.raises(KeyboardInterrupt):
        run_study(tiny_config, workers=1, scheduler=None, out=out, **{**STUDY, "responses": responses})
    monkeypatch.setattr(Trainer, "train_step", train_step)
    resumed = run_study(tiny_config, workers=1, scheduler=None, out=out, **{**STUDY, "responses": responses})
    assert _numbers(resumed) == _numbers(reference, responses)
    assert Study.load(out) == resumed


def test_a_study_round_trips_through_json_as_the_report_cache_stores_it(tiny_study):
    study, _, _ = tiny_study
    assert Study.from_dict(json.loads(json.dumps(study.to_dict()))) == study
    shown = study.to_json()                     # what --json prints: the summaries, not every run's curve
    assert {"summaries", "calibration", "config"} <= set(shown) and "branches" not in shown
    json.dumps(shown, allow_nan=False)


def test_a_study_refuses_worlds_its_calibration_used_and_another_studys_folder(tiny_study, tiny_config):
    study, _, out = tiny_study
    with pytest.raises(ParameterError, match="calibration never used") as err:
        run_study(tiny_config, seeds=(0, 5), control_seeds=(0, 1), workers=1, scheduler=None)
    assert err.value.param == "seeds"
    with pytest.raises(ParameterError, match="calibration never used"):
        run_study(tiny_config, seeds=(1,), calibration=study.calibration, workers=1, scheduler=None)
    with pytest.raises(ParameterError, match="holds another study"):
        run_study(tiny_config.replace(lr=1e-3), out=out, workers=1, scheduler=None, **STUDY)
    with pytest.raises(ParameterError) as err:
        run_study(tiny_config, responses=("leace", "forget"), workers=1, scheduler=None)
    assert err.value.param == "responses"
