"""The edges of the goodhart numbers (issue 13): laws whose density is unbounded at a finite end of
the support, laws whose body or mean leaves the double range, KL tilts beyond what doubles or the
quadrature hold, and Monte Carlo work bounded before it starts. Right answers are checked against
independent mpmath integrals (or Monte Carlo within its standard error); refusals name the parameter."""

import math

import mpmath as mp
import numpy as np
import pytest

import goodhart.mp_reference as ref
from alignlab._validate import ParameterError
from alignlab.goodhart import Proxy, counterexample
from alignlab.goodhart.experiments import bon_synthetic
from alignlab.goodhart.montecarlo import MAX_DRAWS
from alignlab.goodhart.tilt import log_moment_bound

# --- densities unbounded at a finite end of the support ------------------------------------------


def genpareto_condexp(c: float, loc: float, t: float, dps: int = 30) -> float:
    """E[V | V + X >= t] for V ~ genpareto(c < -1, loc) (density ~ |v - hi|^(-1 - 1/c) at its upper end
    hi = loc - 1/c) and X ~ N(0, 1), by mpmath in w with v = hi - w^q, q = -c, which makes the
    integrand smooth: f_V(v) dv = (-c)^(1/c) q ... dw is a constant times dw."""
    with mp.workdps(dps):
        c, loc, t = mp.mpf(c), mp.mpf(loc), mp.mpf(t)
        hi, q = loc - 1 / c, -c
        mean = loc + 1 / (1 - c)
        top = (hi - loc) ** (1 / q)
        sf_x = ref.normal_sf()
        v = lambda w: hi - w ** q                                            # noqa: E731
        num = mp.quad(lambda w: (v(w) - mean) * sf_x(t - v(w)), [0, top / 2, top])
        den = mp.quad(lambda w: sf_x(t - v(w)), [0, top / 2, top])
        return float(mean + num / den)


@pytest.mark.parametrize("t", [-1.0, 2.0, 10.0])
def test_utility_unbounded_at_its_upper_end_matches_mpmath(t):
    """genpareto(c=-5, loc=2): density (1 - 5z)^(-4/5) at the end 2.2, a double that lies past the true
    end. The gain was 0 (and best-of-n an IndexError); the quadrature now stops 2^-26 of |end| short of
    it and extrapolates the power law inside."""
    r = Proxy("norm", "genpareto(c=-5, loc=2)").conditional_utility([t])
    assert_within_estimate(r, genpareto_condexp(-5, 2, t))
    assert r.gain[0] > 0 and r.notes == ()


def assert_within_estimate(result, expected):
    """Right to within twice the result's own relative error estimate, which is below 1e-7 (no note)."""
    got, rel = result.conditional_utility[0], result.relative_error[0]
    assert rel <= 1e-7 and abs(got - expected) <= 2 * rel * abs(expected), (got, expected, rel)


def weibull(c: float, loc: float):
    c, loc = mp.mpf(c), mp.mpf(loc)
    pdf = lambda x: c * (x - loc) ** (c - 1) * mp.exp(-(x - loc) ** c) if x > loc else mp.mpf(0)  # noqa: E731
    sf = lambda x: mp.exp(-(x - loc) ** c) if x > loc else mp.mpf(1)                             # noqa: E731
    return pdf, sf, float(loc + mp.gamma(1 + 1 / c))


@pytest.mark.parametrize("t", [1.0, 2.0])
def test_weibull_below_shape_one_shifted_off_zero_matches_mpmath(t):
    """weibull_min(c=0.5, loc=1): density infinite at 1. As the utility, t = 1 gave a gain of exactly 0;
    as the error, infinity. Each factor is now integrated in its own variable near its own end."""
    pdf, sf, mean = weibull(0.5, 1)
    breaks = [1, 1 + 1e-12, 1 + 1e-8, 1 + 1e-4, 1.01, 2, 5, 20, 100, 1000]
    expected, _ = ref.direct_condexp(pdf, ref.normal_sf(), t, mean, breaks, v_lo=1)
    assert_within_estimate(Proxy("norm", "weibull_min(c=0.5, loc=1)").conditional_utility([t]), expected)
    expected, _, _ = ref.normal_utility_condexp(pdf, sf, t, x_lo=1, features=(1, 1 + 1e-12, 1 + 1e-8, 1 + 1e-4,
                                                                             1.01, 2, 10))
    assert_within_estimate(Proxy("weibull_min(c=0.5, loc=1)", "norm").conditional_utility([t]), expected)


@pytest.mark.parametrize("error, utility", [("norm", "genpareto(c=-5)"), ("weibull_min(c=0.5)", "norm"),
                                            ("norm", "weibull_min(c=0.5)")])
def test_best_of_n_with_a_singular_density_agrees_with_simulation(error, utility):
    """Were an IndexError, E[V] = inf at n = 10, and E[U] = nan. 100,000 trials (fixed seed): the exact
    values lie within 4 Monte Carlo standard errors."""
    p = Proxy(error, utility)
    exact = p.best_of_n([2, 10])
    mc = p.best_of_n([2, 10], method="mc", trials=100_000, seed=5)
    for name in ("utility", "proxy"):
        for e, m, se in zip(getattr(exact, name), getattr(mc, name), getattr(mc, f"{name}_se")):
            assert math.isfinite(e) and abs(e - m) <= 4 * se, (name, e, m, se)


# --- laws beyond the double range ---------------------------------------------------------------

