"""Parameter recovery at METR's design: 50 data sets simulated from each model, 95% Wald intervals
covering the truth at the nominal rate within two binomial standard errors.

The truth is the model's optimum on METR's file, except where that optimum lies on the boundary of the
parameter space, where a Wald interval is not valid: steps-joint's optimum puts gamma at the lower end of
its range (0.05), and there its intervals under-covered (measured: tau 0.80, gamma 0.86, sigma 0.82, beta 0.82,
budget 0.71 of 50, against at least 0.89; 2026-12-08, quintic table). Its truth is therefore the optimum on
METR's file with gamma held at 0.5 (inside the range; about the value issue 24's data suggested), and there
its intervals cover (measured on 2026-12-08, AMD EPYC family 25 model 17, 418 s: tau 0.98, gamma 0.98, sigma
0.90, beta 0.904, budget 0.911; no fit without intervals, no data set drawn again).

The three cheap models (5-10 s each) run in `make test`; irt-2pl (about 2 min) and steps-joint (about 7 min)
are validation studies that `make validate` runs. A data set in which an agent's runs all fail is drawn again
(``recovery_study``; fit_joint leaves such an agent out). irt-2pl covers (measured: difficulty_slope 0.96,
s 0.96, ability 0.956; 5 data sets drawn again; the 0.87-0.88 measured before came from the 4 data sets in
which gpt-3.5-turbo-instruct drew no success, whose fits had no intervals)."""

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


STUDIES = {"irt-2pl": (pytest.mark.validation,), "steps-joint": (pytest.mark.validation,)}
HELD = {"steps-joint": {"gamma": 0.5}}      # the truth's shared parameters held inside their range (docstring)


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(name, marks=STUDIES.get(name, ())) for name in jm.MODELS])
def test_wald_intervals_cover_the_truth_at_metr_design(name):
    runs = load_runs("metr-runs")
    runs = runs.select([a for a in runs.agents if a != "human" and a not in degenerate_agents(runs)])
    cells = cells_of(runs)
    model = jm.model(name)
    held = model.fix(**HELD.get(name, {}))
    truth = fit(held, cells, starts(held, cells), covariance=False).theta       # METR's own optimum as the truth
    study = recovery_study(model, truth, cells, datasets=DATASETS, seed=0)
    low = 0.95 - 2 * math.sqrt(0.95 * 0.05 / DATASETS)
    print(f"{name}: {study.seconds:.0f} s, coverage {study.coverage}, {study.failed} fits without intervals, "
          f"{study.redrawn} data sets drawn again")
    assert all(c >= low for c in study.coverage.values()), study.coverage
