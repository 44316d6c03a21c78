"""Shared fixtures: fixed-seed samples and the real reward samples (skipped when the folder is absent)."""

import numpy as np
import pytest
from conftest import SHARED_DATA

REWARD_FILES = ("llama_starling_reward_values.npy", "random_starling_reward_values.npy")


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


@pytest.fixture(scope="session")
def reward_dir():
    folder = SHARED_DATA / "reward-samples"
    if not all((folder / name).is_file() for name in REWARD_FILES):
        pytest.skip("the shared reward-sample folder is absent")
    return folder
