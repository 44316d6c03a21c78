"""The CSN power-law fit: the fast xmin scan equals the quadratic definition, agrees with powerlaw 2.0.0
where powerlaw is right (and shows why where it is not), exact discrete MLE, bootstrap p-values."""

import math
import warnings

import mpmath as mp
import numpy as np
import pytest
from scipy import stats

from alignlab._validate import ParameterError
from alignlab.tails import fit_power_law, goodness_of_fit
from alignlab.tails.ks_scan import argmin_distance
from alignlab.tails.power_law_model import Distinct, TailModel, sample_tail

powerlaw = pytest.importorskip("powerlaw")


def brute_force_fit(x, min_tail=10):
    """The CSN definition, O(n^2): every distinct value as xmin, KS against the left-continuous ECDF."""
    x = np.sort(x)
    values = np.unique(x)
    best = None
    for c in values[:-1]:
        tail = x[x >= c]
        m = tail.size
        if m < min_tail:
            break
        alpha = 1 + m / np.sum(np.log(tail / c))
        u = np.unique(tail)
        below = np.searchsorted(tail, u, side="left") / m
        d = np.max(np.abs((1 - (u / c) ** (1 - alpha)) - below))
        if best is None or d < best[2]:
            best = (c, alpha, d, m)
    return best


