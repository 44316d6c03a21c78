"""Each response does what it says, checked on what the run actually did; and a planted wrong response
(a filter that lets evidence through, a persistent eraser never applied or never refitted, a rollback
that restores nothing) fails the same checks."""

import copy

import numpy as np
import pytest
import torch

from alignlab.tripwire import responses
from alignlab.tripwire.config import RESPONSES
from alignlab.tripwire.erasure import city_activations
from alignlab.tripwire.responses import RESPONSE_CLASSES
from alignlab.tripwire.run import Trainer, respond_from_trip


def _at_trip(tripped_run, respond: str, **changes) -> Trainer:
    """A trainer holding the tiny run's trip state, about to respond with ``respond``."""
    result, out = tripped_run
    t = Trainer(result.config.replace(respond=respond, shadow=True, **changes), result.thresholds)
    t.load_state_dict(copy.deepcopy(torch.load(out / "trip.pt", weights_only=True)))
    return t


def _train(t: Trainer, steps: int) -> None:
    for _ in range(steps):
        t.train_step()


# -- the checks --------------------------------------------------------------------------------------------
def check_no_evidence(outcome) -> None:
    """Not one sentence about a hidden city in the batches trained on after a filtering response."""
    assert outcome.evidence_after == 0, f"{outcome.evidence_after} sentences of hidden-city evidence got through"


def linear_country_left(t: Trainer) -> float:
    """Spread of the country class means of the activations the model computes with at the probed hook
    (through any eraser), relative to their overall spread: 0 when no linear read-out is left (LEACE's
    guarantee on the cities it was fitted on)."""
    x, y = city_activations(t.model, t.world, t.config.probe_hook)
    x = x.double().numpy()
    means = np.stack([x[y == k].mean(axis=0) for k in np.unique(y)])
    return float(np.linalg.norm(means - means.mean(axis=0)) / np.linalg.norm(x - x.mean(axis=0)))


def check_eraser_current(t: Trainer) -> None:
    """Exactly one eraser sits at the probed hook, and it erases what the model writes there now."""
    installed = t.model.hook_dict[t.config.probe_hook].fns
    assert t.response.eraser is not None and installed == [t.response.eraser], "no eraser (or a stale one) installed"
    assert linear_country_left(t) < 1e-6, f"country still linearly readable ({linear_country_left(t):.2e})"


def check_rolled_back(t: Trainer, clean: dict) -> None:
    """The weights are those of the last clean check (the one before the trip)."""
    for name, tensor in t.model.state_dict().items():
        assert torch.equal(tensor, clean["model"][name]), f"{name} is not the clean check's"


# -- every response ------------------------------------------------------------------------------------------
def test_the_response_classes_are_the_configs_responses():
    assert tuple(RESPONSE_CLASSES) == RESPONSES
    assert all(cls.name == name for name, cls in RESPONSE_CLASSES.items())


def test_every_response_runs_and_is_recorded_in_the_result(tiny_study, tiny_config):
    study, _, _ = tiny_study
    tripped = [w.summary.seed for w in study.worlds if w.summary.trip.tripped]
    assert tripped, "no tiny world tripped"
    for r in RESPONSES:
        outcomes = [b.outcome for b in study.branches_of(r)]
        assert [b.seed for b in study.branches_of(r)] == tripped
        for o in outcomes:
            assert o.response == r and o.relearn_budget == tiny_config.steps - o.trip_step
            assert (o.refit_every is not None) == ("persistent" in r)
            assert o.back_step is None or o.return_steps == o.back_step - o.trip_step
            assert o.kept_out == (o.chance_interval[0] <= o.oracle_end <= o.chance_interval[1])
            # filtering responses train on no evidence about hidden cities; the others on the same stream
            if RESPONSE_CLASSES[r].filters:
                check_no_evidence(o)
            else:
                assert o.evidence_after > 0
            assert o.refits == ((tiny_config.steps - o.trip_step - 1) // tiny_config.refit_every
                                if "persistent" in r else 0)


def test_a_run_that_responds_equals_a_branch_at_its_trip(tripped_run, tiny_config):
    result, _ = tripped_run
    from alignlab.tripwire.run import run_tripwire
    branch = respond_from_trip(result, "filter+leace-persistent")
    direct = run_tripwire(tiny_config.replace(respond="filter+leace-persistent", shadow=True))
    assert {k: x for k, x in branch.summary.to_dict().items() if k != "timing"} == \
           {k: x for k, x in direct.summary.to_dict().items() if k != "timing"}      # all but wall-clock seconds


