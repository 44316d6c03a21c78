"""Hill, smoothed Hill, Pickands and moment estimators: formulas checked term by term, known indices
recovered within standard errors derived from k, and the seeded double bootstrap."""

import math

import numpy as np
import pytest

from alignlab._validate import ParameterError
from alignlab.tails import hill, moment, pickands, smoothed_hill
from alignlab.tails.estimators import moment_variance, pickands_variance


def _desc_logs(x):
    return np.sort(np.log(x[x > 0]))[::-1]


def test_hill_path_equals_the_definition_at_every_k(rng):
    x = rng.pareto(2.0, 300) + 1.0
    path = hill(x, k=None)
    logs = _desc_logs(x)
    for k in (1, 2, 17, 150, 299):
        direct = np.mean(logs[:k]) - logs[k]
        assert path.at(k)[0] == pytest.approx(direct, rel=1e-12)
        assert path.at(k)[1] == pytest.approx(direct / math.sqrt(k), rel=1e-12)
    assert path.k[0] == 1 and path.k[-1] == 299 and path.chosen_k is None


def test_hill_uses_only_the_positive_values(rng):
    x = np.concatenate([rng.pareto(2.0, 200) + 1.0, -rng.random(100)])
    path = hill(x, k=None)
    assert path.k[-1] == 199 and path.n == 300
    assert path.at(50)[0] == pytest.approx(hill(x[x > 0], k=None).at(50)[0], rel=1e-15)


def test_smoothed_hill_is_the_mean_of_hill_over_k_to_uk(rng):
    x = rng.pareto(1.0, 400) + 1.0
    h = hill(x, k=None)
    for u in (2.0, 3.0):
        s = smoothed_hill(x, k=None, u=u)
        for k in (1, 10, 60):
            js = np.arange(k + 1, int(u * k) + 1)
            assert s.at(k)[0] == pytest.approx(np.mean([h.at(j)[0] for j in js]), rel=1e-12)
        # variance factor 2(u - 1 - log u)/(u - 1)^2 of Hill's (0.614 at u = 2)
        ratio = s.at(60)[1] / s.at(60)[0] / (1 / math.sqrt(60))
        assert ratio ** 2 == pytest.approx(2 * (u - 1 - math.log(u)) / (u - 1) ** 2, rel=1e-12)


def test_pickands_and_moment_equal_their_definitions(rng):
    x = rng.standard_t(4, 500)
    desc = np.sort(x)[::-1]
    p = pickands(x)
    for k in (1, 7, 125):
        direct = math.log((desc[k - 1] - desc[2 * k - 1]) / (desc[2 * k - 1] - desc[4 * k - 1])) / math.log(2)
        assert p.at(k)[0] == pytest.approx(direct, rel=1e-12)
    m = moment(x, k=None)
    logs = _desc_logs(x)
    for k in (2, 40, 200):
        d = logs[:k] - logs[k]
        m1, m2 = d.mean(), (d ** 2).mean()
        assert m.at(k)[0] == pytest.approx(m1 + 1 - 0.5 / (1 - m1 * m1 / m2), rel=1e-10)


def test_asymptotic_variances_at_known_points():
    # Pickands at xi = 0 is 3 / (4 log^4 2); at xi = 1, (8 + 1) / (2 log 2)^2
    assert pickands_variance(np.array([0.0]))[0] == pytest.approx(3 / (4 * math.log(2) ** 4), rel=1e-12)
    assert pickands_variance(np.array([1.0]))[0] == pytest.approx(9 / (2 * math.log(2)) ** 2, rel=1e-12)
    assert moment_variance(np.array([0.5]))[0] == pytest.approx(1.25)
    xi = -0.5      # (1.5^2)(2)(1 + 0.5 + 1.5) / ((2.5)(3))
    assert moment_variance(np.array([xi]))[0] == pytest.approx(2.25 * 2 * 3 / 7.5)


