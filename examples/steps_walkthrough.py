"""The independent-steps model from a notebook, as a plain script.

The steps model is a model of parameters (an approach law, its tail index alpha, a cognitive power q),
not a fit to data: it takes no table of observations itself. A DataFrame of parameters goes in row by
row, and results come out as tables (``to_pandas()``). Observed subtask times can set the parameters
through the tails system: a subtask takes the fastest of q approaches, P(M > t) = t^-(q alpha), so the
Hill estimate of M's tail index is q alpha.
"""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from alignlab import tails
from alignlab.steps import StepsModel
from alignlab.steps.experiments import growth_curves
from alignlab.steps.plots import plot_growth_curves

pd.set_option("display.width", 120)

# Models as rows of a DataFrame: one described per row, the facts side by side.
grid = pd.DataFrame({"alpha": [0.5, 0.5, 0.5, 0.25], "q": [1, 3, 5, 3]})
facts = pd.concat([StepsModel(row.alpha, row.q).describe().to_pandas() for row in grid.itertuples()],
                  ignore_index=True)
print(facts[["alpha", "q", "beta", "critical_q", "mean_subtask_time", "regime", "efficiency"]])

# Quantiles of the task time S_n for n = 1000 subtasks: one row per quantile and model.
quantiles = pd.concat([StepsModel(row.alpha, row.q).task_quantiles(1000).to_pandas().assign(q=row.q, alpha=row.alpha)
                       for row in grid.itertuples()], ignore_index=True)
print(quantiles.pivot_table(index=["alpha", "q"], columns="p", values="quantile"))

# Observed subtask times (here simulated for a mind of power 2 with Pareto approaches of index 0.75, so
# beta = 1.5) in a DataFrame: the Hill estimate of their tail index is q * alpha.
rng = np.random.default_rng(0)
observed = pd.DataFrame({"subtask_time": rng.pareto(1.5, 5000) + 1.0})
hill = tails.hill(observed, column="subtask_time", bootstrap_samples=200)
beta = hill.tail_index
print(f"Hill: beta = {beta:.3f} (true 1.5) at k = {hill.chosen_k}; with q = 2, alpha = {beta / 2:.3f}")
fitted = StepsModel(alpha=beta / 2, q=2)
print(fitted.describe().to_pandas()[["beta", "critical_q", "regime"]])

# A law without a tail index falls back to Monte Carlo, and says so with its seed and trials.
horizon = StepsModel(q=2, approach="lognorm(s=1, loc=1)").horizon(budget=100, trials=5000)
print(horizon.to_pandas())

# Median time per subtask against n, one row per (q, n), drawn on Axes of your own figure.
curves = growth_curves(0.5, [1, 2, 3, 4], n_max=10 ** 6, points=13)
print(curves.to_pandas().groupby("q")[["theory_slope", "fitted_slope"]].first())
fig = Figure(figsize=(7, 4.6))
ax = fig.subplots()
plot_growth_curves(curves, ax=ax)
print(f"drew {ax.get_title()!r}")
