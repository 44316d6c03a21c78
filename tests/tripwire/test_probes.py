import numpy as np

from alignlab.tripwire.probes import LogisticProbe, MapProbe, MassMeanProbe, cross_val_accuracy
from alignlab.tripwire.world import country_centers, country_of


def _planted(n, d=32, k=4, signal=1.5, seed=0):
    """Gaussian activations with the class written along k fixed directions, plus noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    directions = rng.normal(size=(k, d))
    x = rng.normal(size=(n, d)) + signal * directions[y]
    return x, y


def test_mass_mean_and_logistic_recover_a_planted_concept():
    x, y = _planted(600)
    for probe in (MassMeanProbe(4, 0.3), LogisticProbe(4, 1.0)):
        fitted = probe.fit(x[:300], y[:300])
        assert np.mean(fitted.predict(x[300:]) == y[300:]) > 0.9


def test_probe_is_at_chance_without_a_concept():
    x, _ = _planted(400, signal=0.0)
    y = np.random.default_rng(1).integers(0, 4, 400)
    acc = cross_val_accuracy(lambda: MassMeanProbe(4, 0.3), x, y, y)
    assert abs(acc - 0.25) < 3 * np.sqrt(0.25 * 0.75 / 400)


def test_map_probe_reads_positions_and_scores_countries():
    rng = np.random.default_rng(2)
    pos = rng.uniform(-1, 1, size=(500, 2))
    mixing = rng.normal(size=(2, 24))
    x = pos @ mixing + 0.05 * rng.normal(size=(500, 24))
    probe = MapProbe(country_centers(2), ridge=0.01).fit(x[:250], pos[:250])
    assert np.abs(probe.predict_position(x[250:]) - pos[250:]).max() < 0.2
    assert np.mean(probe.predict(x[250:]) == country_of(pos[250:], 2)) > 0.9


def test_mass_mean_handles_a_missing_class():
    x, y = _planted(200)
    keep = y != 3
    probe = MassMeanProbe(4, 0.3).fit(x[keep], y[keep])
    assert probe.decision_function(x).shape == (200, 4)
    assert np.isfinite(probe.decision_function(x)).all()
