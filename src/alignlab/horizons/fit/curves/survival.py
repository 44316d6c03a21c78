r"""Survival curves :math:`\log p = -e^{\eta}`: a constant hazard (exponential) and the Weibull."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab.horizons.fit.curves.base import Curve

LN2 = math.log(2.0)


class _Cloglog(Curve):
    r"""Curves with :math:`\log p = -e^{\eta}` (exponential and Weibull survival)."""

    @staticmethod
    def _logs(eta, deta, gradient):
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return _Cloglog._cloglog(eta, deta, gradient)

    @staticmethod
    def _cloglog(eta, deta, gradient):
        mu = np.exp(eta)
        log_p = -mu
        log_q = np.log(-np.expm1(-mu))
        if not gradient:
            return log_p, log_q
        # G = grad p / (p (1 - p)) = -mu / (1 - p) * grad eta
        factor = -mu / -np.expm1(-mu)
        return log_p, log_q, factor[..., None] * deta


@dataclass(frozen=True)
class Exponential(_Cloglog):
    r""":math:`p = 2^{-t/h}`: :math:`\eta = \log t + \log\log 2 - \log h`. theta = (log h,)."""

    def bounds(self, minutes):
        return np.array([[math.log(minutes.min()) - 12.0, math.log(minutes.max()) + 12.0]])

    def starts(self, minutes, rate):
        return np.array([[math.log(np.median(minutes))]])

    def evaluate(self, theta, minutes, gradient=True):
        eta = np.log(minutes) + math.log(LN2) - theta[:, :1]
        return self._logs(eta, -np.ones(eta.shape + (1,)), gradient)

    def params(self, theta):
        return {"half_life_minutes": np.exp(theta[..., 0])}

    def theta(self, params):
        return np.array([math.log(params["half_life_minutes"])])

    def horizon(self, theta, level):
        return np.exp(theta[..., 0]) * math.log2(1.0 / level)


@dataclass(frozen=True)
class Weibull(_Cloglog):
    r""":math:`p = \exp(-(t/s)^k)`: :math:`\eta = k(\log t - \log s)`. theta = (log s, log k)."""

    def bounds(self, minutes):
        return np.array([[math.log(minutes.min()) - 12.0, math.log(minutes.max()) + 12.0],
                         [math.log(0.01), math.log(20.0)]])

    def starts(self, minutes, rate):
        return np.array([[math.log(np.median(minutes)), math.log(0.5)]])

    def evaluate(self, theta, minutes, gradient=True):
        k = np.exp(theta[:, 1:2])
        gap = np.log(minutes) - theta[:, :1]
        eta = k * gap
        if not gradient:
            return self._logs(eta, None, False)
        deta = np.stack([-k * np.ones_like(gap), eta], axis=-1)
        return self._logs(eta, deta, True)

    def params(self, theta):
        return {"scale_minutes": np.exp(theta[..., 0]), "shape": np.exp(theta[..., 1])}

    def theta(self, params):
        return np.array([math.log(params["scale_minutes"]), math.log(params["shape"])])

    def horizon(self, theta, level):
        return np.exp(theta[..., 0]) * (-math.log(level)) ** np.exp(-theta[..., 1])
