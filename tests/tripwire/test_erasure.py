import numpy as np
import torch
from sklearn.linear_model import LogisticRegression

from alignlab.tripwire.erasure import city_activations, fit_leace, forget_loss, unlearn
from alignlab.tripwire.run import Trainer


def _trained(tripped_run, tiny_config) -> Trainer:
    result, out = tripped_run
    t = Trainer(tiny_config, result.thresholds)
    t.load_state_dict(torch.load(out / "trip.pt", weights_only=True))
    return t


def test_leace_removes_linear_decodability_at_the_probed_hook(tripped_run, tiny_config):
    t = _trained(tripped_run, tiny_config)
    hook = tiny_config.probe_hook
    x, y = city_activations(t.model, t.world, hook)
    before = LogisticRegression(C=1e4, max_iter=5000).fit(x.double().numpy(), y)
    assert before.score(x.double().numpy(), y) > 0.9
    eraser = fit_leace(t.model, t.world, hook)
    t.model.add_hook(hook, eraser)
    erased, y2 = city_activations(t.model, t.world, hook)   # read through the installed hook
    assert np.array_equal(y, y2)
    assert torch.allclose(erased, eraser.erase(x), atol=1e-5)
    after = LogisticRegression(C=1e4, max_iter=5000).fit(erased.double().numpy(), y)
    # no linear classifier beats a constant: the fitted weights vanish and accuracy is the majority share
    assert np.abs(after.coef_).max() < 1e-3 * np.abs(before.coef_).max()
    assert after.score(erased.double().numpy(), y) <= np.bincount(y).max() / len(y) + 1e-9
    # tokens that are not cities pass the hook unchanged
    tokens = torch.from_numpy(t.world.puzzles(t.world.known[:3], (0,)).prompts[0])
    raw = t.model.embed(tokens)
    out = eraser(raw, tokens)
    assert torch.equal(out[:, 2:], raw[:, 2:]) and not torch.allclose(out[:, 1], raw[:, 1])


def test_unlearning_flattens_the_hidden_answers_and_keeps_the_known(tripped_run, tiny_config):
    result, _ = tripped_run
    t = _trained(tripped_run, tiny_config)
    before = t.suite.check(t.model, t.step)
    assert before.statistic["eval"] > 2.0
    loss_before = forget_loss(t.model, t.world).item()
    stats = unlearn(t.model, t.world, t.stream, t.pad, steps=60, lr=3e-3, weight_decay=0.0, at_step=t.step)
    after = t.suite.check(t.model, t.step)
    assert stats["forget_loss"] < 0.1 * loss_before                     # KL to uniform, nats
    probs = torch.softmax(torch.tensor(after.scores["eval"]), dim=1)
    assert probs.max() < 0.5                                            # no confident answer left
    assert after.statistic["eval"] < result.thresholds.values["eval"]   # behaviour no longer trips
    assert after.known_accuracy >= 0.85                                 # the stated facts are kept


def test_branching_at_the_trip_equals_a_run_that_erases(tripped_run, tiny_config):
    from alignlab.tripwire.run import respond_from_trip, run_tripwire
    result, _ = tripped_run
    branch = respond_from_trip(result, "unlearn", shadow=False)
    direct = run_tripwire(tiny_config.replace(respond="unlearn"))
    assert {k: x for k, x in branch.summary.to_dict().items() if k != "timing"} == \
           {k: x for k, x in direct.summary.to_dict().items() if k != "timing"}      # all but wall-clock seconds
    s, e = branch.summary, branch.summary.response
    assert e.response == "unlearn" and e.post_response is not None
    assert e.relearn_budget == tiny_config.steps - s.trip.step
    assert s.steps_run == tiny_config.steps or s.steps_run == e.retrip_step   # stops only at a second trip
    if e.retrip_step is not None:
        assert e.relearn_steps == e.retrip_step - s.trip.step > 0
