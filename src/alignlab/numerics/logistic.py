r"""The log of the logistic function, accurate in both tails and cheap enough for likelihood loops.

.. math:: \log\sigma(x) = \min(x, 0) - \log(1 + e^{-|x|}), \qquad
          \log(1 - \sigma(x)) = \log\sigma(-x) = \min(-x, 0) - \log(1 + e^{-|x|}),

so both logs of a Bernoulli likelihood share one exponential and one logarithm (``np.logaddexp(0, -x)``
computes the same value at more than twice the cost, and twice for the pair). Exact at :math:`\pm\infty`:
:math:`\log\sigma(-\infty) = -\infty`, :math:`\log\sigma(\infty) = 0`.
"""

from __future__ import annotations

import numpy as np


def log_sigmoid(x):
    r""":math:`\log(1 / (1 + e^{-x}))`."""
    return log_sigmoid_pair(x)[0]


def log_sigmoid_pair(x):
    r""":math:`(\log\sigma(x), \log\sigma(-x))`, i.e. log p and log(1 - p) for the logit x."""
    x = np.asarray(x, dtype=float)
    shared = np.log1p(np.exp(-np.abs(x)))
    return np.minimum(x, 0.0) - shared, np.minimum(-x, 0.0) - shared
