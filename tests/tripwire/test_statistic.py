import itertools

import numpy as np

from alignlab.tripwire.monitors import advantage_z


def test_null_has_mean_zero_and_variance_one_exactly():
    # enumerate every answer key for 4 cities and 3 countries: the exact null moments
    scores = np.random.default_rng(0).normal(size=(4, 3)) * np.array([[1.0], [3.0], [0.2], [2.0]])
    keys = np.array(list(itertools.product(range(3), repeat=4)))
    z = advantage_z(scores, keys)
    assert abs(z.mean()) < 1e-12
    assert abs(z.var() - 1.0) < 1e-12


def test_perfect_confident_answers_give_the_maximum():
    n, k = 16, 4
    y = np.arange(n) % k
    scores = np.full((n, k), -5.0)
    scores[np.arange(n), y] = 5.0
    assert np.isclose(advantage_z(scores, y), np.sqrt(n * (k - 1)))
    assert np.isclose(advantage_z(3.7 * scores, y), advantage_z(scores, y))       # scale-free
    assert np.isclose(advantage_z(scores, (y + 1) % k), -np.sqrt(n / (k - 1)))    # all wrong


def test_broadcasts_over_checks_and_answer_keys():
    rng = np.random.default_rng(1)
    scores = rng.normal(size=(5, 8, 4))
    keys = rng.integers(0, 4, size=(7, 8))
    z = advantage_z(scores, keys[:, None, :])
    assert z.shape == (7, 5)
    assert np.isclose(z[3, 2], advantage_z(scores[2], keys[3]))


def test_flat_scores_give_zero():
    assert advantage_z(np.ones((5, 4)), np.zeros(5, dtype=int)) == 0.0
