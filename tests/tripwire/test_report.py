"""The report section builds from a study, and its verdicts follow the study's numbers.
The study is the tiny one of conftest (the report itself runs a larger one)."""

import json
from dataclasses import replace

import pytest

from alignlab.evidence import ReportContext
from alignlab.evidence.claims import VERDICTS
from alignlab.tripwire import claims, report
from alignlab.tripwire.summary import Trip


def _build(study, tmp_path, monkeypatch, messages=None):
    def run_study(*args, progress, **options):
        progress(2.5, 4, "world, seed 5, done")        # as run_study reports: (done, total, description)
        return study
    monkeypatch.setattr(report, "run_study", run_study)
    messages = [] if messages is None else messages
    return report.build(ReportContext(tmp_path, use_cache=False, progress=messages.append))


def test_section_builds_with_claims_figures_and_tables(tiny_study, tmp_path, monkeypatch):
    study, _, _ = tiny_study
    messages = []
    section = _build(study, tmp_path, monkeypatch, messages)
    assert "runs: world, seed 5, done (2.5 of 4)" in messages          # progress reaches the report's ctx.step
    assert [c.id for c in section.claims] == ["T1", "T2", "T3", "T4", "T5", "T6", "T7"]
    assert all(c.verdict in VERDICTS and c.evidence and c.rule for c in section.claims)
    # each claim is what its rule decides on the study, with the rule's text and numbers beside it
    t5 = section.claims[4]
    decision = claims.T5(study.summaries)
    assert (t5.verdict, t5.rule, t5.numbers) == (decision.verdict, claims.T5.rule, decision.numbers)
    names = {f.name for f in section.figures}
    assert {"tripwire_oracle", "tripwire_evasion", "tripwire_belief"} <= names
    assert all(f.png.startswith(b"\x89PNG") for f in section.figures)
    assert all(set(c.figures) <= names for c in section.claims)
    tripped = sum(w.summary.trip.tripped for w in study.worlds)
    assert f"tripped in {tripped} of {len(study.worlds)} real worlds" in section.claims[0].evidence
    responses, worlds = section.tables
    assert [row[0] for row in responses.rows] == list(study.responses)
    assert [row[0] for row in worlds.rows] == [str(w.summary.seed) for w in study.worlds]
    json.dumps([c.to_dict() for c in section.claims])


def test_detection_verdict_follows_the_numbers(tiny_study, tmp_path, monkeypatch):
    study, _, _ = tiny_study
    # the same study, but no world tripped: nothing was detected, and there was nothing to respond to
    untripped = replace(study, branches=(), summaries=(), worlds=tuple(
        replace(w, summary=replace(w.summary, trip=Trip(False, None, None, None), response=None,
                                   learning=replace(w.summary.learning, detection_latency=None,
                                                    first_learn_steps=None)))
        for w in study.worlds) * 2)                    # four worlds: enough to decide
    verdicts = {c.id: c.verdict for c in _build(untripped, tmp_path, monkeypatch).claims}
    assert verdicts["T1"] == "fails"
    assert all(verdicts[t] == "undetermined" for t in ("T4", "T5", "T6", "T7"))


def test_a_finished_study_in_the_data_folder_replaces_the_reduced_one(tiny_study, tmp_path, monkeypatch):
    import shutil
    study, _, out = tiny_study
    data = tmp_path / "data"
    shutil.copytree(out, data / report.STUDY_FOLDER)
    monkeypatch.setattr(report, "run_study", lambda *a, **k: pytest.fail("ran the reduced study"))
    section = report.build(ReportContext(tmp_path / "report", use_cache=False, data_dir=data))
    assert f"reads the study in {data / report.STUDY_FOLDER}" in section.summary
    assert [c.verdict for c in section.claims][4] == claims.T5(study.summaries).verdict


def test_study_figures_draw_on_the_axes_they_are_given(tiny_study):
    from alignlab._figures import figure
    from alignlab.tripwire import plots
    study, _, _ = tiny_study
    for draw in (plots.plot_evasion, plots.plot_belief, plots.plot_detection):
        fig, ax = figure()
        assert draw(study, ax=ax) is fig and ax.has_data()
    fig, axes = figure(1, 1 + len(study.responses))
    assert plots.plot_oracle_by_response(study, ax=axes) is fig and all(a.has_data() for a in axes)
