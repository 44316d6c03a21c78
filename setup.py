"""Build hook for the two compiled modules: ``alignlab.steps._fastsim`` (fast Pareto simulation) and
``alignlab.horizons._lomax_interp`` (the Lomax-sum table's interpolation).

Metadata lives in pyproject.toml. Both extensions are optional: where one cannot be built (no C
compiler; ``_fastsim`` also needs Linux x86-64), installation goes on and its NumPy kernel runs
(``alignlab.steps.simulate.compiled_kernel()`` and ``alignlab.horizons.lomax_table.kernel()`` say which).
"""

import platform
import sys

from setuptools import Extension, setup

ext_modules = []
if sys.platform.startswith("linux") and platform.machine() in ("x86_64", "AMD64"):
    ext_modules.append(Extension(
        "alignlab.steps._fastsim",
        sources=["src/alignlab/steps/_fastsim.c"],
        # -ffp-contract=off: no fused multiply-add, so the scalar, AVX2 and AVX-512 paths round alike
        extra_compile_args=["-O3", "-std=c11", "-ffp-contract=off"],
        libraries=["m"],
        optional=True,
    ))
# the Lomax-sum table's interpolation (alignlab.horizons.lomax_table): plain C, any platform with a compiler
ext_modules.append(Extension(
    "alignlab.horizons._lomax_interp",
    sources=["src/alignlab/horizons/_lomax_interp.c"],
    extra_compile_args=["-O3", "-std=c11", "-ffp-contract=off"] if sys.platform != "win32" else [],
    libraries=["m"] if sys.platform != "win32" else [],
    optional=True,
))

setup(ext_modules=ext_modules)
