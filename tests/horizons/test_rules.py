"""Claims H1-H8 decided on small synthetic results, without building the report: each rule's verdicts at and
around its thresholds, and rule texts written from the constants the decisions use."""

import pytest

from alignlab.horizons import rules as r
from alignlab.horizons.fit.results import AgentHorizons, CurveFit, HorizonsResult
from alignlab.horizons.fit.shape import AgentShape, ShapeResult
from alignlab.horizons.trend.results import AcceleratingTrend, BrokenTrend, ExponentialTrend, Holdout, StepsTrend

CURVES = ("logistic", "exponential", "weibull", "steps", "steps-mixed")


def agent(name, cv: dict, beta_ci=None, weibull_ci=None, note=None) -> AgentHorizons:
    """An agent whose curves score ``cv`` (nats, by curve; the others far behind), with steps-mixed's beta
    interval and the Weibull shape's."""
    fits = {}
    for c in CURVES:
        params = {"beta": 0.5} if c == "steps-mixed" else {"shape": 0.3} if c == "weibull" else {}
        ci = {"beta": beta_ci} if c == "steps-mixed" and beta_ci else \
            {"shape": weibull_ci} if c == "weibull" and weibull_ci else None
        fits[c] = CurveFit(curve=c, params=params, loglik=-1.0, cv_loglik=cv.get(c, -1000.0), params_ci=ci)
    return AgentHorizons(agent=name, runs=100, successes=50, tasks=20, families=10, minutes_range=(1, 100),
                         fits=fits, note=note, loglik_scale=1.0)


def result(*agents) -> HorizonsResult:
    return HorizonsResult(runs_file="x", weights="invsqrt", penalty=None, agents=agents, bootstrap=100, cv="family",
                          seed=0)


def test_held_out_rules_count_agents_trailing_by_the_margin():
    close = {"logistic": -100.0 + r.MARGIN - 1e-9, "weibull": -100.0, "exponential": -100.0 - r.MARGIN,
             "steps-mixed": -100.0}
    far = {"logistic": -100.0 - r.MARGIN, "weibull": -100.0, "exponential": -100.0 - r.MARGIN, "steps-mixed": -50.0}
    assert r.H1(result(*(agent(f"a{i}", close) for i in range(3)))).verdict == "holds"
    mixed = result(agent("a", close), agent("b", close), agent("c", far))
    h1 = r.H1(mixed)
    assert h1.verdict == "conditional" and "c" in h1.conditions and h1.numbers["deficit"]["c"] == pytest.approx(50 + r.MARGIN)
    assert r.H1(result(agent("a", close), agent("b", far), agent("c", far))).verdict == "fails"
    assert r.H2(mixed).verdict == "fails"               # the constant hazard trails by the margin for all three
    # H3 compares steps-mixed with the best empirical curve only: ahead of it here (negative deficit)
    h3 = r.H3(mixed)
    assert h3.verdict == "holds" and h3.numbers["deficit"]["c"] == pytest.approx(-50.0)


def test_too_few_agents_or_the_human_baseline_leave_the_claims_undetermined():
    scores = {"logistic": -10.0, "weibull": -10.0}
    few = result(agent("a", scores), agent("human", scores), agent("dead", scores, note="all runs fail"))
    for rule in (r.H1, r.H2, r.H3):
        decision = rule(few)
        assert decision.verdict == "undetermined" and decision.numbers["agents"] == 1


def test_h4_is_undetermined_when_every_beta_interval_straddles_the_threshold():
    straddling = result(*(agent(f"a{i}", {}, beta_ci=(0.05, 4.0)) for i in range(5)))
    h4 = r.H4(straddling)
    assert h4.verdict == "undetermined" and len(h4.numbers["straddle"]) == 5
    above = result(*(agent(f"a{i}", {}, beta_ci=(1.2, 3.0)) for i in range(3)))
    assert r.H4(above).verdict == "holds"
    below = result(agent("a", {}, beta_ci=(0.05, 0.05)), agent("b", {}, beta_ci=(0.05, 4.0)),
                   agent("c", {}, beta_ci=(0.05, 0.9)))
    assert r.H4(below).verdict == "fails"
    some = result(agent("a", {}, beta_ci=(1.1, 2.0)), agent("b", {}, beta_ci=(0.05, 4.0)),
                  agent("c", {}, beta_ci=(0.05, 0.9)))
    h4 = r.H4(some)
    assert h4.verdict == "conditional" and h4.conditions == "above 1 only for a"
    assert r.H4(result(agent("a", {}), agent("b", {}), agent("c", {}))).verdict == "undetermined"   # no bootstrap


def shape(**k2_ci) -> ShapeResult:
    agents = tuple(AgentShape(agent=name, k2=sum(ci) / 2, k2_ci=ci, minutes=(), success=(), runs=(), pairs=(),
                              draws=100) for name, ci in k2_ci.items())
    return ShapeResult(runs_file="x", weights="invsqrt", bootstrap=100, seed=0, agents=agents)


