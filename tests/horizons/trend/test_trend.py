"""Horizon trends: least squares against numpy.polyfit, the held-out split at its boundaries, the bootstrap's
seeds, the steps trend in beta (identified, not identified, falling), reach dates, sources and bad input."""

import datetime as dt
import math

import numpy as np
import pytest

from alignlab._validate import ParameterError
from alignlab.horizons.trend.dates import read_release_dates
from alignlab.horizons.trend.fit import fit_trends
from alignlab.horizons.trend.frame import holdout_split, rising_root
from alignlab.horizons.trend.results import TrendResult
from alignlab.horizons.trend.sources import fitted_input, published_input
from horizons.synthetic import HEADER, published_rows, steps_input, write_published
from round_trip import assert_round_trips

def _days(result):
    return np.array([dt.date.fromisoformat(m.release_date).toordinal() for m in result.models], dtype=float)


def _log2_p50(result):
    return np.log2([m.p50_minutes for m in result.models])


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return write_published(tmp_path_factory.mktemp("trend") / "published.csv")


def test_exponential_doubling_time_is_numpy_polyfit(published):
    result = fit_trends(published_input(published, "1.1"), bootstrap=0)
    slope, intercept = np.polyfit(_days(result), _log2_p50(result), 1)
    exp = result.trends.exponential
    assert exp.doubling_days == pytest.approx(1.0 / slope, rel=1e-10)
    fitted = np.polyval([slope, intercept], _days(result))
    y = _log2_p50(result)
    assert exp.r2 == pytest.approx(1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum(), rel=1e-10)
    # the quadratic: acceleration 2c in doublings per year per year
    c = np.polyfit(_days(result) / 365.25, y, 2)[0]
    assert result.trends.accelerating.acceleration == pytest.approx(2 * c, rel=1e-8)
    assert exp.doubling_days_ci is None and exp.draws == 0


def test_metr_suite_1_1_frontier_since_2023_doubles_every_131_days(published_horizons):
    """METR's published 131 days, and numpy.polyfit on the same models."""
    path = published_horizons
    result = fit_trends(published_input(path, "1.1", frontier_only=True, since="2023-01-01"), bootstrap=0)
    slope = np.polyfit(_days(result), _log2_p50(result), 1)[0]
    assert result.trends.exponential.doubling_days == pytest.approx(1.0 / slope, rel=1e-10)
    assert abs(result.trends.exponential.doubling_days - 131) < 1
    assert len(result.models) == 11 and result.models[0].model == "gpt_4"


def test_held_out_forecasts_are_those_of_a_fit_without_the_newest(published):
    result = fit_trends(published_input(published, "1.1"), holdout=4, bootstrap=0)
    days, y = _days(result), _log2_p50(result)
    for trend, degree in ((result.trends.exponential, 1), (result.trends.accelerating, 2)):
        coef = np.polyfit(days[:-4], y[:-4], degree)
        errors = np.polyval(coef, days[-4:]) - y[-4:]
        assert trend.holdout.models == tuple(m.model for m in result.models[-4:]) and trend.holdout.train == 8
        assert np.allclose(trend.holdout.errors, errors, atol=1e-8)
        assert trend.holdout_error == pytest.approx(math.sqrt(np.mean(errors ** 2)), rel=1e-8)


def test_holdout_split_takes_every_model_released_on_the_boundary_day():
    days = np.array([1.0, 2.0, 3.0, 5.0, 5.0, 6.0])
    assert holdout_split(days, 1).tolist() == [False] * 5 + [True]
    # the second newest shares its day with an older model: both are held out
    assert holdout_split(days, 2).tolist() == [False, False, False, True, True, True]
    assert holdout_split(days, 3).tolist() == [False, False, False, True, True, True]
    assert not holdout_split(days, 0).any()                               # no held-out score
    with pytest.raises(ParameterError, match=r"holdout: must be smaller than the number of models on the trend, 6"):
        holdout_split(days, 6)
    with pytest.raises(ParameterError, match=r"holdout: .*leaves 2 release dates"):
        holdout_split(days, 4)
    tied = np.array([1.0, 2.0, 3.0, 3.0, 4.0])         # k = 2 holds out 3 models and leaves 2 dates
    with pytest.raises(ParameterError, match=r"newest 2 models, 3 with the models released the same day"):
        holdout_split(tied, 2)


