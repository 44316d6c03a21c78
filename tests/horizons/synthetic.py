"""Synthetic runs files for the horizons tests: agents whose success follows a known logistic curve."""

from __future__ import annotations

import json

import numpy as np


def synthetic_runs(seed: int = 0, agents=(("strong", 2.0, -0.6), ("weak", 0.5, -0.8)), families: int = 8,
                   tasks_per_family: int = 3, runs_per_task: int = 5) -> list[dict]:
    """Runs as METR's records: each agent (name, intercept, slope per log2 minute) on the same tasks."""
    rng = np.random.default_rng(seed)
    tasks = []
    for f in range(families):
        for k in range(tasks_per_family):
            tasks.append((f"fam{f}", f"fam{f}/task{k}", float(np.round(np.exp(rng.uniform(0, np.log(900))), 2))))
    records = []
    for name, a, b in agents:
        for family, task, minutes in tasks:
            p = 1.0 / (1.0 + np.exp(-(a + b * np.log2(minutes))))
            for _ in range(runs_per_task):
                records.append({"alias": name, "task_id": task, "task_family": family, "human_minutes": minutes,
                                "score_binarized": int(rng.random() < p)})
    return records


def write_jsonl(path, records) -> str:
    with open(path, "w") as handle:
        for r in records:
            handle.write(json.dumps(r) + "\n")
    return str(path)
