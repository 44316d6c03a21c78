"""The tails report section: claims decided by the numbers, read back from the cache unchanged, and a clear
note when the reward samples are absent. The synthetic experiments run smaller here than in the report."""

import functools

import pytest

from alignlab.evidence import ReportContext
from alignlab.evidence.claims import VERDICTS
from alignlab.tails import experiments as ex
from alignlab.tails import report


@pytest.fixture
def small_experiments(monkeypatch):
    monkeypatch.setattr(ex, "recovery", functools.partial(ex.recovery, n=3000, bootstrap_samples=40))
    monkeypatch.setattr(ex, "verdicts", functools.partial(ex.verdicts, n=2000, bootstrap_samples=40))


def test_without_reward_samples_only_the_synthetic_claim_is_made(tmp_path, small_experiments):
    section = report.build(ReportContext(tmp_path, use_cache=False, data_dir=tmp_path))
    assert [c.id for c in section.claims] == ["R3"] and "were not found" in section.summary
    assert section.claims[0].verdict in VERDICTS and "pareto(b=1.5)" in section.claims[0].evidence


def test_reward_samples_are_judged_as_the_paper_read_them_and_cached_verdicts_agree(tmp_path, small_experiments,
                                                                                   reward_dir):
    context = ReportContext(tmp_path, use_cache=True, package="alignlab.tails", data_dir=reward_dir.parent)
    first = report.build(context)
    verdicts = {c.id: c.verdict for c in first.claims}
    assert verdicts["R1"] == "holds"                      # light, as the paper found
    assert verdicts["R2"] == "conditional"                # ambiguous, with a heavier top 5%
    again = report.build(context)                         # every experiment read back from the JSON cache
    assert [(c.verdict, c.evidence) for c in again.claims] == [(c.verdict, c.evidence) for c in first.claims]
    assert {f.name for f in again.figures} == {"tails_recovery", "tails_llama", "tails_random"}
