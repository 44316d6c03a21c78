"""Claims G1-G7 and GN1-GN3 decided on small synthetic results: every branch of every rule, no quadrature run."""

import dataclasses

import pytest

from alignlab.goodhart import decisions as d
from alignlab.goodhart.best_of_n import BestOfN
from alignlab.goodhart.conditioning import ConditionalUtility, PointConditional
from alignlab.goodhart.construction import Construction
from alignlab.goodhart.experiments import (LEVY, NORMAL, WEIBULL, BonCase, BonSynthetic, Curve, Curves,
                                          DependenceStudy, GaoCase, GaoFits)
from alignlab.goodhart.fits import GaoFit
from alignlab.goodhart.regime import Regime
from alignlab.goodhart.tilt import Tilt


def regime(kind: str, slope: float | None, predicted: float | None = None, gain: float | None = None) -> Regime:
    return Regime(regime=kind, limit=None, reason="", limit_source="none", conditions=(), exponent=None,
                  predicted_slope=predicted, gain=gain, t=(), gains=(), slope=slope, utility_mean=0.0)


def conditional(t, cu, se=None, log_p=None) -> ConditionalUtility:
    return ConditionalUtility(t=tuple(t), log_tail_probability=tuple(log_p or [-1.0] * len(t)),
                              conditional_utility=tuple(cu), gain=tuple(cu), utility_mean=0.0,
                              method="mc" if se else "quadrature", standard_error=tuple(se) if se else None)


def curve(error: str, utility: str = NORMAL, kind: str = "catastrophic", slope: float | None = -1.0,
          far: float = 3e-100, predicted: float | None = None, gain: float | None = None, **extra) -> Curve:
    t = (1.0, 1e10, d.FAR_T)
    return Curve(error=error, utility=utility, exact=conditional(t, (0.7, 3e-10, far)),
                 regime=regime(kind, slope, predicted, gain), mc=conditional((1.0,), (0.71,), se=(0.01,)),
                 mc_exact=(0.7,), **extra)


HEAVY = ("t(df=3)", "lognorm(s=1)", LEVY)


def heavy(**change) -> Curves:
    """G1's curves, the first one with ``change`` applied."""
    curves = [curve(e) for e in HEAVY]
    curves[0] = dataclasses.replace(curves[0], **change)
    return Curves(curves=tuple(curves))


def test_g1_holds_when_every_heavy_error_returns_to_the_mean_like_the_hazard():
    decision = d.G1(heavy())
    assert decision.verdict == "holds" and decision.numbers["levy"]["mc_z"] == pytest.approx(1.0)


def test_g1_fails_on_a_regime_a_limit_or_a_slope_that_disagrees():
    assert d.G1(heavy(regime=regime("unbounded", 1.0))).verdict == "fails"
    assert d.G1(heavy(exact=conditional((1.0, 1e10, d.FAR_T), (0.7, 0.5, 0.4)))).verdict == "fails"
    assert d.G1(heavy(regime=regime("catastrophic", -1.0 + 2 * d.HAZARD_SLOPE_TOLERANCE))).verdict == "fails"


def test_g1_is_undetermined_when_a_slope_cannot_be_fitted():
    assert d.G1(heavy(regime=regime("catastrophic", None))).verdict == "undetermined"


def light(deviation: float = 1e-12, deep_deviation: float = 0.0, weibull_last: float = 100.0) -> Curves:
    """Two normals deviating from the closed form by ``deviation`` where P(U >= t) = e^-20 and by
    ``deep_deviation`` where it is e^-2e7, beyond DEEPEST_LOG10_P; Weibull error growing to ``weibull_last``."""
    t = (1.0, 10.0, 1e4)
    exact = conditional(t, (0.6, 5.0, 5000.0), log_p=[-0.5, -20.0, -2e7])
    normal = Curve(error=NORMAL, utility=NORMAL, exact=exact, regime=regime("unbounded", 0.99),
                   closed_form=(0.6, 5.0 * (1 + deviation), 5000.0 * (1 + deep_deviation)),
                   point=PointConditional(u=(-2.0, 10.0), log_density=(-3.0, -30.0), conditional_utility=(-1.0, 5.0),
                                          gain=(-1.0, 5.0), utility_mean=0.0),
                   point_closed_form=(-1.0, 5.0))
    weibull = Curve(error=WEIBULL, utility=NORMAL, exact=conditional((1.0, 1000.0), (0.8, weibull_last)),
                    regime=regime("unbounded", 1.0))
    return Curves(curves=(normal, weibull))