SAMPLES = {
    "pareto": lambda rng, n: rng.pareto(1.5, n) + 1,
    "lognormal": lambda rng, n: rng.lognormal(0, 1, n),
    "exponential": lambda rng, n: rng.exponential(1, n),
    "student-t": lambda rng, n: np.abs(rng.standard_t(3, n)),
    "lognormal body, power-law tail": lambda rng, n: np.concatenate(
        [rng.lognormal(0, 0.5, n // 2), rng.pareto(2.0, n - n // 2) + 1]),
    "ties (2 decimals)": lambda rng, n: np.round(rng.pareto(1.5, n) + 1, 2),
}


@pytest.mark.parametrize("name", list(SAMPLES))
def test_fast_scan_equals_the_quadratic_definition(rng, name):
    x = SAMPLES[name](rng, 2500)
    xmin, alpha, d, m = brute_force_fit(x)
    fit = fit_power_law(x)
    assert (fit.xmin, fit.n_tail) == (xmin, m)
    assert fit.alpha == pytest.approx(alpha, rel=1e-12)
    assert fit.ks == pytest.approx(d, rel=1e-10)


def test_scan_evaluates_a_small_multiple_of_n_not_n_squared(rng):
    x = np.sort(rng.pareto(1.5, 100_000) + 1)
    distinct = Distinct.of(x)
    cands = np.flatnonzero(distinct.at_or_above[:-1] >= 10)
    scan = argmin_distance(TailModel.fit(distinct, cands, False).deviation(), cands)
    assert scan.evaluations < 100 * x.size          # the quadratic scan needs about n^2 / 2 = 5e9


@pytest.mark.parametrize("seed,tail_index", [(1, 1.5), (2, 1.2), (3, 1.8), (4, 1.0)])
def test_agrees_with_powerlaw_where_alpha_is_in_its_closed_form_range(seed, tail_index):
    # powerlaw uses the closed-form MLE for 1.5 < alpha <= 3 and the same KS distance
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.lognormal(0, 0.3, 500), rng.pareto(tail_index, 1500) + 1])
    fit = fit_power_law(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = powerlaw.Fit(x, verbose=0)
    assert 1.5 < fit.alpha < 3
    assert fit.xmin == ref.xmin
    assert fit.alpha == pytest.approx(ref.alpha, abs=1e-6)
    assert fit.ks == pytest.approx(ref.D, abs=1e-9)
    assert fit.sigma == pytest.approx(ref.power_law.standard_err, rel=1e-9)


def test_disagrees_with_powerlaw_when_alpha_exceeds_3_because_its_default_range_stops_there():
    # density exponent 3.5: powerlaw's default parameter_ranges {'alpha': [0, 3]} marks every xmin whose
    # MLE is >= 3 invalid, so it settles on a worse xmin with alpha pinned near 3
    rng = np.random.default_rng(2)
    x = rng.pareto(2.5, 1000) + 1
    fit = fit_power_law(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = powerlaw.Fit(x, verbose=0)
        widened = powerlaw.Fit(x, verbose=0, parameter_ranges={"alpha": [1, 10]})
    assert abs(fit.alpha - 3.5) < 4 * fit.sigma
    assert ref.alpha < 3.0 and ref.xmin != fit.xmin and ref.D > 3 * fit.ks
    # with the range widened powerlaw finds our answer: the difference is the range, nothing else
    assert widened.xmin == fit.xmin
    assert widened.alpha == pytest.approx(fit.alpha, abs=1e-6)
    # at powerlaw's xmin the maximum-likelihood alpha is above 3 too, and its KS distance is worse than ours
    at_theirs = fit_power_law(x, xmin=ref.xmin)
    assert at_theirs.alpha > 3 and at_theirs.ks > fit.ks


def test_fixed_xmin_uses_the_given_value_in_the_likelihood(rng):
    x = rng.pareto(1.5, 3000) + 1
    fit = fit_power_law(x, xmin=2.0)
    tail = x[x >= 2.0]
    assert fit.xmin_fixed and fit.n_tail == tail.size
    assert fit.alpha == pytest.approx(1 + tail.size / np.sum(np.log(tail / 2.0)), rel=1e-13)


def test_all_integer_data_gets_a_warning_and_a_clustered_tail_is_degenerate(rng):
    counts = stats.zipf(2.5).rvs(3000, random_state=rng).astype(float)
    assert any("discrete" in w for w in fit_power_law(counts).warnings)
    clustered = 1e6 + rng.random(200)
    fit = fit_power_law(clustered)
    assert fit.degenerate and any("degenerate" in w for w in fit.warnings)


@pytest.mark.parametrize("a", [1.8, 2.5, 3.2])
def test_discrete_fit_recovers_zeta_exponents(rng, a):
    x = stats.zipf(a).rvs(20000, random_state=rng).astype(float)
    fit = fit_power_law(x, discrete=True)
    assert fit.discrete and fit.xmin <= 3
    assert abs(fit.alpha - a) < 4 * fit.sigma
    assert fit.sigma == pytest.approx((a - 1) / math.sqrt(fit.n_tail), rel=0.5)   # same order as continuous


def test_discrete_mle_is_the_exact_hurwitz_zeta_maximum():
    x = np.array([3, 3, 3, 4, 4, 5, 6, 7, 9, 12, 15, 22, 40, 41, 77, 150, 3, 4, 5, 3], dtype=float)
    fit = fit_power_law(x, discrete=True, xmin=3)
    mean_log = float(np.mean(np.log(x)))
    with mp.workdps(40):
        root = mp.findroot(lambda s: mp.zeta(s, 3, 1) / mp.zeta(s, 3) + mean_log, 2.0)
        var_log = mp.zeta(root, 3, 2) / mp.zeta(root, 3) - (mp.zeta(root, 3, 1) / mp.zeta(root, 3)) ** 2
    assert fit.alpha == pytest.approx(float(root), rel=1e-12)
    assert fit.sigma == pytest.approx(1 / math.sqrt(x.size * float(var_log)), rel=1e-9)
    # the approximation alpha = 1 + n / sum(log(x / (xmin - 1/2))) is measurably different
    assert abs(fit.alpha - (1 + x.size / np.sum(np.log(x / 2.5)))) > 1e-3


def test_discrete_sampler_matches_the_zeta_pmf():
    draws = sample_tail(2.0, 2.3, True, 200_000, np.random.default_rng(5))
    with mp.workdps(30):
        norm = mp.zeta(2.3, 2)
        for k in (2, 3, 10, 50):
            p = float(mp.power(k, -2.3) / norm)
            assert abs(np.mean(draws == k) - p) < 5 * math.sqrt(p * (1 - p) / draws.size)


def test_bootstrap_p_value_is_seeded_and_independent_of_threads(rng):
    x = rng.pareto(1.5, 1500) + 1
    fit = fit_power_law(x)
    a = goodness_of_fit(fit, replicates=40, seed=11, workers=1)
    b = goodness_of_fit(fit, replicates=40, seed=11, workers=2)
    assert np.array_equal(a.synthetic_ks, b.synthetic_ks) and a.p_value == b.p_value
    assert not np.array_equal(goodness_of_fit(fit, replicates=40, seed=12, workers=2).synthetic_ks, a.synthetic_ks)


def test_bootstrap_p_value_rejects_an_exponential_and_accepts_a_power_law():
    rng = np.random.default_rng(9)
    pareto = fit_power_law(rng.pareto(1.5, 2000) + 1, gof=True, replicates=100, seed=1)
    expo = fit_power_law(rng.exponential(1, 2000), gof=True, replicates=100, seed=1)
    assert pareto.p_value > 0.1 and pareto.gof_replicates == 100
    assert expo.p_value < 0.1


def test_power_law_refuses_non_positive_values_and_says_what_to_do(rng):
    x = rng.normal(size=200)
    with pytest.raises(ParameterError) as err:
        fit_power_law(x)
    text = str(err.value)
    assert err.value.param == "samples" and "positive" in text and "shift" in text and "Hill" in text


def test_power_law_refuses_fractions_for_a_discrete_fit_and_tiny_tails(rng):
    with pytest.raises(ParameterError, match="whole numbers"):
        fit_power_law(rng.pareto(1.5, 100) + 1, discrete=True)
    with pytest.raises(ParameterError, match="leaves 3 values"):
        fit_power_law(np.arange(1.0, 101.0), xmin=98)