@pytest.mark.parametrize("utility", ["weibull_min(c=0.001)", "weibull_min(c=0.005)"])
def test_a_utility_whose_mean_overflows_is_refused(utility):
    """weibull_min(c=0.005) has a finite mean, Gamma(201) ~ 1e375, that no double holds; c = 0.001 also
    has a first quartile below the double range. The quadrature met nan."""
    with pytest.raises(ParameterError, match="double") as err:
        Proxy("norm", utility)
    assert err.value.param == "utility"


def test_a_law_whose_quartile_underflows_is_refused():
    """Its first quartile, 1e-541, reads as 0; the body spans 680 decades and the answers were noise."""
    with pytest.raises(ParameterError, match="quartiles beyond the double range") as err:
        Proxy("weibull_min(c=0.001)", "norm")
    assert err.value.param == "error"


# --- the KL tilt --------------------------------------------------------------------------------

def test_the_chernoff_bound_is_below_the_normal_log_moment_and_close_to_it():
    """log E[exp(s V)] = s^2/2 for V ~ N(0, 1); the bound on a grid of ratio 10^(1/8) sits below it,
    within 2% and 2 nats."""
    s = np.array([0.5, 3.0, 100.0, 1e4])
    bound = log_moment_bound(Proxy("norm", "norm").utility, s)
    assert (bound <= s * s / 2).all() and (bound >= 0.98 * s * s / 2 - 2).all()


@pytest.mark.parametrize("beta", [1e-160, 1e-300])
def test_a_tilt_beyond_the_double_range_is_refused(beta):
    """log E[exp(V/beta)] = 1/(2 beta^2) > 1e308: was a FloatingPointError (nan integrand)."""
    with pytest.raises(ParameterError, match="beyond the double range") as err:
        Proxy("norm", "norm").tilt([beta])
    assert err.value.param == "beta"
    with pytest.raises(ParameterError) as err:
        Proxy(utility="norm", dependence=counterexample()).tilt([beta])
    assert err.value.param == "beta"


def test_a_tilt_the_quadrature_cannot_follow_is_refused_not_reported():
    """Weibull shape 1.1 tilted by s = 100 puts the optimum near (s/1.1)^10 = 4e19; the quadrature
    reported E[V] = 101 and a negative KL. Now refused, naming beta."""
    with pytest.raises(ParameterError, match="beyond what the quadrature resolves") as err:
        Proxy("norm", "weibull_min(c=1.1)").tilt([0.01])
    assert err.value.param == "beta"


def test_a_strong_but_resolved_tilt_matches_mpmath():
    """Weibull shape 1.1 tilted by s = 2 (beta = 0.5): the optimum near 400, mean by mpmath."""
    with mp.workdps(30):
        c, s = mp.mpf("1.1"), mp.mpf(2)
        f = lambda x: c * x ** (c - 1) * mp.exp(-x ** c + s * x)             # noqa: E731
        pts = [0, 1, 40, 200, 400, 800, 4000, mp.inf]
        expected = float(mp.quad(lambda x: x * f(x), pts) / mp.quad(f, pts))
    r = Proxy("norm", "weibull_min(c=1.1)").tilt([0.5])
    assert r.utility[0] == pytest.approx(expected, rel=1e-9)


def test_a_dependent_tilt_reports_its_error_estimate():
    """The conditional laws' own tilts count: at beta = 1e-5 the N(0, 4) tilt is good to ~1e-4."""
    r = Proxy(utility="norm", dependence=counterexample()).tilt([1e-3, 1e-5])
    assert any(n.startswith("beta = 1e-05: relative error estimate") for n in r.notes)
    assert r.error[1] == pytest.approx(4e5, rel=1e-4)


# --- Monte Carlo work ----------------------------------------------------------------------------

@pytest.mark.parametrize("call, param", [
    (lambda p, w: p.conditional_utility([1.0], method="mc", samples=1e15, max_work=w), "samples"),
    (lambda p, w: p.best_of_n([10 ** 6], method="mc", trials=10 ** 6, max_work=w), "trials"),
    (lambda p, w: bon_synthetic(n_max=100, mc_max=16, trials=10 ** 9, max_work=w), "trials"),
])
def test_monte_carlo_beyond_the_draw_limit_is_refused_before_any_draw(call, param):
    p = Proxy("t(df=3)", "norm")
    with pytest.raises(ParameterError, match="exceed the work limit of 1e\\+08") as err:
        call(p, None)
    assert err.value.param == param and "max_work=" in str(err.value)
    with pytest.raises(ParameterError, match="exceed the work limit of 10 "):
        call(p, 10)


def test_max_work_raises_the_draw_limit_on_purpose():
    p = Proxy("t(df=3)", "norm")
    r = p.conditional_utility([1.0], method="mc", samples=2 * MAX_DRAWS / 1000, seed=0, max_work=MAX_DRAWS)
    assert r.samples == 200_000
    with pytest.raises(ParameterError, match="exceed the work limit of 1e\\+05"):
        p.conditional_utility([1.0], method="mc", samples=200_000, max_work=1e5)


def test_a_dependent_error_counts_ten_draws_each():
    """Its sampler calls the Python conditional once per draw (about ten times slower)."""
    p = Proxy(utility="norm", dependence=counterexample())
    with pytest.raises(ParameterError, match="counts 10 each") as err:
        p.conditional_utility([1.0], method="mc", samples=MAX_DRAWS / 5)
    assert err.value.param == "samples"
