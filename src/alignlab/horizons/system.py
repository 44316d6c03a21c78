"""The horizons system's declaration: its commands and report section (see :mod:`alignlab.systems`)."""

from __future__ import annotations

from alignlab.systems import System, lazy

SYSTEM = System(
    "horizons", "Agent time horizons", order=50,
    help="fit success against task length for real agents: METR's logistic, constant hazard, Weibull, steps",
    description="Fit curves of success against task length to agent runs (METR's file or your own): METR's "
                "logistic, a constant hazard, a Weibull survival and the independent-steps model, with "
                "horizons, a hierarchical bootstrap and out-of-sample comparison by task family.",
    commands=lazy("alignlab.horizons.cli", "register"), report=lazy("alignlab.horizons.report", "build"),
)
