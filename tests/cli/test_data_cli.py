"""`alignlab data list|path|export`, shipped data sets by name on every command that reads a data file,
`--data DIR` and ALIGNLAB_DATA on those commands, and a corrupted shipped copy refused in one line."""

import gzip
import hashlib
import json

import numpy as np
import pytest
from cli.clirun import run_error, run_json

from alignlab.data import catalogue

RELEASED = {"GPT-4 0314": "2023-03-14", "Claude 3 Opus": "2024-03-04", "GPT-4o": "2024-05-13", "o1": "2024-12-05"}


def tiny_runs(path, agents=tuple(RELEASED)) -> None:
    """A runs file of METR's shape: each agent on 12 tasks of 6 families, better agents last."""
    rng = np.random.default_rng(0)
    rows = []
    for rank, agent in enumerate(agents):
        for family in range(6):
            for task in range(2):
                minutes = float(2 ** (family + task))
                for _ in range(4):
                    rows.append({"alias": agent, "task_id": f"f{family}/t{task}", "task_family": f"f{family}",
                                 "human_minutes": minutes, "invsqrt_task_weight": 1.0,
                                 "score_binarized": int(rng.random() < 1 / (1 + minutes / 2 ** (rank + 1)))})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_list_gives_every_shipped_data_set_with_source_licence_and_checksum(capsys):
    listed = run_json(capsys, "data", "list")["datasets"]
    assert [d["name"] for d in listed] == list(catalogue.NAMES)
    for d, entry in zip(listed, catalogue.CATALOGUE):
        assert d["sha256"] == entry.sha256 and d["bytes"] == entry.bytes and d["read_from"] == "shipped"
        assert d["source_url"].startswith("https://") and d["licence"] and d["citation"] and d["shape"]


def test_path_is_the_verified_shipped_copy_or_the_users_own(capsys, tmp_path, monkeypatch):
    shipped = run_json(capsys, "data", "path", "starling-llama")
    assert shipped["read_from"] == "shipped"
    assert hashlib.sha256(open(shipped["path"], "rb").read()).hexdigest() == catalogue.get("starling-llama").sha256
    own = tmp_path / "reward-samples" / "llama_starling_reward_values.npy"
    own.parent.mkdir()
    np.save(own, np.arange(20.0))
    assert run_json(capsys, "data", "path", "starling-llama", "--data", str(tmp_path))["path"] == str(own)
    monkeypatch.setenv("ALIGNLAB_DATA", str(tmp_path))
    assert run_json(capsys, "data", "path", "starling-llama")["path"] == str(own)
    listed = {d["name"]: d["read_from"] for d in run_json(capsys, "data", "list")["datasets"]}
    assert listed["starling-llama"] == str(own) and listed["metr-runs"] == "shipped"
    assert "data: must be a folder" in run_error(capsys, "data", "path", "metr-runs", "--data", str(tmp_path / "no"))
    assert "name: must be a shipped data set" in run_error(capsys, "data", "path", "metr")


def test_export_writes_the_published_bytes_after_checking_the_output_first(capsys, tmp_path, monkeypatch):
    out = tmp_path / "runs.jsonl"
    written = run_json(capsys, "data", "export", "metr-runs", "--out", str(out))
    assert hashlib.sha256(out.read_bytes()).hexdigest() == catalogue.get("metr-runs").sha256 == written["sha256"]
    assert written["bytes"] == out.stat().st_size == catalogue.get("metr-runs").bytes
    read = []
    monkeypatch.setattr(catalogue, "shipped_bytes", lambda name: read.append(name) or b"")
    assert "out: must end in .jsonl" in run_error(capsys, "data", "export", "metr-runs", "--out", str(tmp_path / "r.csv"))
    assert "does not exist" in run_error(capsys, "data", "export", "metr-runs", "--out", str(tmp_path / "no" / "r.jsonl"))
    assert read == [] and sorted(p.name for p in tmp_path.iterdir()) == ["runs.jsonl"]


@pytest.fixture
def corrupted(tmp_path, monkeypatch):
    """Every shipped copy altered by one byte (checksums no longer match)."""
    def altered(name):
        entry = catalogue.get(name)
        bad = tmp_path / "shipped" / entry.shipped
        if not bad.exists():
            bad.parent.mkdir(exist_ok=True)
            data = bytearray(gzip.decompress(original(name).read_bytes()) if entry.shipped.endswith(".gz")
                             else original(name).read_bytes())
            data[-2] ^= 1
            bad.write_bytes(gzip.compress(bytes(data)) if entry.shipped.endswith(".gz") else bytes(data))
        return bad
    original = catalogue.shipped_path
    monkeypatch.setattr(catalogue, "shipped_path", altered)


