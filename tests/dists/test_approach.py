"""Approach-time families: survival functions, their inverses, tail classes, the minimum of q."""

import math

import mpmath as mp
import numpy as np
import pytest

from alignlab import ParameterError
from alignlab.dists import FAMILIES, TailKind, approach_time

SPECS = ["pareto(alpha=0.7)", "lomax(alpha=0.7, scale=2.5)", "frechet(alpha=0.7, scale=0.5)",
         "loglogistic(alpha=0.7, scale=2)", "lognormal(sigma=1.3, mu=0.4)", "weibull(shape=0.4, scale=2)",
         "logcauchy(scale=0.7, mu=0.2)", "logpareto(a=1.5)"]


@pytest.mark.parametrize("spec", SPECS)
def test_log_isf_inverts_logsf_over_many_decades(spec):
    dist = approach_time(spec)
    log_p = -np.logspace(-3, 2.5, 40)        # survival probabilities from ~1 to e^-316
    log_t = dist.log_isf(log_p)
    # t = 1 + x is only representable (and invertible) while x is not lost to rounding next to 1
    with np.errstate(over="ignore"):
        finite = np.isfinite(log_t) & (log_t < 700) & (np.expm1(np.minimum(log_t, 700)) > 1e-6)
    assert finite.sum() >= 15
    np.testing.assert_allclose(dist.logsf(np.exp(log_t[finite])), log_p[finite], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("spec,expected", [
    ("pareto(alpha=0.7)", lambda t: t ** -0.7),
    ("lomax(alpha=0.7, scale=2.5)", lambda t: (1 + (t - 1) / 2.5) ** -0.7),
    ("frechet(alpha=0.7, scale=0.5)", lambda t: 1 - math.exp(-((t - 1) / 0.5) ** -0.7)),
    ("loglogistic(alpha=0.7, scale=2)", lambda t: 1 / (1 + ((t - 1) / 2) ** 0.7)),
    ("lognormal(sigma=1.3, mu=0.4)", lambda t: float(mp.ncdf(-(mp.log(t - 1) - 0.4) / 1.3))),
    ("weibull(shape=0.4, scale=2)", lambda t: math.exp(-((t - 1) / 2) ** 0.4)),
    ("logcauchy(scale=0.7, mu=0.2)", lambda t: 0.5 - math.atan((math.log(t - 1) - 0.2) / 0.7) / math.pi),
    ("logpareto(a=1.5)", lambda t: (1 + math.log(t)) ** -1.5),
])
def test_survival_functions_match_their_definitions(spec, expected):
    dist = approach_time(spec)
    for t in (1.01, 1.7, 5.0, 100.0, 1e8):
        assert math.exp(dist.logsf(t)) == pytest.approx(expected(t), rel=1e-10)


def test_minimum_of_q_has_q_times_the_log_survival():
    dist = approach_time("frechet(alpha=0.5)")
    m = dist.min_of(3.5)
    t = np.array([1.5, 3.0, 30.0])
    np.testing.assert_allclose(m.logsf(t), 3.5 * dist.logsf(t))
    assert m.tail.kind is TailKind.REGULARLY_VARYING and m.tail.index == pytest.approx(1.75)


@pytest.mark.parametrize("spec,kind", [("pareto(alpha=1)", TailKind.REGULARLY_VARYING),
                                       ("lognormal", TailKind.SUBEXPONENTIAL),
                                       ("weibull(shape=0.5)", TailKind.SUBEXPONENTIAL),
                                       ("weibull(shape=1)", TailKind.EXPONENTIAL),
                                       ("weibull(shape=2)", TailKind.LIGHT),
                                       ("logcauchy", TailKind.SUPER_HEAVY), ("logpareto", TailKind.SUPER_HEAVY)])
def test_tail_classes_are_stated_per_family(spec, kind):
    assert approach_time(spec).tail.kind is kind


def test_mean_by_quadrature_matches_mpmath_for_frechet():
    m = approach_time("frechet(alpha=0.5)").min_of(3)
    with mp.workdps(30):
        ref = 1 + mp.quad(lambda x: (1 - mp.exp(-x ** -0.5)) ** 3, [0, 1, 100, mp.inf])
    assert m.mean() == pytest.approx(float(ref), rel=1e-8)


def test_every_family_is_registered_under_its_name_and_aliases():
    assert {"pareto", "lomax", "frechet", "loglogistic", "lognormal", "weibull", "logcauchy", "logpareto",
            "log-cauchy", "log-pareto", "fisk", "lognorm"} <= set(FAMILIES)


@pytest.mark.parametrize("spec,param", [("pareto", "approach"), ("lomax(alpha=0)", "alpha"),
                                        ("frechet(alpha=1, foo=2)", "approach"), ("lognormal(sigma=-1)", "sigma"),
                                        ("weibull(shape=0.5, 2, 3)", "approach")])
def test_bad_family_parameters_raise(spec, param):
    with pytest.raises(ParameterError) as err:
        approach_time(spec)
    assert err.value.param == param
