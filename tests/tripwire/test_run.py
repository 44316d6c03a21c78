import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from alignlab import ParameterError
from alignlab.tripwire import CheckpointError, RunResult, RunSummary, TripwireConfig, run_tripwire
from alignlab.tripwire.checkpoint import latest, load_checkpoint, save_checkpoint
from alignlab.tripwire.config import RESPONSES
from alignlab.tripwire.run import Trainer, respond_from_trip


def test_learner_learns_the_hidden_fact_and_beats_the_ngram(tripped_run, control_run, tiny_config):
    real, _ = tripped_run
    s = real.summary
    best = max(c.oracle_accuracy for c in real.checks)
    assert best >= 0.7                                        # chance is 0.25 (24 puzzles)
    assert real.checks[-1].known_accuracy >= 0.9
    assert s.learning.learned_step is not None and s.learning.learned_step > real.config.evidence_start
    assert best > s.leak.ngram_accuracy + 0.4
    assert max(c.oracle_accuracy for c in real.checks if c.step <= tiny_config.evidence_start) <= 0.5
    # the control model learns what its evidence says, the decoys' countries, and does not trip
    from alignlab.tripwire.world import make_world
    w = make_world(control_run.config.seed, n_known=tiny_config.n_known, n_hidden=tiny_config.n_hidden,
                   control=True)
    answers = np.asarray(control_run.checks[-1].scores["eval"]).argmax(axis=1)
    assert np.mean(answers == w.evidence_country[w.hidden]) >= 0.6
    assert not control_run.summary.trip.tripped


def test_breaker_trips_stops_and_writes_the_alert(tripped_run, tiny_config):
    result, out = tripped_run
    s = result.summary
    assert s.trip.tripped and s.exit_status == 3 and s.steps_run == s.trip.step
    alert = json.loads((out / "alert.json").read_text())
    assert alert["step"] == s.trip.step and alert["monitor"] == s.trip.monitor
    assert alert["statistic"] > alert["threshold"]
    assert alert["checkpoint"] == "trip.pt" and alert["previous_checkpoint"] == "before_trip.pt"
    trip = torch.load(out / "trip.pt", weights_only=True)
    before = torch.load(out / "before_trip.pt", weights_only=True)
    assert trip["step"] == s.trip.step and before["step"] == s.trip.step - tiny_config.monitor_every
    # the checkpoint is the model at the trip: loaded, it gives the alert's statistic again
    t = Trainer(tiny_config, result.thresholds)
    t.load_state_dict(trip)
    first = alert["monitor"].split("+")[0]
    assert np.isclose(t.suite.check(t.model, t.step).statistic[first], alert["statistics"][first])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["trip"] == {"tripped": True, "step": s.trip.step, "monitor": s.trip.monitor,
                               "statistic": s.trip.statistic}
    assert summary["seed"] == tiny_config.seed and summary["response"] is None      # this run does not respond
    assert set(summary["learning"]["cross_step"]) == set(tiny_config.monitors)


def test_run_result_round_trips_through_its_dict_and_its_folder(tripped_run):
    result, out = tripped_run
    assert result.trip_state is not None                     # held in memory for respond_from_trip
    rebuilt = RunResult.from_dict(result.to_dict())
    assert rebuilt == result and rebuilt.trip_state is None  # the in-memory state is not part of the dict
    assert RunSummary.from_dict(result.summary.to_dict()) == result.summary
    assert RunResult.load(out) == result                     # summary.json + history.json: the whole result
    # the files are strict JSON: the summary's groups as nested objects
    summary = json.loads((out / "summary.json").read_text(), parse_constant=_no_constants)
    assert set(summary) == {"seed", "control", "steps_run", "exit_status", "out", "trip", "breaker", "learning",
                            "response", "leak", "timing", "final"}
    json.loads((out / "history.json").read_text(), parse_constant=_no_constants)


def _no_constants(name):
    raise AssertionError(f"{name} in a file that should be strict JSON")


