import os
import sys
from pathlib import Path

import pytest

# test helpers (reference implementations) live beside the tests
sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("MPLBACKEND", "Agg")



@pytest.fixture(scope="session")
def metr_runs() -> Path:
    """METR's runs file as shipped with alignlab (verified)."""
    from alignlab.data import path
    return path("metr-runs")


@pytest.fixture(scope="session")
def published_horizons() -> Path:
    from alignlab.data import path
    return path("metr-published-horizons")
