r"""The five joint models: every agent and every task at once, a task effect :math:`z_j \sim N(0, 1)`
shared by all agents.

With :math:`x_j = \log_2 t_j` (t_j the task's human minutes), agent a and task j:

* ``logistic-joint``: :math:`\mathrm{logit}\,p_{aj} = a_a + b_a x_j - s z_j`; per agent ``intercept``
  :math:`a_a` and ``slope`` :math:`b_a`, shared ``s``. s = 0 is METR's per-agent logistic, unpenalised.
* ``rasch``: the same with one ``slope`` b for all agents.
* ``weibull-joint``: :math:`\log(-\log p_{aj}) = k_a(\ln t_j - \ln h_a) + s z_j`; per agent
  ``scale_minutes`` :math:`h_a` and ``shape`` :math:`k_a`, shared ``s``. s = 0 is the per-agent Weibull.
* ``irt-2pl`` (BRIDGE, Liu, Gala et al. 2026, as a baseline): :math:`\mathrm{logit}\,p_{aj} =
  d_j(\theta_a - b_j)`, :math:`b_j = c_1 x_j + s z_j` (:math:`u_j = s z_j \sim N(0, s^2)`; the
  intercept :math:`c_0` is absorbed in the abilities :math:`\theta_a`, which are free); per agent
  ``ability`` :math:`\theta_a`, shared ``difficulty_slope`` :math:`c_1` and ``s``, per task
  ``discrimination`` :math:`d_j = e^{\delta_j}` with the penalty :math:`\sum_j \delta_j^2/2`
  (a log-normal(0, 1) prior, maximised: the model is otherwise unchanged by
  :math:`d \to kd`, :math:`(\theta, c_1, s) \to (\theta, c_1, s)/k`, and the prior fixes that scale).
  A task the fit has not seen gets the prior median, d = 1.
* ``steps-joint``: task j is :math:`n_{aj} = (t_j/\tau)^\gamma e^{\sigma z_j}` subtasks for every
  agent, whose subtask times are Pareto(:math:`\beta_a`) and whose budget is :math:`B_a`:
  :math:`p_{aj} = F_{n_{aj}}(B_a - n_{aj})` (:mod:`alignlab.horizons.joint.links`). Per agent
  ``beta`` and ``budget``, shared ``tau_minutes``, ``gamma`` and ``sigma``. :math:`\gamma = 1,
  \sigma = 0` is plain ``steps`` per agent (with one tau); :math:`\gamma = 1` alone is
  ``steps-mixed`` with the spread shared by the agents.

A larger :math:`z_j` is always a harder task. Each model is linear in z:
:math:`\eta = \eta_0 + \lambda z` with the link of :mod:`~alignlab.horizons.joint.links`, which is
all the quadrature needs. The spreads s and sigma enter only through :math:`\lambda`, so the
likelihood is even in them: the optimiser moves them freely and the fit reports their absolute value.

Parameters live in one vector theta, on the optimiser's scale: per agent (agent-major), then the
shared ones, then per task. ``fixed`` holds shared parameters at a value (``s = 0`` makes the per-agent
baselines, ``gamma = 1`` and ``sigma = 0`` the nested steps models).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from alignlab.horizons.joint._house import lomax_table
from alignlab.horizons.joint.names import MODELS

DISCRIMINATION_PRIOR_SD = 1.0     # irt-2pl: log d_j ~ N(0, 1), as a penalty
_STEPS_KAPPA = (1e-2, 30.0)       # B = e^(kappa/beta) stays below e^600 for beta >= 0.05
REFERENCE_MINUTES = 60.0          # steps-joint: the task length its log n is anchored at


@dataclass(frozen=True)
class Linear:
    r""":math:`\eta_0`, :math:`\lambda` per cell, the steps link's (log beta, log kappa) per cell, and with
    the Jacobian the derivatives of each in theta: ``d_eta0``, ``d_lam`` (C, P) and ``d_link`` (two (C, P))."""

    eta0: np.ndarray
    lam: np.ndarray
    link_params: tuple | None = None
    d_eta0: np.ndarray | None = None
    d_lam: np.ndarray | None = None
    d_link: tuple | None = None


@dataclass(frozen=True)
class Model:
    """A joint model (see the module docstring); subclasses state its parameters and predictor."""

    name: str
    link: str
    agent_params: tuple[str, ...]
    shared_params: tuple[str, ...]
    task_params: tuple[str, ...] = ()
    fixed: tuple[tuple[str, float], ...] = ()
    # the scale each public parameter's Wald interval is computed on
    scales: dict = field(default_factory=dict, compare=False)

    # -- layout ----------------------------------------------------------------------------------
    def size(self, agents: int, tasks: int) -> int:
        return agents * len(self.agent_params) + len(self.shared_params) + tasks * len(self.task_params)

    def shared_index(self, name: str, agents: int) -> int:
        return agents * len(self.agent_params) + self.shared_params.index(name)

    def agent_block(self, theta: np.ndarray, agents: int) -> np.ndarray:
        """(A, ka) per-agent parameters on the optimiser's scale (leading axes of theta kept)."""
        ka = len(self.agent_params)
        return theta[..., :agents * ka].reshape(theta.shape[:-1] + (agents, ka))

    def shared(self, theta: np.ndarray, agents: int) -> dict[str, np.ndarray]:
        start = agents * len(self.agent_params)
        return {n: theta[..., start + i] for i, n in enumerate(self.shared_params)}

    def task_block(self, theta: np.ndarray, agents: int) -> np.ndarray:
        start = agents * len(self.agent_params) + len(self.shared_params)
        return theta[..., start:]

    def free(self, agents: int, tasks: int) -> np.ndarray:
        """Which entries of theta the optimiser moves (the fixed shared parameters do not move)."""
        mask = np.ones(self.size(agents, tasks), dtype=bool)
        for name, _ in self.fixed:
            mask[self.shared_index(name, agents)] = False
        return mask

    def with_fixed(self, theta: np.ndarray, agents: int) -> np.ndarray:
        theta = np.array(theta, dtype=float)
        for name, value in self.fixed:
            theta[..., self.shared_index(name, agents)] = self.to_theta(name, value)
        return theta

    def to_theta(self, name: str, value: float) -> float:
        """A shared parameter's public value on the optimiser's scale."""
        return math.log(value) if self.scales.get(name) == "log" else float(value)

    def fix(self, **values) -> Model:
        """This model with shared parameters held at ``values``."""
        import dataclasses
        return dataclasses.replace(self, fixed=tuple({**dict(self.fixed), **values}.items()))

    # -- the model -------------------------------------------------------------------------------
    def linear(self, theta, agent, x, task, jacobian: bool = False, agents: int = 0, draw=None) -> Linear:
        """The predictor at cells of agents ``agent`` on tasks with log2 minutes ``x`` and indices ``task``
        (for per-task parameters; -1: a task the fit has not seen, which irt-2pl gives its prior median
        discrimination d = 1, or ``draw`` per cell)."""
        raise NotImplementedError

    def penalty(self, theta, agents: int):
        """A penalty subtracted from the log-likelihood: value, gradient and the diagonal of its Hessian."""
        return 0.0, np.zeros_like(theta), np.zeros_like(theta)

    def bounds(self, agents: int, tasks: int, minutes) -> np.ndarray:
        return np.tile([-np.inf, np.inf], (self.size(agents, tasks), 1))

    def public(self, theta: np.ndarray, agents: int) -> tuple[list[dict], dict]:
        """Per-agent and shared parameters on their public scale."""
        raise NotImplementedError

    def doublings_per_z(self, theta: np.ndarray, agents: int) -> float:
        """How many doublings of task length one unit of z is worth (for "harder by X doublings")."""
        raise NotImplementedError


