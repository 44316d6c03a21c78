"""Every steps result: a round trip through plain data, a tidy table with a short repr, and figures drawn
on the Axes given."""

import pytest
from round_trip import assert_round_trips, defined_results, result_types
from tidy import assert_tidy

import alignlab.steps
from alignlab._figures import figure
from alignlab.steps import StepsModel
from alignlab.steps import experiments as ex
from alignlab.steps import plots

LOGNORMAL = "lognorm(s=1, loc=1)"

LIBRARY = {   # one of each result, cheaply
    "description": lambda: StepsModel(0.5, 3).describe(),
    "task quantiles, exact": lambda: StepsModel(0.5, 3).task_quantiles(100),
    "task quantiles, Monte Carlo": lambda: StepsModel(q=2, approach=LOGNORMAL).task_quantiles(20, trials=500),
    "simulation": lambda: StepsModel(0.5, 3).simulate(50, 1000),
    "horizon, exact": lambda: StepsModel(0.5, 3).horizon(1000),
    "horizon, Monte Carlo": lambda: StepsModel(q=2, approach=LOGNORMAL).horizon(30, trials=500),
    "phase diagram": lambda: ex.phase_diagram(alphas=[0.25, 1.0], qs=[1.0, 2.0, 8.0]),
    "growth curves, Monte Carlo": lambda: ex.growth_curves(None, [1, 2], 1, 100, 4, approach=LOGNORMAL, trials=200),
    "efficiency": lambda: ex.efficiency_curves(qs=[1.0, 4.0]),
    "family study": lambda: ex.family_study(families=("pareto(b=0.5)", LOGNORMAL), mean_qs=(1.0, 3.0),
                                            growth_qs=(1.0, 2.0), n_max=100, points=3, trials=50),
    "success curves": lambda: ex.success_curves(0.5, [2.0, 3.0], 100.0, points=5),
    "running means": lambda: ex.running_means(qs=(1.5, 4.0), max_size=1000),
}
RESULTS = {name: make() for name, make in LIBRARY.items()}


@pytest.mark.parametrize("name", list(LIBRARY))
def test_results_round_trip_and_are_tidy_tables(name):
    rebuilt = assert_round_trips(RESULTS[name])
    assert_tidy(rebuilt)


def test_every_result_type_is_built_and_checked_above():
    assert defined_results(alignlab.steps) - result_types(tuple(RESULTS.values())) == set()


def test_quantiles_are_keyed_by_probability_in_python_and_by_text_in_json():
    q = RESULTS["task quantiles, exact"]
    assert list(q.quantiles) == [0.1, 0.5, 0.9] and list(q.to_json()["quantiles"]) == ["0.1", "0.5", "0.9"]
    assert type(q).from_dict(q.to_dict()).quantiles == q.quantiles                # float keys rebuilt
    table = assert_tidy(q, rows=3)                                                # one row per quantile
    assert table["p"].tolist() == [0.1, 0.5, 0.9] and (table["quantile"] == list(q.quantiles.values())).all()


def test_tables_have_one_row_per_natural_unit():
    growth = RESULTS["growth curves, Monte Carlo"]
    table = assert_tidy(growth, rows=sum(len(c.n) for c in growth.curves))        # per (q, n)
    assert (table["seed"] == 0).all() and (table["trials"] == 200).all() and set(table["method"]) == {"mc"}
    assert assert_tidy(RESULTS["phase diagram"], rows=6)["regime"].tolist()[0] == "stuck"   # per (alpha, q)
    assert len(assert_tidy(RESULTS["family study"], rows=4)) == 4                # per (family, q of the means)


def test_monte_carlo_results_say_so_with_seed_and_trials_and_the_default_seed_is_zero():
    h = RESULTS["horizon, Monte Carlo"]
    assert (h.method, h.seed, h.trials) == ("mc", 0, 500)
    assert h == StepsModel(q=2, approach=LOGNORMAL).horizon(30, trials=500, seed=0)
    exact = RESULTS["horizon, exact"]
    assert (exact.method, exact.seed, exact.trials) == ("exact", None, None)
    assert RESULTS["simulation"].seed == 0 and RESULTS["task quantiles, Monte Carlo"].trials == 500


def test_old_keywords_of_simulate_warn_and_name_the_new_ones():
    model = StepsModel(0.5, 3)
    with pytest.warns(DeprecationWarning, match="threads= is renamed workers="):
        old = model.simulate(50, 1000, threads=1)
    with pytest.warns(DeprecationWarning, match="max_samples= is renamed max_work="):
        model.simulate(50, 1000, max_samples=1e6)
    assert old == model.simulate(50, 1000, workers=2)
    with pytest.warns(DeprecationWarning, match="quantiles= is renamed quantile="):
        assert model.task_quantiles(100, quantiles=[0.5]) == model.task_quantiles(100, 0.5)   # one value or a list
    with pytest.warns(DeprecationWarning, match="qs= is renamed q="):
        assert ex.growth_curves(0.5, qs=[2], n_max=100, points=3) == ex.growth_curves(0.5, 2, n_max=100, points=3)


@pytest.mark.parametrize("plot, result", [
    (plots.plot_phase_diagram, "phase diagram"), (plots.plot_growth_curves, "growth curves, Monte Carlo"),
    (plots.plot_efficiency, "efficiency"), (plots.plot_success_curves, "success curves"),
    (plots.plot_running_means, "running means")])
def test_every_plot_draws_on_the_axes_given_and_returns_its_figure(plot, result):
    fig, ax = figure()
    assert plot(RESULTS[result], ax=ax) is fig and ax.has_data()
    assert plot(RESULTS[result]).axes                                           # or on a new figure


def test_the_family_study_draws_one_panel_per_family_on_the_axes_given():
    fig, axes = figure(1, 2)
    assert plots.plot_family_study(RESULTS["family study"], ax=axes) is fig and all(a.has_data() for a in axes)
