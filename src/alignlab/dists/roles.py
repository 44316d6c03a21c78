"""What a command needs of a distribution (its role), and the catalogue ``alignlab dists list`` prints.

A role is a requirement on the law, not a second dialect: every role reads the same spec with the
same family table. Systems say which of their flags take which role (``System.distributions``), so
the catalogue lists, for each family, the commands that accept it.

* ``approach``: the time one approach of the steps model takes, T >= 1 (1 is the optimal speed), so
  a law on [1, inf): families on a half line, shifted with ``loc`` where they start at 0
  (``lognorm(s=1, loc=1)``). ``--alpha`` fills the tail-index shape of a power-law family.
* ``error``: any law (the error X of a proxy U = X + V; a base law).
* ``utility``: a law with a finite mean (the true utility V).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab._results import Result
from alignlab._validate import ParameterError
from alignlab.dists.families import FAMILY_LIST, Family
from alignlab.dists.law import Continuous, continuous, family, parameters
from alignlab.dists.spec import Spec, format_number, parse_spec

ROLES = {
    "approach": "a time T >= 1: a law on a half line, shifted by loc to start at 1 or later",
    "error": "any law",
    "utility": "a law with a finite mean",
}


def accepts(role: str, fam: Family) -> bool:
    """Whether some parameters of ``fam`` make a law that ``role`` accepts."""
    if role == "approach":
        return fam.positive
    if role == "utility":
        return fam.name not in ("cauchy", "levy", "logcauchy", "logpareto")
    return True


def approach(spec: str | Spec | Continuous = "pareto", alpha: float | None = None,
             param: str = "approach") -> Continuous:
    """The law of one approach time T >= 1 for the steps model, from a spec such as ``"pareto"`` (with
    ``alpha``), ``"lomax(c=0.5, loc=1, scale=2)"`` or ``"lognorm(s=1, loc=1)"``.

    ``alpha`` fills the family's tail-index shape (``pareto`` -> ``b``, ``lomax``/``fisk``/``invweibull``
    -> ``c``); a family without one must not get it."""
    if isinstance(spec, Continuous):
        law = spec
        if alpha is not None and law.tail_index != alpha:
            raise ParameterError("alpha", f"conflicts with the approach's own tail index ({law.tail_index})")
    else:
        parsed = spec if isinstance(spec, Spec) else parse_spec(spec, param)
        fam = family(parsed.name, param, str(parsed))
        given = parameters(fam, parsed, param)
        if alpha is not None:
            if fam.tail_shape is None:
                with_tail = ", ".join(f.name for f in FAMILY_LIST if f.tail_shape and f.positive)
                raise ParameterError("alpha", f"applies only to families with a power-law tail index "
                                              f"({with_tail}); {fam.name} has none: give its parameters in "
                                              f"the spec, e.g. {fam.name}({_example(fam)})")
            if fam.tail_shape in given and given[fam.tail_shape] != alpha:
                raise ParameterError("alpha", f"is {format_number(alpha)} but the approach spec says "
                                              f"{fam.tail_shape}={format_number(given[fam.tail_shape])}")
        if fam.tail_shape is not None and fam.tail_shape not in given and alpha is None:
            raise ParameterError("alpha", f"is required for {fam.name} approaches (it fills {fam.tail_shape}, "
                                          f"the tail index): a finite number > 0")
        law = continuous(parsed, param, fill=None if alpha is None else {"tail": alpha})
    check_approach(law, param)
    return law


def check_approach(law: Continuous, param: str = "approach") -> None:
    """Approach times are >= 1: the law must live on [1, inf)."""
    if not law.family.positive:
        raise ParameterError(param, f"{law.spec} takes negative values; approach times are >= 1, so use a "
                                    f"family on a half line (alignlab dists list shows which)")
    low = law.support[0]
    if low < 1.0 - 1e-12:
        shift = law.loc + (1.0 - low)
        suggestion = Continuous(law.family, law.shapes, shift, law.scale).spec
        raise ParameterError(param, f"{law.spec} starts at {format_number(low)} but approach times are >= 1 "
                                    f"(the optimal speed); shift it with loc: {suggestion}")


def error(spec, param: str = "error") -> Continuous:
    """A law for the ``error`` role (any family): its body must be representable, since quadrature
    and Monte Carlo work on the scale of its quartiles."""
    law = continuous(spec, param)
    check_body(law, param)
    return law


def utility(spec, param: str = "utility") -> Continuous:
    """A law for the ``utility`` role: ``error``'s checks and a finite mean."""
    law = error(spec, param)
    if not law.has_finite_mean:
        raise ParameterError(param, f"must have a finite mean ({law.spec} has none)")
    if not math.isfinite(law.mean):       # finite in theory, beyond 1.8e308 in fact (weibull_min(c=0.001))
        raise ParameterError(param, f"must have a finite mean that fits in double precision ({law.spec} has a "
                                    f"mean beyond 1.8e308)")
    return law


