"""Parameter recovery at METR's design: 50 data sets simulated from each model, 95% Wald intervals
covering the truth at the nominal rate within two binomial standard errors.

The three cheap models (5-10 s each) run in `make test`; irt-2pl (about 2 min) and steps-joint (about 13 min)
are validation studies that `make validate` runs. Both under-cover, a known defect of issue 24, so each is a
strict xfail, which fails the day its intervals are right: steps-joint (measured: tau 0.60, gamma 0.64, sigma
0.64, beta 0.58, budget 0.54 of 50, against at least 0.89) and irt-2pl since its fits converge
(difficulty_slope 0.88, s 0.88, ability 0.87; the climb without curvature updates stopped at 1,600 steps short
of the optimum, and those intervals covered)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alignlab.horizons.joint import models as jm
from alignlab.horizons.joint._house import load_runs
from alignlab.horizons.joint.data import cells_of, degenerate_agents
from alignlab.horizons.joint.fit import starts
from alignlab.horizons.joint.fitting import fit
from alignlab.horizons.joint.simulate import recovery_study

DATASETS = 50


STUDIES = {
    "irt-2pl": (pytest.mark.validation,
                pytest.mark.xfail(strict=True, reason="irt-2pl's Wald intervals under-cover slightly at METR's design "
                                                      "(0.87-0.88 of 50; issue 24, docs/horizons_joint.md)")),
    "steps-joint": (pytest.mark.validation,
                    pytest.mark.xfail(strict=True, reason="steps-joint's Wald intervals under-cover at METR's design "
                                                          "(issue 24; docs/horizons_joint.md, the recovery study)")),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(name, marks=STUDIES.get(name, ())) for name in jm.MODELS])
def test_wald_intervals_cover_the_truth_at_metr_design(name):
    runs = load_runs("metr-runs")
    runs = runs.select([a for a in runs.agents if a != "human" and a not in degenerate_agents(runs)])
    cells = cells_of(runs)
    model = jm.model(name)
    truth = fit(model, cells, starts(model, cells), covariance=False).theta     # METR's own optimum as the truth
    study = recovery_study(model, truth, cells, datasets=DATASETS, seed=0)
    low = 0.95 - 2 * math.sqrt(0.95 * 0.05 / DATASETS)
    print(f"{name}: {study.seconds:.0f} s, coverage {study.coverage}")
    assert all(c >= low for c in study.coverage.values()), study.coverage