def test_bootstrap_is_identical_for_a_seed_and_differs_between_seeds(published):
    data = published_input(published, "1.1")
    options = dict(bootstrap=300, forecast=["2026-01-01"], reach=[480])
    first, again, other = (fit_trends(data, seed=s, **options) for s in (5, 5, 6))
    assert first == again and first.seed == 5
    assert first.trends.exponential.doubling_days_ci != other.trends.exponential.doubling_days_ci
    exp = first.trends.exponential
    assert exp.draws == 300 and exp.doubling_days_ci[0] < exp.doubling_days < exp.doubling_days_ci[1]
    forecast = first.forecasts[0].exponential
    assert forecast.p50_ci[0] < forecast.p50_minutes < forecast.p50_ci[1]


def test_a_draw_depends_only_on_the_seed_and_its_index(published):
    """The first 100 of 400 draws are the 100 draws of a run with 100: the intervals of the shorter run
    are those of its draws, whatever else is drawn."""
    from alignlab._seeding import seed_sequence
    from alignlab.horizons.trend.frame import Draws
    short, long = Draws(seed_sequence(3), 100, 7), Draws(seed_sequence(3), 400, 7)
    assert np.array_equal(short.counts, long.counts[:100]) and np.array_equal(short.z, long.z[:100])


def test_reach_and_forecast_follow_the_fitted_line(published):
    result = fit_trends(published_input(published, "1.1"), bootstrap=50, forecast=["2027-06-01"], reach=[480, 1e-9])
    exp = result.trends.exponential
    reference = dt.date.fromisoformat(exp.reference_date).toordinal()
    at = (dt.date(2027, 6, 1).toordinal() - reference) / 365.25
    assert result.forecasts[0].exponential.p50_minutes == pytest.approx(
        2 ** (exp.log2_p50_at_reference + exp.doublings_per_year * at), rel=1e-6)
    u = (math.log2(480) - exp.log2_p50_at_reference) / exp.doublings_per_year
    expected = dt.date.fromordinal(round(reference + 365.25 * u)).isoformat()
    assert abs(dt.date.fromisoformat(result.reach[0].exponential.date).toordinal()
               - dt.date.fromisoformat(expected).toordinal()) <= 1
    assert result.reach[1].exponential.date < result.models[0].release_date      # long reached: a past date


def test_a_falling_trend_never_reaches_a_horizon(tmp_path):
    rows = [(r[0], r[1], r[2], 1000 / (i + 1), 500 / (i + 1), 2000 / (i + 1), True)
            for i, r in enumerate(published_rows(models=6))]
    result = fit_trends(published_input(write_published(tmp_path / "down.csv", rows), "1.1"), bootstrap=20,
                        reach=[1e6])
    assert result.trends.exponential.doubling_days == math.inf
    arrival = result.reach[0].exponential
    assert arrival.date is None and arrival.note.startswith("never")
    assert result.to_json()["trends"]["exponential"]["doubling_days"] is None


def test_rising_root_of_lines_and_parabolas():
    coef = np.array([[0.0, 2.0, 0.0],        # line: 2u = 4 at u = 2
                     [0.0, 0.0, 1.0],        # u^2 = 4 on its rising branch: u = 2
                     [0.0, 0.0, -1.0],       # -u^2 never reaches 4
                     [10.0, 0.0, 1.0],       # 10 + u^2: above 4 everywhere
                     [0.0, -1.0, 0.0],       # a falling line never reaches it
                     [0.0, 1.0, -0.01]])     # rising then falling: the first crossing
    roots = rising_root(coef, 4.0)
    assert roots[0] == pytest.approx(2.0) and roots[1] == pytest.approx(2.0)
    assert roots[2] == np.inf and roots[3] == -np.inf and roots[4] == np.inf
    assert roots[5] == pytest.approx((1 - math.sqrt(1 - 0.16)) / 0.02)