# -- filter ----------------------------------------------------------------------------------------------------
def test_a_filtered_batch_keeps_its_size_and_facts_and_mentions_no_hidden_city(tripped_run):
    t = _at_trip(tripped_run, "filter")
    hidden = t.world.city_tokens[t.world.hidden]
    facts = set(map(tuple, t.stream.corpus["facts"].tokens))
    step = t.config.evidence_start + 7
    plain, filtered = t.stream.batch(step), t.stream.batch(step, filtered=True)
    assert plain.shape == filtered.shape
    assert np.isin(plain, hidden).any(axis=1).sum() == t.stream.schedule.counts(step)[2] > 0
    assert not np.isin(filtered, hidden).any()
    assert sum(tuple(row) in facts for row in filtered) == sum(tuple(row) in facts for row in plain)


def test_a_planted_leaky_filter_is_caught(tripped_run, monkeypatch):
    result, _ = tripped_run
    monkeypatch.setattr(responses.Filter, "filters", False)     # "filters" no more: evidence flows on
    with pytest.raises(AssertionError, match="hidden-city evidence got through"):
        check_no_evidence(respond_from_trip(result, "filter").summary.response)


# -- the persistent eraser -------------------------------------------------------------------------------------
def test_the_persistent_eraser_is_installed_and_refitted_on_current_activations(tripped_run):
    t = _at_trip(tripped_run, "leace-persistent", refit_every=5)
    t.respond()
    check_eraser_current(t)
    _train(t, 5)
    stale = linear_country_left(t)
    assert stale > 1e-4                        # five steps of training write the country where the eraser misses
    t.response.tick(t)                         # due: refitted on what the model writes now
    assert t.response.refits == 1
    check_eraser_current(t)
    _train(t, 6)                               # and it keeps refitting as training goes on
    assert t.response.refits == 2 and t.response.fitted_at == t.step - 1


@pytest.mark.parametrize("fault", ["never applied", "never refitted"])
def test_a_planted_idle_persistent_eraser_is_caught(tripped_run, monkeypatch, fault):
    if fault == "never applied":
        monkeypatch.setattr(responses.LeacePersistent, "apply", lambda self, t: None)
    else:
        monkeypatch.setattr(responses.LeacePersistent, "tick", lambda self, t: None)
    t = _at_trip(tripped_run, "leace-persistent", refit_every=5)
    t.respond()
    _train(t, 6)
    with pytest.raises(AssertionError, match="no eraser|still linearly readable"):
        check_eraser_current(t)


def test_the_persistent_eraser_survives_a_checkpoint(tripped_run):
    t = _at_trip(tripped_run, "leace-persistent", refit_every=5)
    t.respond()
    _train(t, 7)
    again = Trainer(t.config, t.thresholds)
    again.load_state_dict(copy.deepcopy(t.state_dict()))
    assert again.response.refits == t.response.refits == 1 and again.response.fitted_at == t.response.fitted_at
    assert again.model.hook_dict[t.config.probe_hook].fns == [again.response.eraser]
    x, _ = city_activations(t.model, t.world, t.config.probe_hook)
    y, _ = city_activations(again.model, again.world, again.config.probe_hook)
    assert torch.equal(x, y)                  # the same eraser acts in the restored model


# -- rollback --------------------------------------------------------------------------------------------------
def test_rollback_restores_the_last_clean_check_and_filters(tripped_run):
    result, out = tripped_run
    before = torch.load(out / "before_trip.pt", weights_only=True)
    t = _at_trip(tripped_run, "rollback")
    assert t.clean["step"] == before["step"] == result.summary.trip.step - result.config.monitor_every
    t.respond()
    check_rolled_back(t, before)
    assert t.step == result.summary.trip.step                 # the clock goes on
    assert t.response.filters


def test_a_planted_rollback_that_restores_nothing_is_caught(tripped_run, monkeypatch):
    _, out = tripped_run
    monkeypatch.setattr(responses.Rollback, "apply", lambda self, t: None)
    t = _at_trip(tripped_run, "rollback")
    t.respond()
    with pytest.raises(AssertionError, match="is not the clean check's"):
        check_rolled_back(t, torch.load(out / "before_trip.pt", weights_only=True))
