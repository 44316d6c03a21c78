"""The horizons report section: claims H1-H4 come from the runs file (a user's folder replaces the shipped one)."""

import functools

from alignlab.horizons import report
from alignlab.evidence.claims import VERDICTS
from alignlab.evidence.context import ReportContext
from horizons.synthetic import synthetic_runs, write_jsonl


def test_a_data_folder_that_does_not_exist_is_refused(tmp_path):
    import pytest

    from alignlab import ParameterError
    with pytest.raises(ParameterError, match="no such folder"):
        report.build(ReportContext(tmp_path / "out", use_cache=False, data_dir=tmp_path / "nothing"))


def test_claims_are_decided_by_the_runs_and_survive_the_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "BOOTSTRAP", 8)
    monkeypatch.setattr(report, "SHAPE_BOOTSTRAP", 20)
    from alignlab.horizons.fit import fit
    from alignlab.horizons.joint import fit as joint_fit
    for module, name in ((fit, "fit_horizons"), (joint_fit, "fit_joint")):        # no process start
        monkeypatch.setattr(module, name, functools.partial(getattr(module, name), workers=1))
    folder = tmp_path / "data" / "agent-runs"
    folder.mkdir(parents=True)
    records = synthetic_runs(seed=9, agents=(("a", 2.0, -0.6), ("b", 0.5, -0.8), ("human", 3.0, -0.4)),
                             families=6)
    write_jsonl(folder / report.RUNS_FILE, records)
    ctx = ReportContext(tmp_path / "out", use_cache=True, package="alignlab.horizons", data_dir=tmp_path / "data")
    first = report.build(ctx)
    assert [c.id for c in first.claims][:4] == ["H1", "H2", "H3", "H4"]
    assert all(c.verdict in VERDICTS for c in first.claims)
    # two AI agents (the human baseline is a reference): too few for the held-out claims to decide
    assert {c.id: c.verdict for c in first.claims}["H1"] == "undetermined"
    assert "8 bootstrap draws" in first.summary and "human" not in first.claims[0].evidence
    assert {"horizons_regimes", "horizons_p50", "horizons_agents"} <= {f.name for f in first.figures}
    again = report.build(ReportContext(tmp_path / "out", use_cache=True, package="alignlab.horizons",
                                       data_dir=tmp_path / "data"))
    assert again.claims == first.claims
