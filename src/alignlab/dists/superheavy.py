"""scipy distributions of the two super-heavy families that scipy lacks, ``logcauchy`` and ``logpareto``
(:mod:`alignlab.dists.families` describes them; kept apart so that reading the family table does not
import scipy.stats)."""

from __future__ import annotations

import numpy as np
from scipy import stats

from alignlab.dists import logtails as lt


class _logcauchy_gen(stats.rv_continuous):
    """log Z ~ Cauchy(0, sigma): Z = exp(sigma C). Super-heavy: no moment of positive order."""

    def _argcheck(self, sigma):
        return sigma > 0

    def _logpdf(self, x, sigma):
        return lt.logcauchy_logpdf(x, sigma)

    def _pdf(self, x, sigma):
        return np.exp(lt.logcauchy_logpdf(x, sigma))

    def _cdf(self, x, sigma):
        return np.arctan2(1.0, -np.log(x) / sigma) / np.pi

    def _sf(self, x, sigma):
        return np.arctan2(1.0, np.log(x) / sigma) / np.pi

    def _ppf(self, q, sigma):
        return np.exp(sigma * np.tan(np.pi * (q - 0.5)))

    def _isf(self, q, sigma):
        return np.exp(sigma * np.tan(np.pi * (0.5 - q)))


class _logpareto_gen(stats.rv_continuous):
    """P(Z > z) = (1 + log z)^(-a) on [1, inf): super-heavy; log Z = U^(-1/a) - 1 for U uniform on (0, 1)."""

    def _argcheck(self, a):
        return a > 0

    def _logpdf(self, x, a):
        return lt.logpareto_logpdf(x, a)

    def _pdf(self, x, a):
        return np.exp(lt.logpareto_logpdf(x, a))

    def _sf(self, x, a):
        return np.exp(lt.logpareto_logsf(x, a))

    def _cdf(self, x, a):
        return -np.expm1(lt.logpareto_logsf(x, a))

    def _isf(self, q, a):
        return np.exp(np.expm1(-np.log(q) / a))

    def _ppf(self, q, a):
        return np.exp(np.expm1(-np.log1p(-q) / a))


logcauchy = _logcauchy_gen(a=0.0, name="logcauchy", shapes="sigma")
logpareto = _logpareto_gen(a=1.0, name="logpareto", shapes="a")
