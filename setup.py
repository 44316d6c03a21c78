"""Build hook for the one compiled module, ``alignlab.steps._fastsim`` (fast Pareto simulation).

Metadata lives in pyproject.toml. The extension is optional: where it cannot be built (no C
compiler, or not Linux x86-64), installation goes on and the simulator uses its
NumPy kernel; ``alignlab.steps.simulate.compiled_kernel()`` says which one runs.
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

setup(ext_modules=ext_modules)
