"""The house: fit and trend as separate packages that share only public names, no parallel-map code or module
state of their own, and the one vocabulary (curve=, agent= as a name or a list, old spellings deprecated)."""

import ast
import warnings
from pathlib import Path

import pytest

import alignlab.horizons as horizons

ROOT = Path(horizons.__file__).parent


def _imports(path: Path):
    """(module, name) for every ``from module import name`` and (module, None) for ``import module``."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None


@pytest.mark.parametrize("package, other", [("fit", "trend"), ("trend", "fit")])
def test_fit_and_trend_use_only_each_others_public_names(package, other):
    for path in (ROOT / package).rglob("*.py"):
        for module, name in _imports(path):
            if module.startswith(f"alignlab.horizons.{other}"):
                assert package == "trend", f"{path.name} imports {module}: fit does not depend on trend"
                parts = module.split(".") + ([name] if name else [])
                assert not any(p.startswith("_") for p in parts[3:]), f"{path.name} imports {module}.{name}"


def test_shared_modules_keep_their_public_names():
    from alignlab.horizons import hierarchy, intervals, lomax_table, runs
    assert {"load_runs", "run_weights", "Runs", "WEIGHTS"} <= set(vars(runs))
    assert {"Hierarchy", "multiplicities"} <= set(vars(hierarchy))
    assert {"percentile_interval", "interval", "band"} <= set(vars(intervals))
    assert lomax_table.table() is lomax_table.table() and hasattr(lomax_table.table(), "logit")


def test_no_parallel_map_or_installed_state_of_its_own():
    for path in ROOT.rglob("*.py"):
        text = path.read_text()
        for word in ("ProcessPoolExecutor", "ThreadPoolExecutor", "dask.distributed", "global "):
            assert word not in text, f"{path.relative_to(ROOT)} holds {word!r}"


def test_one_name_or_a_list_and_the_old_spellings(tmp_path):
    from alignlab.horizons import fit_horizons, load_runs
    from horizons.synthetic import synthetic_runs, write_jsonl
    runs = load_runs(write_jsonl(tmp_path / "runs.jsonl", synthetic_runs(seed=1)))
    one = fit_horizons(runs, agent="weak", curve="logistic", bootstrap=0, cv="none", workers=1)
    assert [a.agent for a in one.agents] == ["weak"] and one.curves == ("logistic",)
    with pytest.warns(DeprecationWarning, match="families= is renamed curve="), \
            pytest.warns(DeprecationWarning, match="agents= is renamed agent="):
        old = fit_horizons(runs, agents=["weak"], families=["logistic"], bootstrap=0, cv="none", workers=1)
    assert old == one
    with pytest.warns(DeprecationWarning, match="FamilyFit is deprecated: use CurveFit"):
        from alignlab.horizons import FamilyFit
    assert FamilyFit is horizons.CurveFit
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        horizons.CurveFit                       # the new name warns of nothing
