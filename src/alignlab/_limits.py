"""Work and memory bounded before they start.

Every command estimates what it will do from its arguments and refuses, with a
:class:`~alignlab._validate.ParameterError` naming the parameter, the estimate and the limit, what
would take too long or too much memory. Work limits are policy (minutes of work on a small
machine) and ``max_work`` raises them on purpose (``--max-work`` on the command line); the memory
limit is the machine's: half the memory available now (psutil), which nothing raises.
"""

from __future__ import annotations

from alignlab._validate import ParameterError

MEMORY_FRACTION = 0.5


def available_memory() -> int:
    import psutil
    return int(psutil.virtual_memory().available)


def check_memory(param: str, nbytes: float, what: str) -> None:
    """Refuse ``what`` when it needs more than half the memory available on this machine now."""
    limit = MEMORY_FRACTION * available_memory()
    if nbytes > limit:
        raise ParameterError(param, f"{what} needs about {_bytes(nbytes)} of memory, more than the "
                                    f"{_bytes(limit)} this machine can spare (half of what is available)")


def check_work(param: str, amount: float, limit: float, unit: str, max_work: float | None = None) -> None:
    """Refuse ``amount`` units of work above ``limit`` (or above ``max_work`` when given)."""
    bound = limit if max_work is None else max_work
    if not amount <= bound:          # NaN refused too
        raise ParameterError(param, f"{amount:.3g} {unit} exceed the work limit of {bound:.3g} {unit}"
                                    + ("" if max_work is not None else
                                       f"; raise it on purpose with max_work={amount:.3g}"))


def max_work(value) -> float | None:
    """The ``--max-work`` value: None, or a positive number."""
    if value is None:
        return None
    from alignlab import _validate as v
    return v.real("max-work", value, low=0.0, low_open=True, allow_inf=True)


def _bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if abs(n) < 1024 or unit == "EiB":
            return f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} EiB"
