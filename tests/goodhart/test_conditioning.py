"""E[V | U >= t]: closed forms, an independent mpmath reference down to P(U >= t) = 1e-300, the
limits of G1/G2, and agreement with Monte Carlo within its standard errors."""

import math

import numpy as np
import pytest
from scipy import special, stats

import goodhart.mp_reference as ref
from alignlab.goodhart import Proxy, counterexample

REQUIRED = 1e-8


def test_both_normal_matches_the_closed_form_deep_into_the_tail():
    """E[V | U >= t] = E[V] + Var(V)/sd(U) * phi(z)/(1 - Phi(z)), z = (t - E[U])/sd(U), from
    P(U >= t) = 1/2 down to log P = -1.5e5 (t = 1000)."""
    p = Proxy("norm(-1, 2)", "norm(1, 1.5)")
    t = np.array([-30.0, 0.0, 3.0, 20.0, 52.0, 60.0, 100.0, 300.0, 1000.0])
    r = p.conditional_utility(t)
    sd = math.sqrt(4 + 2.25)
    z = t / sd
    closed = 1 + 2.25 / sd * np.exp(stats.norm.logpdf(z) - special.log_ndtr(-z))
    assert np.max(np.abs(np.array(r.conditional_utility) / closed - 1)) < 1e-10
    assert np.max(np.abs(np.array(r.log_tail_probability) - special.log_ndtr(-z)) / np.maximum(1, -special.log_ndtr(-z))) < 1e-12
    assert max(r.relative_error) < 1e-8


def test_both_normal_conditional_utility_at_u_is_linear():
    """E[V | U = u] = E[V] + (u - E[U]) Var(V)/(Var(V) + Var(X))."""
    p = Proxy("norm(-1, 2)", "norm(1, 1.5)")
    u = np.array([-40.0, -2.0, 0.0, 1.5, 10.0, 80.0])
    r = p.conditional_utility_at(u)
    closed = 1 + u * 2.25 / 6.25
    assert np.allclose(r.conditional_utility, closed, rtol=1e-10, atol=1e-11)
    assert np.allclose(r.log_density, stats.norm(0, 2.5).logpdf(u), rtol=1e-12)


def test_exponential_error_matches_its_closed_form_and_gains_lambda_sigma_squared():
    """X ~ Exp(rate lam), V ~ N(0, s^2): E[V | U >= t] = lam s^2 A / (Phibar(t/s) + A) with
    A = exp(-lam t + lam^2 s^2 / 2) Phi((t - lam s^2)/s); the limit is lam s^2."""
    lam, s = 0.5, 1.5
    t = np.array([-5.0, 0.0, 1.0, 10.0, 100.0, 1e3, 1e4])
    r = Proxy("expon(scale=2)", "norm(0, 1.5)").conditional_utility(t)
    log_a = -lam * t + (lam * s) ** 2 / 2 + special.log_ndtr((t - lam * s * s) / s)
    log_p = np.logaddexp(log_a, special.log_ndtr(-t / s))
    closed = lam * s * s * np.exp(log_a - log_p)
    assert np.max(np.abs(np.array(r.conditional_utility) / closed - 1)) < 1e-10
    assert np.max(np.abs(np.array(r.log_tail_probability) - log_p)) < 1e-10 * max(1, np.abs(log_p).max())
    assert abs(r.conditional_utility[-1] - lam * s * s) < 1e-9


REFERENCE = [  # (error spec, mpmath density, mpmath survival, lower support, features, thresholds up to P ~ 1e-300)
    ("t(df=3)", ref.t_pdf(3), ref.t_sf(3), None, (-10, -1, 0, 1, 10), (1.0, 10.0, 1e4, 1e50, 1e100)),
    ("lognorm(s=1)", ref.lognorm_pdf(1), ref.lognorm_sf(1), 0, (0.01, 0.1, 1, 10, 100), (1.0, 10.0, 1e4, 1.2e16)),
    ("levy", ref.levy_pdf(), ref.levy_sf(), 0, (0.01, 0.1, 1, 10, 100), (1.0, 100.0, 1e50, 1e200)),
]


