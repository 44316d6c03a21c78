"""Shared fixtures, and how the suite runs on several cores (``make test``: pytest-xdist, ``-n auto
--dist loadgroup``).

Under xdist every worker process builds its own module- and session-scoped fixtures. So that an
expensive one (a trained tripwire study, the interpreted Triton kernel's runs, a report section) is
built once per test run, and so that tests which read what an earlier test of their module wrote (the
README walkthrough) see it, :func:`pytest_collection_modifyitems` puts every test that shares a
module- or session-scoped fixture defined under tests/ on one worker (an ``xdist_group``; tests that
share none are spread one by one). The cheap session fixtures of this file are shared by all and
left out.
"""

import os
import sys
from pathlib import Path

import pytest

# test helpers (reference implementations) live beside the tests
sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("MPLBACKEND", "Agg")

SHARED_SCOPES = ("module", "package", "session")


@pytest.fixture(scope="session")
def metr_runs() -> Path:
    """METR's runs file as shipped with alignlab (verified)."""
    from alignlab.data import path
    return path("metr-runs")


@pytest.fixture(scope="session")
def published_horizons() -> Path:
    from alignlab.data import path
    return path("metr-published-horizons")


def pytest_collection_modifyitems(config, items):
    """Group the tests that share an expensive fixture (see the module docstring): the connected
    components of 'test uses fixture', over fixtures of module, package or session scope defined in
    a test module or a conftest below this folder."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    here = Path(__file__).parent.name                 # "tests": fixtures of this file have baseid "tests"
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    shared: list[tuple[pytest.Item, list[str]]] = []
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None or item.get_closest_marker("xdist_group"):
            continue
        keys = sorted(f"{defs[-1].baseid}::{name}" for name, defs in info.name2fixturedefs.items()
                      if defs and defs[-1].scope in SHARED_SCOPES and defs[-1].baseid.startswith(f"{here}/"))
        if keys:
            shared.append((item, keys))
            for key in keys[1:]:
                parent[find(key)] = find(keys[0])
    for item, keys in shared:
        item.add_marker(pytest.mark.xdist_group(find(keys[0])))
