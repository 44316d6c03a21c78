"""Claims H5-H7 of the horizons section: decided from trends of synthetic published tables, present when their
data are, and cached with the rest of the section."""

import datetime as dt
import functools

import numpy as np

from alignlab.evidence.claims import VERDICTS
from alignlab.evidence.context import ReportContext
from alignlab.horizons import report
from alignlab.horizons import report_trends as rt
from alignlab.horizons import rules
from alignlab.horizons.trend.fit import fit_trends
from alignlab.horizons.trend.sources import published_input
from horizons.synthetic import HEADER, steps_input, synthetic_runs, write_jsonl


def published_text(log2_p50, noise: float = 0.1, seed: int = 0) -> str:
    """Suites 1.0 (14 models) and 1.1 (18 models), both 2019-2025, whose log2 p50 follows ``log2_p50(years since
    2019)`` with normal noise; intervals a factor 2 either side; every model at the frontier."""
    rng = np.random.default_rng(seed)
    rows = []
    for suite, count in (("1.0", 14), ("1.1", 18)):
        start, end = dt.date(2019, 1, 1), dt.date(2025, 12, 1)
        for i in range(count):
            date = start + (end - start) * i / (count - 1)
            p50 = 2.0 ** (log2_p50((date - start).days / 365.25) + rng.normal(0, noise))
            rows.append(f"{suite},s{suite}m{i},{date.isoformat()},{p50},{p50 / 2},{p50 * 2},True\n")
    return HEADER + "".join(rows)


def _sets(tmp_path, log2_p50, noise=0.1, seed=0, bootstrap=300):
    path = tmp_path / "published.csv"
    path.write_text(published_text(log2_p50, noise, seed))
    return {name: fit_trends(published_input(path, suite, frontier_only=True, since=since), bootstrap=bootstrap,
                             seed=0) for name, (suite, since) in rt.TREND_SETS.items()}


def test_constant_seven_month_doubling_holds(tmp_path):
    """Without a change, each suite's test rejects with probability ALPHA = 0.05, so H5 holds for about 90% of
    data sets: 10 data sets give 6 or more with probability 0.998 (binomial)."""
    claims = [rt._h5(_sets(tmp_path, lambda years: -4 + years * 365.25 / rules.SEVEN_MONTHS, seed=seed,
                           bootstrap=100)) for seed in range(10)]
    assert sum(c.verdict == "holds" for c in claims) >= 6
    assert all(c.rule == rules.H5.rule for c in claims)
    assert all(c.numbers["about_seven_months"] for c in claims)


def test_a_rate_that_triples_in_2023_fails_h5_in_both_suites(tmp_path):
    knee = 4.0                                           # 2023-01-01, in years since 2019
    sets = _sets(tmp_path, lambda years: -4 + years + 2.0 * max(years - knee, 0.0), noise=0.1)
    claim = rt._h5(sets)
    assert claim.verdict == "fails" and sorted(claim.numbers["changed"]) == ["1.0", "1.1"]


def test_accelerating_growth_holds_h6_and_slowing_growth_fails_it(tmp_path):
    assert rt._h6({n: s for n, s in _sets(tmp_path, lambda years: -4 + years + 0.22 * years ** 2, 0.05).items()
                   if n in (rt.LONG_RUN, rt.RECENT)}).verdict == "holds"
    assert rt._h6({n: s for n, s in _sets(tmp_path, lambda years: -4 + 3 * years - 0.2 * years ** 2, 0.05).items()
                   if n in (rt.LONG_RUN, rt.RECENT)}).verdict == "fails"


def test_h7_states_a_date_only_where_beta_is_identified():
    identified = fit_trends(steps_input([0.3, 0.5, 0.7, 0.9, 1.1], [(0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0),
                                                                     (1.0, 1.2)]), bootstrap=200, holdout=1)
    claim = rt._h7(identified, 100)
    assert claim.verdict == "holds" and identified.trends.steps.beta_crosses_1 in claim.evidence
    unidentified = fit_trends(steps_input([0.05, 0.05, 0.05, 0.05], [(0.05, 4.0)] * 4), bootstrap=20, holdout=1)
    claim = rt._h7(unidentified, 100)
    assert claim.verdict == "undetermined" and "not identified" in claim.evidence


def test_section_adds_h5_to_h7_from_its_data_and_they_survive_the_cache(tmp_path, monkeypatch):
    from alignlab.horizons.fit import fit
    from alignlab.horizons.joint import fit as joint_fit
    monkeypatch.setattr(report, "BOOTSTRAP", 4)
    monkeypatch.setattr(report, "SHAPE_BOOTSTRAP", 40)
    monkeypatch.setattr(rt, "TREND_BOOTSTRAP", 60)
    monkeypatch.setattr(rt, "TREND_HOLDOUT", 1)                           # four dated agents are enough
    monkeypatch.setattr(fit, "fit_horizons", functools.partial(fit.fit_horizons, workers=1))   # no process start
    monkeypatch.setattr(joint_fit, "fit_joint", functools.partial(joint_fit.fit_joint, workers=1))
    folder = tmp_path / "data" / "agent-runs"
    folder.mkdir(parents=True)
    agents = (("a", -1.0, -0.9), ("b", 0.5, -0.8), ("c", 2.0, -0.6), ("d", 3.0, -0.5), ("human", 3.0, -0.4))
    write_jsonl(folder / report.RUNS_FILE, synthetic_runs(seed=9, agents=agents, families=5, tasks_per_family=2,
                                                          runs_per_task=4))
    (folder / "release_dates.csv").write_text("alias,release_date\na,2022-01-01\nb,2023-01-01\nc,2024-01-01\n"
                                                    "d,2024-09-01\n")
    (folder / "metr_published_horizons.csv").write_text(published_text(lambda years: -4 + years * 1.7))
    context = dict(use_cache=True, package="alignlab.horizons", data_dir=tmp_path / "data")
    first = report.build(ReportContext(tmp_path / "out", **context))
    assert [c.id for c in first.claims] == [f"H{i}" for i in range(1, 12)]            # H9-H11: the joint models
    assert all(c.verdict in VERDICTS and c.rule for c in first.claims)
    assert {"horizons_trend", "horizons_beta", "horizons_shape"} <= {f.name for f in first.figures}
    assert "Trends (H5-H7)" in first.summary and len(first.tables) == 3
    again = report.build(ReportContext(tmp_path / "out", **context))
    assert again.claims == first.claims
