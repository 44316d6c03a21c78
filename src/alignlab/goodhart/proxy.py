"""``Proxy(error, utility, dependence=None)``: the one object users meet.

A thin facade: it validates its inputs once, picks the model (:mod:`alignlab.goodhart.joint_law`)
and hands each question to the module that answers it.
"""

from __future__ import annotations

import numpy as np

from alignlab._progress import ProgressLike
from alignlab._seeding import SeedLike
from alignlab._validate import ParameterError
from alignlab.dists import roles
from alignlab.dists.law import Continuous
from alignlab.dists.samples import EmpiricalSamples, sample_values
from alignlab.dists.tails import TailClass
from alignlab.goodhart import best_of_n as _bon
from alignlab.goodhart import conditioning, regime as _regime, tilt as _tilt
from alignlab.goodhart.dependence import Dependence
from alignlab.goodhart.joint_law import DependentModel, EmpiricalModel, IndependentModel
from alignlab.numerics.quadrature import RTOL


class Proxy:
    """The proxy ``U = X + V`` for true utility ``V`` and error ``X``.

    ``error`` and ``utility`` are spec strings (``"t(df=3)"``), frozen scipy distributions or
    :class:`~alignlab.dists.Continuous`. ``error`` may also be samples of X, drawn from with replacement
    (Monte Carlo methods only, as ``--error-samples`` on the command line): a numpy array, a pandas Series
    or a one-column DataFrame of finite numbers (not True/False), a list of numbers, or
    :class:`~alignlab.dists.EmpiricalSamples` (``EmpiricalSamples.read(path_or_frame, column=...)``). With
    ``dependence`` (a :class:`Dependence` or a callable ``v -> scipy distribution or number``) the error is
    ``X | V = v`` and ``error`` must be None.
    """

    def __init__(self, error=None, utility="norm(0, 1)", dependence=None, *, rtol: float = RTOL):
        self.utility = roles.utility(utility, "utility")
        if dependence is not None:
            if error is not None:
                raise ParameterError("error", "give either error or dependence, not both")
            dep = dependence if isinstance(dependence, Dependence) else Dependence(dependence)
            self.error = None
            self.dependence = dep
            self.model = DependentModel(dep, self.utility, rtol)
        elif error is None:
            raise ParameterError("error", "is required (a spec such as 't(df=3)', or samples, or a dependence)")
        elif isinstance(error, EmpiricalSamples) or _is_samples(error):
            if not isinstance(error, EmpiricalSamples):
                values, source = sample_values(error, None, "error")
                error = EmpiricalSamples(values, source, "error")
            self.error, self.dependence = error, None
            self.model = EmpiricalModel(error, self.utility)
        else:
            self.error, self.dependence = roles.error(error, "error"), None
            self.model = IndependentModel(self.error, self.utility, rtol)

    def __repr__(self) -> str:
        err = self.dependence.name if self.dependence is not None else self.error.spec
        return f"Proxy(error={err!r}, utility={self.utility.spec!r})"

    @property
    def utility_mean(self) -> float:
        return float(self.model.mu)

    @property
    def tails(self) -> tuple[TailClass, TailClass]:
        """Right and left tail classes of U (the heavier of X's and V's on each side)."""
        from alignlab.goodhart.regime import heavier
        if isinstance(self.error, Continuous):
            return heavier(self.error.tail, self.utility.tail), heavier(self.error.left_tail, self.utility.left_tail)
        right, left = self.utility.tail, self.utility.left_tail
        if self.dependence is not None:
            for piece in self.model.pieces:
                if piece.atom is None:
                    law = self.dependence.at((piece.lo + piece.hi) / 2 if np.isfinite(piece.lo + piece.hi)
                                             else self.utility.median)
                    right, left = heavier(right, law.tail), heavier(left, law.left_tail)
        return right, left

    # -- conditioning ---------------------------------------------------------------------
    def conditional_utility(self, t, method: str = "exact", samples: int = 1_000_000,
                            seed: SeedLike = 0, progress: ProgressLike = False,
                            max_work: float | None = None) -> conditioning.ConditionalUtility:
        """E[V | U >= t] for each t (``method="exact"``: quadrature, or ``method="mc"`` with ``samples`` draws
        from ``seed``, recorded in the result's ``seed``; ``max_work`` raises the draw limit)."""
        return conditioning.conditional_utility(self.model, t, method, samples, seed, progress, max_work)

    def conditional_utility_at(self, u) -> conditioning.PointConditional:
        """E[V | U = u] for each u."""
        return conditioning.conditional_utility_at(self.model, u)

    def log_tail_probability(self, t):
        """log P(U >= t)."""
        return conditioning.log_tail_probability(self.model, t)

    def regime(self, decades: int = 12) -> _regime.Regime:
        """Which theorem decides lim E[V | U >= t], with the gain over ``decades`` decades of t."""
        return _regime.regime(self.model, decades)

    # -- optimisation by selection and by KL-regularised RL ----------------------------------
    def best_of_n(self, n, method: str = "exact", trials: int = 1000, seed: SeedLike = 0,
                  backend: str = "numpy", progress: ProgressLike = False,
                  max_work: float | None = None) -> _bon.BestOfN:
        """E[V], E[U] and KL of the best of n draws (exact quadrature, or ``method="mc"`` with ``trials``
        trials from ``seed``, whose ``backend`` may be ``torch``: CUDA when present; ``max_work`` raises
        the draw limit)."""
        tails = self.tails if method == "exact" else None
        return _bon.best_of_n(self.model, n, method, trials, seed, tails, backend, progress, max_work)

    def tilt(self, beta) -> _tilt.Tilt:
        """The KL-regularised optimum proportional to p exp(U / beta)."""
        return _tilt.tilt(self.model, beta)


def _is_samples(error) -> bool:
    """Whether ``error`` is data (samples of X) rather than a law: an array, a list of numbers, or pandas data."""
    return (isinstance(error, (np.ndarray, list, tuple))
            or type(error).__module__.split(".")[0] == "pandas")


__all__ = ["Proxy"]
