"""The log-space quadrature engine on integrals with known values."""

import math

import numpy as np
import pytest
from scipy import special

from alignlab.dists import continuous
from alignlab.numerics.quadrature import log_integral


def integrate(logf, lo, hi, anchor=0.0, scale=1.0, rows=1, **kw):
    return log_integral(logf, np.full(rows, lo), np.full(rows, hi), np.full((rows, 1), anchor),
                        np.full((rows, 1), scale), **kw)


@pytest.mark.parametrize("spec", ["norm(3, 0.01)", "t(df=1.2)", "levy", "lognorm(s=3)", "pareto(b=1.05)",
                                  "gamma(a=0.3)", "weibull_min(c=0.3)", "invgamma(a=0.7)"])
def test_every_density_integrates_to_one(spec):
    """Densities with far-reaching power tails, endpoint singularities and tiny scales, anchored
    only at their median: the fans, probes and edge grading must find all the mass."""
    d = continuous(spec)
    lo, hi = d.support
    r = integrate(lambda v, rows: d.logpdf(v), lo, hi, d.median, d.width)
    assert abs(math.expm1(r.log_value[0])) < 1e-10
    assert r.rel_error[0] < 1e-9


@pytest.mark.parametrize("spec", ["cauchy(1e6, 1e-3)", "logcauchy(sigma=1)"])
def test_the_error_estimate_covers_what_double_precision_cannot_reach(spec):
    """A body of width 1e-3 at 1e6 is resolved only to eps * 1e9 (the rounding of its position);
    a super-heavy law has mass 1/(pi log x) beyond every double x. The estimate says so."""
    d = continuous(spec)
    r = integrate(lambda v, rows: d.logpdf(v), *d.support, d.median, d.width)
    actual = abs(math.expm1(r.log_value[0]))
    assert actual <= r.rel_error[0]
    assert r.rel_error[0] > (1e-7 if spec.startswith("cauchy") else 1e-3)


def test_a_narrow_bump_far_from_every_anchor_is_found():
    """exp(-(v - 1e6)^2 / (2 * 1e-4)): the peak search must locate it from an anchor at 0. The
    positions of the nodes round at 1e-10, 1e-8 of the width: that is the accuracy to expect."""
    centre, sd = 1e6, 1e-2
    r = integrate(lambda v, rows: -0.5 * ((v - centre) / sd) ** 2, -np.inf, np.inf, 0.0, 1.0)
    error = abs(r.log_value[0] - math.log(sd * math.sqrt(2 * math.pi)))
    assert error < 1e-8 and error <= r.rel_error[0]


def test_rows_are_independent_problems():
    s = np.array([0.5, 2.0, 10.0])
    r = log_integral(lambda v, rows: -s[rows] * v, np.zeros(3), np.full(3, np.inf), np.zeros((3, 1)),
                     np.ones((3, 1)))
    assert np.allclose(r.log_value, -np.log(s), rtol=0, atol=1e-13)


def test_far_tail_convolution_stays_accurate_beyond_the_double_range():
    """P(N(0,1) + N(0,1) >= t) = Phi(-t/sqrt 2), in logs, to t = 1000 (log P = -2.5e5)."""
    t = np.array([0.0, 5.0, 52.0, 300.0, 1000.0])
    f = lambda v, rows: -0.5 * v * v - 0.5 * math.log(2 * math.pi) + special.log_ndtr(v - t[rows])  # noqa: E731
    r = log_integral(f, np.full(t.size, -np.inf), np.full(t.size, np.inf), np.column_stack([0 * t, t]),
                     np.ones((t.size, 2)))
    exact = special.log_ndtr(-t / math.sqrt(2))
    assert np.all(np.abs(r.log_value - exact) <= 1e-11 * np.maximum(1, np.abs(exact)))


def test_zero_integrand_and_empty_interval_give_minus_infinity():
    r = integrate(lambda v, rows: np.full(v.shape, -np.inf), -1.0, 1.0)
    assert r.log_value[0] == -np.inf and r.rel_error[0] == 0
    r = integrate(lambda v, rows: 0 * v, 1.0, 1.0)
    assert r.log_value[0] == -np.inf


def test_nan_in_the_integrand_is_an_error_not_a_number():
    with pytest.raises(FloatingPointError, match="nan"):
        integrate(lambda v, rows: np.where(v > 0.3, np.nan, 0.0), 0.0, 1.0)
