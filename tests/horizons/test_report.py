"""The horizons report section: without the runs file it says so; with one, claims H1-H4 come from the data."""

from alignlab.horizons import report
from alignlab.evidence.claims import VERDICTS
from alignlab.evidence.context import ReportContext
from horizons.synthetic import synthetic_runs, write_jsonl


def test_section_without_data_tests_no_claim(tmp_path):
    section = report.build(ReportContext(tmp_path / "out", use_cache=False, data_dir=tmp_path / "nothing"))
    assert section.claims == () and "not found" in section.summary
    assert [f.name for f in section.figures] == ["horizons_regimes"]


def test_claims_are_decided_by_the_runs_and_survive_the_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "BOOTSTRAP", 8)
    folder = tmp_path / "data" / "agent-runs"
    folder.mkdir(parents=True)
    records = synthetic_runs(seed=9, agents=(("a", 2.0, -0.6), ("b", 0.5, -0.8), ("human", 3.0, -0.4)),
                             families=6)
    write_jsonl(folder / report.RUNS_FILE, records)
    ctx = ReportContext(tmp_path / "out", use_cache=True, package="alignlab.horizons", data_dir=tmp_path / "data")
    first = report.build(ctx)
    assert [c.id for c in first.claims] == ["H1", "H2", "H3", "H4"]
    assert all(c.verdict in VERDICTS for c in first.claims)
    assert "8 bootstrap draws" in first.summary and "human" not in first.claims[0].evidence
    assert {f.name for f in first.figures} == {"horizons_regimes", "horizons_p50", "horizons_agents"}
    again = report.build(ReportContext(tmp_path / "out", use_cache=True, package="alignlab.horizons",
                                       data_dir=tmp_path / "data"))
    assert again.claims == first.claims