@pytest.mark.parametrize("spec, pdf, sf, x_lo, features, ts", REFERENCE, ids=[r[0] for r in REFERENCE])
def test_against_an_independent_high_precision_reference_down_to_1e_minus_300(spec, pdf, sf, x_lo, features, ts):
    """Relative error <= 1e-8 for E[V | U >= t], for the gain E[V | U >= t] - E[V] (which is 1e-100 of
    the scale of V at t = 1e100) and for log P(U >= t), against mpmath integrating over the error."""
    r = Proxy(spec, "norm(0.5, 1.5)").conditional_utility(list(ts))
    assert min(r.log_tail_probability) < -680 or spec == "levy"       # the reference reaches 1e-300
    for t, cu, gain, lp in zip(ts, r.conditional_utility, r.gain, r.log_tail_probability):
        ref_cu, ref_gain, ref_lp = ref.normal_utility_condexp(pdf, sf, t, 0.5, 1.5, x_lo, features)
        assert abs(cu / ref_cu - 1) <= REQUIRED, (t, cu, ref_cu)
        assert abs(gain / ref_gain - 1) <= REQUIRED, (t, gain, ref_gain)
        assert abs(lp - ref_lp) <= REQUIRED * abs(ref_lp), (t, lp, ref_lp)


def _gumbel_pdf(v):
    import mpmath as mp
    return mp.exp(-(v - 0.5) - mp.exp(-(v - 0.5)))


@pytest.mark.parametrize("utility, mean, v_pdf, v_lo", [
    ("t(df=10, scale=2)", 0.0, lambda v: ref.t_pdf(10)(v / 2) / 2, -math.inf),
    ("gumbel_r(0.5)", 0.5 + float(np.euler_gamma), _gumbel_pdf, -40.0),
])
def test_non_normal_utility_against_the_definition(utility, mean, v_pdf, v_lo):
    """The partial-expectation form (closed form for t, exp-sinh rule for Gumbel) against the
    signed definition int v f_V P(X >= t - v) / int f_V P(X >= t - v) at 40 digits."""
    ts = (0.0, 3.0, 30.0)
    r = Proxy("t(df=3)", utility).conditional_utility(list(ts))
    for t, cu, lp in zip(ts, r.conditional_utility, r.log_tail_probability):
        ref_cu, ref_lp = ref.direct_condexp(v_pdf, ref.t_sf(3), t, mean, (-20, -5, 0, 5, 20, 60), v_lo=v_lo)
        assert abs(cu - ref_cu) <= REQUIRED * max(1.0, abs(ref_cu)), (t, cu, ref_cu)
        assert abs(lp - ref_lp) <= REQUIRED * max(1.0, abs(ref_lp))


def test_g1_heavy_error_returns_to_the_mean_like_var_v_times_the_hazard():
    """t(3) error: the gain is Var(V) * 3/t to leading order, so E[V | U >= 1e100] - E[V] = 3e-100
    (E[V] = 2: relative to E[V] the conditional utility equals the mean to 1e-100)."""
    r = Proxy("t(df=3)", "norm(2, 1)").conditional_utility([1e6, 1e20, 1e100])
    assert np.allclose(r.gain, [3e-6, 3e-20, 3e-100], rtol=1e-5)
    assert r.conditional_utility[-1] == 2.0
    assert list(r.gain) == sorted(r.gain, reverse=True)


def test_g2_light_error_grows_without_bound():
    r = Proxy("weibull_min(c=2)", "norm(0, 1)").conditional_utility([1.0, 10.0, 100.0, 1000.0])
    cu = np.array(r.conditional_utility)
    assert np.all(np.diff(cu) > 0) and cu[-1] > 100      # ~ 2t/3 for shape 2 (P(X>t) = exp(-t^2))


@pytest.mark.parametrize("spec", ["t(df=3)", "lognorm(s=1)", "levy", "norm(0, 2)"])
def test_quadrature_agrees_with_monte_carlo_within_standard_errors(spec):
    """Fixed seed, 400,000 draws: every estimate within 4 standard errors (the SE is the sample's
    own sd/sqrt(k)); log P(U >= t) within 4 binomial standard errors."""
    p = Proxy(spec, "norm(0, 1)")
    t = [0.0, 1.0, 3.0, 6.0]
    exact = p.conditional_utility(t)
    mc = p.conditional_utility(t, method="mc", samples=400_000, seed=7)
    for e, m, se, k, lp in zip(exact.conditional_utility, mc.conditional_utility, mc.standard_error, mc.accepted,
                               exact.log_tail_probability):
        assert k > 100
        assert abs(e - m) <= 4 * se, (spec, e, m, se)
        prob = math.exp(lp)
        assert abs(k / 400_000 - prob) <= 4 * math.sqrt(prob * (1 - prob) / 400_000)


