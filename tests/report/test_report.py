"""The report framework (a tiny stand-in section) and the steps section's claims."""

import json
from dataclasses import dataclass

import pytest

from alignlab import systems
from alignlab._figures import figure
from alignlab._results import Result
from alignlab.evidence import Claim, Section
from alignlab.report import build_report
from alignlab.systems import System


@dataclass(frozen=True)
class Value(Result):
    value: float


@pytest.fixture
def toy_section():
    calls = []

    def build(ctx):
        value = ctx.cached("toy/value", lambda: calls.append(1) or Value(42.0)).value
        fig, ax = figure()
        ax.plot([1, 2], [value, value])
        rendered = ctx.render(fig, "toy_figure", "a flat line at 42")
        claim = Claim("X1", "the value is 42", "holds" if value == 42 else "fails", f"computed {value:g}",
                      figures=("toy_figure",))
        return Section("summary", (claim,), (rendered,))

    systems._discover()                     # before saving: the registry restored must hold every system
    saved = dict(systems._REGISTERED)
    systems._REGISTERED.clear()
    systems.register(System("toy", "Toy system", order=1, report=build))
    yield calls
    systems._REGISTERED.clear()
    systems._REGISTERED.update(saved)


def test_report_writes_index_figures_and_claims_json(tmp_path, toy_section):
    result = build_report(tmp_path)
    index = (tmp_path / "index.html").read_text()
    assert "Toy system" in index and "data:image/png;base64," in index and 'href="#toy"' in index
    assert (tmp_path / "toy_figure.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    claims = json.loads((tmp_path / "claims.json").read_text())
    assert claims == [{"section": "toy", "id": "X1", "claim": "the value is 42", "verdict": "holds",
                       "evidence": "computed 42", "conditions": "", "figures": ["toy_figure"], "rule": "", "numbers": {}}]
    assert result.claims[0].id == "X1"


def test_cached_experiments_are_not_recomputed(tmp_path, toy_section):
    build_report(tmp_path)
    build_report(tmp_path)
    assert toy_section == [1]
    build_report(tmp_path, use_cache=False)
    assert toy_section == [1, 1]


def test_unknown_section_names_are_rejected(tmp_path, toy_section):
    from alignlab import ParameterError
    with pytest.raises(ParameterError) as err:
        build_report(tmp_path, sections=("nosuch",))
    assert err.value.param == "only"


def test_claim_verdicts_are_restricted():
    with pytest.raises(ValueError):
        Claim("X", "c", "maybe", "e")


@pytest.mark.slow
def test_steps_section_states_every_claim_with_a_verdict_and_figures(steps_report):
    result, out = steps_report
    by_id = {c.id: c for c in result.claims}
    assert list(by_id) == ["S1", "S2", "S3", "S4", "S5"]
    assert [by_id[i].verdict for i in ("S1", "S2", "S3", "S4")] == ["holds"] * 4
    assert by_id["S5"].verdict == "conditional"
    for claim in result.claims:
        for name in claim.figures:
            assert (out / f"{name}.png").exists()
    # the fitted growth exponent below the threshold is the theoretical 1/beta - 1 = 1
    assert "fitted log-log slope 1.0000" in by_id["S2"].evidence


def test_cache_key_covers_the_compiled_kernels_source_and_build(tmp_path, monkeypatch):
    from pathlib import Path

    import alignlab
    from alignlab.evidence import context

    root = Path(alignlab.__file__).parent
    closure = context._import_closure(root, "alignlab.steps")
    assert root / "steps" / "_fastsim.c" in closure
    before = context._source_fingerprint("alignlab.steps")
    # a package root holding the same sources plus one more built extension gets another key
    fake = tmp_path / "alignlab"
    for path in context._sources(root):
        target = fake / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    for path in (p for pattern in context.EXTENSION_PATTERNS for p in root.rglob(pattern)):
        (fake / path.relative_to(root)).write_bytes(b"")
    monkeypatch.setattr(alignlab, "__file__", str(fake / "__init__.py"))
    assert context._source_fingerprint("alignlab.steps") == before
    (fake / "steps" / "_other.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    with_extension = context._source_fingerprint("alignlab.steps")
    assert with_extension != before
    (fake / "steps" / "_fastsim.c").write_text("/* edited */")
    assert context._source_fingerprint("alignlab.steps") != with_extension


def test_a_planted_pickle_in_the_cache_is_never_loaded(tmp_path, toy_section):
    """Cache files are JSON read by from_dict: a pickle under any name in .cache runs nothing."""
    import pickle
    build_report(tmp_path)
    marker = tmp_path / "pwned"

    class Boom:
        def __reduce__(self):
            return (marker.write_text, ("ran",))

    cache = tmp_path / ".cache"
    for path in list(cache.iterdir()):
        path.write_bytes(pickle.dumps(Boom()))
        path.with_suffix(".pkl").write_bytes(pickle.dumps(Boom()))
    result = build_report(tmp_path)
    assert not marker.exists()
    assert result.claims[0].evidence == "computed 42" and toy_section == [1, 1]   # recomputed, not loaded


def test_cache_refuses_classes_outside_alignlab(tmp_path, toy_section):
    build_report(tmp_path)
    for path in (tmp_path / ".cache").glob("*.json"):
        path.write_text(json.dumps({"class": "os:system", "data": {"command": "touch pwned"}}))
    build_report(tmp_path)
    assert toy_section == [1, 1] and not (tmp_path / "pwned").exists()
