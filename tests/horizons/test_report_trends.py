"""Claims H5-H7 of the horizons section: present when their data are, decided by the numbers, cached."""

import datetime as dt

import numpy as np

from alignlab.horizons import report
from alignlab.horizons.trend import fit_trends
from alignlab.horizons.trend_sources import published_input
from alignlab.evidence.claims import VERDICTS
from alignlab.evidence.context import ReportContext
from horizons.synthetic import synthetic_runs, write_jsonl
from horizons.test_trend import HEADER, _steps_input


def published_text(log2_p50, noise: float = 0.1, seed: int = 0) -> str:
    """Suite 1.0 (2019-2025) and suite 1.1 (2023-2025) tables whose log2 p50 follows ``log2_p50(years since
    2019)`` with normal noise; intervals a factor 2 either side; every model at the frontier."""
    rng = np.random.default_rng(seed)
    rows = []
    for suite, start, count in (("1.0", dt.date(2019, 1, 1), 14), ("1.1", dt.date(2023, 1, 1), 10)):
        end = dt.date(2025, 12, 1)
        for i in range(count):
            date = start + (end - start) * i / (count - 1)
            p50 = 2.0 ** (log2_p50((date - dt.date(2019, 1, 1)).days / 365.25) + rng.normal(0, noise))
            rows.append(f"{suite},s{suite}m{i},{date.isoformat()},{p50},{p50 / 2},{p50 * 2},True\n")
    return HEADER + "".join(rows)


def _sets(tmp_path, log2_p50, noise=0.1):
    path = tmp_path / "published.csv"
    path.write_text(published_text(log2_p50, noise))
    return {name: fit_trends(published_input(path, suite, frontier_only=True, since=since), bootstrap=300, seed=0)
            for name, (suite, since) in report.TREND_SETS.items()}


def test_constant_seven_month_doubling_holds_and_is_not_accelerating(tmp_path):
    sets = _sets(tmp_path, lambda years: -4 + years * 365.25 / report.SEVEN_MONTHS)
    assert report._h5(sets).verdict == "holds"


def test_faster_doubling_since_2023_makes_h5_conditional_and_h6_hold(tmp_path):
    # growth rate rising from 1 to about 4 doublings a year: accelerating, with the newest models above any line
    sets = _sets(tmp_path, lambda years: -4 + years + 0.22 * years ** 2, noise=0.05)
    assert report._h5(sets).verdict in ("conditional", "fails")
    h6 = report._h6(sets)
    assert h6.verdict == "holds" and "accelerating" in h6.evidence


def test_slowing_growth_is_not_accelerating(tmp_path):
    sets = _sets(tmp_path, lambda years: -4 + 3 * years - 0.2 * years ** 2, noise=0.05)
    assert report._h6(sets).verdict == "fails"


def test_h7_states_a_date_only_where_beta_is_identified():
    identified = fit_trends(_steps_input([0.3, 0.5, 0.7, 0.9, 1.1], [(0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0),
                                                                      (1.0, 1.2)]), bootstrap=200, holdout=1)
    claim = report._h7({"steps-mixed": identified}, 100)
    assert claim.verdict == "holds" and identified.trends.steps.beta_crosses_1 in claim.evidence
    unidentified = fit_trends(_steps_input([0.05, 0.05, 0.05, 0.05], [(0.05, 4.0)] * 4), bootstrap=20, holdout=1)
    claim = report._h7({"steps-mixed": unidentified}, 100)
    assert claim.verdict == "fails" and "not identified" in claim.evidence


def test_section_adds_h5_to_h7_from_its_data_and_they_survive_the_cache(tmp_path, monkeypatch):
    import functools

    from alignlab.horizons import fit
    monkeypatch.setattr(report, "BOOTSTRAP", 4)
    monkeypatch.setattr(report, "TREND_BOOTSTRAP", 60)
    monkeypatch.setattr(report, "TREND_HOLDOUT", 1)                       # four dated agents are enough
    monkeypatch.setattr(fit, "fit_horizons", functools.partial(fit.fit_horizons, workers=1))   # no process start
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
    assert [c.id for c in first.claims] == ["H1", "H2", "H3", "H4", "H5", "H6", "H7"]
    assert all(c.verdict in VERDICTS for c in first.claims)
    assert {"horizons_trend", "horizons_beta"} <= {f.name for f in first.figures}
    assert "Trends (H5-H7)" in first.summary and len(first.tables) == 2
    again = report.build(ReportContext(tmp_path / "out", **context))
    assert again.claims == first.claims
