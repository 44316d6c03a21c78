"""Shared fixtures, and how the suite runs on several cores (``make test``: pytest-xdist, ``-n auto
--dist loadgroup``).

Under xdist every worker process builds its own module- and session-scoped fixtures. So that an
expensive one (a trained tripwire study, the interpreted Triton kernel's runs, a report section) is
built once per test run, and so that tests which read what an earlier test of their module wrote (the
README walkthrough) see it in order, every test that shares a module- or session-scoped fixture
defined under tests/ goes to one worker with the others (tests that share none are handed out one by
one, to whichever worker is free). The cheap session fixtures of this file are shared by all and left
out. An explicit ``@pytest.mark.xdist_group(NAME)`` keeps its meaning.

How: each worker computes the groups at collection (:func:`pytest_collection_modifyitems`) and writes
them beside its base temp folder; the controller's scheduler (:func:`pytest_xdist_make_scheduler`,
xdist's scope scheduling, biggest groups first) reads them. (pytest-xdist's own ``loadgroup`` renames
test ids to carry the group, which pytest 9 no longer allows.)
"""

import json
import os
import sys
from pathlib import Path

import pytest

# test helpers (reference implementations) live beside the tests
sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("MPLBACKEND", "Agg")

SHARED_SCOPES = ("module", "package", "session")

# Property tests draw the same examples on every run (a suite that passes here passes in CI); a random
# hunt: HYPOTHESIS_PROFILE=explore (tests/test_hostile_cli.py has its own, "hostile")
from hypothesis import settings  # noqa: E402

settings.register_profile("fixed", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile("explore" if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else "fixed")


@pytest.fixture(scope="session")
def metr_runs() -> Path:
    """METR's runs file as shipped with alignlab (verified)."""
    from alignlab.data import path
    return path("metr-runs")


@pytest.fixture(scope="session")
def published_horizons() -> Path:
    from alignlab.data import path
    return path("metr-published-horizons")


GROUPS_FILE = "xdist-groups.json"


def pytest_collection_modifyitems(config, items):
    """On an xdist worker: write ``{test id: group}`` for the controller (see the module docstring)."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None or not config.getvalue("loadgroup"):    # a worker's --dist is "no"; this says
        return
    folder = Path(config.option.basetemp).parent           # the controller's base temp folder
    tmp = folder / f"{GROUPS_FILE}.{workerinput['workerid']}"
    tmp.write_text(json.dumps(groups(items)))
    os.replace(tmp, folder / GROUPS_FILE)                   # every worker writes the same groups


def groups(items) -> dict[str, str]:
    """The group of every test that has one: its ``xdist_group`` mark, else the connected component of
    'test uses fixture' over the fixtures of module, package or session scope defined in a test module
    or a conftest below this folder (this file's are cheap and used everywhere: left out)."""
    here = Path(__file__).parent.name                       # fixtures of this file have baseid "tests"
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    keys_of: dict[str, list[str]] = {}
    for item in items:
        marks = sorted(str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                       for m in item.iter_markers("xdist_group"))
        info = getattr(item, "_fixtureinfo", None)
        keys = [f"mark::{m}" for m in marks] or sorted(
            f"{defs[-1].baseid}::{name}" for name, defs in (info.name2fixturedefs.items() if info else ())
            if defs and defs[-1].scope in SHARED_SCOPES and defs[-1].baseid.startswith(f"{here}/"))
        if keys:
            keys_of[item.nodeid] = keys
            for key in keys[1:]:
                parent[find(key)] = find(keys[0])
    return {nodeid: find(keys[0]) for nodeid, keys in keys_of.items()}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup``: xdist's scope scheduling over the groups the workers wrote; a test without
    a group is a scope of its own."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FixtureGroups(LoadScopeScheduling):
        _groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._groups is None:                         # written by the workers before they report
                path = config._tmp_path_factory.getbasetemp() / GROUPS_FILE
                self._groups = json.loads(path.read_text()) if path.is_file() else {}
            return self._groups.get(nodeid, nodeid)

    return FixtureGroups(config, log)
