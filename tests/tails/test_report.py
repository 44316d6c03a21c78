"""The tails report section: claims decided by the numbers, read back from the cache unchanged, and a user's
data folder in place of the shipped samples. The synthetic experiments run smaller here than in the report."""

import functools

import numpy as np
import pytest

from alignlab.evidence import ReportContext
from alignlab.evidence.claims import VERDICTS
from alignlab.tails import experiments as ex
from alignlab.tails import report


@pytest.fixture
def small_experiments(monkeypatch):
    monkeypatch.setattr(ex, "recovery", functools.partial(ex.recovery, n=3000, bootstrap_samples=40))
    monkeypatch.setattr(ex, "verdicts", functools.partial(ex.verdicts, n=2000, bootstrap_samples=40))


def test_a_users_data_folder_replaces_the_shipped_samples_it_holds(tmp_path, small_experiments, rng):
    folder = tmp_path / "data" / "reward-samples"
    folder.mkdir(parents=True)
    np.save(folder / "llama_starling_reward_values.npy", rng.standard_normal(3000))
    section = report.build(ReportContext(tmp_path, use_cache=False, data_dir=tmp_path / "data"))
    evidence = {c.id: c.evidence for c in section.claims}
    assert [c.id for c in section.claims] == ["R1", "R2", "R3"]
    assert "n = 3000" in evidence["R1"] and "n = 30000" in evidence["R2"]      # R2 from the shipped copy


def test_reward_samples_are_judged_as_the_paper_read_them_and_cached_verdicts_agree(tmp_path, small_experiments,
                                                                                   ):
    context = ReportContext(tmp_path, use_cache=True, package="alignlab.tails")
    first = report.build(context)
    verdicts = {c.id: c.verdict for c in first.claims}
    assert verdicts["R1"] == "holds"                      # light, as the paper found
    assert verdicts["R2"] == "conditional"                # ambiguous, with a heavier top 5%
    again = report.build(context)                         # every experiment read back from the JSON cache
    assert [(c.verdict, c.evidence) for c in again.claims] == [(c.verdict, c.evidence) for c in first.claims]
    assert {f.name for f in again.figures} == {"tails_recovery", "tails_llama", "tails_random"}
