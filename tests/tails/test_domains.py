"""The edges of the tails numbers (issue 13): samples near the ends of the double range, tails spanning
more of it than the alternatives' likelihoods hold, ties, near-constant data, and bootstrap work
bounded before it starts. Each fault is named by what it used to do."""

import math

import mpmath as mp
import numpy as np
import pytest

from alignlab._figures import png_bytes
from alignlab._validate import ParameterError
from alignlab.tails import compare, diagnose, fit_power_law, hill
from alignlab.tails.alternatives import log_expint
from alignlab.tails.bootstrap import MAX_RESAMPLED
from alignlab.tails.diagnosis import _figure_data
from alignlab.tails.gof import MAX_FITTED
from alignlab.tails.plots import plot_diagnosis, plot_power_law


def test_comparisons_of_values_near_the_double_range_match_the_scaled_data(rng):
    """Values up to 1e308: the exponential's mean excess overflowed (math domain error). Every
    likelihood ratio is scale-free, so it equals that of the same data divided by 1e300."""
    x = rng.pareto(1.5, 2000) + 1
    big, small = compare(x * 1e300), compare(x)
    for name in ("exponential", "lognormal", "stretched_exponential", "truncated_power_law"):
        assert big[name].loglikelihood_ratio == pytest.approx(small[name].loglikelihood_ratio, rel=1e-6, abs=1e-6)
    assert big["exponential"].parameters["lambda"] == pytest.approx(small["exponential"].parameters["lambda"] / 1e300,
                                                                    rel=1e-9)


def test_uniform_values_up_to_1e308_compare_without_overflow(rng):
    result = compare(np.full(300, 1e308) * rng.random(300))
    assert all(math.isfinite(c.loglikelihood_ratio) for c in result.comparisons)


def test_subnormal_values_compare(rng):
    """The stretched exponential's rate xmin^-beta overflowed for subnormal data: now inf (JSON null)."""
    result = compare(rng.random(500) * 1e-320)
    assert all(math.isfinite(c.loglikelihood_ratio) for c in result.comparisons)


def test_a_tail_spanning_beyond_the_double_range_is_refused_naming_xmin(rng):
    """--xmin 1e-300 under values of order 1: t = x/xmin overflowed in the truncated power law."""
    with pytest.raises(ParameterError, match="spans more than 1e\\+300") as err:
        compare(rng.pareto(1.5, 300) + 1, xmin=1e-300)
    assert err.value.param == "xmin"


def test_a_fixed_xmin_far_below_the_data_fits_without_overflow(rng):
    """log(x / xmin) where x / xmin overflows: the continuous MLE is 1 + m / sum log(x / xmin)."""
    x = rng.pareto(1.5, 300) + 1
    fit = fit_power_law(x, xmin=1e-320)
    assert fit.alpha == pytest.approx(1 + x.size / np.sum(np.log(x) - math.log(1e-320)), rel=1e-12)


def test_log_expint_with_a_tiny_cutoff_matches_mpmath():
    """Its mode lies at r = log((1 - s)/z), beyond e^709 for tiny z: math.expm1 overflowed."""
    for s, z in ((0.5, 1e-300), (-2.0, 1e-250)):
        expected = float(mp.log(mp.quad(lambda t: t ** -s * mp.exp(-z * t), [1, 1 / mp.mpf(z), 100 / mp.mpf(z),
                                                                             mp.inf])))
        assert log_expint(s, z) == pytest.approx(expected, rel=1e-9)


def test_ties_that_leave_no_excess_over_the_quantiles_are_refused(rng):
    """Four distinct values: the excesses over the 90% quantile were empty (zero-size array)."""
    with pytest.raises(ParameterError, match="ties leave fewer") as err:
        diagnose(rng.integers(1, 5, 2000).astype(float), seed=0, bootstrap_samples=20)
    assert err.value.param == "samples"


def test_near_constant_data_are_diagnosed_and_drawn(rng):
    """Values 1 + 1e-12 u (4,500 distinct doubles) are diagnosed and drawn; for 1 + 1e-15 u (a handful)
    the histogram could not make its bins."""
    d = diagnose(1 + 1e-12 * rng.random(2000), seed=0, bootstrap_samples=20)
    assert png_bytes(plot_diagnosis(d)).startswith(b"\x89PNG")
    x = 1 + 1e-15 * rng.random(2000)
    edges, counts = _figure_data(x, x - x.mean()).histogram
    assert counts.sum() == 2000 and np.all(np.diff(edges) > 0)


def test_values_near_1e308_are_diagnosed_and_drawn(rng):
    """Mean and standard deviation overflowed (inf, JSON null); now those of the scaled data, scaled back."""
    x = rng.pareto(1.5, 2000) + 1
    d = diagnose(1e300 * x, seed=0, bootstrap_samples=20)
    assert d.mean == pytest.approx(1e300 * x.mean(), rel=1e-12) and d.sd == pytest.approx(1e300 * x.std(ddof=1),
                                                                                          rel=1e-12)
    assert d.verdict == "heavy" and np.isfinite(d.figure_data.histogram[0]).all()
    assert png_bytes(plot_diagnosis(d)).startswith(b"\x89PNG")


def test_a_power_law_near_1e308_is_drawn(rng):
    """Log axes a decade above 1e308: matplotlib could not label them (cannot convert inf to integer)."""
    fit = fit_power_law(np.full(300, 1e308) * rng.random(300))
    assert png_bytes(plot_power_law(fit)).startswith(b"\x89PNG")


def test_bootstrap_work_is_bounded_before_it_starts(rng):
    x = rng.pareto(1.5, 300) + 1
    with pytest.raises(ParameterError, match="values fitted exceed the work limit") as err:
        fit_power_law(x, gof=True, replicates=MAX_FITTED / 100)
    assert err.value.param == "replicates" and "max_work=3e+08" in str(err.value)
    with pytest.raises(ParameterError, match="resampled values") as err:
        hill(x, seed=0, bootstrap_samples=20, max_work=1000)
    assert err.value.param == "bootstrap_samples"
    with pytest.raises(ParameterError, match="resampled values") as err:
        diagnose(rng.normal(size=2000), seed=0, bootstrap_samples=20, max_work=1000)
    assert err.value.param == "bootstrap_samples"
    assert hill(x, seed=0, bootstrap_samples=20, max_work=MAX_RESAMPLED).bootstrap.samples == 20


def test_min_tail_beyond_the_sample_names_min_tail(rng):
    """It blamed the samples (the file, on the command line)."""
    with pytest.raises(ParameterError, match="min_tail: must be an integer in \\[2, 300\\]") as err:
        fit_power_law(rng.pareto(1.5, 300) + 1, min_tail=1e9)
    assert err.value.param == "min_tail"


def test_values_further_apart_than_the_double_range_are_refused(rng):
    """-1.7e308 and +1.7e308 in one sample: the excess over the mean overflowed, every Hill moment was
    nan and the double bootstrap failed (All-NaN slice)."""
    x = np.concatenate([np.full(1000, -1.7e308), 1.7e308 * rng.random(1000)])
    with pytest.raises(ParameterError, match="further from their mean than the double range") as err:
        diagnose(x, seed=0, bootstrap_samples=20)
    assert err.value.param == "samples"
