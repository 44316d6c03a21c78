"""The belief tripwire: notice, by monitoring, the moment a model learns a fact kept out of its
training data, trip a circuit breaker, and measure whether erasing the fact holds.

* :mod:`~alignlab.tripwire.world`     the synthetic world, its corpus and the evidence schedule
* :mod:`~alignlab.tripwire.leak`      the n-gram check that the corpus never states the fact
* :mod:`~alignlab.tripwire.model`     a small transformer with named hook points
* :mod:`~alignlab.tripwire.probes`    mass-mean, logistic and map probes
* :mod:`~alignlab.tripwire.monitors`  the monitor statistic, the monitors and the oracle
* :mod:`~alignlab.tripwire.breaker`   thresholds, alerts, exit statuses
* :mod:`~alignlab.tripwire.calibrate` thresholds from control runs
* :mod:`~alignlab.tripwire.erasure`   LEACE and gradient unlearning
* :mod:`~alignlab.tripwire.run`       one run: train, monitor, trip, erase, resume
* :mod:`~alignlab.tripwire.experiments` the multi-seed studies behind the report (T1-T4)
"""

from alignlab.tripwire.breaker import EXIT_OK, EXIT_TRIPPED, Alert, Thresholds, known_null_thresholds
from alignlab.tripwire.calibrate import Calibration, calibrate
from alignlab.tripwire.checkpoint import CheckpointError
from alignlab.tripwire.config import TripwireConfig
from alignlab.tripwire.leak import LeakCheck, leak_check
from alignlab.tripwire.model import ModelConfig, Transformer
from alignlab.tripwire.run import RunResult, RunSummary, run_tripwire
from alignlab.tripwire.world import World, make_world

__all__ = ["EXIT_OK", "EXIT_TRIPPED", "Alert", "Calibration", "CheckpointError", "LeakCheck", "ModelConfig",
           "RunResult", "RunSummary", "Thresholds", "Transformer", "TripwireConfig", "World", "calibrate",
           "known_null_thresholds", "leak_check", "make_world", "run_tripwire"]