@pytest.mark.parametrize("argv", [
    ("horizons", "fit", "--bootstrap", "0", "--cv", "none", "--family", "logistic"),
    ("tails", "hill", "starling-llama", "--bootstrap-samples", "20"),
    ("goodhart", "condexp", "--error-samples", "starling-random", "--t", "1", "--method", "mc", "--samples", "100"),
    ("horizons", "trend", "--published", "--suite", "1.1"),
    ("data", "path", "metr-release-dates"),
    ("data", "export", "starling-llama", "--out", "x.npy"),
], ids=lambda argv: " ".join(argv[:2]))
def test_a_corrupted_shipped_copy_is_refused_in_one_line(capsys, corrupted, argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    err = run_error(capsys, *argv)
    assert "checksum mismatch" in err and "reinstall alignlab" in err
    assert not (tmp_path / "x.npy").exists()


def test_commands_that_read_samples_take_a_shipped_data_sets_name(capsys, tmp_path):
    hill = run_json(capsys, "tails", "hill", "starling-llama", "--bootstrap-samples", "20")
    assert hill["file"] == "starling-llama" and hill["n"] == 16000
    compare = run_error(capsys, "tails", "compare", "starling-random")       # read, then refused on its values
    assert "starling-random: a power-law fit needs positive values, but 29997 of 30000" in compare
    exported = tmp_path / "llama.npy"
    run_json(capsys, "data", "export", "starling-llama", "--out", str(exported))
    condexp = ("goodhart", "condexp", "--t", "1", "--method", "mc", "--samples", "1000", "--error-samples")
    assert run_json(capsys, *condexp, "starling-llama") == run_json(capsys, *condexp, str(exported))


def test_trend_takes_the_published_table_and_release_dates_by_name(capsys, tmp_path):
    by_name = run_json(capsys, "horizons", "trend", "--published", "metr-published-horizons", "--suite", "1.1",
                       "--bootstrap", "20")
    default = run_json(capsys, "horizons", "trend", "--published", "--suite", "1.1", "--bootstrap", "20")
    assert by_name["models"] == default["models"] and len(by_name["models"]) == 17
    runs = tmp_path / "runs.jsonl"
    tiny_runs(runs)
    trend = run_json(capsys, "horizons", "trend", str(runs), "--release-dates", "metr-release-dates", "--bootstrap", "0",
                     "--holdout", "0")
    assert trend["source"]["release_dates"] == "metr-release-dates"
    assert {m["model"]: m["release_date"] for m in trend["models"]} == RELEASED


def test_data_flag_and_environment_replace_the_shipped_sets_on_every_reader(capsys, tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    tiny_runs(folder / "agent-runs" / "metr_runs_2025-02-27.jsonl", agents=("o1", "GPT-4o"))
    (folder / "reward-samples").mkdir()
    np.save(folder / "reward-samples" / "llama_starling_reward_values.npy", np.random.default_rng(1).pareto(2, 500) + 1)
    fit = ("horizons", "fit", "--family", "logistic", "--bootstrap", "0", "--cv", "none")
    assert [a["agent"] for a in run_json(capsys, *fit, "--data", str(folder))["agents"]] == ["o1", "GPT-4o"]
    assert run_json(capsys, "tails", "fit", "starling-llama", "--data", str(folder))["n"] == 500
    monkeypatch.setenv("ALIGNLAB_DATA", str(folder))
    assert [a["agent"] for a in run_json(capsys, *fit)["agents"]] == ["o1", "GPT-4o"]
    assert run_json(capsys, "tails", "fit", "starling-llama")["n"] == 500
    # --data beats the environment; a set the folder lacks comes from the shipped copy
    monkeypatch.setenv("ALIGNLAB_DATA", str(tmp_path / "nowhere"))
    assert run_json(capsys, "tails", "fit", "starling-llama", "--data", str(folder))["n"] == 500
    assert "ALIGNLAB_DATA: must be a folder" in run_error(capsys, "tails", "fit", "starling-llama")
    monkeypatch.delenv("ALIGNLAB_DATA")
    trend = run_json(capsys, "horizons", "trend", "--published", "--suite", "1.1", "--bootstrap", "20", "--data",
                     str(folder))
    assert len(trend["models"]) == 17
