"""Optional extras: which installed packages a part of alignlab needs beyond the core, and the one
line that says how to install them.

``pip install alignlab`` brings what ``dists``, ``steps``, ``goodhart``, ``tails``, ``horizons``, ``data``
and ``report`` need (NumPy, SciPy, Matplotlib, Rich, psutil). The heavy parts are extras, declared in
``pyproject.toml`` under the same names:

=============  ==========================================  ====================================
extra          brings (top-level modules)                  for
=============  ==========================================  ====================================
``tripwire``   torch, concept_erasure, sklearn             the belief tripwire (a transformer, LEACE, probes)
``sweep``      dask, distributed, xarray, zarr             ``alignlab sweep``, ``--scheduler`` on any command
``gpu``        torch, triton                               ``--backend torch`` (CUDA, the fused Triton kernel)
``parquet``    pyarrow                                     reading ``.parquet`` files
``all``        every one of them
=============  ==========================================  ====================================

Modules import these packages inside the functions that need them, never at the top of a module a
light command reaches, so a missing extra surfaces as :class:`ModuleNotFoundError` exactly where it
is needed. The command line (:mod:`alignlab.cli.main`) and the report (:mod:`alignlab.report.build`)
turn that error into :func:`hint`'s one line: exit status 2, or a report section marked "not run".
"""

from __future__ import annotations

EXTRAS: dict[str, tuple[str, ...]] = {          # the first extra holding a module is its default hint
    "gpu": ("torch", "triton"),
    "tripwire": ("torch", "concept_erasure", "sklearn"),
    "sweep": ("dask", "distributed", "xarray", "zarr"),
    "parquet": ("pyarrow",),
}
MODULES: frozenset[str] = frozenset(m for modules in EXTRAS.values() for m in modules)


def extra_for(module: str, prefer: tuple[str, ...] = ()) -> str | None:
    """The extra that brings top-level ``module`` (``torch``), or None for a module of no extra. A module
    in several extras (torch) gets the first of ``prefer`` that holds it (the system being run:
    ``tripwire``), else the first extra that holds it (``gpu``, for ``steps --backend torch``)."""
    holders = [name for name, modules in EXTRAS.items() if module in modules]
    for name in prefer:
        if name in holders:
            return name
    return holders[0] if holders else None


def hint(err: ImportError, prefer: tuple[str, ...] = ()) -> str | None:
    """One line for a missing optional package: ``needs torch, which is not installed: pip install
    "alignlab[tripwire]"``; None when ``err`` is not about a package of an extra (a real fault)."""
    name = getattr(err, "name", None)
    if not isinstance(err, ModuleNotFoundError) or not name:
        return None
    module = name.split(".")[0]
    extra = extra_for(module, prefer)
    if extra is None:
        return None
    return f'needs {module}, which is not installed: pip install "alignlab[{extra}]"'