def test_hill_recovers_a_pareto_index_at_the_double_bootstrap_k(rng):
    # exact Pareto: no bias, so the error is within a few standard errors xi / sqrt(k)
    x = rng.pareto(1.5, 20000) + 1.0
    path = hill(x, seed=3, bootstrap_samples=100)
    assert path.selection == "double-bootstrap" and path.bootstrap.reliable
    assert path.chosen_k > 5000                       # no bias to trade against: use most of the sample
    assert abs(path.chosen_xi - 1 / 1.5) < 4 * path.chosen_se
    assert path.tail_index == pytest.approx(1 / path.chosen_xi)


@pytest.mark.parametrize("label,xi,rho,draw", [
    ("student-t(3)", 1 / 3, -2 / 3, lambda rng, n: rng.standard_t(3.0, n)),
    ("frechet(2)", 1 / 2, -1.0, lambda rng, n: (-np.log(rng.random(n))) ** (-1 / 2)),
])
def test_hill_and_moment_recover_the_index_at_the_amse_rate(rng, label, xi, rho, draw):
    # the AMSE-optimal k grows like n^(2|rho|/(1+2|rho|)); there bias and noise are of the same order
    n = 40000
    x = draw(rng, n)
    k = int(n ** (2 * abs(rho) / (1 + 2 * abs(rho))))
    h_xi, h_se = hill(x, k=k).at(k)
    assert abs(h_xi - xi) < 4 * h_se, label
    m_xi, m_se = moment(x, k=k).at(k)
    assert abs(m_xi - xi) < 4 * m_se, label


def test_light_tails_have_moment_and_pickands_estimates_at_or_below_zero(rng):
    n, k = 40000, 2000
    m_unif, se_unif = moment(rng.random(n), k=k).at(k)
    assert abs(m_unif - (-1.0)) < 4 * se_unif                  # uniform: xi = -1
    p_exp, se_exp = pickands(rng.exponential(size=n), k=k).at(k)
    assert abs(p_exp) < 4 * se_exp                              # exponential: xi = 0


def test_double_bootstrap_is_reproducible_and_independent_of_workers(rng):
    x = rng.standard_t(3, 5000)
    a = hill(x, seed=7, bootstrap_samples=60, workers=1)
    b = hill(x, seed=7, bootstrap_samples=60, workers=2)
    c = hill(x, seed=8, bootstrap_samples=60, workers=1)
    assert a.bootstrap == b.bootstrap == hill(x, seed=7, bootstrap_samples=60, workers=3).bootstrap
    assert a.chosen_k == b.chosen_k
    assert (a.bootstrap.k1, a.bootstrap.k2) != (c.bootstrap.k1, c.bootstrap.k2)


def test_json_gives_the_chosen_point_and_to_dict_keeps_the_whole_path(rng):
    x = rng.pareto(2.0, 50000) + 1.0
    path = hill(x, k=1000)
    d = path.to_json()
    assert d["chosen_k"] == 1000 and d["selection"] == "fixed" and d["seed"] is None   # a fixed k draws nothing
    assert (d["chosen_xi"], d["chosen_se"]) == path.at(1000) and d["tail_index"] == 1 / d["chosen_xi"]
    assert not {"k", "xi", "se"} & set(d)                      # per-k arrays stay out of --json
    assert len(path.to_dict()["k"]) == 49999


@pytest.mark.parametrize("bad,param", [
    ([1.0] * 5, "samples"),
    ([3.0] * 50, "samples"),
    ([1.0, float("nan")] + list(range(2, 20)), "samples"),
    (np.concatenate([-np.arange(1.0, 40.0), [1.0, 2.0]]), "samples"),
])
def test_bad_samples_are_refused_with_the_parameter_named(bad, param):
    with pytest.raises(ParameterError) as err:
        hill(bad, k=None)
    assert err.value.param == param


def test_bad_k_is_refused(rng):
    x = rng.pareto(2.0, 100) + 1
    with pytest.raises(ParameterError, match="k: must be an integer in"):
        hill(x, k=500)
    with pytest.raises(ParameterError, match="k: must be one of bootstrap"):
        hill(x, k="best")
