"""diagnose: light tails judged light, heavy tails heavy, the real reward samples as the paper read them,
the generalized Pareto shape behind the verdict, and the figures drawn from the result."""

import math

import numpy as np
import pytest
from scipy import stats

from alignlab._validate import ParameterError
from alignlab.dists import load_samples
from alignlab.tails import diagnose
from alignlab.tails.peaks_over_threshold import fit_gpd, threshold_fit

N = 10000
LIGHT = {"normal": lambda rng: rng.normal(size=N), "exponential": lambda rng: rng.exponential(size=N),
         "uniform": lambda rng: rng.random(N)}
HEAVY = {"pareto": lambda rng: rng.pareto(1.5, N) + 1, "student-t(3)": lambda rng: rng.standard_t(3, N),
         "frechet(2)": lambda rng: (-np.log(rng.random(N))) ** -0.5}


@pytest.mark.parametrize("name", list(LIGHT))
def test_light_tails_are_judged_light(rng, name):
    d = diagnose(LIGHT[name](rng), seed=0, bootstrap_samples=60)
    assert d.verdict == "light", d.evidence
    assert "does not apply" in d.implication


@pytest.mark.parametrize("name", list(HEAVY))
def test_heavy_tails_are_judged_heavy(rng, name):
    d = diagnose(HEAVY[name](rng), seed=0, bootstrap_samples=60)
    assert d.verdict == "heavy", d.evidence
    assert "Kwa et al." in d.implication


def test_gpd_shape_mle_matches_known_shapes_within_its_standard_error(rng):
    for xi in (-0.3, 0.0, 0.25, 0.8):
        y = stats.genpareto(xi, scale=1.5).rvs(8000, random_state=rng)
        est, sigma = fit_gpd(y)
        assert abs(est - xi) < 4 * (1 + xi) / math.sqrt(y.size)
        assert sigma == pytest.approx(1.5, rel=0.1)
    # it is a maximum: scipy's generic fit does not find a higher likelihood
    y = stats.genpareto(0.2).rvs(3000, random_state=rng)
    ours = stats.genpareto(fit_gpd(y)[0], scale=fit_gpd(y)[1]).logpdf(y).sum()
    theirs = stats.genpareto(*stats.genpareto.fit(y, floc=0)).logpdf(y).sum()
    assert ours >= theirs - 1e-6


def test_threshold_fit_uses_the_excesses_over_the_quantile(rng):
    x = rng.exponential(size=5000)
    t = threshold_fit(x, 0.9)
    assert t.k == 500 and t.threshold == pytest.approx(np.sort(x)[4499])
    assert t.interval()[0] < 0 < t.interval()[1]


def test_diagnosis_json_has_the_contract_keys_and_is_reproducible(rng):
    x = rng.standard_t(3, 4000)
    a = diagnose(x, seed=5, bootstrap_samples=60)
    b = diagnose(x, seed=5, bootstrap_samples=60)
    assert a == b and a.seed == 5 and a.hill.seed == 5
    d = a.to_json()
    for key in ("verdict", "n", "hill", "evidence", "seed", "power_law_of_excess", "versus_exponential"):
        assert key in d
    assert {"chosen_k", "chosen_xi", "chosen_se", "tail_index"} <= set(d["hill"]) and "k" not in d["hill"]
    assert "figure_data" not in d and d["n"] == 4000 and isinstance(d["evidence"], list)
    fresh = diagnose(x, bootstrap_samples=60)                  # fresh entropy, recorded
    assert isinstance(fresh.seed, int) and diagnose(x, seed=fresh.seed, bootstrap_samples=60) == fresh


def test_too_few_values_for_a_verdict_is_an_error(rng):
    with pytest.raises(ParameterError, match="n >= 600"):
        diagnose(rng.normal(size=300))


def test_llama_rewards_are_light_as_the_paper_found(reward_files):
    d = diagnose(load_samples(reward_files["starling-llama"]).values, seed=0,
                 bootstrap_samples=100)
    assert d.n == 16000 and d.verdict == "light"
    assert all(t.xi < 0 for t in d.thresholds)           # the exponential QQ plot bends down


def test_random_token_rewards_are_ambiguous_with_hill_near_the_papers_value(reward_files):
    d = diagnose(load_samples(reward_files["starling-random"]).values, seed=0,
                 bootstrap_samples=100)
    assert d.n == 30000 and d.verdict == "ambiguous"
    # the paper: Hill about 0.20 at large k
    assert abs(d.hill.at(1000)[0] - 0.20) < 0.05


def test_diagnosis_figure_is_drawn_from_the_result(rng, tmp_path):
    from alignlab.tails.plots import plot_diagnosis, plot_hill
    d = diagnose(rng.normal(size=2000), seed=0, bootstrap_samples=30)
    fig = plot_diagnosis(d)
    assert len(fig.axes) == 6
    fig.savefig(tmp_path / "d.png")
    assert (tmp_path / "d.png").stat().st_size > 20_000
    assert len(plot_hill(d.hill).axes[0].lines) >= 2
