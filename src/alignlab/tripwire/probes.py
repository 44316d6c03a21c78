"""Linear probes, in the scikit-learn style: parameters in ``__init__``, work in ``fit``, fitted
results end in an underscore. Each scores the ``K`` countries with ``decision_function`` (logits up
to a per-row constant), so the monitor statistic treats them like the model's answer logits.

* :class:`MassMeanProbe` - class means with a shared, shrunk covariance: the mass-mean probe of
  Marks & Tegmark (2023) in its "iid" form, i.e. linear discriminant analysis. The score of class
  ``k`` is ``x' S^-1 mu_k - mu_k' S^-1 mu_k / 2`` with ``S = (1 - lam) C + lam tr(C)/d I``. Closed
  form, so it can be refitted at every check.
* :class:`LogisticProbe` - multinomial logistic regression with an L2 penalty ``1/C`` (scikit-learn).
* :class:`MapProbe` - reads the model's *map* rather than the country: ridge regression from the
  activation to the city's position, fitted on known cities (the overseer built the world, so it
  knows where they are), then the score of a country is minus the squared distance from the
  predicted position to the country's centre. It never sees a country label.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from alignlab import _validate as v
from alignlab.tripwire.config import PROBES


class MassMeanProbe:
    """Shared-covariance class-mean probe; ``shrinkage`` in (0, 1] pulls the covariance towards a sphere."""

    def __init__(self, n_classes: int, shrinkage: float = 0.3):
        self.n_classes = v.integer("n_classes", n_classes, low=2)
        self.shrinkage = v.real("shrinkage", shrinkage, low=0.0, low_open=True, high=1.0)

    def fit(self, x, y) -> MassMeanProbe:
        x, y = _check(x, y, self.n_classes)
        self.center_ = x.mean(axis=0)
        xc = x - self.center_
        onehot = np.eye(self.n_classes)[y]
        counts = onehot.sum(axis=0)
        # an absent class keeps the grand mean (zero after centring)
        means = (onehot.T @ xc) / np.maximum(counts, 1.0)[:, None]
        resid = xc - means[y]
        cov = resid.T @ resid / len(x)
        d = x.shape[1]
        scale = np.trace(cov) / d if np.trace(cov) > 0 else 1.0
        cov = (1.0 - self.shrinkage) * cov + self.shrinkage * scale * np.eye(d)
        self.coef_ = np.linalg.solve(cov, means.T).T                     # (K, d)
        self.intercept_ = -0.5 * np.einsum("kd,kd->k", self.coef_, means)
        return self

    def decision_function(self, x) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.center_) @ self.coef_.T + self.intercept_

    def predict(self, x) -> np.ndarray:
        return np.argmax(self.decision_function(x), axis=1)


class LogisticProbe:
    """Multinomial logistic regression with L2 penalty of strength ``1 / c``."""

    def __init__(self, n_classes: int, c: float = 1.0):
        self.n_classes = v.integer("n_classes", n_classes, low=2)
        self.c = v.real("c", c, low=0.0, low_open=True)

    def fit(self, x, y) -> LogisticProbe:
        from sklearn.linear_model import LogisticRegression
        x, y = _check(x, y, self.n_classes)
        self.model_ = LogisticRegression(C=self.c, max_iter=500).fit(x, y)
        return self

    def decision_function(self, x) -> np.ndarray:
        raw = self.model_.decision_function(np.asarray(x, dtype=np.float64))
        if raw.ndim == 1:                       # two classes seen: sklearn returns one column
            raw = np.stack([-raw / 2, raw / 2], axis=1)
        scores = np.repeat(raw.min(axis=1, keepdims=True) - 10.0, self.n_classes, axis=1)  # unseen: unlikely
        scores[:, self.model_.classes_] = raw
        return scores

    def predict(self, x) -> np.ndarray:
        return np.argmax(self.decision_function(x), axis=1)


class MapProbe:
    """Ridge regression to positions; country scores are minus squared distances to ``centers`` (K, 2).

    The penalty is ``ridge * tr(C) / d`` for the activation covariance ``C`` (scale-free).
    """

    def __init__(self, centers, ridge: float = 0.3):
        self.centers = np.asarray(centers, dtype=np.float64)
        self.ridge = v.real("ridge", ridge, low=0.0, low_open=True)

    def fit(self, x, positions) -> MapProbe:
        x = np.asarray(x, dtype=np.float64)
        positions = np.asarray(positions, dtype=np.float64)
        if x.ndim != 2 or positions.shape != (x.shape[0], self.centers.shape[1]):
            raise v.ParameterError("positions", f"must be (n, {self.centers.shape[1]}) matching x (got "
                                                f"{positions.shape} for x {x.shape})")
        self.center_, self.offset_ = x.mean(axis=0), positions.mean(axis=0)
        xc = x - self.center_
        gram = xc.T @ xc
        penalty = self.ridge * max(np.trace(gram) / x.shape[1], 1e-12)
        self.coef_ = np.linalg.solve(gram + penalty * np.eye(x.shape[1]), xc.T @ (positions - self.offset_))
        return self

    def predict_position(self, x) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.center_) @ self.coef_ + self.offset_

    def decision_function(self, x) -> np.ndarray:
        p = self.predict_position(x)
        return -((p[:, None, :] - self.centers[None]) ** 2).sum(axis=-1)

    def predict(self, x) -> np.ndarray:
        return np.argmax(self.decision_function(x), axis=1)


def make_probe(kind: str, n_classes: int, regularization: float):
    """``mass-mean`` with covariance shrinkage ``regularization``, or ``logistic`` with ``C = 1/regularization``."""
    v.choice("probe", kind, PROBES)
    if kind == "mass-mean":
        return MassMeanProbe(n_classes, min(regularization, 1.0))
    return LogisticProbe(n_classes, 1.0 / regularization)


def cross_val_accuracy(factory: Callable[[], object], x, target, labels, folds: int = 5) -> float:
    """Accuracy of ``factory().fit(x, target)`` at predicting ``labels`` of held-out rows, ``folds``-fold
    (rows assigned to folds in turn). ``target`` is what the probe is fitted to (the labels
    themselves for a classifier, positions for a map probe)."""
    x, target, labels = np.asarray(x, dtype=np.float64), np.asarray(target), np.asarray(labels)
    fold = np.arange(len(labels)) % folds
    correct = 0
    for f in range(folds):
        test = fold == f
        if test.any() and (~test).any():
            probe = factory().fit(x[~test], target[~test])
            correct += int((probe.predict(x[test]) == labels[test]).sum())
    return correct / len(labels)


def _check(x, y, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    if x.ndim != 2 or y.shape != (x.shape[0],) or len(y) < 2:
        raise v.ParameterError("x", f"must be (n, d) with n >= 2 matching y of shape (n,) (got {x.shape}, {y.shape})")
    if y.min() < 0 or y.max() >= n_classes:
        raise v.ParameterError("y", f"must hold classes in [0, {n_classes - 1}]")
    if not np.isfinite(x).all():
        raise v.ParameterError("x", "must be finite")
    return x, y
