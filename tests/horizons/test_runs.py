"""Reading runs files: the three formats, column flags, METR's weights, and every bad input as one sentence."""

import csv

import numpy as np
import pytest

from alignlab._validate import ParameterError
from alignlab.horizons import load_runs, run_weights
from horizons.synthetic import synthetic_runs, write_jsonl


@pytest.fixture
def records():
    return synthetic_runs(seed=1)


def _csv(path, records, rename=None):
    rename = rename or {}
    keys = list(records[0])
    with open(path, "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow([rename.get(k, k) for k in keys])
        for r in records:
            w.writerow([r[k] for k in keys])
    return path


def test_jsonl_csv_and_parquet_read_the_same_runs(tmp_path, records):
    import pyarrow as pa
    import pyarrow.parquet as pq
    a = load_runs(write_jsonl(tmp_path / "r.jsonl", records))
    b = load_runs(_csv(tmp_path / "r.csv", records))
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "r.parquet")
    c = load_runs(tmp_path / "r.parquet")
    for other in (b, c):
        assert np.array_equal(a.minutes, other.minutes) and np.array_equal(a.score, other.score)
        assert list(a.agent) == list(other.agent) and list(a.task) == list(other.task)
    assert a.weight is None and a.agents == ("strong", "weak")


def test_columns_map_other_names_and_the_old_keywords_warn(tmp_path, records):
    path = _csv(tmp_path / "r.csv", records, {"alias": "model", "human_minutes": "length", "score_binarized": "ok"})
    runs = load_runs(path, columns={"agent": "model", "minutes": "length", "score": "ok"})
    assert runs.agents == ("strong", "weak") and runs.columns["minutes"] == "length"
    with pytest.warns(DeprecationWarning, match=r"agent=, minutes=, score= \(a column name\) is renamed columns="):
        old = load_runs(path, agent="model", minutes="length", score="ok")
    assert np.array_equal(old.score, runs.score) and old.columns == runs.columns
    with pytest.raises(ParameterError, match=r"missing column 'alias' .*; name the agent column with "
                                             r"columns=\{'agent': NAME\}"):
        load_runs(path)
    with pytest.raises(ParameterError, match="columns: roles are agent, task, family, minutes, score, weight "
                                             "\\(got 'model'\\)"):
        load_runs(path, columns={"model": "alias"})
    with pytest.raises(ParameterError, match="columns: must be a dict"):
        load_runs(path, columns="agent=model")


def test_a_dataframe_reads_as_its_file_and_bool_scores_are_1_and_0(tmp_path, records):
    import pandas as pd
    frame = pd.DataFrame(records).rename(columns={"alias": "model"})
    frame["score_binarized"] = frame["score_binarized"] > 0.5                  # a bool column
    runs = load_runs(frame, columns={"agent": "model"})
    from_file = load_runs(write_jsonl(tmp_path / "r.jsonl", records))
    assert runs.source == "DataFrame" and runs.agents == from_file.agents
    assert np.array_equal(runs.score, from_file.score) and np.array_equal(runs.minutes, from_file.minutes)
    path = tmp_path / "bool.csv"
    frame.to_csv(path, index=False)                                             # pandas writes True/False
    assert np.array_equal(load_runs(path, columns={"agent": "model"}).score, from_file.score)
    frame.loc[3, "human_minutes"] = None
    with pytest.raises(ParameterError, match="DataFrame: row 4: column 'human_minutes' must be a positive task length"):
        load_runs(frame, columns={"agent": "model"})


def test_computed_weights_sum_to_one_per_agent_and_follow_metr(tmp_path, records):
    runs = load_runs(write_jsonl(tmp_path / "r.jsonl", records))
    for scheme in ("invsqrt", "equal"):
        w = run_weights(runs, scheme)
        for agent in runs.agents:
            assert abs(w[runs.agent == agent].sum() - 1.0) < 1e-12
    # every task has 5 runs and every family 3 tasks: all weights equal under both schemes
    assert np.allclose(run_weights(runs, "invsqrt"), run_weights(runs, "invsqrt")[0])
    assert np.all(run_weights(runs, "none") == 1.0)


def test_computed_weights_match_metr_columns(metr_runs):
    """METR's file carries both weights (rounded to 10 digits): ours, computed from the runs, agree."""
    path = metr_runs
    runs = load_runs(path)
    column = run_weights(runs, "invsqrt")
    computed = run_weights(load_runs(path, columns={"weight": None}), "invsqrt")
    equal = run_weights(runs, "equal")
    metr_equal = np.array([r for r in load_runs(path, columns={"weight": "equal_task_weight"}).weight])
    assert np.max(np.abs(column - computed)) < 1e-9
    assert np.max(np.abs(equal - metr_equal / np.array([metr_equal[runs.agent == a].sum() for a in runs.agent]))) < 1e-9


@pytest.mark.parametrize("content, words", [
    ('{"alias": "a", "task_id": "t", "task_family": "f", "human_minutes": "long", "score_binarized": 1}\n',
     ["line 1", "human_minutes", "positive task length"]),
    ('{"alias": "a", "task_id": "t", "task_family": "f", "human_minutes": 3, "score_binarized": 1}\n'
     '{"alias": "a", "task_id": "t", "task_family": "f", "human_minutes": 0, "score_binarized": 1}\n',
     ["line 2", "positive task length", "0"]),
    ('{"alias": "a", "task_id": "t", "task_family": "f", "human_minutes": 3, "score_binarized": 1.5}\n',
     ["line 1", "score in [0, 1]"]),
    ('{"alias": "a", "task_id": "t", "task_family": "f", "score_binarized": 1}\n',
     ["missing column 'human_minutes'", "columns found: alias, task_id, task_family, score_binarized"]),
    ("", ["holds no runs"]),
    ('{"alias": "a",\n', ["line 1 is not valid JSON"]),
])
def test_bad_runs_files_are_one_sentence(tmp_path, content, words):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(ParameterError) as err:
        load_runs(path)
    text = str(err.value)
    assert "\n" not in text and text.startswith(str(path))
    for w in words:
        assert w in text


def test_unknown_format_unreadable_parquet_and_unknown_agent(tmp_path, records):
    (tmp_path / "r.xlsx").write_text("x")
    with pytest.raises(ParameterError, match="unknown file type '.xlsx'"):
        load_runs(tmp_path / "r.xlsx")
    (tmp_path / "r.parquet").write_bytes(b"not parquet")
    with pytest.raises(ParameterError, match="cannot read file as parquet"):
        load_runs(tmp_path / "r.parquet")
    runs = load_runs(write_jsonl(tmp_path / "r.jsonl", records))
    with pytest.raises(ParameterError, match=r"unknown agent 'nobody' .*\(agents: strong, weak\)"):
        runs.select(["nobody"])