@pytest.mark.parametrize("name, text, reason", [
    ("summary.json", "{not json", "not valid JSON"),
    ("summary.json", "[1, 2]", "not a readable summary.json"),
    ("summary.json", '{"tripped": true, "trip_step": 120}', "not a readable summary.json"),   # the old flat layout
    ("history.json", '{"config": {"seed": "zero"}}', "not a readable history.json"),
    ("history.json", "", "not valid JSON"),
])
def test_a_damaged_run_file_is_one_parameter_error_naming_it(tripped_run, tmp_path, name, text, reason):
    _, out = tripped_run
    folder = tmp_path / "copy"
    folder.mkdir()
    for file in ("summary.json", "history.json"):
        (folder / file).write_text((out / file).read_text())
    (folder / name).write_text(text)
    with pytest.raises(ParameterError) as err:
        RunResult.load(folder)
    assert err.value.param == "run" and reason in str(err.value) and str(folder / name) in str(err.value)
    assert "\n" not in str(err.value)
    (folder / name).unlink()
    with pytest.raises(ParameterError, match=f"holds no finished run \\(missing {name}\\)"):
        RunResult.load(folder)


def test_progress_counts_training_steps(tiny_config):
    calls = []
    config = tiny_config.replace(steps=60, evidence_start=40, shadow=True)      # shadow: never stops early
    result = run_tripwire(config, progress=lambda done, total, description: calls.append((done, total, description)))
    done = [c[0] for c in calls]
    assert done == sorted(done) and done[-1] == result.summary.steps_run == 60
    assert {c[1] for c in calls} == {60} and all(f"seed {config.seed}" in c[2] for c in calls)
    with pytest.raises(ParameterError) as err:
        run_tripwire(config, progress="yes")
    assert err.value.param == "progress"


def test_killed_run_resumes_with_identical_results(tripped_run, tiny_kwargs, tmp_path):
    reference, _ = tripped_run
    out = tmp_path / "run"
    code = ("from alignlab.tripwire import TripwireConfig, run_tripwire\n"
            f"run_tripwire(TripwireConfig(**{tiny_kwargs!r}), out={str(out)!r})\n")
    proc = subprocess.Popen([sys.executable, "-c", code])
    last = out / "state" / "last.pt"

    def step():                          # None while last.pt is absent or being renamed
        try:
            return load_checkpoint(last)["step"]
        except CheckpointError:
            return None

    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if (step() or 0) >= 60:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert not (out / "summary.json").exists()
    # the kill can fall between save_checkpoint's two renames: resume then reads previous.pt
    killed_at = load_checkpoint(latest(last, out / "state" / "previous.pt"))["step"]
    assert killed_at < reference.summary.trip.step
    resumed = run_tripwire(TripwireConfig(**tiny_kwargs), out=out, resume=True)
    assert [c.step for c in resumed.checks] == [c.step for c in reference.checks]
    for a, b in zip(resumed.checks, reference.checks):
        assert a.statistic == b.statistic and a.accuracy == b.accuracy and a.scores == b.scores
        assert a.oracle_accuracy == b.oracle_accuracy
    assert resumed.losses == reference.losses
    skip = {"timing", "out"}                 # wall-clock seconds, and the folder
    assert {k: x for k, x in resumed.summary.to_dict().items() if k not in skip} == \
           {k: x for k, x in reference.summary.to_dict().items() if k not in skip}


