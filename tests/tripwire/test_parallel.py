"""Runs mapped over worker processes give exactly the numbers of a sequential loop."""

from alignlab.tripwire.config import TripwireConfig
from alignlab.tripwire.experiments import run_study

TIMINGS = {"train_seconds", "monitor_seconds", "oracle_seconds", "monitor_overhead"}


def _numbers(summary: dict) -> dict:
    """A run's summary without its wall-clock timings (the only thing that may differ)."""
    return {k: v for k, v in summary.items() if k not in TIMINGS}


def test_study_on_two_processes_equals_the_sequential_study(tiny_kwargs):
    config = TripwireConfig(**tiny_kwargs)
    kwargs = dict(seeds=(5, 6), control_seeds=(0, 1), relabels=300, methods=("leace",))
    serial = run_study(config, workers=1, **kwargs)
    parallel = run_study(config, workers=2, **kwargs)
    assert serial.calibration.thresholds == parallel.calibration.thresholds
    assert [_numbers(r.summary) for r in serial.runs] == [_numbers(r.summary) for r in parallel.runs]
    assert serial.runs[0].summary.keys() - _numbers(serial.runs[0].summary).keys() == TIMINGS
    assert [[e.relearn_steps for e in r.erasures] for r in serial.runs] == \
        [[e.relearn_steps for e in r.erasures] for r in parallel.runs]
    assert [r.curve for r in serial.runs] == [r.curve for r in parallel.runs]
    assert serial.example.config.seed == parallel.example.config.seed == 5    # the first run, kept whole
    assert serial.example.summary.trip_step == parallel.example.summary.trip_step
