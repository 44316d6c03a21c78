"""Catastrophic Goodhart from a notebook, as a plain script: optimise a proxy U = X + V whose error X is
known only through samples.

The samples of X go in as a pandas Series (an array works too: ``Proxy(error=...)`` takes either, as
``--error-samples`` does on the command line); the true utility V is a law. Results come out as tables
(``to_pandas()``) and the figure draws on the Axes you give it.
"""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from alignlab.goodhart import Proxy
from alignlab.goodhart.best_of_n import max_n_from_samples
from alignlab.goodhart.plots import plot_best_of_n

pd.set_option("display.width", 120)

# An error sample: 20,000 draws of a Student-t with 3 degrees of freedom, standing in for measured reward
# errors (with real data: pd.read_csv(...)["error"]).
error = pd.Series(np.random.default_rng(0).standard_t(3, 20_000), name="reward error")
proxy = Proxy(error, utility="norm(0, 1)")
print(proxy)

# Best of n by Monte Carlo (samples allow nothing else), up to the largest n the sample supports:
# beyond m/19 the law's best of n would lie beyond every sample more than 5% of the time.
ns = [n for n in (1, 2, 4, 16, 64, 256, 1024) if n <= max_n_from_samples(error.size)]
from_samples = proxy.best_of_n(ns, method="mc", trials=2000)
print(from_samples.to_pandas()[["n", "utility", "utility_se", "proxy", "seed", "trials"]])

# The same question for the law the sample came from, exactly (quadrature), to n = 1e9.
exact = Proxy("t(df=3)", utility="norm(0, 1)").best_of_n([1, 2, 4, 16, 64, 256, 1024, 10 ** 6, 10 ** 9])
print(exact.to_pandas()[["n", "utility", "proxy", "kl"]])

# Conditioning on U >= t from the samples: E[V | U >= t] rises, then falls back towards E[V] = 0.
print(proxy.conditional_utility([1, 3, 10], method="mc", samples=400_000).to_pandas()[
    ["t", "conditional_utility", "standard_error", "accepted"]])

# The figure on Axes of your own figure (in a notebook: fig, ax = plt.subplots()).
fig = Figure(figsize=(7, 4.2))
ax = fig.subplots()
plot_best_of_n(from_samples, ax=ax, title="Best of n with X resampled from 20,000 errors")
print(f"drew {ax.get_title()!r}")