def check_body(law: Continuous, param: str) -> None:
    """The quartiles are finite and apart: the scale on which the law's body varies exists in doubles."""
    with np.errstate(all="ignore"):
        quartiles = law.frozen.ppf([0.25, 0.5, 0.75])
    if not (np.isfinite(quartiles).all() and quartiles[2] > quartiles[0]):
        raise ParameterError(param, f"{law.spec} has quartiles beyond the double range or of zero width "
                                    f"(got {', '.join(f'{q:g}' for q in quartiles)})")
    # a quartile that underflowed to the edge of the support (weibull_min(c=0.001): 1e-541 read as 0)
    # no longer has a quarter of the mass below it
    with np.errstate(all="ignore"):
        levels = np.exp(np.asarray(law.logcdf(quartiles), dtype=float))
    if not (np.abs(levels - [0.25, 0.5, 0.75]) < 1e-6).all():
        raise ParameterError(param, f"{law.spec} has quartiles beyond the double range (the computed ones, "
                                    f"{', '.join(f'{q:g}' for q in quartiles)}, hold probability "
                                    f"{', '.join(f'{p:.3g}' for p in levels)} below them)")


def _example(fam: Family) -> str:
    return ", ".join(f"{s.name}=2" for s in fam.shapes) + (", loc=1" if fam.positive and fam.support[0] < 1 else "")


@dataclass(frozen=True)
class FamilyInfo(Result):
    """One family as ``alignlab dists list`` prints it."""

    name: str
    aliases: tuple[str, ...]
    parameters: tuple[str, ...]
    formula: str
    support: str
    tail: str
    tail_shape: str | None
    accepted_by: tuple[str, ...]


def catalog(flags: dict[str, str]) -> tuple[FamilyInfo, ...]:
    """Every family with its parameters, support, tail class and the flags that accept it.

    ``flags`` maps a command flag (``"steps --approach"``) to the role it takes (``alignlab dists list``
    gathers them from the systems' declarations, ``System.distributions``)."""
    out = []
    for fam in FAMILY_LIST:
        params = tuple(s.describe() for s in fam.shapes) + ("loc real (default 0)", "scale > 0 (default 1)")
        lo, hi = fam.support
        support = f"[{_bound(lo)}, {_bound(hi)}]".replace("[-inf", "(-inf").replace("inf]", "inf)")
        accepted = tuple(flag for flag, role in flags.items() if accepts(role, fam))
        out.append(FamilyInfo(fam.name, fam.aliases, params, fam.formula, f"{support} (before loc, scale)",
                              fam.tail_text, fam.tail_shape, accepted))
    return tuple(out)


def _bound(x: float) -> str:
    return "inf" if x == math.inf else "-inf" if x == -math.inf else format_number(x)


__all__ = ["FamilyInfo", "ROLES", "accepts", "approach", "catalog", "check_approach", "check_body", "error", "utility"]
