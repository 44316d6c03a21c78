"""The belief tripwire: notice, by monitoring, the moment a model learns a fact kept out of its
training data, trip a circuit breaker, and measure whether erasing the fact holds.

* :mod:`~alignlab.tripwire.world`     the synthetic world, its corpus and the evidence schedule
* :mod:`~alignlab.tripwire.leak`      the n-gram check that the corpus never states the fact
* :mod:`~alignlab.tripwire.transformer` a small transformer with named hook points
* :mod:`~alignlab.tripwire.probes`    mass-mean, logistic and map probes
* :mod:`~alignlab.tripwire.monitors`  the monitor statistic, the monitors and the oracle
* :mod:`~alignlab.tripwire.breaker`   thresholds, alerts, exit statuses
* :mod:`~alignlab.tripwire.calibration` thresholds from control runs
* :mod:`~alignlab.tripwire.erasure`   LEACE and gradient unlearning
* :mod:`~alignlab.tripwire.responses` what the lab does at the trip: one strategy class per response
* :mod:`~alignlab.tripwire.belief`    where the belief lives: per-layer directions and probes after the trip
* :mod:`~alignlab.tripwire.run`       one run: train, monitor, trip, respond, resume; branch at a trip
* :mod:`~alignlab.tripwire.summary`   what a run measured, in named groups (summary.json)
* :mod:`~alignlab.tripwire.intervals` Wilson, bootstrap and chance intervals
* :mod:`~alignlab.tripwire.outcomes`  per-response summaries of a study, with intervals
* :mod:`~alignlab.tripwire.experiments` the response study over many worlds (resumable, on Dask)
* :mod:`~alignlab.tripwire.claims`    claims T1-T7 and the rules that decide them
"""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "Alert": "breaker", "Calibration": "calibration", "CheckpointError": "checkpoint", "EXIT_OK": "breaker",
    "EXIT_TRIPPED": "breaker", "LeakCheck": "leak", "ModelConfig": "transformer", "RunResult": "run",
    "RunSummary": "summary", "Thresholds": "breaker", "Transformer": "transformer", "TripwireConfig": "config",
    "World": "world", "calibrate": "calibration", "known_null_thresholds": "breaker", "leak_check": "leak",
    "make_world": "world", "run_tripwire": "run", "respond_from_trip": "run", "RESPONSES": "config",
    "Study": "experiments", "run_study": "experiments",
})
