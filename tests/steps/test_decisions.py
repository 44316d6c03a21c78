"""Claims S1-S5 decided on small synthetic results: every branch of every rule, no experiment run."""

import dataclasses
import math

import pytest

from alignlab.steps import decisions as d
from alignlab.steps.experiments import FamilyResult, FamilyStudy, GrowthCurve, GrowthCurves, RunningMeans

INF = math.inf


def running(settled_at: float = 2.0) -> RunningMeans:
    """Running means at Q = 1.9 and Q_SETTLE (exact mean 2 at beta = 2), the latter ending at ``settled_at``."""
    return RunningMeans(alpha=0.5, qs=(1.9, d.Q_SETTLE), sizes=(10, 1000, 10 ** 7),
                        means=((3.0, 50.0, 20.0), (2.5, 2.1, settled_at)), exact_means=(INF, 2.0))


def forms(**change) -> d.ClosedForms:
    return dataclasses.replace(d.closed_forms(d.ALPHA), **change)


def curve(q: float, first: float, last: float, fitted: float, theory: float | None, points: int = 25,
          mean: float = INF) -> GrowthCurve:
    ns = tuple(int(10 ** (12 * i / (points - 1))) for i in range(points))
    medians = tuple(first + (last - first) * i / (points - 1) for i in range(points))
    return GrowthCurve(q=q, beta=q * d.ALPHA, regime="", n=ns, median_per_subtask=medians,
                       log10_median_per_subtask=tuple(math.log10(m) for m in medians), mean_per_subtask=mean,
                       theory_slope=theory, fitted_slope=fitted, method="exact")


def growth(*curves) -> GrowthCurves:
    return GrowthCurves(approach="pareto", curves=tuple(curves))


def stuck(fitted=(1.0, 0.334), points: int = 25, last: float = 1e12) -> GrowthCurves:
    return growth(curve(1.0, 4.0, last, fitted[0], 1.0, points), curve(1.5, 3.0, 1e4, fitted[1], 1 / 3, points))


def test_s1_holds_when_the_mean_turns_finite_at_the_threshold_and_the_running_mean_settles():
    decision = d.S1(running(), forms())
    assert decision.verdict == "holds"
    assert decision.numbers["mean_below"] == INF and decision.numbers["settle_error"] == 0.0


def test_s1_fails_when_the_running_mean_does_not_settle_or_a_closed_form_disagrees():
    assert d.S1(running(settled_at=2.0 * (1 + 2 * d.SETTLE_TOLERANCE)), forms()).verdict == "fails"
    assert d.S1(running(), forms(mean_below=21.0)).verdict == "fails"
    assert d.S1(running(), forms(critical_q=((0.25, 2.0), (0.5, 2.0), (1.0, 1.0)))).verdict == "fails"


def test_s2_holds_when_the_slopes_match_theory_and_the_median_grows():
    assert d.S2(stuck()).verdict == "holds"


def test_s2_fails_on_a_slope_off_theory_or_a_median_that_does_not_grow():
    assert d.S2(stuck(fitted=(1.0, 1 / 3 + 2 * d.SLOPE_TOLERANCE))).verdict == "fails"
    assert d.S2(stuck(last=1.0)).verdict == "fails"


def test_s2_is_undetermined_on_curves_too_short_to_fit():
    assert d.S2(stuck(points=d.MIN_CURVE_POINTS - 1)).verdict == "undetermined"


def test_s3_holds_when_the_median_meets_the_mean_and_the_curve_is_flat():
    decision = d.S3(growth(curve(d.Q_LINEAR, 2.0, 3.0 * 1.001, 2e-4, 0.0, mean=3.0)))
    assert decision.verdict == "holds" and decision.numbers["median_gap"] == pytest.approx(1e-3)


