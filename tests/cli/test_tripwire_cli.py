import json

import numpy as np
import pytest

from alignlab.cli.main import main

TINY_FLAGS = ["--n-known", "32", "--n-hidden", "8", "--d-model", "32", "--batch-size", "32", "--steps", "300",
              "--evidence-start", "100", "--hidden-fraction", "0.15", "--monitor-every", "20", "--lr", "5e-3"]


def _one_json(capsys):
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    return json.loads(lines[0]), err


def test_run_with_leace_trips_erases_and_reports_relearning(tmp_path, capsys):
    out = tmp_path / "run"
    rc = main(["tripwire", "run", "--out", str(out), "--respond", "leace", "--json", *TINY_FLAGS])
    d, _ = _one_json(capsys)
    trip, response = d["trip"], d["response"]
    assert rc == 3 and trip["tripped"] and d["exit_status"] == 3
    assert d["seed"] == 0                                        # the CLI's default seed, printed
    assert set(d["breaker"]) == {"thresholds", "source", "false_positive_rate", "nominal_fpr"}
    assert set(d["timing"]) == {"train_seconds", "monitor_seconds", "oracle_seconds", "checkpoint_seconds",
                                "monitor_overhead"}
    assert set(d["learning"]["lead_over_eval"]) == {"probe", "map"}
    assert response["response"] == "leace"
    assert d["steps_run"] == 300 or d["steps_run"] == response["retrip_step"]     # stops only at a second trip
    assert response["relearn_budget"] == 300 - trip["step"]
    assert d["learning"]["first_learn_steps"] == trip["step"] - 100
    assert response["post_response"]["probe_validation"] <= 0.5    # the probe cannot read the country any more
    assert (out / "alert.json").exists() and (out / "trip.pt").exists()

    # --resume alone picks up the run's saved configuration; a finished run just reports again
    rc = main(["tripwire", "run", "--out", str(out), "--resume", "--json"])
    again, _ = _one_json(capsys)
    assert rc == 3 and again["trip"] == d["trip"] and again["response"] == d["response"]
    rc = main(["tripwire", "run", "--out", str(out), "--resume", "--seed", "4", "--json"])
    out_text, err = capsys.readouterr()
    assert rc == 2 and out_text == "" and "another configuration (seed = 0 there, 4 here)" in err

    rc = main(["tripwire", "plot", str(out), "--json"])
    d, _ = _one_json(capsys)
    assert rc == 0 and len(d["figures"]) == 2
    assert all((out / name).stat().st_size > 10_000 for name in ("tripwire.png", "leak.png"))

    # --erase is --respond's synonym for the one-shot erasures: the same run
    rc = main(["tripwire", "run", "--out", str(tmp_path / "erase"), "--erase", "leace", "--json", *TINY_FLAGS])
    e, _ = _one_json(capsys)
    assert rc == 3 and e["response"]["retrip_step"] == response["retrip_step"]
    assert e["final"] == again["final"]


def test_study_then_its_figures(tmp_path, capsys):
    out = tmp_path / "study"
    args = ["tripwire", "study", "--respond", "leace-persistent", "rollback", "--seeds", "5", "--control-seeds",
            "0:1", "--relabels", "300", "--scheduler", "processes", "--workers", "1", "--out", str(out), "--json",
            *TINY_FLAGS]
    rc = main(args)
    d, _ = _one_json(capsys)
    assert rc == 0 and d["seeds"] == [5] and d["responses"] == ["leace-persistent", "rollback"]
    assert [s["response"] for s in d["summaries"]] == ["leace-persistent", "rollback"]
    assert set(d["summaries"][0]["evasion"]) == {"k", "n", "value", "low", "high"}
    assert "branches" not in d and (out / "study.json").exists()
    assert main(args) == 0 and _one_json(capsys)[0]["summaries"] == d["summaries"]    # read back, not retrained
    rc = main(["tripwire", "plot", str(out), "--json"])
    d, _ = _one_json(capsys)
    assert rc == 0 and [f.rsplit("/", 1)[1] for f in d["figures"]] == ["oracle.png", "evasion.png", "belief.png",
                                                                       "detection.png"]


