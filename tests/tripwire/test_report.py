"""The report section builds from a study, and its verdicts follow the study's numbers.
The study is the tiny one of conftest (the report itself runs a larger one)."""

import json
from dataclasses import replace

from alignlab.evidence import ReportContext
from alignlab.evidence.claims import VERDICTS
from alignlab.tripwire import report
from alignlab.tripwire.summary import Trip


def _build(study, tmp_path, monkeypatch, messages=None):
    def run_study(progress, workers):
        progress(2.5, 4, "real world, seed 5")        # as run_study reports: (done, total, description)
        return study
    monkeypatch.setattr(report, "run_study", run_study)
    messages = [] if messages is None else messages
    return report.build(ReportContext(tmp_path, use_cache=False, progress=messages.append))


def test_section_builds_with_claims_figures_and_a_row_per_world(tiny_study, tmp_path, monkeypatch):
    study, _ = tiny_study
    messages = []
    section = _build(study, tmp_path, monkeypatch, messages)
    assert "runs: real world, seed 5 (2.5 of 4)" in messages          # progress reaches the report's ctx.step
    assert [c.id for c in section.claims] == ["T1", "T2", "T3", "T4"]
    assert all(c.verdict in VERDICTS and c.evidence for c in section.claims)
    names = {f.name for f in section.figures}
    assert all(f.png.startswith(b"\x89PNG") for f in section.figures)
    assert all(set(c.figures) <= names for c in section.claims)
    tripped = sum(r.summary.trip.tripped for r in study.runs)
    assert f"tripped in {tripped} of {len(study.runs)} real worlds" in section.claims[0].evidence
    (table,) = section.tables
    assert [row[0] for row in table.rows] == [str(r.summary.seed) for r in study.runs]
    json.dumps([c.to_dict() for c in section.claims])


def test_detection_verdict_follows_the_numbers(tiny_study, tmp_path, monkeypatch):
    study, _ = tiny_study
    # the same study, but no world tripped: nothing was detected, and there was nothing to erase
    untripped = replace(study, runs=tuple(
        replace(r, branches=(), summary=replace(r.summary, trip=Trip(False, None, None, None), erasure=None,
                                                learning=replace(r.summary.learning, detection_latency=None,
                                                                 first_learn_steps=None)))
        for r in study.runs))
    verdicts = {c.id: c.verdict for c in _build(untripped, tmp_path, monkeypatch).claims}
    assert verdicts["T1"] == "fails"