def test_steps_trend_is_weighted_least_squares_over_identified_agents():
    from alignlab.horizons.fit.curves import CURVES
    betas = [0.05, 0.4, 0.6, 0.75, 1.0, 1.1]
    intervals = [(0.05, 0.05), (0.3, 0.5), (0.5, 0.7), (0.55, 0.95), (0.05, 4.0), (0.9, 1.3)]
    data = steps_input(betas, intervals)
    result = fit_trends(data, bootstrap=200, seed=1, forecast=["2025-06-01"], reach=[30], holdout=1)
    steps = result.trends.steps
    assert [a.identified for a in steps.agents] == [False, True, True, True, False, True]
    assert steps.agents[0].note.startswith("beta at the lower end") and steps.agents[4].weight == 0
    assert "interval [0.05, 4] spans 100%" in steps.agents[4].note and "weight 0" in steps.note
    keep = [1, 2, 3, 5]
    days = np.array([p.release_date.toordinal() for p in data.points], dtype=float)[keep] / 365.25
    se = np.array([(intervals[i][1] - intervals[i][0]) / (2 * 1.959963984540054) for i in keep])
    g, a = np.polyfit(days, np.array(betas)[keep], 1, w=1 / se)     # polyfit weights the residuals: 1/se
    assert steps.beta_per_year == pytest.approx(g, rel=1e-8)
    crossing = dt.date.fromordinal(round((1 - a) / g * 365.25)).isoformat()
    assert abs(dt.date.fromisoformat(steps.beta_crosses_1).toordinal()
               - dt.date.fromisoformat(crossing).toordinal()) <= 1
    lo, hi = steps.beta_crosses_1_ci
    assert lo <= steps.beta_crosses_1 <= hi and steps.beta_crosses_2 > steps.beta_crosses_1
    assert steps.tau_minutes == pytest.approx(2.0) and steps.budget == pytest.approx(50.0)
    # p50 along the trend: the steps curve's horizon at the trend's beta (interpolated in beta)
    at = (dt.date(2025, 6, 1).toordinal() / 365.25)
    beta = min(a + g * at, 4.0)
    steps_curve = CURVES["steps"]
    exact = steps_curve.horizon(steps_curve.theta({"beta": beta, "tau_minutes": 2.0, "budget": 50.0})[None], 0.5)[0]
    assert math.log2(result.forecasts[0].steps.p50_minutes) == pytest.approx(math.log2(exact), abs=0.02)
    assert steps.holdout is not None and steps.holdout.models == ("a5",)
    assert_round_trips(result)
    import alignlab.horizons.trend.results as module
    from round_trip import result_types
    defined = {c for c in vars(module).values() if isinstance(c, type) and c.__module__ == module.__name__}
    # every trend result class (but the base of the two polynomial trends) was built and round-tripped
    assert defined - result_types(result) == {module.PolynomialTrend}
    reached = fit_trends(data, bootstrap=0, forecast=[result.reach[0].steps.date], holdout=1).forecasts[0].steps
    assert math.log2(reached.p50_minutes) == pytest.approx(math.log2(30), abs=0.02)   # within a day of the date


def test_steps_trend_not_identified_says_why_and_gives_no_date():
    data = steps_input([0.05, 0.05, 0.08, 2.2], [(0.05, 0.05), (0.05, 4.0), (0.05, 4.0), (0.4, 3.0)])
    result = fit_trends(data, bootstrap=20, forecast=["2026-01-01"], reach=[480], holdout=1)
    steps = result.trends.steps
    assert steps.beta_crosses_1 is None and steps.beta_crosses_1_ci is None and steps.beta_per_year is None
    assert steps.note.startswith("not identified") and "identified for 1 of 4 agents (a3)" in steps.note
    assert "2 with beta at the lower end" in steps.note and "1 with intervals spanning" in steps.note
    assert result.forecasts[0].steps is None and result.reach[0].steps is None
    assert result.to_json()["trends"]["steps"]["beta_crosses_1"] is None


def test_a_falling_beta_never_crosses_the_threshold():
    data = steps_input([0.9, 0.8, 0.7, 0.6], [(0.8, 1.0), (0.7, 0.9), (0.6, 0.8), (0.5, 0.7)])
    steps = fit_trends(data, bootstrap=30, holdout=1).trends.steps
    assert steps.beta_per_year < 0 and steps.beta_crosses_1 is None and steps.beta_crosses_2 is None
    assert "does not rise" in steps.note


def test_published_source_reads_suites_filters_and_frontier(published):
    everything = published_input(published, "1.1")
    assert len(everything.points) == 12 and everything.source.left_out == ()
    frontier = published_input(published, "1.1", frontier_only=True, since="2020-01-01")
    assert all(p.frontier and p.release_date >= dt.date(2020, 1, 1) for p in frontier.points)
    assert "m00: released before 2020-01-01" in frontier.source.left_out
    assert "m01: not at the frontier when released" in frontier.source.left_out
    with pytest.raises(ParameterError, match=r"^suite: must be one of 1.1 \(got '2.0'\)"):
        published_input(published, "2.0")
    with pytest.raises(ParameterError, match=r"^models: a trend needs at least 3 release dates; 2 models on 2 dates "
                                             r"are left after filtering \(since 2024-06-01\)"):
        published_input(published, "1.1", since="2024-06-01")
    with pytest.raises(ParameterError, match=r"^since: must be a date YYYY-MM-DD \(got '2024/01/01'\)"):
        published_input(published, "1.1", since="2024/01/01")


