"""A tiny world and learner that trains in seconds, and runs shared by the tests."""

import pytest
import torch

from alignlab.tripwire import TripwireConfig, run_tripwire
from alignlab.tripwire.config import RESPONSES
from alignlab.tripwire.experiments import run_study

# runs set their own thread count; the tests that call library pieces directly do the same, since
# the machine is shared and two threads on tiny matrices only contend
torch.set_num_threads(1)

# 32 known and 8 hidden cities, a width-32 model: learns the hidden fact by about step 250
TINY = dict(n_known=32, n_hidden=8, d_model=32, d_mlp=128, batch_size=32, steps=300, evidence_start=100,
            hidden_fraction=0.15, monitor_every=20, lr=5e-3, refit_every=40)
# a study of two control and two real worlds on it, every response
STUDY = dict(seeds=(5, 6), control_seeds=(0, 1), relabels=300, responses=RESPONSES)


@pytest.fixture(scope="session")
def tiny_kwargs() -> dict:
    return dict(TINY)


@pytest.fixture(scope="session")
def tiny_config() -> TripwireConfig:
    return TripwireConfig(**TINY)


@pytest.fixture(scope="session")
def tripped_run(tiny_config, tmp_path_factory):
    """The tiny run, stopped at its trip, with its folder."""
    out = tmp_path_factory.mktemp("tripped") / "run"
    return run_tripwire(tiny_config, out=out), out


@pytest.fixture(scope="session")
def control_run(tiny_config):
    """The tiny run's control twin, trained to the end."""
    return run_tripwire(tiny_config.replace(shadow=True, control=True))


@pytest.fixture(scope="session")
def tiny_study(tiny_config, tmp_path_factory):
    """The tiny study in its folder, run in this process, and the progress calls ``(done, total,
    description)`` it made."""
    calls = []
    out = tmp_path_factory.mktemp("study") / "study"
    study = run_study(tiny_config, workers=1, scheduler=None, out=out, progress=lambda *call: calls.append(call),
                      **STUDY)
    return study, calls, out
