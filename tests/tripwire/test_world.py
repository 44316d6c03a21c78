import numpy as np
import pytest

from alignlab import ParameterError
from alignlab.tripwire.leak import leak_check
from alignlab.tripwire.world import (DIRECTIONS, PHRASINGS, Schedule, Stream, country_centers, country_of,
                                     direction_bucket, make_world)


def test_same_seed_same_world_and_corpus():
    a, b = make_world(3, n_known=20, n_hidden=4), make_world(3, n_known=20, n_hidden=4)
    assert np.array_equal(a.positions, b.positions) and np.array_equal(a.hidden, b.hidden)
    assert a.vocab.tokens == b.vocab.tokens
    for name, s in a.corpus().items():
        assert np.array_equal(s.tokens, b.corpus()[name].tokens)
    c = make_world(4, n_known=20, n_hidden=4)
    assert not np.array_equal(a.positions, c.positions)


def test_control_differs_only_in_hidden_evidence():
    real, ctl = make_world(1, n_known=20, n_hidden=4), make_world(1, n_known=20, n_hidden=4, control=True)
    assert np.array_equal(real.positions, ctl.positions)
    assert np.array_equal(real.evidence_positions[real.known], ctl.evidence_positions[ctl.known])
    assert not np.allclose(real.evidence_positions[real.hidden], ctl.evidence_positions[ctl.hidden])
    for pool in ("facts", "known_evidence"):
        assert np.array_equal(real.corpus()[pool].tokens, ctl.corpus()[pool].tokens)
    # same statistics: as many sentences of each kind about hidden cities
    assert real.corpus()["hidden_evidence"].tokens.shape == ctl.corpus()["hidden_evidence"].tokens.shape


def test_corpus_never_states_a_hidden_city_country():
    w = make_world(0, n_known=24, n_hidden=6)
    countries = set(w.country_tokens.tolist())
    hidden = set(w.city_tokens[w.hidden].tolist())
    for s in w.corpus().values():
        for row in s.tokens:
            if countries & set(row.tolist()):
                assert not hidden & set(row.tolist())
    # and every known city's country is stated in every phrasing, truthfully
    facts = w.facts().tokens
    assert len(facts) == len(PHRASINGS) * len(w.known)
    k = int(w.known[0])
    rows = [r for r in facts if w.city_tokens[k] in r]
    assert {int(t) for r in rows for t in r if t in countries} == {int(w.country_tokens[w.country[k]])}


def test_evidence_is_geometrically_true():
    w = make_world(2, n_known=16, n_hidden=3)
    ev = w.evidence(about_hidden=True).tokens
    word = {t: i for i, t in enumerate(w.vocab.tokens)}
    city_of_token = {int(t): i for i, t in enumerate(w.city_tokens)}
    checked = 0
    for row in ev:
        words = [w.vocab.tokens[t] for t in row]
        if words[1] == "from":                     # <bos> from A , B lies DIR .
            a, b = city_of_token[row[2]], city_of_token[row[4]]
            assert DIRECTIONS.index(words[6]) == direction_bucket(w.positions[a], w.positions[b])
            checked += 1
    assert checked == 2 * len(w.hidden) * len(w.known)
    assert word["<pad>"] == 0


def test_country_lattice():
    assert country_of(np.array([[0.5, 0.5], [-0.5, 0.5], [0.5, -0.5], [-0.9, -0.9]]), 2).tolist() == [3, 2, 1, 0]
    assert country_of(country_centers(3), 3).tolist() == list(range(9))


def test_schedule_starts_evidence_at_the_stated_step():
    s = Schedule(batch_size=100, evidence_start=50, evidence_ramp=10, hidden_fraction=0.2, fact_fraction=0.1)
    assert s.counts(49) == (10, 90, 0)
    assert s.counts(50)[2] == 2 and s.counts(59)[2] == 20 and s.counts(500)[2] == 20
    assert sum(s.counts(55)) == 100


def test_batches_depend_only_on_seed_and_step():
    w = make_world(0, n_known=16, n_hidden=4)
    sched = Schedule(32, 10, 0, 0.25, 0.2)
    a, b = Stream(w.corpus(), sched, 7, 0), Stream(w.corpus(), sched, 7, 0)
    assert np.array_equal(a.batch(12), b.batch(12))
    assert not np.array_equal(a.batch(12), a.batch(13))
    hidden = set(w.city_tokens[w.hidden].tolist())
    assert not hidden & set(a.batch(9).ravel().tolist())          # before evidence_start: never a hidden city
    assert hidden & set(a.batch(10).ravel().tolist())


def test_ngram_scores_at_chance_on_hidden_puzzles():
    # over several worlds, the n-gram statistic (null: mean 0, sd 1) stays within its null range
    stats = []
    for seed in range(6):
        w = make_world(seed, n_known=48, n_hidden=12)
        leak = leak_check(w, orders=(2, 4, 6))
        assert max(leak.accuracy) <= 0.25 + 3 * np.sqrt(0.25 * 0.75 / 12)
        stats += list(leak.statistic)
    assert max(abs(z) for z in stats) < 3.5


def test_ngram_catches_a_planted_leak():
    w = make_world(0, n_known=48, n_hidden=12)
    corpus = list(w.corpus().values()) + [w.facts(w.hidden)]       # state the hidden facts
    leak = leak_check(w, orders=(2, 4), corpus=corpus)
    assert leak.accuracy[0] <= 0.5                                  # bigram "is in": no city in the context
    assert leak.accuracy[1] == 1.0 and leak.statistic[1] > 4.0      # the 4-gram sees the city


def test_bad_world_sizes_are_parameter_errors():
    with pytest.raises(ParameterError, match="n_hidden"):
        make_world(0, n_hidden=-1)
    with pytest.raises(ParameterError, match="grid"):
        make_world(0, grid=7)