def test_g2_holds_when_the_closed_forms_match_and_light_error_grows():
    decision = d.G2(light(deep_deviation=1e-6))            # beyond 1e-300 a deviation is shown, not judged
    assert decision.verdict == "holds" and decision.numbers["closed_form_deviation"] == pytest.approx(1e-12, rel=1e-3)
    assert decision.numbers["deviation_everywhere"] == pytest.approx(1e-6, rel=1e-3)


def test_g2_fails_on_a_closed_form_deviation_or_bounded_weibull_growth():
    assert d.G2(light(deviation=1e-6)).verdict == "fails"
    assert d.G2(light(weibull_last=1.0)).verdict == "fails"


def race(power_slope: float | None = 0.3, v_heavier_slope: float | None = 1.0, expo_kind: str = "constant-gain",
         power_kind: str = "power-growth") -> Curves:
    return Curves(curves=(
        curve(d.POWER_RACE[0], d.POWER_RACE[1], power_kind, power_slope, predicted=0.3),
        curve(d.V_HEAVIER[0], d.V_HEAVIER[1], "unbounded", v_heavier_slope, predicted=1.0),
        curve(d.EXPONENTIAL[0], d.EXPONENTIAL[1], expo_kind, 0.0, predicted=0.0, gain=1.0)))


def test_g3_holds_when_every_slope_matches_theory():
    decision = d.G3(race())
    assert decision.verdict == "holds" and decision.numbers["expon(scale=1) / norm(0, 1)"]["gain"] == 1.0


def test_g3_fails_on_a_slope_off_theory_and_is_undetermined_without_one():
    assert d.G3(race(power_slope=0.3 + 2 * d.RACE_SLOPE_TOLERANCE)).verdict == "fails"
    assert d.G3(race(power_slope=None)).verdict == "undetermined"
    assert d.G3(race(power_slope=None, v_heavier_slope=0.0)).verdict == "fails"      # one contradiction decides


def construction(mean, kl=(1.0, 0.5, 0.1, 0.01)) -> Construction:
    t = (1.5, 2.0, 10.0, 1e4)
    return Construction(base="t(df=3)", t=t, mass=(0.7, 0.5, 0.1, 0.001), mean=tuple(mean), kl=tuple(kl),
                        base_mean=0.0, base_tail=(0.1, 0.06, 0.001, 1e-12))


def test_g4_holds_when_the_mean_rises_from_the_start_and_is_conditional_after_a_dip():
    assert d.G4(construction((1.8, 1.9, 3.0, 9.0))).verdict == "holds"
    dip = d.G4(construction((1.88, 1.84, 3.0, 9.0)))
    assert dip.verdict == "conditional" and dip.numbers["lowest_mean_t"] == 2.0 and "t = 2" in dip.conditions


def test_g4_fails_when_the_kl_rises_or_the_mean_falls_at_the_end():
    assert d.G4(construction((1.8, 1.9, 3.0, 9.0), kl=(1.0, 0.5, 0.6, 0.01))).verdict == "fails"
    assert d.G4(construction((1.8, 1.9, 3.0, 2.5))).verdict == "fails"


N = (1, 2, 10, 1000)


def bon_case(error: str, utility: tuple) -> BonCase:
    k = max(range(len(N)), key=lambda i: utility[i])
    exact = BestOfN(n=N, kl_bound=(0.0,) * 4, utility=tuple(utility), proxy=(0.0,) * 4, error=(0.0,) * 4,
                    kl=(0.0, 0.3, 1.5, 5.0), utility_mean=0.0, method="quadrature")
    mc = dataclasses.replace(exact, n=(1, 2), utility=tuple(utility[:2]), utility_se=(0.1, 0.1), method="mc")
    return BonCase(error=error, utility=NORMAL, exact=exact, mc=mc, peak_n=N[k], peak_utility=utility[k])


def bon(normal=(0.0, 0.5, 1.5, 3.0), heavy_tail=(0.0, 0.5, 0.8, 0.01), levy=(0.0, -0.1, -0.2, 0.0)):
    return BonSynthetic(cases=(bon_case(NORMAL, normal), bon_case("t(df=3)", heavy_tail), bon_case(LEVY, levy)),
                        trials=10, seed=0)


def test_g5_holds_when_normal_rises_heavy_tails_peak_and_levy_never_rises():
    decision = d.G5(bon())
    assert decision.verdict == "holds" and decision.numbers["n_last"] == 1000


def test_g5_is_conditional_when_levy_rises_and_gives_it_back():
    decision = d.G5(bon(levy=(0.0, 0.17, 0.01, 1e-9)))
    assert decision.verdict == "conditional" and "Levy" in decision.conditions


