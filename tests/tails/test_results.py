"""Every tails result round-trips through plain data (the report cache stores JSON and rebuilds with
from_dict), leaves its per-sample arrays out of --json, and records the seed it drew with."""

import numpy as np
import pytest
from round_trip import assert_round_trips, defined_results, result_types

import alignlab.tails
from alignlab._validate import ParameterError
from alignlab.tails import compare, diagnose, fit_power_law, goodness_of_fit, hill, moment, pickands, smoothed_hill
from alignlab.tails import experiments as ex
from alignlab.tails.plots import plot_diagnosis

PARETO = np.random.default_rng(3).pareto(1.5, 3000) + 1.0
STUDENT = np.random.default_rng(4).standard_t(3, 3000)

LIBRARY = {   # one of each result the library functions return, cheaply
    "Hill, double bootstrap": lambda: hill(PARETO, seed=1, bootstrap_samples=20),
    "Hill, path only": lambda: hill(PARETO, k=None),
    "smoothed Hill, fixed k": lambda: smoothed_hill(PARETO, k=100),
    "moment, with NaN in the path": lambda: moment(STUDENT, k=100),
    "Pickands": lambda: pickands(STUDENT, k=50),
    "power-law fit with its bootstrap p-value": lambda: fit_power_law(PARETO, gof=True, replicates=10, seed=2),
    "goodness of fit": lambda: goodness_of_fit(fit_power_law(PARETO), replicates=10, seed=2),
    "comparisons, lognormal at its power-law limit": lambda: compare(PARETO),
}


@pytest.fixture(scope="module")
def cached():
    """What the report caches (smaller), and a diagnosis as the report diagnoses the reward samples."""
    return {"recovery": ex.recovery(n=2000, seed=0, bootstrap_samples=20),
            "verdicts": ex.verdicts(n=1000, seed=0, bootstrap_samples=20),
            "diagnosis": diagnose(STUDENT, seed=0, bootstrap_samples=20)}


@pytest.mark.parametrize("name", list(LIBRARY))
def test_library_results_round_trip(name):
    assert_round_trips(LIBRARY[name]())


def test_every_cached_result_round_trips_and_the_rebuilt_diagnosis_draws(cached):
    for result in cached.values():
        assert_round_trips(result)
    rebuilt = type(cached["diagnosis"]).from_dict(cached["diagnosis"].to_dict())
    assert len(plot_diagnosis(rebuilt).axes) == 6               # the report draws what it read back


def test_every_result_type_is_built_and_checked_above(cached):
    built = result_types(tuple(make() for make in LIBRARY.values()) + tuple(cached.values()))
    assert defined_results(alignlab.tails) - built == set()


def test_per_sample_arrays_stay_out_of_json_but_not_out_of_to_dict(cached):
    d = cached["diagnosis"]
    assert "figure_data" not in d.to_json() and "figure_data" in d.to_dict()
    assert "data" not in d.power_law_of_excess.to_json() and len(d.power_law_of_excess.to_dict()["data"]) > 0
    gof = LIBRARY["goodness of fit"]()
    assert "synthetic_ks" not in gof.to_json() and len(gof.to_dict()["synthetic_ks"]) == 10


def test_random_results_record_the_integer_seed_that_reproduces_them(cached):
    fit = fit_power_law(PARETO, gof=True, replicates=10, seed=None)          # fresh entropy
    assert isinstance(fit.seed, int)
    assert fit_power_law(PARETO, gof=True, replicates=10, seed=fit.seed).p_value == fit.p_value
    path = hill(PARETO, bootstrap_samples=20, seed=None)
    assert isinstance(path.seed, int) and hill(PARETO, seed=path.seed, bootstrap_samples=20) == path
    assert fit_power_law(PARETO).seed is None and hill(PARETO, k=10).seed is None          # nothing drawn
    assert cached["recovery"].seed == cached["verdicts"].seed == cached["diagnosis"].seed == 0


def test_progress_counts_bootstrap_replicates():
    calls = []
    goodness_of_fit(fit_power_law(PARETO), replicates=12, seed=0, progress=lambda *a: calls.append(a))
    assert len(calls) == 12 and calls[-1][:2] == (12, 12)
    steps = []
    hill(PARETO, seed=0, bootstrap_samples=20, workers=2, progress=lambda *a: steps.append(a))
    assert steps and steps[-1][0] == steps[-1][1] == 40                     # two stages of 20 resamples


def test_every_result_is_a_tidy_table_with_a_short_repr(cached):
    from tidy import assert_tidy
    for make in LIBRARY.values():
        assert_tidy(make())
    for result in cached.values():
        assert_tidy(result)
    path = hill(PARETO, seed=1, bootstrap_samples=20)
    table = assert_tidy(path, rows=path.k.size)                             # one row per k
    assert table["chosen"].sum() == 1 and table.loc[table["chosen"], "k"].item() == path.chosen_k
    assert assert_tidy(compare(PARETO), rows=4)["alternative"].tolist()[0] == "exponential"   # one per alternative
    d = cached["diagnosis"]
    assert assert_tidy(d, rows=len(d.thresholds))["vote"].isin(["heavy", "light", "neither"]).all()   # per threshold


def test_samples_come_as_arrays_series_dataframe_columns_or_data_set_names(reward_files):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"x": PARETO, "other": np.arange(PARETO.size)})
    want = hill(PARETO, seed=1, bootstrap_samples=20)
    assert hill(frame, column="x", seed=1, bootstrap_samples=20) == want
    assert hill(frame["x"], seed=1, bootstrap_samples=20) == want
    assert fit_power_law(pd.Series(PARETO)) == fit_power_law(PARETO)
    assert compare(frame, column="x")["lognormal"] == compare(PARETO)["lognormal"]
    assert pickands(frame, 50, column="x") == pickands(PARETO, 50)
    by_name = diagnose("starling-llama", bootstrap_samples=20)
    assert by_name == diagnose(np.load(reward_files["starling-llama"]), bootstrap_samples=20)
    assert hill(frame, column="x", excess=True, k=50) == hill(PARETO - PARETO.mean(), k=50)   # as --excess
    with pytest.raises(ParameterError, match="choose one with column='NAME'"):
        hill(frame)
    with pytest.raises(ParameterError, match="True/False values"):
        diagnose(pd.Series(np.arange(200) % 2 == 0))


def test_the_default_seed_is_zero_in_python_as_on_the_command_line():
    assert hill(PARETO, bootstrap_samples=20).seed == 0 == fit_power_law(PARETO, gof=True, replicates=10).seed
    assert hill(PARETO, bootstrap_samples=20) == hill(PARETO, seed=0, bootstrap_samples=20)
    assert isinstance(hill(PARETO, seed=None, bootstrap_samples=20).seed, int)          # None: fresh entropy


def test_the_diagnosis_draws_on_six_given_axes_and_refuses_other_counts(cached):
    from alignlab._figures import figure
    from alignlab._validate import ParameterError as Refused
    fig, axes = figure(3, 2)
    assert plot_diagnosis(cached["diagnosis"], ax=axes) is fig and all(ax.has_data() for ax in axes.ravel())
    with pytest.raises(Refused, match="ax: must be 6 Axes"):
        plot_diagnosis(cached["diagnosis"], ax=axes[:2])
