"""One distribution language for every system: the spec grammar, the family table, tail classes.

A spec names a family of :mod:`alignlab.dists.families` with scipy's names and parameters
(``"t(df=3)"``, ``"lognorm(s=1, loc=1)"``, ``"pareto(b=0.5)"``); :func:`continuous` turns it into a
:class:`Continuous` law with accurate log tails, and roles (:mod:`alignlab.dists.roles`) say what a
command needs of it. ``alignlab dists list`` prints the table.
"""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "Continuous": "law", "Minimum": "law", "continuous": "law", "from_frozen": "law",
    "FAMILIES": "families", "FAMILY_NAMES": "families", "Family": "families",
    "Spec": "spec", "parse_spec": "spec",
    "TailClass": "tails", "TailKind": "tails",
    "approach": "roles", "catalog": "roles", "FamilyInfo": "roles",
    "EmpiricalSamples": "samples", "Samples": "samples", "load_samples": "samples",
})
