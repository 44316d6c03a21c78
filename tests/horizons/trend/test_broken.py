"""The broken line at a fixed date: slopes and F test against a least-squares fit by hand, its bootstrap, its
power against a real change and its size without one, and the sides too thin to test."""

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from alignlab.horizons.trend.fit import fit_trends
from alignlab.horizons.trend.sources import published_input
from horizons.synthetic import HEADER, published_rows, write_published


def _fit_by_hand(result, break_date):
    days = np.array([dt.date.fromisoformat(m.release_date).toordinal() for m in result.models], dtype=float)
    u = (days - days.mean()) / 365.25
    u0 = (break_date.toordinal() - days.mean()) / 365.25
    y = np.log2([m.p50_minutes for m in result.models])
    x = np.stack([np.ones_like(u), u, np.maximum(u - u0, 0.0)], axis=1)
    coef, rss, *_ = np.linalg.lstsq(x, y, rcond=None)
    line, rss_line, *_ = np.linalg.lstsq(x[:, :2], y, rcond=None)
    return coef, float(rss_line[0]), float(rss[0]), y.size


def test_broken_line_is_least_squares_and_its_f_test(tmp_path):
    path = write_published(tmp_path / "p.csv", published_rows(models=14))
    result = fit_trends(published_input(path, "1.1"), bootstrap=200, seed=3, break_date="2021-06-01")
    b = result.trends.broken
    coef, rss_line, rss_broken, n = _fit_by_hand(result, dt.date(2021, 6, 1))
    assert b.doublings_per_year_before == pytest.approx(coef[1], rel=1e-9)
    assert b.doublings_per_year_after == pytest.approx(coef[1] + coef[2], rel=1e-9)
    assert b.doubling_days_before == pytest.approx(365.25 / coef[1], rel=1e-9)
    f = (rss_line - rss_broken) / (rss_broken / (n - 3))
    assert b.f_statistic == pytest.approx(f, rel=1e-8)
    assert b.p_value == pytest.approx(stats.f.sf(f, 1, n - 3), rel=1e-8)
    assert b.lr == pytest.approx(n * np.log(rss_line / rss_broken), rel=1e-8)
    assert b.models_before + b.models_after == n and b.draws > 150
    lo, hi = b.change_ci
    assert lo < b.change < hi


def _doubling_change(tmp_path, rate_after: float, seed: int) -> float:
    """p value of the test on 16 models over 2019-2025 growing 1.5 doublings a year until 2022-06-01 and
    ``rate_after`` after it, log2 noise 0.3."""
    rng = np.random.default_rng(seed)
    start, knee = dt.date(2019, 1, 1), dt.date(2022, 6, 1)
    lines = []
    for i in range(16):
        date = start + dt.timedelta(days=int(i * 2300 / 15))
        years = (date - start).days / 365.25
        knee_years = (knee - start).days / 365.25
        log2_p50 = -3 + 1.5 * min(years, knee_years) + rate_after * max(years - knee_years, 0) + rng.normal(0, 0.3)
        p50 = 2.0 ** log2_p50
        lines.append(f"1.1,m{i:02d},{date.isoformat()},{p50},{p50 / 2},{p50 * 2},True\n")
    path = write_published(tmp_path / f"c{seed}.csv", text=HEADER + "".join(lines))
    return fit_trends(published_input(path, "1.1"), bootstrap=0, break_date="2022-06-01").trends.broken.p_value


def test_the_test_finds_a_doubled_rate_and_keeps_its_level_without_one(tmp_path):
    """With the rate doubled after the break (1.5 to 3 doublings a year, noise 0.3 doublings, 16 models) the
    F test rejects in every one of 20 data sets; with a constant rate it rejects at its level: under the null
    p is uniform, so 20 data sets give at most 4 rejections at 0.05 with probability 0.997."""
    changed = [_doubling_change(tmp_path, 3.0, seed) for seed in range(20)]
    constant = [_doubling_change(tmp_path, 1.5, 100 + seed) for seed in range(20)]
    assert max(changed) < 0.05
    assert sum(p < 0.05 for p in constant) <= 4


def test_a_break_outside_the_models_says_it_cannot_test(tmp_path):
    path = write_published(tmp_path / "p.csv", published_rows(models=8))
    b = fit_trends(published_input(path, "1.1"), bootstrap=20, break_date="2018-01-01").trends.broken
    assert b.p_value is None and b.models_before == 0 and "needs 3 models" in b.note
    assert fit_trends(published_input(path, "1.1"), bootstrap=0).trends.broken.break_date == "2023-01-01"


def test_metr_suites_test_a_change_at_2023(published_horizons):
    """METR's frontier models: the broken line is fitted on each suite's whole range, with models on both sides."""
    for suite in ("1.0", "1.1"):
        b = fit_trends(published_input(published_horizons, suite, frontier_only=True), bootstrap=100).trends.broken
        assert b.models_before >= 3 and b.models_after >= 3 and 0 <= b.p_value <= 1
        assert b.doubling_days_before_ci is not None and b.doubling_days_after_ci is not None


def test_trend_table_has_a_row_per_trend(tmp_path):
    path = write_published(tmp_path / "p.csv", published_rows(models=12))
    result = fit_trends(published_input(path, "1.1"), bootstrap=50, break_date="2021-06-01")
    frame = result.to_pandas().set_index("trend")
    assert list(frame.index) == ["exponential", "accelerating", "broken before 2021-06-01",
                                 "broken after 2021-06-01", "steps"]
    exp = result.trends.exponential
    assert frame.loc["exponential", "doubling_days"] == pytest.approx(exp.doubling_days)
    assert frame.loc["exponential", "doubling_days_low"] == pytest.approx(exp.doubling_days_ci[0])
    assert frame.loc["broken after 2021-06-01", "p_value"] == pytest.approx(result.trends.broken.p_value)
