"""METR's logistic in log2 task length."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab.horizons.fit.curves.base import Curve
from alignlab.numerics.logistic import log_sigmoid_pair


@dataclass(frozen=True)
class Logistic(Curve):
    r""":math:`\mathrm{logit}\,p = a + b\log_2 t` (METR). theta = (a, b). With ``penalty`` C the
    objective is scikit-learn's: maximise :math:`\sum w\,\ell - b^2/(2C)` with weights summing to 1
    (the intercept is not penalised)."""

    def bounds(self, minutes):
        return np.array([[-1e3, 1e3], [-1e3, 1e3]])

    def starts(self, minutes, rate):
        return np.array([[math.log(rate / (1 - rate)), 0.0]])

    def evaluate(self, theta, minutes, gradient=True):
        x = np.log2(minutes)
        eta = theta[:, :1] + theta[:, 1:2] * x
        log_p, log_q = log_sigmoid_pair(eta)
        if not gradient:
            return log_p, log_q
        g = np.stack([np.ones_like(eta), np.broadcast_to(x, eta.shape)], axis=-1)
        return log_p, log_q, g

    def params(self, theta):
        return {"intercept": theta[..., 0], "slope": theta[..., 1]}

    def theta(self, params):
        return np.array([params["intercept"], params["slope"]], dtype=float)

    def horizon(self, theta, level):
        a, b = theta[..., 0], theta[..., 1]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            x = (math.log(level / (1 - level)) - a) / b
            return np.where(b < 0, np.exp2(np.minimum(x, 1e4)), np.nan)

    def penalty(self, theta, strength):
        if strength is None:
            return super().penalty(theta, strength)
        b = theta[:, 1]
        grad = np.zeros_like(theta)
        grad[:, 1] = b / strength
        hess = np.zeros((2, 2))
        hess[1, 1] = 1.0 / strength
        return 0.5 * b * b / strength, grad, hess
