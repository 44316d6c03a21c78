"""The independent-steps model of cognitive power: closed forms, exact finite-n distributions,
limit laws, Monte Carlo, and the experiments behind claims S1-S5."""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "AsymptoticTaskTime": "distribution", "Description": "model", "EmpiricalTaskTime": "distribution",
    "ExactTaskTime": "distribution", "Horizon": "model", "Simulation": "simulate", "StepsModel": "model",
    "TaskQuantiles": "distribution", "TaskTime": "distribution",
})
