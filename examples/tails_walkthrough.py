"""Are a reward model's errors heavy-tailed? The tails system from a notebook, as a plain script.

The Starling-RM rewards that Kwa, Thomas & Garriga-Alonso (2024) published ship with alignlab as two data
sets: rewards of Llama answers and of random-token answers. They go in as a pandas DataFrame, the results
come out as tables (``to_pandas()``), and the figures draw on the Axes you give them.
"""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from alignlab import tails
from alignlab.data import path
from alignlab.tails.plots import plot_hill, plot_power_law

pd.set_option("display.width", 120)

# One long table: which data set, and the reward.
rewards = pd.concat([pd.DataFrame({"source": name, "reward": np.load(path(name))})
                     for name in ("starling-llama", "starling-random")], ignore_index=True)
print(rewards.groupby("source")["reward"].describe())

# The verdict for each data set: one row per threshold of the generalized Pareto vote.
verdicts = pd.concat([tails.diagnose(group, column="reward", bootstrap_samples=200).to_pandas().assign(source=name)
                      for name, group in rewards.groupby("source")], ignore_index=True)
print(verdicts[["source", "verdict", "level", "excesses", "xi", "ci_low", "ci_high", "vote"]])

# Hill's estimate over every k for the Llama rewards (a Series works as well as a DataFrame column).
llama = rewards.loc[rewards["source"] == "starling-llama", "reward"]
estimates = tails.hill(llama, bootstrap_samples=200)
table = estimates.to_pandas()                     # one row per k; the chosen k is marked
print(table[table["chosen"]])

# A power law fitted to the positive rewards, against its alternatives: one row per alternative.
positive = llama[llama > 0]
print(tails.compare(positive).to_pandas()[["alternative", "loglikelihood_ratio", "p_value", "favours"]])

# Figures on Axes of your own figure (in a notebook: fig, axes = plt.subplots(1, 2)).
fig = Figure(figsize=(12, 4.2))
left, right = fig.subplots(1, 2)
plot_hill(estimates, ax=left, k_range=(1, 2000))
plot_power_law(tails.fit_power_law(positive), ax=right)
print(f"drew {len(fig.axes)} panels: {left.get_title()!r}, {right.get_title()!r}")
