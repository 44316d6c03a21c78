"""Synthetic data for the horizons tests: runs files of agents whose success follows a known logistic curve,
published horizon tables, and trend inputs with steps fits."""

from __future__ import annotations

import datetime as dt
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


HEADER = "suite_version,model,release_date,p50_minutes,p50_ci_low,p50_ci_high,is_sota\n"


def published_rows(seed: int = 0, models: int = 12, doubling_days: float = 200.0):
    """Synthetic published horizons: p50 doubling every ``doubling_days`` from 2019 with log2 noise 0.3,
    intervals a factor 2 either side; every second model at the frontier (the first always)."""
    rng = np.random.default_rng(seed)
    start = dt.date(2019, 1, 1)
    rows = []
    for i in range(models):
        date = start + dt.timedelta(days=int(i * 2200 / (models - 1)))
        p50 = 0.05 * 2 ** ((date - start).days / doubling_days + rng.normal(0, 0.3))
        rows.append(("1.1", f"m{i:02d}", date.isoformat(), p50, p50 / 2, p50 * 2, i % 2 == 0))
    return rows


def write_published(path, rows=None, text=None) -> str:
    rows = published_rows() if rows is None else rows
    body = "".join(",".join(str(x) for x in r) + "\n" for r in rows)
    path.write_text(HEADER + body if text is None else text)
    return str(path)


def steps_input(betas, intervals, steps_curve="steps"):
    """Agents released every 200 days from 2022, with a steps fit of the given beta and interval."""
    from alignlab.horizons.trend.sources import HorizonPoint, TrendInput, TrendSource
    start = dt.date(2022, 1, 1)
    points = []
    for i, (beta, ci) in enumerate(zip(betas, intervals)):
        date = start + dt.timedelta(days=200 * i)
        points.append(HorizonPoint(f"a{i}", date, 2.0 ** (i * 0.9), (2.0 ** (i * 0.9 - 1), 2.0 ** (i * 0.9 + 1)),
                                   True, {"beta": beta, "tau_minutes": 2.0, "budget": 50.0}, ci))
    source = TrendSource(kind="runs", file="runs.jsonl", release_dates="dates.csv", suite=None, curve="logistic",
                         steps_curve=steps_curve, frontier_only=False, since=None, left_out=())
    return TrendInput(source, tuple(points))
