"""Keywords that name things (docs/architecture.md, "One vocabulary"): one name or a list of them (old
spellings of keywords: :func:`alignlab._validate.renamed`)."""

from __future__ import annotations

from alignlab import _validate as v


def names(param: str, value, allowed=None) -> tuple[str, ...] | None:
    """``value`` as a tuple of distinct names in the order given: a string is one name (never a list of
    letters), None stays None; each must be one of ``allowed`` when given, and a list must not be empty."""
    if value is None:
        return None
    items = (value,) if isinstance(value, str) else tuple(value)
    if not items:
        raise v.ParameterError(param, "needs at least one name" + (f", of {', '.join(allowed)}" if allowed else ""))
    for item in items:
        if not isinstance(item, str):
            raise v.ParameterError(param, f"must be a name or a list of names (got {item!r})")
        if allowed is not None:
            v.choice(param, item, tuple(allowed))
    return tuple(dict.fromkeys(items))