def test_g5_fails_when_normal_error_peaks_or_levy_keeps_its_rise():
    assert d.G5(bon(normal=(0.0, 0.5, 1.5, 1.0))).verdict == "fails"
    assert d.G5(bon(levy=(0.0, 0.17, 0.2, 0.3))).verdict == "fails"


def test_g5_is_undetermined_while_a_heavy_tailed_curve_still_rises_at_the_largest_n():
    assert d.G5(bon(heavy_tail=(0.0, 0.5, 0.8, 0.9))).verdict == "undetermined"


def dependence(dependent=(0.5, 0.9, 0.9996)) -> DependenceStudy:
    t = (10.0, 100.0, 1e4)
    tilt = Tilt(beta=(1.0, 0.1), utility=(0.5, 0.96), proxy=(0.0, 0.0), error=(0.0, 0.0), kl=(0.1, 1.0),
                utility_mean=0.0)
    return DependenceStudy(dependent=conditional(t, dependent), independent=conditional(t, (2.0, 20.0, 2000.0)),
                           mc=conditional((10.0,), (dependent[0],), se=(0.01,)), regime=regime("bounded", None),
                           tilt_dependent=tilt, tilt_independent=tilt)


def test_g6_is_conditional_when_bounded_by_the_window_and_fails_otherwise():
    decision = d.G6(dependence())
    assert decision.verdict == "conditional" and decision.numbers["highest"] == 0.9996
    assert d.G6(dependence((0.5, 0.9, 1.2))).verdict == "fails"
    assert d.G6(dependence((0.5, 0.6, 0.7))).verdict == "fails"


def fits(*r_squared, points: int = 20) -> GaoFits:
    def fit(form, r2):
        return GaoFit(form=form, formula="", a=1.0, b=0.1, r_squared=r2, rmse=0.1, points=points)
    return GaoFits(cases=tuple(GaoCase(error=f"e{i}", utility=NORMAL, bon=fit("bon", r2), rl=fit("rl", 0.9))
                               for i, r2 in enumerate(r_squared)))


def test_g7_holds_is_conditional_or_fails_by_how_many_curves_the_form_fits():
    assert d.G7(fits(0.99, 0.97)).verdict == "holds"
    partly = d.G7(fits(0.99, 0.5))
    assert partly.verdict == "conditional" and "e1/norm(0, 1) (R^2 0.50)" in partly.conditions
    assert partly.numbers["bon_better"] == 1
    assert d.G7(fits(0.5, 0.2)).verdict == "fails"


def test_g7_is_undetermined_on_curves_too_short_to_fit():
    assert d.G7(fits(0.99, 0.99, points=d.MIN_FIT_POINTS - 1)).verdict == "undetermined"


def test_gn1_follows_g1_and_the_power_race():
    assert d.GN1(heavy(), race()).verdict == "conditional"
    assert d.GN1(heavy(), race(power_kind="catastrophic", power_slope=-0.5)).verdict == "holds"
    assert d.GN1(heavy(regime=regime("unbounded", 1.0)), race()).verdict == "fails"
    assert d.GN1(heavy(), race(power_slope=None)).verdict == "undetermined"


def test_gn2_follows_light_growth_and_what_stops_v_without_heavy_tails():
    assert d.GN2(light(), race(), dependence()).verdict == "conditional"
    unbounded = race(expo_kind="unbounded")
    assert d.GN2(light(), unbounded, dependence((0.5, 2.0, 20.0))).verdict == "holds"
    slow = Curves(curves=(dataclasses.replace(light().curves[0], regime=regime("unbounded", 0.2)),))
    assert d.GN2(slow, race(), dependence()).verdict == "fails"
    unfitted = Curves(curves=(dataclasses.replace(light().curves[0], regime=regime("unbounded", None)),))
    assert d.GN2(unfitted, race(), dependence()).verdict == "undetermined"


def test_gn3_holds_when_a_heavier_v_takes_the_jump():
    decision = d.GN3(race())
    assert decision.verdict == "holds" and decision.conditions
    assert d.GN3(race(v_heavier_slope=0.2)).verdict == "fails"
    assert d.GN3(race(v_heavier_slope=None)).verdict == "undetermined"


def test_rules_print_their_thresholds():
    assert f"{d.HAZARD_SLOPE_TOLERANCE:g}" in d.G1.rule and f"{d.CLOSED_FORM_TOLERANCE:g}" in d.G2.rule
    assert f"{d.RACE_SLOPE_TOLERANCE:g}" in d.G3.rule and f"{d.LEVY_RISE_TOLERANCE:g}" in d.G5.rule
    assert f"{d.GOOD_FIT:g}" in d.G7.rule and f"{d.GROWING_SLOPE:g}" in d.GN2.rule
