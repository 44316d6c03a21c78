"""Agent time horizons from a notebook, as a plain script.

METR's agent runs (one row per run: the agent, the task, its family, how long it takes a human, the score)
come in as a pandas DataFrame whose columns are named as you like: ``columns=`` says which plays which role.
Curves of success against task length are fitted per agent (the 50% horizon p50 with bootstrap intervals),
and results come out as tidy tables (``to_pandas()``) and figures drawn on Axes of your own. The fits may
use several processes, and no guard around the script's top level is needed.
"""

import pandas as pd
from matplotlib.figure import Figure

from alignlab import data
from alignlab.horizons import fit_horizons, load_runs, predict
from alignlab.horizons.joint.fit import fit_joint
from alignlab.horizons.plots import plot_summary, plot_trend
from alignlab.horizons.trend.fit import fit_trends
from alignlab.horizons.trend.sources import published_input

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 12)

# The shipped runs as a DataFrame, with the agent and task-length columns renamed as a lab might have them;
# bool scores are read as 1 and 0.
frame = pd.read_json(data.path("metr-runs"), lines=True)
frame = frame.rename(columns={"alias": "agent_name", "human_minutes": "length"})
frame["solved"] = frame["score_binarized"] > 0.5
columns = {"agent": "agent_name", "minutes": "length", "score": "solved"}
runs = load_runs(frame, columns=columns)
print(runs)

# Two curves for three agents: p50 with 95% intervals from 50 hierarchical bootstrap draws, one row per
# agent and curve.
result = fit_horizons(runs, agent=["GPT-4o", "Claude 3.5 Sonnet (New)", "o1"], curve=["logistic", "weibull"],
                      bootstrap=50, cv="family", seed=0)
print(result)
table = result.to_pandas()
print(table[["agent", "curve", "p50_minutes", "p50_low", "p50_high", "bic", "cv_loglik"]])

# What the fit predicts at task lengths of your choosing: one row per agent, curve and length.
chances = predict(result, [15, 60, 240], curve="logistic").to_pandas()
print(chances.pivot_table(index="agent", columns="minutes", values="success"))

# The trend of METR's published p50 against release date: one row per trend.
trend = fit_trends(published_input("metr-published-horizons", "1.1"), bootstrap=200, seed=0)
print(trend.to_pandas()[["trend", "doubling_days", "doubling_days_low", "doubling_days_high", "r2"]])

# A joint model (each task's difficulty shared by the agents), straight from the DataFrame; a fit this small
# runs fastest in this process (workers=1).
joint = fit_joint(frame, columns=columns, model="rasch", agent=["GPT-4o", "o1"], cv=(), seed=0, workers=1)
print(joint.to_pandas("agents")[["model", "agent", "p50_typical", "p50_marginal"]])

# Figures on Axes of your own figure.
fig = Figure(figsize=(12, 4.5))
left, right = fig.subplots(1, 2)
plot_summary(result, ax=left)
plot_trend(trend, ax=right)
print(f"drew {left.get_title()!r} and {right.get_title()!r}")