def _indicator(rows, cols, shape) -> np.ndarray:
    out = np.zeros(shape)
    out[rows, cols] = 1.0
    return out


@dataclass(frozen=True)
class LogisticJoint(Model):
    one_slope: bool = False

    def linear(self, theta, agent, x, task, jacobian=False, agents=0, draw=None):
        p = theta.size
        cells = np.arange(agent.size)
        if self.one_slope:
            a, b = theta[agent], theta[agents]
        else:
            a, b = theta[2 * agent], theta[2 * agent + 1]
        s = self.shared(theta, agents)["s"]
        eta0, lam = a + b * x, np.full(agent.size, -s)
        if not jacobian:
            return Linear(eta0, lam)
        d_eta0 = np.zeros((agent.size, p))
        if self.one_slope:
            d_eta0[cells, agent] = 1.0
            d_eta0[:, agents] = x
        else:
            d_eta0[cells, 2 * agent] = 1.0
            d_eta0[cells, 2 * agent + 1] = x
        d_lam = np.zeros((agent.size, p))
        d_lam[:, self.shared_index("s", agents)] = -1.0
        return Linear(eta0, lam, None, d_eta0, d_lam)

    def public(self, theta, agents):
        if self.one_slope:
            per = [{"intercept": float(theta[i])} for i in range(agents)]
            return per, {"slope": float(theta[agents]), "s": abs(float(theta[agents + 1]))}
        block = self.agent_block(theta, agents)
        return ([{"intercept": float(r[0]), "slope": float(r[1])} for r in block],
                {"s": abs(float(self.shared(theta, agents)["s"]))})

    def doublings_per_z(self, theta, agents):
        slope = theta[agents] if self.one_slope else np.mean(self.agent_block(theta, agents)[:, 1])
        return abs(float(self.shared(theta, agents)["s"])) / max(abs(float(slope)), 1e-12)


