"""The independent-steps model of cognitive power: closed forms, exact finite-n distributions,
limit laws, Monte Carlo, and the experiments behind claims S1-S5."""

from alignlab.steps.distribution import AsymptoticTaskTime, EmpiricalTaskTime, ExactTaskTime, TaskQuantiles, TaskTime
from alignlab.steps.model import Description, Horizon, StepsModel
from alignlab.steps.simulate import Simulation

__all__ = ["AsymptoticTaskTime", "Description", "EmpiricalTaskTime", "ExactTaskTime", "Horizon", "Simulation",
           "StepsModel", "TaskQuantiles", "TaskTime"]
