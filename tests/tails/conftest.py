"""Shared fixtures: fixed-seed samples and the real reward samples (shipped with alignlab)."""

import numpy as np
import pytest

REWARD_SETS = ("starling-llama", "starling-random")


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


@pytest.fixture(scope="session")
def reward_files():
    """The two shipped Starling reward-sample files, by data set name."""
    from alignlab.data import path
    return {name: path(name) for name in REWARD_SETS}
