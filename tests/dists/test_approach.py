"""Approach times in the one distribution language: survival functions, their inverses in log space,
tail classes, the minimum of q, ``--alpha`` filling the tail index, and the old spellings' messages."""

import math

import mpmath as mp
import numpy as np
import pytest

from alignlab import ParameterError
from alignlab.dists import FAMILIES, TailKind, approach
from alignlab.dists.spec import format_number

E04, E02 = format_number(math.exp(0.4)), format_number(math.exp(0.2))
SPECS = ["pareto(b=0.7)", "lomax(c=0.7, loc=1, scale=2.5)", "invweibull(c=0.7, loc=1, scale=0.5)",
         "fisk(c=0.7, loc=1, scale=2)", f"lognorm(s=1.3, loc=1, scale={E04})", "weibull_min(c=0.4, loc=1, scale=2)",
         f"logcauchy(sigma=0.7, loc=1, scale={E02})", "logpareto(a=1.5)"]


@pytest.mark.parametrize("spec", SPECS)
def test_log_isf_inverts_logsf_over_many_decades(spec):
    dist = approach(spec)
    log_p = -np.logspace(-3, 2.5, 40)        # survival probabilities from ~1 to e^-316
    log_t = dist.log_isf_log(log_p)
    # t = 1 + x is only representable (and invertible) while x is not lost to rounding next to 1
    with np.errstate(over="ignore"):
        finite = np.isfinite(log_t) & (log_t < 700) & (np.expm1(np.minimum(log_t, 700)) > 1e-6)
    assert finite.sum() >= 15
    np.testing.assert_allclose(dist.logsf(np.exp(log_t[finite])), log_p[finite], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("spec,expected", [
    ("pareto(b=0.7)", lambda t: t ** -0.7),
    ("lomax(c=0.7, loc=1, scale=2.5)", lambda t: (1 + (t - 1) / 2.5) ** -0.7),
    ("invweibull(c=0.7, loc=1, scale=0.5)", lambda t: 1 - math.exp(-((t - 1) / 0.5) ** -0.7)),
    ("fisk(c=0.7, loc=1, scale=2)", lambda t: 1 / (1 + ((t - 1) / 2) ** 0.7)),
    (f"lognorm(s=1.3, loc=1, scale={E04})", lambda t: float(mp.ncdf(-(mp.log(t - 1) - 0.4) / 1.3))),
    ("weibull_min(c=0.4, loc=1, scale=2)", lambda t: math.exp(-((t - 1) / 2) ** 0.4)),
    (f"logcauchy(sigma=0.7, loc=1, scale={E02})", lambda t: 0.5 - math.atan((math.log(t - 1) - 0.2) / 0.7) / math.pi),
    ("logpareto(a=1.5)", lambda t: (1 + math.log(t)) ** -1.5),
])
def test_survival_functions_match_their_definitions(spec, expected):
    dist = approach(spec)
    for t in (1.01, 1.7, 5.0, 100.0, 1e8):
        assert math.exp(dist.logsf(t)) == pytest.approx(expected(t), rel=1e-10)


def test_minimum_of_q_has_q_times_the_log_survival():
    dist = approach("invweibull(c=0.5, loc=1)")
    m = dist.min_of(3.5)
    t = np.array([1.5, 3.0, 30.0])
    np.testing.assert_allclose(m.logsf(t), 3.5 * dist.logsf(t))
    assert m.tail.kind is TailKind.REGULARLY_VARYING and m.tail.index == pytest.approx(1.75)


@pytest.mark.parametrize("spec,kind", [("pareto(b=1)", TailKind.REGULARLY_VARYING),
                                       ("lognorm(s=1, loc=1)", TailKind.SUBEXPONENTIAL),
                                       ("weibull_min(c=0.5, loc=1)", TailKind.SUBEXPONENTIAL),
                                       ("weibull_min(c=1, loc=1)", TailKind.EXPONENTIAL),
                                       ("weibull_min(c=2, loc=1)", TailKind.LIGHT),
                                       ("logcauchy(sigma=1, loc=1)", TailKind.SUPER_HEAVY),
                                       ("logpareto(a=1)", TailKind.SUPER_HEAVY)])
def test_tail_classes_are_stated_per_family(spec, kind):
    assert approach(spec).tail.kind is kind


def test_mean_by_quadrature_matches_mpmath_for_frechet():
    m = approach("invweibull(c=0.5, loc=1)").min_of(3)
    with mp.workdps(30):
        ref = 1 + mp.quad(lambda x: (1 - mp.exp(-x ** -0.5)) ** 3, [0, 1, 100, mp.inf])
    assert m.mean() == pytest.approx(float(ref), rel=1e-8)


def test_every_family_is_registered_under_its_scipy_name():
    assert {"pareto", "lomax", "invweibull", "fisk", "lognorm", "weibull_min", "logcauchy", "logpareto"} <= set(FAMILIES)


def test_alpha_fills_the_tail_index_shape_of_power_law_families():
    assert approach("pareto", alpha=0.5).spec == "pareto(b=0.5)"
    assert approach("lomax(loc=1, scale=3)", alpha=0.5).spec == "lomax(c=0.5, loc=1, scale=3)"
    assert approach("frechet(loc=1)", alpha=2).spec == "invweibull(c=2, loc=1)"     # an alias of scipy's name


@pytest.mark.parametrize("old,new", [
    ("lognormal(sigma=1)", "lognorm(s=1, loc=1)"),
    ("weibull(shape=0.5)", "weibull_min(c=0.5, loc=1)"),
    ("lomax(alpha=0.5, scale=2)", "lomax(c=0.5, loc=1, scale=2)"),
    ("pareto(alpha=0.7)", "pareto(b=0.7)"),
    ("logcauchy(scale=2)", "logcauchy(sigma=2, loc=1)"),
])
def test_old_steps_spellings_fail_with_the_new_spelling(old, new):
    with pytest.raises(ParameterError) as err:
        approach(old)
    assert err.value.param == "approach" and f"is now {new}" in str(err.value)
    assert approach(new).spec == new


def test_laws_that_start_below_the_optimal_speed_are_refused_with_the_shift():
    with pytest.raises(ParameterError, match=r"starts at 0 .* lognorm\(s=1, loc=1\)"):
        approach("lognorm(s=1)")
    with pytest.raises(ParameterError, match="takes negative values"):
        approach("norm")


@pytest.mark.parametrize("spec,alpha,param", [("pareto", None, "alpha"), ("lomax(c=0, loc=1)", None, "approach"),
                                              ("invweibull(c=1, foo=2)", None, "approach"),
                                              ("lognorm(s=-1, loc=1)", None, "approach"),
                                              ("weibull_min(0.5, 2, 3, 4)", None, "approach"),
                                              ("lognorm(s=1, loc=1)", 0.5, "alpha"),
                                              ("pareto(b=0.7)", 0.5, "alpha")])
def test_bad_family_parameters_raise(spec, alpha, param):
    with pytest.raises(ParameterError) as err:
        approach(spec, alpha)
    assert err.value.param == param