def test_h8_needs_the_binned_shape_and_the_weibull_shape_below_the_bound():
    fits = result(*(agent(n, {}, weibull_ci=(0.2, 0.4)) for n in "abcd"))
    slower = shape(a=(0.1, 0.5), b=(0.2, 0.6), c=(0.0, 0.9), d=(0.3, 1.4))
    h8 = r.H8(fits, slower)
    assert h8.verdict == "fails" and h8.numbers["below"] == ["a", "b", "c"] and h8.numbers["straddle"] == ["d"]
    one = shape(a=(0.1, 0.5), b=(0.9, 1.6), c=(1.05, 1.4), d=(0.8, 1.3))
    assert r.H8(fits, one).verdict == "conditional"
    assert r.H8(fits, shape(a=(1.1, 2.0), b=(0.9, 1.6), c=(1.05, 1.4), d=(0.8, 1.3))).verdict == "holds"
    assert r.H8(fits, shape(a=(0.5, 1.5), b=(0.9, 1.6), c=(0.2, 1.4), d=(0.8, 1.3))).verdict == "undetermined"
    # a binned k2 below the bound with a Weibull shape that is not does not count against the claim
    weibull_above = result(*(agent(n, {}, weibull_ci=(0.8, 1.3)) for n in "abcd"))
    h8 = r.H8(weibull_above, slower)
    assert h8.verdict == "holds" and h8.numbers["below_k2_only"] == ["a", "b", "c"]
    assert r.H8(fits, shape(a=(0.1, 0.5), b=(0.1, 0.5))).verdict == "undetermined"          # two agents


def exponential(days, ci, held_error=None) -> ExponentialTrend:
    return ExponentialTrend(doublings_per_year=365.25 / days, reference_date="2023-01-01", log2_p50_at_reference=0.0,
                            r2=0.9, holdout_error=held_error, holdout=Holdout((), 10, (), None), draws=100,
                            doubling_days=days, doubling_days_ci=ci, doublings_per_year_ci=None)


def accelerating(acceleration, held_error) -> AcceleratingTrend:
    return AcceleratingTrend(doublings_per_year=2.0, reference_date="2023-01-01", log2_p50_at_reference=0.0, r2=0.9,
                             holdout_error=held_error, holdout=Holdout((), 10, (), None), draws=100,
                             acceleration=acceleration, acceleration_ci=None, doubling_days_first=300.0,
                             doubling_days_last=100.0, doubling_days_last_ci=None)


def broken(p_value) -> BrokenTrend:
    return BrokenTrend(break_date=r.BREAK, models_before=8, models_after=6, p_value=p_value, f_statistic=1.0)


def test_h5_tests_a_change_at_the_fixed_break_within_each_suite():
    about = exponential(200.0, (150.0, 240.0))
    assert r.H5(about, {"1.0": broken(0.4), "1.1": broken(0.2)}).verdict == "holds"
    h5 = r.H5(about, {"1.0": broken(0.4), "1.1": broken(0.01)})
    assert h5.verdict == "conditional" and "suite 1.1" in h5.conditions
    assert r.H5(about, {"1.0": broken(0.001), "1.1": broken(0.01)}).verdict == "fails"
    assert r.H5(exponential(120.0, (100.0, 150.0)), {"1.0": broken(0.4), "1.1": broken(0.5)}).verdict == "fails"
    untested = BrokenTrend(break_date=r.BREAK, models_before=1, models_after=9, note="no test")
    h5 = r.H5(about, {"1.0": untested, "1.1": untested})
    assert h5.verdict == "undetermined" and h5.numbers["untested"] == ["1.0", "1.1"]
    # the threshold is the named constant
    assert r.H5(exponential(r.SEVEN_MONTHS, (r.SEVEN_MONTHS, 300.0)), {"1.0": broken(0.5)}).verdict == "holds"


def test_h6_reads_the_held_out_forecasts():
    up, line = accelerating(0.5, 0.4), exponential(200.0, None, held_error=0.8)
    assert r.H6({"a": (line, up), "b": (line, up)}).verdict == "holds"
    assert r.H6({"a": (line, up), "b": (line, accelerating(0.5, 1.2))}).verdict == "conditional"
    assert r.H6({"a": (line, accelerating(-0.5, 0.4))}).verdict == "fails"          # better, but curving down
    assert r.H6({"a": (exponential(200.0, None), up)}).verdict == "undetermined"


def steps_trend(**kw) -> StepsTrend:
    base = dict(steps_curve="steps-mixed", agents=(), identified=4, beta_per_year=None, beta_per_year_ci=None,
                reference_date=None, beta_at_reference=None, beta_crosses_1=None, beta_crosses_1_ci=None,
                beta_crosses_2=None, beta_crosses_2_ci=None, tau_minutes=None, budget=None, sigma=None,
                holdout_error=None, holdout=None, draws=0, note=None)
    return StepsTrend(**{**base, **kw})


def test_h7_is_undetermined_without_a_trend_in_beta():
    assert r.H7(steps_trend(identified=1)).verdict == "undetermined"
    assert r.H7(steps_trend(beta_per_year=-0.1)).verdict == "fails"
    assert r.H7(steps_trend(beta_per_year=0.3, beta_crosses_1="2027-01-01",
                            beta_crosses_1_ci=("2026-01-01", "2029-01-01"))).verdict == "holds"
    assert r.H7(steps_trend(beta_per_year=0.3, beta_crosses_1="2027-01-01",
                            beta_crosses_1_ci=("2026-01-01", None))).verdict == "conditional"


def test_rule_texts_state_their_constants():
    assert f"{r.MARGIN:g} or more held-out nats" in r.H1.rule and f"fewer than {r.MIN_AGENTS}" in r.H1.rule
    assert r.STEPS_CURVE in r.H3.rule and r.STEPS_CURVE in r.H4.rule
    assert r.BREAK in r.H5.rule and f"{r.ALPHA:g}" in r.H5.rule and f"{r.SEVEN_MONTHS:.0f} days" in r.H5.rule
    assert f"below {r.K2_BOUND:g}" in r.H8.rule
    assert [rule.id for rule in r.RULES] == [f"H{i}" for i in range(1, 9)]
