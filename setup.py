"""Build hook for the one compiled module, ``alignlab.steps._fastsim`` (fast Pareto simulation).

Metadata lives in pyproject.toml. The extension is optional: where it cannot be built (no C
compiler, or not Linux x86-64 with glibc's libmvec), installation goes on and the simulator uses its
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
        extra_compile_args=["-O3", "-std=c11"],
        libraries=["mvec", "m"],
        optional=True,
    ))

setup(ext_modules=ext_modules)
