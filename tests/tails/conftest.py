"""Shared fixtures: fixed-seed samples and the real reward samples (skipped when the folder is absent)."""

import numpy as np
import pytest

from alignlab.tails.io import reward_samples_dir


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


@pytest.fixture(scope="session")
def reward_dir():
    folder = reward_samples_dir()
    if folder is None:
        pytest.skip("the shared reward-sample folder is absent")
    return folder