def test_s3_fails_when_the_median_stays_off_the_mean_or_the_mean_is_infinite():
    assert d.S3(growth(curve(d.Q_LINEAR, 2.0, 2.5, 2e-4, 0.0, mean=3.0))).verdict == "fails"
    assert d.S3(growth(curve(d.Q_LINEAR, 2.0, 3.0, 2 * d.FLAT_SLOPE, 0.0, mean=3.0))).verdict == "fails"
    assert d.S3(growth(curve(d.Q_LINEAR, 2.0, 3.0, 0.0, 0.0, mean=INF))).verdict == "fails"


def test_s3_is_undetermined_on_a_curve_too_short_to_fit():
    short = curve(d.Q_LINEAR, 2.0, 3.0, 0.0, 0.0, points=d.MIN_CURVE_POINTS - 1, mean=3.0)
    assert d.S3(growth(short)).verdict == "undetermined"


def test_s4_holds_for_the_closed_form_efficiency():
    decision = d.S4(forms())
    assert decision.verdict == "holds" and decision.conditions
    assert decision.numbers["gains"] == pytest.approx([0.05, 0.025])


def test_s4_fails_when_a_doubling_buys_as_much_as_the_one_before():
    flat = tuple((q, {20.0: 0.5, 40.0: 0.6, 80.0: 0.7}.get(q, e)) for q, e in forms().efficiency)
    assert d.S4(forms(efficiency=flat)).verdict == "fails"
    assert d.S4(forms(efficiency_at_target=0.8)).verdict == "fails"


def family(spec: str, below: float, above: float, at_one: float | None = None) -> FamilyResult:
    qs = (1.0, d.Q_BELOW, d.Q_ABOVE, 8.0)
    means = (below if at_one is None else at_one, below, above, above)
    return FamilyResult(approach=spec, tail="", critical_q=None, verdict="", mean_qs=qs, mean_subtask_time=means,
                        growth=growth(), bound_n=(1.0,), log10_bound_per_subtask=())


def study(**override) -> FamilyStudy:
    """Every family as the report finds it, with ``override`` (name -> (below, above)) in place."""
    found = {name: (INF, 3.0) for name in d.REGULARLY_VARYING}
    found.update({name: (5.0, 4.0) for name in d.NO_THRESHOLD})
    found.update({name: (INF, INF) for name in d.SUPER_HEAVY})
    found.update(override)
    return FamilyStudy(tuple(family(f"{name}(c=1)", *pair) for name, pair in found.items()))


def test_s5_is_conditional_when_only_regularly_varying_tails_keep_the_threshold():
    decision = d.S5(study())
    assert decision.verdict == "conditional" and decision.numbers["no_threshold"]
    assert decision.numbers["never_escapes"]


def test_s5_holds_when_every_family_keeps_the_threshold():
    everyone = {name: (INF, 3.0) for name in d.NO_THRESHOLD + d.SUPER_HEAVY}
    assert d.S5(study(**everyone)).verdict == "holds"


def test_s5_fails_when_a_regularly_varying_family_loses_the_threshold():
    assert d.S5(study(lomax=(4.0, 3.0))).verdict == "fails"
    assert d.S5(study(lomax=(4.0, 3.0), fisk=(math.nan, 3.0))).verdict == "fails"


def test_s5_is_undetermined_when_a_deciding_mean_is_not_a_number():
    decision = d.S5(study(fisk=(math.nan, 3.0)))
    assert decision.verdict == "undetermined" and decision.numbers["undecided"] == ["fisk"]


def test_every_rule_states_its_thresholds_from_the_constants():
    assert f"{d.SETTLE_TOLERANCE:.0%}" in d.S1.rule and f"{d.SLOPE_TOLERANCE:g}" in d.S2.rule
    assert f"{d.MEDIAN_TOLERANCE:.0%}" in d.S3.rule and f"{d.EFFICIENCY_TARGET:.0%}" in d.S4.rule
    assert all(name in d.S5.rule for name in d.REGULARLY_VARYING)
    assert [r.id for r in d.RULES] == ["S1", "S2", "S3", "S4", "S5"]
