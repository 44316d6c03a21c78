"""Error that depends on the true utility: a conditional law of ``X`` given ``V = v``.

``Dependence(conditional, breakpoints)`` holds a callable that returns, for each ``v``, a frozen
scipy distribution of one of :data:`alignlab.dists.FAMILY_NAMES` (the law of ``X`` given
``V = v``) or a number ``c`` (``X = c`` exactly). The breakpoints cut the real line into pieces;
inside a piece the callable must return either distributions (which may change with ``v``) or
one and the same number. The published counterexample (Kwa et al. 2024, comment thread of "When
is Goodhart catastrophic?") is :func:`counterexample`: ``V ~ N(0,1)``, ``X | V ~ N(0, 4)`` when
``|V| <= 1``, else ``X = 0``.

Point-mass pieces are integrated exactly (``P(V in piece, V >= t - c)`` from the utility's
tails, ``E[(V - mu) 1{...}]`` from its partial expectation); distribution pieces by quadrature over
``v``, calling the callable once per node (slow for callables, fast enough for tests and the report).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from alignlab._validate import ParameterError
from alignlab.dists.law import Continuous, from_frozen
from alignlab.dists.roles import check_body


@dataclass(frozen=True)
class Piece:
    """An interval of ``v`` on which ``X | V = v`` is a distribution (``atom`` None) or ``X = atom``."""

    lo: float
    hi: float
    atom: float | None


@dataclass(eq=False)
class Dependence:
    """The law of ``X`` given ``V = v``: ``conditional(v)`` is a frozen scipy distribution or a number."""

    conditional: Callable[[float], object]
    breakpoints: tuple[float, ...] = ()
    name: str = "dependence"
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if not callable(self.conditional):
            raise ParameterError("dependence", f"must be a callable v -> scipy distribution or number "
                                               f"(got {self.conditional!r})")
        points = []
        for b in self.breakpoints:
            if isinstance(b, bool) or not isinstance(b, (int, float, np.integer, np.floating)) or not math.isfinite(b):
                raise ParameterError("dependence", f"breakpoints must be finite numbers (got {b!r})")
            points.append(float(b))
        self.breakpoints = tuple(sorted(set(points)))

    def at(self, v: float) -> Continuous | float:
        """The law of X given V = v: a :class:`Continuous` or a float (a point mass)."""
        out = self.conditional(float(v))
        if isinstance(out, (int, float, np.integer, np.floating)) and not isinstance(out, bool):
            if not math.isfinite(out):
                raise ParameterError("dependence", f"returned {out!r} at v = {v!r}; a point mass must be finite")
            return float(out)
        if not (hasattr(out, "dist") and hasattr(out, "args") and hasattr(out, "kwds")):
            raise ParameterError("dependence", f"must return a frozen scipy distribution or a number "
                                               f"(got {out!r} at v = {v!r})")
        key = (out.dist.name, tuple(np.asarray(a).item() for a in out.args),
               tuple(sorted((k, np.asarray(x).item()) for k, x in out.kwds.items())))
        dist = self._cache.get(key)
        if dist is None:
            dist = self._cache[key] = from_frozen(out, "dependence")
            check_body(dist, "dependence")
        return dist

    def pieces(self, lo: float, hi: float) -> tuple[Piece, ...]:
        """The pieces inside the utility's support [lo, hi], each classified at an inside point."""
        edges = [lo] + [b for b in self.breakpoints if lo < b < hi] + [hi]
        out = []
        for a, b in zip(edges[:-1], edges[1:]):
            probe = _inside(a, b)
            law = self.at(probe)
            piece = Piece(a, b, law if isinstance(law, float) else None)
            # point masses are integrated in closed form: make sure the piece really has one
            check = self.check_atom if piece.atom is not None else self.laws
            check(_spread(a, b), piece)
            out.append(piece)
        return tuple(out)

    def laws(self, v: np.ndarray, piece: Piece) -> list[Continuous]:
        """The conditional laws at the nodes ``v`` of a distribution piece."""
        laws = [self.at(x) for x in np.asarray(v, dtype=float).ravel()]
        for x, law in zip(np.ravel(v), laws):
            if isinstance(law, float):
                raise ParameterError("dependence", f"returns a point mass at v = {x!r} inside ({piece.lo!r}, "
                                                   f"{piece.hi!r}), where it returned distributions: add a "
                                                   "breakpoint between them")
        return laws

    def check_atom(self, v: np.ndarray, piece: Piece) -> None:
        for x in np.asarray(v, dtype=float).ravel():
            law = self.at(x)
            if not (isinstance(law, float) and law == piece.atom):
                raise ParameterError("dependence", f"returns {law!r} at v = {x!r} inside ({piece.lo!r}, "
                                                   f"{piece.hi!r}), where it returned the point mass "
                                                   f"{piece.atom!r}: a point mass must be the same on a piece")


def _inside(a: float, b: float) -> float:
    if math.isinf(a) and math.isinf(b):
        return 0.0
    if math.isinf(a):
        return b - 1.0 - abs(b)
    if math.isinf(b):
        return a + 1.0 + abs(a)
    return (a + b) / 2


def _spread(a: float, b: float) -> np.ndarray:
    """Points across a piece, out to 1e3 beyond a finite end into an infinite side."""
    if math.isinf(a) and math.isinf(b):
        return np.array([-1e3, -10.0, -1.0, 0.0, 1.0, 10.0, 1e3])
    if math.isinf(a):
        return b - np.array([1e3, 10.0, 1.0, 0.1, 1e-3])
    if math.isinf(b):
        return a + np.array([1e-3, 0.1, 1.0, 10.0, 1e3])
    return a + (b - a) * np.array([1e-3, 0.1, 0.3, 0.5, 0.7, 0.9, 1 - 1e-3])


def evaluate_grouped(laws: list[Continuous], x: np.ndarray, method: str) -> np.ndarray:
    """``getattr(law, method)(x)`` for per-node laws, one vectorised call per distinct law."""
    x = np.asarray(x, dtype=float).ravel()
    out = np.empty_like(x)
    groups: dict[int, list[int]] = {}
    ids: dict[int, Continuous] = {}
    for i, law in enumerate(laws):
        groups.setdefault(id(law), []).append(i)
        ids[id(law)] = law
    for key, idx in groups.items():
        idx = np.asarray(idx)
        out[idx] = getattr(ids[key], method)(x[idx])
    return out


def counterexample() -> Dependence:
    """V ~ N(0,1); X | V ~ N(0, 4) when |V| <= 1, else X = 0 (unbiased, light-tailed error)."""
    from scipy import stats

    wide = stats.norm(0.0, 2.0)
    return Dependence(lambda v: wide if abs(v) <= 1 else 0.0, breakpoints=(-1.0, 1.0),
                      name="X|V ~ N(0,4) if |V|<=1 else X=0")
