"""Parameter recovery at METR's design: 50 data sets simulated from each model, 95% Wald intervals
covering the truth at the nominal rate within two binomial standard errors (slow: minutes per model)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alignlab.horizons.joint import models as jm
from alignlab.horizons.joint._house import load_runs
from alignlab.horizons.joint.data import cells_of, degenerate_agents
from alignlab.horizons.joint.fit import start
from alignlab.horizons.joint.fitting import fit
from alignlab.horizons.joint.simulate import recovery_study

DATASETS = 50


@pytest.mark.slow
@pytest.mark.parametrize("name", list(jm.MODELS))
def test_wald_intervals_cover_the_truth_at_metr_design(name):
    runs = load_runs("metr-runs")
    runs = runs.select([a for a in runs.agents if a != "human" and a not in degenerate_agents(runs)])
    cells = cells_of(runs)
    model = jm.model(name)
    truth = fit(model, cells, start(model, cells), covariance=False).theta      # METR's own optimum as the truth
    study = recovery_study(model, truth, cells, datasets=DATASETS, seed=0)
    low = 0.95 - 2 * math.sqrt(0.95 * 0.05 / DATASETS)
    print(f"{name}: {study.seconds:.0f} s, coverage {study.coverage}")
    assert all(c >= low for c in study.coverage.values()), study.coverage