def test_monte_carlo_depends_only_on_seed_and_size():
    p = Proxy("t(df=3)", "norm(0, 1)")
    a = p.conditional_utility([1.0, 2.0], method="mc", samples=70_001, seed=3)
    b = p.conditional_utility([2.0, 1.0], method="mc", samples=70_001, seed=3)
    c = p.conditional_utility([1.0, 2.0], method="mc", samples=70_001, seed=4)
    assert a.conditional_utility == tuple(reversed(b.conditional_utility))
    assert a.conditional_utility != c.conditional_utility


def test_monte_carlo_says_where_no_draw_reached():
    r = Proxy("t(df=3)", "norm(0, 1)").conditional_utility([1.0, 1e6], method="mc", samples=1000, seed=0)
    assert r.accepted[1] == 0 and math.isnan(r.conditional_utility[1]) and "no draw" in r.notes[0]
    assert r.to_json()["conditional_utility"][1] is None


def _counterexample_reference(t):
    """Direct mpmath integrals for V ~ N(0,1), X|V ~ N(0,4) on |V| <= 1, X = 0 elsewhere."""
    import mpmath as mp
    with mp.workdps(30):
        t = mp.mpf(t)
        phi = lambda v: mp.npdf(v)                                            # noqa: E731
        inside = lambda v: mp.ncdf((v - t) / 2)                               # noqa: E731  P(X >= t - v)
        scale = phi(1) * inside(1)                 # mpmath's quad stops on an absolute tolerance
        p_in = scale * mp.quad(lambda v: phi(v) * inside(v) / scale, [-1, 0, 1])
        n_in = scale * mp.quad(lambda v: v * phi(v) * inside(v) / scale, [-1, 0, 1])
        # outside the window U = V: P(V >= t, |V| > 1) and E[V 1{...}] = phi(max(t, 1)) - ...
        p_out = (1 - mp.ncdf(max(t, 1))) + (mp.ncdf(-1) - mp.ncdf(t) if t < -1 else 0)
        n_out = phi(max(t, mp.mpf(1))) + ((phi(t) - phi(-1)) if t < -1 else 0)
        return float((n_in + n_out) / (p_in + p_out)), float(mp.log(p_in + p_out))


def test_dependence_counterexample_against_a_direct_reference_and_monte_carlo():
    p = Proxy(utility="norm(0, 1)", dependence=counterexample())
    ts = [-2.0, 0.0, 1.0, 2.5, 10.0, 100.0]
    r = p.conditional_utility(ts)
    for t, cu, lp in zip(ts, r.conditional_utility, r.log_tail_probability):
        ref_cu, ref_lp = _counterexample_reference(t)
        assert abs(cu - ref_cu) <= REQUIRED * max(1, abs(ref_cu)), (t, cu, ref_cu)
        assert abs(lp - ref_lp) <= REQUIRED * max(1, abs(ref_lp))
    mc = p.conditional_utility([0.0, 1.0, 2.5], method="mc", samples=100_000, seed=1)
    for e, m, se in zip(r.conditional_utility[1:4], mc.conditional_utility, mc.standard_error):
        assert abs(e - m) <= 4 * se
    # bounded by 1 and approaching it: not E[V] = 0
    far = p.conditional_utility([1e3, 1e4]).conditional_utility
    assert 0.995 < far[0] < far[1] < 1.0


def test_log_tail_probability_is_a_float_for_a_scalar():
    p = Proxy("norm(0, 1)", "norm(0, 1)")
    assert isinstance(p.log_tail_probability(1.0), float)
    assert abs(p.log_tail_probability(1.0) - special.log_ndtr(-1 / math.sqrt(2))) < 1e-13
    assert p.log_tail_probability([1.0, 2.0]).shape == (2,)


def test_method_is_exact_or_mc_and_quadrature_is_the_old_spelling_of_exact():
    p = Proxy("t(df=3)", "norm(0, 1)")
    exact = p.conditional_utility([1.0, 10.0])
    assert exact.method == "exact" and p.conditional_utility([1.0, 10.0], method="exact") == exact
    with pytest.warns(DeprecationWarning, match="method='quadrature' is renamed method='exact'"):
        assert p.conditional_utility([1.0, 10.0], method="quadrature") == exact