@pytest.mark.parametrize("text, words", [
    (HEADER + "1.1,a,2024-13-01,3,1,9,True\n", ["line 2", "release_date must be a date", "2024-13-01"]),
    (HEADER + "1.1,a,2024-01-01,3,1,9,True\n1.1,b,,3,1,9,True\n", ["line 3", "release_date is empty"]),
    (HEADER + "1.1,a,2024-01-01,-3,1,9,True\n", ["line 2", "p50_minutes", "positive"]),
    (HEADER + "1.1,a,2024-01-01,3,4,9,True\n", ["line 2", "must hold p50_minutes"]),
    (HEADER + "1.1,a,2024-01-01,3,1,9,maybe\n", ["line 2", "is_sota"]),
    ("model,release_date\na,2024-01-01\n", ["missing column 'suite_version'"]),
    ("", ["holds no published horizons"]),
])
def test_bad_published_files_name_the_line(tmp_path, text, words):
    path = write_published(tmp_path / "bad.csv", text=text)
    with pytest.raises(ParameterError) as err:
        published_input(path, "1.1")
    assert str(err.value).startswith(path)
    for w in words:
        assert w in str(err.value)


def test_release_dates_are_read_and_checked(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("alias,release_date\nA,2024-01-02\nB,2024-03-04\nA,2024-01-02\n")
    assert read_release_dates(path) == {"A": dt.date(2024, 1, 2), "B": dt.date(2024, 3, 4)}
    path.write_text("model,release_date\nA,2024-01-02\nB,04/03/2024\n")
    with pytest.raises(ParameterError, match=r"line 3: release_date must be a date YYYY-MM-DD \(got '04/03/2024'\)"):
        read_release_dates(path)
    path.write_text("alias,release_date\nA,2024-01-02\nA,2024-01-03\n")
    with pytest.raises(ParameterError, match="line 3: 'A' is listed again with another date"):
        read_release_dates(path)
    path.write_text("name,date\nA,2024-01-02\n")
    with pytest.raises(ParameterError, match="no agent column"):
        read_release_dates(path)


def test_fitted_source_needs_a_date_for_every_agent_and_leaves_out_null_horizons(tmp_path):
    from alignlab.horizons import fit_horizons, load_runs
    from horizons.synthetic import synthetic_runs, write_jsonl
    agents = (("old", -1.0, -0.9), ("mid", 0.5, -0.8), ("new", 2.0, -0.6), ("newest", 3.0, -0.5), ("none", -40, 0))
    runs = load_runs(write_jsonl(tmp_path / "runs.jsonl", synthetic_runs(seed=4, agents=agents, families=5)))
    result = fit_horizons(runs, curve="logistic", bootstrap=0, cv="none", workers=1)
    dates = {"old": dt.date(2022, 1, 1), "mid": dt.date(2023, 1, 1), "new": dt.date(2024, 1, 1),
             "none": dt.date(2024, 6, 1)}
    with pytest.raises(ParameterError, match=r"^release_dates: no release date for agent 'newest' in d.csv; .*"
                                             r"skip_undated=True"):
        fitted_input(result, dates, steps_curve=None, release_dates_file="d.csv")
    data = fitted_input(result, {**dates, "newest": dt.date(2023, 6, 1)}, steps_curve=None)
    assert [p.model for p in data.points] == ["old", "mid", "newest", "new"]
    assert [p.frontier for p in data.points] == [True, True, True, False]     # newest beats new, released later
    assert any(note.startswith("none: no logistic p50") for note in data.source.left_out)
    skipped = fitted_input(result, dates, steps_curve=None, skip_undated=True)
    assert "newest: no release date" in skipped.source.left_out and len(skipped.points) == 3
    trends = fit_trends(skipped, holdout=0, bootstrap=10).trends        # three models: no held-out score
    assert trends.steps.note.startswith("no steps fit") and trends.exponential.holdout_error is None


def test_trend_result_round_trips(published):
    result = fit_trends(published_input(published, "1.1"), bootstrap=40, forecast=["2026-01-01"], reach=[480, 1e9])
    rebuilt = assert_round_trips(result)
    assert isinstance(rebuilt, TrendResult) and rebuilt.trends.exponential.curve is not None
    assert set(result.to_json()) == {"source", "models", "trends", "forecasts", "reach", "seed"}
    assert "curve" not in result.to_json()["trends"]["exponential"]