def test_a_checkpoint_replaces_the_last_only_once_it_is_written(tmp_path, monkeypatch):
    last, previous = tmp_path / "last.pt", tmp_path / "previous.pt"
    payload = {"config": {}, "model": {}, "optimizer": {}, "state": {}}
    save_checkpoint(last, {**payload, "step": 1}, previous=previous)
    save_checkpoint(last, {**payload, "step": 2}, previous=previous)
    assert load_checkpoint(last)["step"] == 2 and load_checkpoint(previous)["step"] == 1

    def killed(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(torch, "save", killed)           # killed while writing: both checkpoints stay
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(last, {**payload, "step": 3}, previous=previous)
    assert load_checkpoint(last)["step"] == 2 and load_checkpoint(previous)["step"] == 1
    os.replace(last, previous)                           # killed between the renames: resume reads previous
    assert load_checkpoint(latest(last, previous))["step"] == 2


@pytest.mark.parametrize("changes, param", [
    (dict(n_hidden=-4), "n_hidden"), (dict(steps=0), "steps"), (dict(d_model=-64), "d_model"),
    (dict(monitors=("eval", "tarot")), "monitors"), (dict(respond="forget"), "respond"),
    (dict(refit_every=0), "refit_every"),
    (dict(probe="svm"), "probe"), (dict(probe_hook="blocks.9.hook_resid_post"), "probe_hook"),
    (dict(fpr=1.5), "fpr"), (dict(evidence_start=5000), "evidence_start"), (dict(batch_size=0), "batch_size"),
])
def test_bad_configs_name_the_parameter(changes, param):
    with pytest.raises(ParameterError) as err:
        TripwireConfig(**changes)
    assert err.value.param == param


def test_missing_folder_existing_run_and_corrupt_checkpoint(tripped_run, tmp_path, tiny_config):
    _, out = tripped_run
    with pytest.raises(ParameterError, match="no such folder"):
        run_tripwire(tiny_config, out=tmp_path / "nowhere", resume=True)
    with pytest.raises(ParameterError, match="already holds a run"):
        run_tripwire(tiny_config, out=out)
    with pytest.raises(ParameterError, match="no such folder"):
        RunResult.load(tmp_path / "nowhere")
    with pytest.raises(ParameterError, match="another configuration"):
        run_tripwire(tiny_config.replace(seed=5), out=out, resume=True)
    broken = tmp_path / "broken"
    (broken / "state").mkdir(parents=True)
    (broken / "state" / "last.pt").write_bytes(b"this is not a checkpoint")
    with pytest.raises(CheckpointError, match="not a readable checkpoint") as err:
        run_tripwire(tiny_config, out=broken, resume=True)
    assert err.value.param == "checkpoint"
    (broken / "state" / "last.pt").write_bytes((out / "trip.pt").read_bytes()[:5000])     # truncated
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        run_tripwire(tiny_config, out=broken, resume=True)


class Killed(Exception):
    """Stands for the process dying between two training steps."""


def _numbers(result) -> dict:
    """Everything a run measured but wall-clock seconds and its folder."""
    return {"summary": {k: x for k, x in result.summary.to_dict().items() if k not in ("timing", "out")},
            "checks": [{k: x for k, x in c.to_dict().items() if not k.endswith("_seconds")} for c in result.checks],
            "losses": result.losses}


@pytest.mark.parametrize("respond", RESPONSES)
def test_a_response_killed_midway_resumes_with_identical_results(tripped_run, tmp_path, monkeypatch, respond):
    result, trip_folder = tripped_run
    reference = respond_from_trip(trip_folder, respond, refit_every=20)
    trip = result.summary.trip.step
    out = tmp_path / respond
    train_step = Trainer.train_step

    def dies(self):           # five steps after the checkpoint at trip + 20 (a refit with refit_every 20)
        if self.step == trip + 25:
            raise Killed
        train_step(self)
    monkeypatch.setattr(Trainer, "train_step", dies)
    with pytest.raises(Killed):
        respond_from_trip(trip_folder, respond, refit_every=20, out=out)
    monkeypatch.setattr(Trainer, "train_step", train_step)
    assert load_checkpoint(out / "state" / "last.pt")["step"] == trip + 20 and not (out / "summary.json").exists()
    resumed = respond_from_trip(trip_folder, respond, refit_every=20, out=out, resume=True)
    assert _numbers(resumed) == _numbers(reference)
    assert resumed.summary.response.response == respond
