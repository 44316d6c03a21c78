"""Parameter recovery at METR's design: 50 data sets simulated from each model, 95% Wald intervals
covering the truth at the nominal rate within two binomial standard errors.

The three cheap models (5-10 s each) run in `make test`; irt-2pl (about 2 min) and steps-joint (about 4 min)
are validation studies that `make validate` runs. A data set in which an agent's runs all fail is drawn again
(``recovery_study``; fit_joint leaves such an agent out). irt-2pl covers (measured: difficulty_slope 0.96,
s 0.96, ability 0.956; 5 data sets drawn again; the 0.87-0.88 measured before came from the 4 data sets in
which gpt-3.5-turbo-instruct drew no success, whose fits had no intervals). steps-joint under-covers, a known
defect of issue 24, so it is a strict xfail, which fails the day its intervals are right (measured: tau 0.78,
gamma 0.84, sigma 0.86, beta 0.73, budget 0.66 of 50, 4 fits without intervals, against at least 0.89; with the
quintic table of 2026-12-08: tau 0.80, gamma 0.86, sigma 0.82, beta 0.82, budget 0.71, 4 without intervals)."""

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
    "irt-2pl": (pytest.mark.validation,),
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
    print(f"{name}: {study.seconds:.0f} s, coverage {study.coverage}, {study.failed} fits without intervals, "
          f"{study.redrawn} data sets drawn again")
    assert all(c >= low for c in study.coverage.values()), study.coverage
