"""Likelihood-ratio comparisons: the right test for each pair, normalised densities, degenerate fits reported."""

import math
import warnings

import mpmath as mp
import numpy as np
import pytest
from scipy import integrate, special

from alignlab._validate import ParameterError
from alignlab.tails import compare, fit_power_law
from alignlab.tails.alternatives import log_expint

powerlaw = pytest.importorskip("powerlaw")


def density(name, p, xmin):
    """Each alternative's density above xmin written out from its parameters, independently of the fit."""
    if name == "exponential":
        return lambda x: p["lambda"] * math.exp(-p["lambda"] * (x - xmin))
    if name == "lognormal":
        mu, s = p["mu"], p["sigma"]
        norm = 0.5 * special.erfc((math.log(xmin) - mu) / (s * math.sqrt(2)))
        return lambda x: math.exp(-(math.log(x) - mu) ** 2 / (2 * s * s)) / (x * s * math.sqrt(2 * math.pi)) / norm
    if name == "stretched_exponential":
        b, lam = p["beta"], p["lambda"]
        return lambda x: b * lam * x ** (b - 1) * math.exp(-lam * (x ** b - xmin ** b))
    a, lam = p["alpha"], p["lambda"]
    norm = integrate.quad(lambda x: x ** -a * math.exp(-lam * x), xmin, math.inf, epsrel=1e-12)[0]
    return lambda x: x ** -a * math.exp(-lam * x) / norm


def test_each_alternative_is_a_normalised_density_consistent_with_its_parameters(rng):
    x = rng.lognormal(0.5, 0.8, 4000)
    result = compare(x, xmin=float(np.quantile(x, 0.5)))
    tail = result.fit.tail
    from alignlab.tails import alternatives as alt
    for c in result.comparisons:
        fitted = (alt.truncated_power_law(tail, result.fit.xmin, result.fit.alpha) if c.alternative ==
                  "truncated_power_law" else getattr(alt, c.alternative)(tail, result.fit.xmin))
        f = density(c.alternative, fitted.parameters, result.fit.xmin)
        assert integrate.quad(f, result.fit.xmin, math.inf, limit=200)[0] == pytest.approx(1, abs=1e-6)
        for i in (0, 100, tail.size - 1):
            assert fitted.logpdf[i] == pytest.approx(math.log(f(tail[i])), abs=1e-8), c.alternative


def test_each_pair_gets_its_own_test_whatever_the_names():
    rng = np.random.default_rng(3)
    result = compare(rng.lognormal(0, 1.2, 3000))
    tests = {c.alternative: c.test for c in result.comparisons}
    assert tests["truncated_power_law"].startswith("nested")
    assert tests["exponential"] == tests["lognormal"] == tests["stretched_exponential"] == "vuong"
    nested = result["truncated_power_law"]
    assert nested.loglikelihood_ratio <= 0 and nested.normalized_ratio is None
    assert nested.p_value == pytest.approx(special.gammaincc(0.5, -nested.loglikelihood_ratio), rel=1e-10)


def test_vuong_statistic_equals_its_definition_for_the_exponential(rng):
    x = rng.pareto(1.5, 3000) + 1
    result = compare(x, alternatives=("exponential",))
    fit, c = result.fit, result.comparisons[0]
    tail = fit.tail
    lam = 1 / np.mean(tail - fit.xmin)
    d = (np.log(fit.alpha - 1) - np.log(fit.xmin) - fit.alpha * np.log(tail / fit.xmin)) - (
        np.log(lam) - lam * (tail - fit.xmin))
    z = d.sum() / (d.std() * math.sqrt(d.size))
    assert c.parameters["lambda"] == pytest.approx(lam, rel=1e-12)
    assert c.normalized_ratio == pytest.approx(z, rel=1e-10)
    assert c.p_value == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), rel=1e-9, abs=1e-300)
    assert c.favours == "power_law"


def test_truncated_power_law_is_found_when_there_is_a_cutoff_and_not_otherwise():
    rng = np.random.default_rng(4)
    y = rng.pareto(0.8, 100_000) + 1
    cut = y[rng.random(y.size) < np.exp(-0.01 * y)][:4000]
    assert compare(cut, alternatives=("truncated_power_law",)).comparisons[0].favours == "truncated_power_law"
    pure = compare(rng.pareto(1.5, 4000) + 1, alternatives=("truncated_power_law",)).comparisons[0]
    assert pure.favours == "neither" and pure.p_value > 0.1


def test_lognormal_collapsing_onto_a_power_law_is_reported_not_returned_as_a_number(rng):
    c = compare(rng.pareto(1.5, 4000) + 1, alternatives=("lognormal", "stretched_exponential"))
    for comparison in c.comparisons:
        assert comparison.degenerate and comparison.favours in ("undecided", "neither")
        assert "power-law limit" in comparison.note
    # a genuinely lognormal tail is not flagged
    assert not compare(rng.lognormal(0, 1, 4000), alternatives=("lognormal",)).comparisons[0].degenerate


def test_powerlaw_package_forces_the_nested_test_when_one_name_contains_the_other(rng):
    # powerlaw 2.0.0: `if (dist1 in dist2) or (dist2 in dist1) and nested is None:` parses as
    # `A or (B and C)`, so nested=False is overridden for ('power_law', 'truncated_power_law')
    x = rng.lognormal(0, 1.5, 3000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = powerlaw.Fit(x, xmin=float(np.quantile(x, 0.8)), verbose=0)
        _, p_false = fit.distribution_compare("power_law", "truncated_power_law", nested=False)
        _, p_true = fit.distribution_compare("power_law", "truncated_power_law", nested=True)
        _, p_vuong = fit.distribution_compare("truncated_power_law", "power_law", nested=False)
    assert p_false == p_true != p_vuong        # the explicit False is ignored in one order only


def test_compare_refuses_discrete_fits():
    fit = fit_power_law(np.arange(1.0, 200.0) ** 2, discrete=True)
    with pytest.raises(ParameterError, match="continuous"):
        compare(fit=fit)


@pytest.mark.parametrize("s", [-2.0, 0.3, 1.0, 1.7, 3.5, 12.0])
@pytest.mark.parametrize("z", [1e-9, 1e-3, 0.4, 7.0, 300.0])
def test_log_expint_matches_mpmath(s, z):
    with mp.workdps(30):
        ref = float(mp.log(mp.expint(s, z)))
    assert log_expint(s, z) == pytest.approx(ref, rel=1e-11, abs=1e-11)
