"""The belief tripwire from a notebook, as a plain script.

The tripwire trains its own data: a world whose corpus never states the hidden cities' countries but
lets them be inferred. Its inputs are configurations, so a DataFrame of worlds goes in row by row;
results come out as tables (``to_pandas()``) and figures on Axes of your own. The world here is tiny
(32 known and 8 hidden cities, a width-32 model, 300 steps): each run takes a second or two.
"""

import pandas as pd
from matplotlib.figure import Figure

from alignlab.tripwire import TripwireConfig, run_tripwire, run_study
from alignlab.tripwire.plots import plot_evasion, plot_run

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 12)

TINY = TripwireConfig(n_known=32, n_hidden=8, d_model=32, d_mlp=128, batch_size=32, steps=300, evidence_start=100,
                      hidden_fraction=0.15, monitor_every=20, lr=5e-3)

# One run (seed 0, the default): train, check the monitors every 20 steps, stop at the breaker's trip.
result = run_tripwire(TINY)
print(result)
print(result.to_pandas()[["step", "phase", "eval_statistic", "probe_statistic", "map_statistic",
                          "oracle_accuracy"]].tail(4))

# Worlds as rows of a DataFrame: a real world and its control twin (evidence about decoys, nothing to
# learn), each trained to the end with the breaker only recording (shadow); one summary row per world.
worlds = pd.DataFrame({"seed": [0, 0], "control": [False, True]})
summaries = pd.concat([run_tripwire(TINY.replace(seed=int(row.seed), control=bool(row.control), shadow=True))
                       .summary.to_pandas() for row in worlds.itertuples()], ignore_index=True)
print(summaries[["seed", "control", "trip.tripped", "trip.step", "trip.monitor", "learning.learned_step"]])

# The response study: calibrate on two control worlds, run one real world, branch its trip into two
# responses and train on; one row per world and response, and the per-response summary with intervals.
study = run_study(TINY, responses=("leace", "filter"), seeds=(5,), control_seeds=(0, 1), relabels=300, workers=1,
                  seed=0)
print(study.to_pandas()[["seed", "response", "trip_step", "retrip_step", "return_steps", "oracle_end",
                         "kept_out"]])
print(study.summary_of("leace").to_pandas()[["response", "worlds", "retrip.k", "retrip.n", "oracle_end.value"]])

# Figures on Axes of your own: the study's rates per response, and the run's three panels.
fig = Figure(figsize=(7, 3))
ax = fig.subplots()
plot_evasion(study, ax=ax)
print(f"drew {ax.get_title()!r}")
fig = Figure(figsize=(8, 8))
axes = fig.subplots(3, 1, sharex=True)
plot_run(result, ax=axes)
print(f"drew {axes[0].get_title()!r}")