def test_calibrate_then_a_run_with_another_config_is_refused(tmp_path, capsys):
    cal = tmp_path / "cal"
    short = ["--n-known", "16", "--n-hidden", "4", "--d-model", "16", "--batch-size", "16", "--steps", "40",
             "--evidence-start", "20", "--hidden-fraction", "0.2", "--monitor-every", "10"]
    rc = main(["tripwire", "calibrate", "--seeds", "0-1", "--relabels", "400", "--workers", "1", "--out", str(cal),
               "--json", *short])                                  # in this process: no pool to start
    d, _ = _one_json(capsys)
    assert rc == 0 and set(d["thresholds"]) == {"eval", "probe", "map"} and d["seeds"] == [0, 1]
    assert "runs" not in d and "null_max" not in d              # the samples stay in calibration.json
    assert (cal / "calibration.json").exists()
    rc = main(["tripwire", "plot", str(cal), "--json"])
    d, _ = _one_json(capsys)
    assert rc == 0 and d["figures"][0].endswith("calibration.png")
    rc = main(["tripwire", "run", "--out", str(tmp_path / "r"), "--calibration", str(cal), "--json", *TINY_FLAGS])
    out, err = capsys.readouterr()
    assert rc == 2 and out == "" and err.count("\n") == 1 and "--calibration: was made for another configuration" in err


@pytest.mark.parametrize("args, text", [
    (["run", "--out", "{tmp}/a", "--n-hidden", "-3"], "--n-hidden: must be an integer in [2, 10000]"),
    (["run", "--out", "{tmp}/a", "--monitors", "eval", "tarot"], "--monitors: must be one of eval, probe, map"),
    (["run", "--out", "{tmp}/a", "--erase", "banana"], "--erase: must be one of leace, unlearn"),
    (["run", "--out", "{tmp}/a", "--respond", "banana"], "--respond: must be one of leace, unlearn, leace-persistent"),
    (["run", "--out", "{tmp}/a", "--erase", "leace", "--respond", "filter"], "--erase: is a synonym of --respond"),
    (["run", "--out", "{tmp}/a", "--refit-every", "0"], "--refit-every: must be an integer in [1"),
    (["study", "--out", "{tmp}/s", "--seeds", "0:3", "--control-seeds", "2:5"], "--seeds: must be worlds calibration"),
    (["study", "--out", "{tmp}/s", "--respond", "filter", "nosuch"], "--respond: must be one of"),
    (["study", "--out", "{tmp}/s", "--scheduler", "bogus"], "--scheduler: must be a dask scheduler address"),
    (["study", "--out", "{tmp}/s", "--calibration", "{tmp}/missing"], "no calibration at"),
    (["run", "--out", "{tmp}/missing", "--resume"], "no such folder"),
    (["plot", "{tmp}/missing"], "no such folder"),
    (["run", "--out", "{tmp}/bad", "--resume"], "not a readable checkpoint"),
    (["calibrate", "--seeds", "5-2", "--out", "{tmp}/c"], "--seeds:"),
    (["calibrate", "--seeds", "0-1", "--relabels", "100", "--out", "{tmp}/c"], "--relabels: must give at least 299"),
    (["plot", "{tmp}/damaged"], "summary.json is not valid JSON"),
    (["run", "--out", "{tmp}/damaged", "--resume"], "config.json is not a readable config.json"),
])
def test_bad_input_is_one_line_and_status_2(tmp_path, capsys, args, text):
    """One line naming the flag (the library's keyword, worded for the command line), exit status 2."""
    (tmp_path / "bad" / "state").mkdir(parents=True)
    (tmp_path / "bad" / "state" / "last.pt").write_bytes(b"\x80\x02garbage")
    (tmp_path / "damaged").mkdir()
    (tmp_path / "damaged" / "summary.json").write_text("{truncated")
    (tmp_path / "damaged" / "config.json").write_text('{"seed": 0, "colour": "red"}')
    rc = main(["tripwire", *[a.replace("{tmp}", str(tmp_path)) for a in args], "--json"])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    assert err.startswith("alignlab: error: ") and err.count("\n") == 1 and text in err


def test_sweep_over_responses_and_seeds_resumes(tmp_path, capsys):
    import xarray as xr
    out = tmp_path / "r.zarr"
    args = ["sweep", "tripwire", "--respond", "none", "filter", "--seeds", "5", "--scheduler", "serial", "--out",
            str(out), "--json", *TINY_FLAGS]
    assert main(args) == 0
    d, _ = _one_json(capsys)
    assert d["dims"] == {"respond": 2, "seed": 1} and d["computed"] == 2
    ds = xr.open_zarr(str(out))
    none, filtered = ds.sel(respond="none", seed=5.0), ds.sel(respond="filter", seed=5.0)
    assert float(none["tripped"]) == float(filtered["tripped"]) == 1.0
    assert float(none["trip_step"]) == float(filtered["trip_step"])      # the same run up to the trip
    assert float(filtered["evidence_after"]) == 0.0 and np.isnan(float(none["evidence_after"]))
    assert main(args) == 0 and _one_json(capsys)[0]["computed"] == 0     # finished cells are skipped
