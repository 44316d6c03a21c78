"""Every goodhart result round-trips through plain data (the report cache stores JSON and rebuilds with
from_dict), prints strict JSON, records the seed it drew with, and shares its field groups."""

import dataclasses
import json

import numpy as np
import pytest
from round_trip import assert_round_trips, defined_results, result_types

import alignlab.goodhart
from alignlab.goodhart import Proxy, construct, counterexample
from alignlab.goodhart import experiments as ex
from alignlab.goodhart import result_fields
from alignlab.goodhart.best_of_n import BestOfN
from alignlab.goodhart.conditioning import ConditionalUtility, PointConditional
from alignlab.goodhart.regime import Condition
from alignlab.goodhart.tilt import Tilt

SHARED = {result_fields.UtilityResult, result_fields.PolicyMeans, result_fields.ConditionalMeans,
          result_fields.Provenance}          # field groups, never results on their own
HEAVY = Proxy("t(df=3)", "norm(0, 1)")


LIBRARY = {   # one of each result the library functions return, cheaply; with non-finite values where they occur
    "best-of-n exact, E[U] infinite": lambda: Proxy("levy", "norm(0, 1)").best_of_n([1, 10]),
    "best-of-n Monte Carlo": lambda: HEAVY.best_of_n([1, 4], method="mc", trials=20, seed=1),
    "conditioning, quadrature": lambda: HEAVY.conditional_utility([1.0, 1e50]),
    "conditioning, Monte Carlo, a threshold no draw reaches": lambda: HEAVY.conditional_utility(
        [0.0, 1e6], method="mc", samples=1000, seed=2),
    "E[V | U = u]": lambda: Proxy("norm(0, 1)", "norm(0, 1)").conditional_utility_at([0.0, 3.0]),
    "tilt": lambda: Proxy("norm(0, 1)", "norm(0, 1)").tilt([1.0, 0.5]),
    "tilt, dependent error": lambda: Proxy(utility="norm(0, 1)", dependence=counterexample()).tilt([1.0]),
    "construction": lambda: construct("t(df=3)", [2.0, 10.0], mass_exponent=0.8),
    "regime with an infinite limit": lambda: Proxy("norm(0, 1)", "norm(0, 1)").regime(decades=3),
    "regime, undetermined": lambda: Proxy(utility="norm(0, 1)", dependence=counterexample()).regime(decades=3),
}


@pytest.fixture(scope="module")
def report_experiments():
    """The experiments the report caches (best-of-n reduced in size), and the fits computed from it."""
    bon = ex.bon_synthetic(errors=("t(df=3)", "levy"), utilities=("norm(0, 1)",), n_max=1e3, mc_max=8, trials=5,
                           seed=0)
    return {"g1": ex.heavy_error(seed=0), "g2": ex.light_error(seed=0), "g3": ex.tail_race(),
            "g4": ex.kl_construction(), "g5": bon, "g6": ex.dependence_study(samples=2000, seed=0),
            "g7": ex.gao_fits(bon)}


@pytest.mark.parametrize("name", list(LIBRARY))
def test_library_results_round_trip(name):
    assert_round_trips(LIBRARY[name]())


def test_every_cached_experiment_round_trips(report_experiments):
    for result in report_experiments.values():
        assert_round_trips(result)


def test_every_result_type_is_built_and_checked_above(report_experiments):
    built = result_types(tuple(make() for make in LIBRARY.values()) + tuple(report_experiments.values()))
    assert defined_results(alignlab.goodhart) - SHARED - built == set()
    assert Condition in built


def test_random_results_record_the_integer_seed_that_reproduces_them():
    a = HEAVY.best_of_n([2, 8], method="mc", trials=30, seed=None)    # fresh entropy
    assert isinstance(a.seed, int) and HEAVY.best_of_n([2, 8], method="mc", trials=30, seed=a.seed) == a
    c = HEAVY.conditional_utility([1.0, 2.0], method="mc", samples=5000, seed=None)
    again = HEAVY.conditional_utility([1.0, 2.0], method="mc", samples=5000, seed=c.seed)
    assert isinstance(c.seed, int) and again == c
    assert HEAVY.best_of_n([2]).seed is None and HEAVY.conditional_utility([1.0]).seed is None   # nothing drawn
    gen = HEAVY.best_of_n([2], method="mc", trials=10, seed=np.random.default_rng(5))
    assert HEAVY.best_of_n([2], method="mc", trials=10, seed=gen.seed) == gen


