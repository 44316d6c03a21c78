"""The per-doubling shape k2 from doubling bins: recovered from runs of known curves, with bootstrap intervals
that cover it, and agents without enough bins said so."""

import math

import numpy as np
import pytest

from alignlab.horizons import doubling_shape, load_runs
from horizons.synthetic import write_jsonl


def runs_of(success, seed: int = 0, families: int = 40, tasks: int = 3, repeats: int = 8) -> list[dict]:
    """One agent's runs on tasks of log-uniform length between 1 and 1000 minutes, succeeding with
    probability ``success(t)``."""
    rng = np.random.default_rng(seed)
    records = []
    for f in range(families):
        for k in range(tasks):
            t = float(np.exp(rng.uniform(0.0, math.log(1000.0))))
            for _ in range(repeats):
                records.append({"alias": "a", "task_id": f"f{f}/t{k}", "task_family": f"f{f}", "human_minutes": t,
                                "score_binarized": int(rng.random() < success(t))})
    return records


@pytest.mark.parametrize("shape", [1.0, 0.4])
def test_k2_recovers_the_shape_of_a_weibull(tmp_path, shape):
    """Success exp(-(t/200)^k): k2 = k at every length. 960 runs: the interval covers k and is narrower
    than 0.5 (one decade of -log p per ~3 doublings)."""
    path = write_jsonl(tmp_path / "runs.jsonl", runs_of(lambda t: math.exp(-(t / 200.0) ** shape), seed=3))
    result = doubling_shape(path, bootstrap=400, seed=1)
    a = result.agent("a")
    lo, hi = a.k2_ci
    assert lo < shape < hi and hi - lo < 0.5
    assert a.draws == 400 and len(a.minutes) >= 6 and a.note is None
    assert abs(a.k2 - shape) < 0.25
    assert result.to_pandas().set_index("agent").loc["a", "k2"] == pytest.approx(a.k2)


def test_a_slow_fall_is_told_apart_from_a_constant_hazard(tmp_path):
    """k = 0.3 (METR's agents' Weibull shapes): the interval lies below 1, the bound every steps model with n
    proportional to t obeys."""
    path = write_jsonl(tmp_path / "runs.jsonl", runs_of(lambda t: math.exp(-(t / 50.0) ** 0.3), seed=5))
    assert doubling_shape(path, bootstrap=300, seed=2).agent("a").k2_ci[1] < 1.0


def test_the_same_seed_gives_the_same_draws_and_a_hopeless_agent_has_no_k2(tmp_path):
    records = runs_of(lambda t: math.exp(-t / 100.0), seed=7)
    records += [dict(r, alias="b", score_binarized=0) for r in records]
    path = write_jsonl(tmp_path / "runs.jsonl", records)
    first, again = (doubling_shape(load_runs(path), bootstrap=50, seed=4) for _ in range(2))
    assert first == again and first.seed == 4
    b = first.agent("b")
    assert b.k2 is None and b.k2_ci is None and "a slope needs 3" in b.note