@dataclass(frozen=True)
class WeibullJoint(Model):
    def linear(self, theta, agent, x, task, jacobian=False, agents=0, draw=None):
        log_h, log_k = theta[2 * agent], theta[2 * agent + 1]
        k = np.exp(log_k)
        gap = x * math.log(2.0) - log_h
        eta0 = k * gap
        s = self.shared(theta, agents)["s"]
        lam = np.full(agent.size, s)
        if not jacobian:
            return Linear(eta0, lam)
        cells = np.arange(agent.size)
        d_eta0 = np.zeros((agent.size, theta.size))
        d_eta0[cells, 2 * agent] = -k
        d_eta0[cells, 2 * agent + 1] = eta0
        d_lam = np.zeros((agent.size, theta.size))
        d_lam[:, self.shared_index("s", agents)] = 1.0
        return Linear(eta0, lam, None, d_eta0, d_lam)

    def bounds(self, agents, tasks, minutes):
        b = super().bounds(agents, tasks, minutes)
        lo, hi = math.log(minutes.min()) - 12.0, math.log(minutes.max()) + 12.0
        b[:2 * agents:2] = [lo, hi]
        b[1:2 * agents:2] = [math.log(0.01), math.log(20.0)]
        return b

    def public(self, theta, agents):
        block = self.agent_block(theta, agents)
        return ([{"scale_minutes": float(np.exp(r[0])), "shape": float(np.exp(r[1]))} for r in block],
                {"s": abs(float(self.shared(theta, agents)["s"]))})

    def doublings_per_z(self, theta, agents):
        k = np.exp(self.agent_block(theta, agents)[:, 1])
        return abs(float(self.shared(theta, agents)["s"])) / (float(np.mean(k)) * math.log(2.0))


@dataclass(frozen=True)
class Irt2pl(Model):
    def linear(self, theta, agent, x, task, jacobian=False, agents=0, draw=None):
        shared = self.shared(theta, agents)
        c1, s = shared["difficulty_slope"], shared["s"]
        own = self.task_block(theta, agents)
        delta = np.where(task >= 0, own[np.maximum(task, 0)] if own.size else 0.0, 0.0 if draw is None else draw)
        d = np.exp(delta)
        gap = theta[agent] - c1 * x
        eta0, lam = d * gap, -d * s
        if not jacobian:
            return Linear(eta0, lam)
        cells = np.arange(agent.size)
        p = theta.size
        d_eta0 = np.zeros((agent.size, p))
        d_eta0[cells, agent] = d
        d_eta0[:, self.shared_index("difficulty_slope", agents)] = -d * x
        d_lam = np.zeros((agent.size, p))
        d_lam[:, self.shared_index("s", agents)] = -d
        known = task >= 0
        column = agents + len(self.shared_params) + task[known]
        d_eta0[cells[known], column] = eta0[known]
        d_lam[cells[known], column] = lam[known]
        return Linear(eta0, lam, None, d_eta0, d_lam)

    def penalty(self, theta, agents):
        delta = self.task_block(theta, agents)
        grad, hess = np.zeros_like(theta), np.zeros_like(theta)
        grad[theta.size - delta.size:] = delta / DISCRIMINATION_PRIOR_SD ** 2
        hess[theta.size - delta.size:] = 1.0 / DISCRIMINATION_PRIOR_SD ** 2
        return float(0.5 * np.sum(delta ** 2) / DISCRIMINATION_PRIOR_SD ** 2), grad, hess

    def bounds(self, agents, tasks, minutes):
        b = super().bounds(agents, tasks, minutes)
        b[agents + len(self.shared_params):] = [-6.0, 6.0]
        return b

    def public(self, theta, agents):
        shared = self.shared(theta, agents)
        return ([{"ability": float(theta[i])} for i in range(agents)],
                {"difficulty_slope": float(shared["difficulty_slope"]), "s": abs(float(shared["s"]))})

    def doublings_per_z(self, theta, agents):
        shared = self.shared(theta, agents)
        return abs(float(shared["s"])) / max(abs(float(shared["difficulty_slope"])), 1e-12)


