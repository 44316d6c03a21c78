"""Runs mapped over worker processes give exactly the numbers of a sequential loop."""

import json

from tripwire.conftest import STUDY

from alignlab.tripwire.experiments import Study, run_study


def _numbers(summary) -> dict:
    """A run's summary without its wall-clock timings (the only thing that may differ)."""
    return {k: v for k, v in summary.to_dict().items() if k != "timing"}


def test_study_on_two_processes_equals_the_sequential_study(tiny_study, tiny_config):
    serial, serial_calls = tiny_study
    parallel_calls = []
    parallel = run_study(tiny_config, workers=2, progress=lambda *call: parallel_calls.append(call), **STUDY)
    assert serial.calibration.thresholds == parallel.calibration.thresholds
    assert [_numbers(r.summary) for r in serial.runs] == [_numbers(r.summary) for r in parallel.runs]
    assert [[b.erasure for b in r.branches] for r in serial.runs] == \
        [[b.erasure for b in r.branches] for r in parallel.runs]
    assert [r.curve for r in serial.runs] == [r.curve for r in parallel.runs]
    assert serial.example.config.seed == parallel.example.config.seed == 5    # the first run, kept whole
    assert serial.example.summary.trip.step == parallel.example.summary.trip.step
    # progress counts runs (2 control + 2 real), in order, to the end, whichever way they ran
    for calls in (serial_calls, parallel_calls):
        done = [c[0] for c in calls]
        assert done == sorted(done) and done[-1] == 4 and {c[1] for c in calls} == {4}


def test_a_study_round_trips_through_json_as_the_report_cache_stores_it(tiny_study):
    study, _ = tiny_study
    assert Study.from_dict(json.loads(json.dumps(study.to_dict()))) == study