def test_experiment_seeds_are_the_base_of_their_runs(report_experiments):
    heavy, bon, dep = report_experiments["g1"], report_experiments["g5"], report_experiments["g6"]
    assert heavy.seed == 0 and [c.mc.seed for c in heavy.curves] == [0, 1, 2]
    assert bon.seed == 0 and [c.mc.seed for c in bon.cases] == [0, 1]          # seed + 100 i + j
    assert dep.mc.seed == 0 and report_experiments["g3"].seed is None


def test_best_of_n_and_tilt_print_the_same_policy_keys():
    """The shared field groups keep the JSON keys users see."""
    policy = {"utility", "proxy", "error", "kl", "utility_mean", "notes"}
    bon = json.loads(json.dumps(HEAVY.best_of_n([1, 2]).to_json()))
    tilt = Proxy("norm(0, 1)", "norm(0, 1)").tilt([1.0]).to_json()
    assert policy <= set(bon) and policy <= set(tilt)
    assert set(bon) == policy | {"n", "kl_bound", "method", "seed", "utility_se", "proxy_se", "trials"}
    assert set(tilt) == policy | {"beta"}
    cond = HEAVY.conditional_utility([1.0]).to_json()
    assert set(cond) == {"t", "conditional_utility", "gain", "log_tail_probability", "utility_mean", "method",
                         "relative_error", "standard_error", "accepted", "samples", "seed", "notes"}


def test_the_results_declare_none_of_the_shared_field_groups_again():
    shared = {name for group in SHARED for name in group.__dict__["__annotations__"]}
    for cls in (BestOfN, Tilt, ConditionalUtility, PointConditional):
        assert not shared & set(cls.__dict__["__annotations__"]), cls


def test_curves_are_read_by_name(report_experiments):
    race = report_experiments["g3"]
    assert race.curve("t(df=1.5)", "t(df=2.2)").regime.regime == "power-growth"
    with pytest.raises(KeyError):
        race.curve("t(df=1.5)")                    # two utilities race this error: name one
    assert dataclasses.is_dataclass(race.curve("expon(scale=1)"))


def test_the_default_seed_is_zero_in_python_as_on_the_command_line():
    assert HEAVY.best_of_n([2, 8], method="mc", trials=30).seed == 0
    assert HEAVY.conditional_utility([1.0], method="mc", samples=5000) == HEAVY.conditional_utility(
        [1.0], method="mc", samples=5000, seed=0)


def test_every_result_is_a_tidy_table_along_its_pressure_axis(report_experiments):
    from tidy import assert_tidy
    for make in LIBRARY.values():
        assert_tidy(make())
    for result in report_experiments.values():
        assert_tidy(result)
    bon = HEAVY.best_of_n([1, 2, 10])           # three points and, by design here, no note of that length
    table = assert_tidy(bon, rows=3)
    assert table["n"].tolist() == [1, 2, 10] and table.columns[0] == "n" and "notes" not in table
    mc = assert_tidy(HEAVY.best_of_n([1, 4], method="mc", trials=20), rows=2)
    assert (mc["seed"] == 0).all() and (mc["trials"] == 20).all() and mc["utility_se"].notna().all()
    assert assert_tidy(HEAVY.conditional_utility([1.0, 10.0]), rows=2)["t"].tolist() == [1.0, 10.0]
    regime = HEAVY.regime(decades=4)
    assert "conditions" not in assert_tidy(regime, rows=len(regime.t))
    g5 = report_experiments["g5"]
    rows = sum(len(c.exact.n) + len(c.mc.n) for c in g5.cases)
    assert set(assert_tidy(g5, rows=rows)["method"]) == {"exact", "mc"}


def test_every_plot_draws_on_the_axes_given_and_returns_its_figure(report_experiments):
    from alignlab._figures import figure
    from alignlab.goodhart import plots
    fig, ax = figure()
    assert plots.plot_best_of_n(HEAVY.best_of_n([1, 4], method="mc", trials=20), ax=ax) is fig and ax.has_data()
    for plot, name in ((plots.plot_tail_race, "g3"), (plots.plot_construction, "g4")):
        fig, ax = figure()
        assert plot(report_experiments[name], ax=ax) is fig and ax.has_data()
    for plot, name in ((plots.plot_heavy_error, "g1"), (plots.plot_light_error, "g2"), (plots.plot_dependence, "g6"),
                       (plots.plot_bon_synthetic, "g5")):
        panels = 1 if name == "g5" else 2                      # g5: one panel per utility law (one here)
        fig, axes = figure(1, panels, squeeze=False)
        assert plot(report_experiments[name], ax=axes) is fig and all(a.has_data() for a in axes.ravel())
    fig, axes = figure(1, 1, squeeze=False)
    assert plots.plot_gao_fits(report_experiments["g5"], report_experiments["g7"], ax=axes) is fig