@dataclass(frozen=True)
class StepsJoint(Model):
    r"""Optimised as :math:`\log n_{aj} = \nu + \gamma(\ln t_j - \ln t_0) + \sigma z_j` with
    :math:`t_0` = :data:`REFERENCE_MINUTES` (``log_n_reference`` :math:`\nu`: tau alone runs off to the end
    of any range when gamma is small); :math:`\tau = t_0 e^{-\nu/\gamma}`."""

    def linear(self, theta, agent, x, task, jacobian=False, agents=0, draw=None):
        shared = self.shared(theta, agents)
        gamma = math.exp(shared["gamma"])
        base = x * math.log(2.0) - math.log(REFERENCE_MINUTES)
        eta0 = shared["log_n_reference"] + gamma * base
        lam = np.full(agent.size, float(shared["sigma"]))
        link = (theta[2 * agent], theta[2 * agent + 1])
        if not jacobian:
            return Linear(eta0, lam, link)
        p = theta.size
        d_eta0 = np.zeros((agent.size, p))
        d_eta0[:, self.shared_index("log_n_reference", agents)] = 1.0
        d_eta0[:, self.shared_index("gamma", agents)] = gamma * base
        d_lam = np.zeros((agent.size, p))
        d_lam[:, self.shared_index("sigma", agents)] = 1.0
        cells = np.arange(agent.size)
        d_link = (_indicator(cells, 2 * agent, (agent.size, p)), _indicator(cells, 2 * agent + 1, (agent.size, p)))
        return Linear(eta0, lam, link, d_eta0, d_lam, d_link)

    def bounds(self, agents, tasks, minutes):
        b = super().bounds(agents, tasks, minutes)
        b[:2 * agents:2] = [math.log(lomax_table.BETA_RANGE[0]), math.log(lomax_table.BETA_RANGE[1])]
        b[1:2 * agents:2] = [math.log(_STEPS_KAPPA[0]), math.log(_STEPS_KAPPA[1])]
        b[self.shared_index("log_n_reference", agents)] = [math.log(lomax_table.N_RANGE[0]),
                                                           math.log(lomax_table.N_RANGE[1])]
        b[self.shared_index("gamma", agents)] = [math.log(0.05), math.log(5.0)]
        b[self.shared_index("sigma", agents)] = [-8.0, 8.0]
        return b

    def public(self, theta, agents):
        block = self.agent_block(theta, agents)
        shared = self.shared(theta, agents)
        per = []
        for log_beta, log_kappa in block:
            beta = math.exp(log_beta)
            per.append({"beta": beta, "budget": math.exp(min(math.exp(log_kappa) / beta, 700.0))})
        gamma = math.exp(shared["gamma"])
        tau = REFERENCE_MINUTES * math.exp(min(-float(shared["log_n_reference"]) / gamma, 700.0))
        return per, {"tau_minutes": tau, "gamma": gamma, "sigma": abs(float(shared["sigma"]))}

    def doublings_per_z(self, theta, agents):
        shared = self.shared(theta, agents)
        return abs(float(shared["sigma"])) / (math.exp(shared["gamma"]) * math.log(2.0))


def model(name: str) -> Model:
    """The joint model called ``name`` (one of :data:`MODELS`)."""
    return {
        "logistic-joint": LogisticJoint("logistic-joint", "logit", ("intercept", "slope"), ("s",),
                                        scales={"s": "abs"}),
        "rasch": LogisticJoint("rasch", "logit", ("intercept",), ("slope", "s"), scales={"s": "abs"},
                               one_slope=True),
        "weibull-joint": WeibullJoint("weibull-joint", "cloglog", ("scale_minutes", "shape"), ("s",),
                                      scales={"scale_minutes": "log", "shape": "log", "s": "abs"}),
        "irt-2pl": Irt2pl("irt-2pl", "logit", ("ability",), ("difficulty_slope", "s"), ("discrimination",),
                          scales={"s": "abs", "discrimination": "log"}),
        "steps-joint": StepsJoint("steps-joint", "steps", ("beta", "budget"), ("log_n_reference", "gamma", "sigma"),
                                  scales={"beta": "log", "budget": "loglog", "tau_minutes": "log", "gamma": "log",
                                          "sigma": "abs"}),
    }[name]


# the per-agent curves the joint models are judged against: the joint models with no task effect
BASELINES = {"logistic": ("logistic-joint", "s"), "weibull": ("weibull-joint", "s")}


def baseline(name: str) -> Model:
    """The per-agent ``logistic`` (METR's, unpenalised) or ``weibull`` curve: its joint model with s = 0."""
    import dataclasses
    joint, spread = BASELINES[name]
    return dataclasses.replace(model(joint).fix(**{spread: 0.0}), name=name)
