"""Fitting: METR's method against scikit-learn, global maxima against grids, scores, weights, degenerate
agents, cross-validation totals, and the bootstrap (hierarchy, seeds, worker counts, round trip)."""

import math

import numpy as np
import pytest

from alignlab.horizons import fit_horizons, load_runs, run_weights
from alignlab.horizons import hierarchy as bs
from alignlab.horizons.fit.curves import CURVES
from alignlab.horizons.fit.data import agent_data
from alignlab.horizons.fit.optimize import loglik, maximise
from alignlab.horizons.fit.results import HorizonsResult
from horizons.synthetic import synthetic_runs, write_jsonl


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return load_runs(write_jsonl(tmp_path_factory.mktemp("runs") / "runs.jsonl", synthetic_runs(seed=2)))


def _sklearn_p50(runs, agent, weights, c):
    from sklearn.linear_model import LogisticRegression
    mine = runs.agent == agent
    w = run_weights(runs, weights)[mine]
    model = LogisticRegression(C=c, tol=1e-12, max_iter=10_000)
    model.fit(np.log2(runs.minutes[mine])[:, None], runs.score[mine], sample_weight=w)
    return 2.0 ** (-model.intercept_[0] / model.coef_[0, 0])


def test_metr_method_is_scikit_learn_logistic_regression(runs):
    """--curve logistic --weights invsqrt --penalty 10: the p50 of LogisticRegression(C=10) (tight tolerance)."""
    result = fit_horizons(runs, curve=["logistic"], weights="invsqrt", penalty=10, bootstrap=0, cv="none")
    for agent in result.agents:
        ours = agent.fits["logistic"].p50_minutes
        assert abs(ours - _sklearn_p50(runs, agent.agent, "invsqrt", 10.0)) < 1e-6 * ours


def test_metr_method_on_metr_file(metr_runs):
    runs = load_runs(metr_runs)
    result = fit_horizons(runs, agent=["GPT-4o", "o1", "Claude 3 Opus"], curve=["logistic"], penalty=10,
                          bootstrap=0, cv="none", workers=1)
    for agent in result.agents:
        ours = agent.fits["logistic"].p50_minutes
        assert abs(ours - _sklearn_p50(runs.select([agent.agent]), agent.agent, "invsqrt", 10.0)) < 1e-6 * ours


@pytest.mark.parametrize("name", list(CURVES))
def test_fit_reaches_the_maximum_of_a_brute_force_grid(runs, name):
    """The fitted log-likelihood is at least the best of a grid over the curve's whole domain (refined
    once around its best point): the multi-start finds the global maximum."""
    data = agent_data(runs, run_weights(runs, "invsqrt"))[0][0]
    s, f = data.totals()
    curve = CURVES[name]
    result = fit_horizons(runs, agent=[data.name], curve=[name], bootstrap=0, cv="none", workers=1)
    fitted = result.agents[0].fits[name].loglik
    bounds = curve.bounds(data.minutes)
    if name == "logistic":
        bounds = np.array([[-6.0, 8.0], [-3.0, 1.0]])
    points = {1: 400, 2: 60, 3: 22, 4: 11}[curve.k]
    best = -np.inf
    lo, hi = bounds[:, 0], bounds[:, 1]
    for _ in range(2):
        axes = [np.linspace(a, b, points) for a, b in zip(lo, hi)]
        grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, curve.k)
        values = np.concatenate([loglik(curve, grid[i:i + 2000], data.minutes, s, f)
                                 for i in range(0, len(grid), 2000)])
        at = grid[np.nanargmax(values)]
        best = max(best, np.nanmax(values))
        width = (hi - lo) / points * 2
        lo, hi = np.maximum(at - width, bounds[:, 0]), np.minimum(at + width, bounds[:, 1])
    assert fitted >= best - 1e-9


def test_fractional_scores_split_into_weighted_successes_and_failures(tmp_path):
    records = synthetic_runs(seed=4, agents=(("a", 1.0, -0.5),))
    fractional = [dict(r, score_binarized=0.3) if i % 7 == 0 else r for i, r in enumerate(records)]
    split = []
    for i, r in enumerate(records):
        if i % 7 == 0:
            split += [dict(r, score_binarized=1, run=2 * i), dict(r, score_binarized=0, run=2 * i + 1)]
        else:
            split.append(r)
    one = fit_horizons(write_jsonl(tmp_path / "f.jsonl", fractional), curve=["logistic", "weibull"],
                       weights="none", bootstrap=0, cv="none")
    # the split file doubles those runs: weights 0.3 and 0.7 make them count once, as the fractional run does
    runs = load_runs(write_jsonl(tmp_path / "s.jsonl", split))
    weight = np.ones(len(split))
    for j, r in enumerate(split):
        if "run" in r:
            weight[j] = 0.3 if r["score_binarized"] == 1 else 0.7
    data = agent_data(runs, weight)[0][0]
    s, f = data.totals()
    for name in ("logistic", "weibull"):
        curve = CURVES[name]
        batch = maximise(curve, data.minutes, s, f, curve.starts(data.minutes, 0.5), curve.bounds(data.minutes))
        assert abs(batch.objective[0] - one.agents[0].fits[name].loglik) < 1e-9


def test_weights_none_gives_the_plain_sum_over_runs(runs):
    result = fit_horizons(runs, curve=["exponential"], weights="none", bootstrap=0, cv="none")
    agent = result.agents[0]
    h = agent.fits["exponential"].params["half_life_minutes"]
    mine = runs.agent == agent.agent
    p = 2.0 ** (-runs.minutes[mine] / h)
    y = runs.score[mine]
    assert abs(agent.fits["exponential"].loglik - np.sum(y * np.log(p) + (1 - y) * np.log1p(-p))) < 1e-9
    assert agent.fits["exponential"].bic == pytest.approx(math.log(mine.sum()) - 2 * agent.fits["exponential"].loglik)


def test_all_fail_agent_gets_null_horizons_and_the_others_go_on(tmp_path):
    records = synthetic_runs(seed=5, agents=(("good", 2.0, -0.5), ("hopeless", -40.0, 0.0)))
    result = fit_horizons(write_jsonl(tmp_path / "r.jsonl", records), curve=["logistic", "steps"],
                          bootstrap=4, cv="family", seed=1, workers=1)
    bad = result.agent("hopeless")
    assert bad.note.startswith("all 120 runs fail") and bad.best_cv is None
    assert all(f.p50_minutes is None and f.p50_ci is None and f.converged is False for f in bad.fits.values())
    good = result.agent("good")
    assert good.note is None and good.fits["logistic"].p50_minutes > 0 and good.fits["steps"].p50_ci is not None


def test_non_converging_family_is_reported_not_raised(tmp_path):
    """Success on every task up to 20 minutes, failure beyond: perfect separation, no unpenalised maximum."""
    records = synthetic_runs(seed=6, agents=(("cliff", 0.0, 0.0),))
    for r in records:
        r["score_binarized"] = int(r["human_minutes"] < 20)
    result = fit_horizons(write_jsonl(tmp_path / "r.jsonl", records), curve=["logistic"], bootstrap=0, cv="none")
    fit = result.agents[0].fits["logistic"]
    assert fit.converged is False and "separated" in fit.note


def test_cross_validation_total_is_the_sum_over_left_out_families(runs):
    result = fit_horizons(runs, agent=["weak"], curve=["weibull"], bootstrap=0, cv="family")
    data = agent_data(runs.select(["weak"]), run_weights(runs.select(["weak"]), "invsqrt"))[0][0]
    curve = CURVES["weibull"]
    total = 0.0
    for fold in np.unique(data.family):
        train = data.family != fold
        w_train = np.where(train, data.weight, 0.0)
        s = np.bincount(data.cell, w_train * data.score, data.minutes.size)[None]
        f = np.bincount(data.cell, w_train * (1 - data.score), data.minutes.size)[None]
        batch = maximise(curve, data.minutes, s, f, curve.starts(data.minutes, 0.5), curve.bounds(data.minutes))
        held = ~train
        p = np.exp(curve.evaluate(batch.theta, data.minutes[data.cell[held]], gradient=False)[0][0])
        y, w = data.score[held], data.weight[held]
        total += np.sum(w * (y * np.log(p) + (1 - y) * np.log1p(-p)))
    # the Weibull is concave in its linear predictor: one start reaches the fold's maximum. Both fits stop when a
    # Newton step would gain less than 1e-12 of the objective (the library's with the fold's weights scaled to the
    # full data's total), which leaves the held-out total good to about 1e-8 (measured: 6e-9)
    assert abs(result.agents[0].fits["weibull"].cv_loglik - total) < 1e-7


def test_hierarchical_draws_resample_families_then_tasks_then_runs(runs):
    hierarchy = bs.Hierarchy.of(runs.family, runs.task, runs.agent)
    root = np.random.SeedSequence(3)
    mult = bs.multiplicities(hierarchy, root, range(2000))
    # every run is drawn once on average (4,000 draws of 240 runs: the mean's sd is about 0.02; 6 sd)
    assert abs(mult.mean() - 1.0) < 0.06
    # the runs of one agent on one task are resampled as a group: their total is 5 x (copies of the task),
    # and the same copies serve both agents (families and tasks are resampled for all agents at once)
    for agent in runs.agents:
        first = (runs.task == runs.task[0]) & (runs.agent == agent)
        assert np.all(mult[:, first].sum(axis=1) % 5 == 0)
    both = runs.task == runs.task[0]
    a, b = (mult[:, both & (runs.agent == name)].sum(axis=1) for name in runs.agents)
    assert np.array_equal(a, b)
    # draw b depends on (seed, b) only
    assert np.array_equal(bs.multiplicities(hierarchy, root, [17])[0], mult[17])


def test_bootstrap_is_identical_across_worker_counts_and_round_trips(runs):
    options = dict(curve=["logistic", "steps-mixed"], bootstrap=30, cv="family", seed=7)
    serial = fit_horizons(runs, workers=1, **options)
    parallel = fit_horizons(runs, workers=2, **options)
    assert serial.to_dict() == parallel.to_dict()
    assert serial.seed == 7 and serial.agents[0].fits["steps-mixed"].params_ci is not None
    assert HorizonsResult.from_dict(serial.to_dict()) == serial
    other = fit_horizons(runs, workers=1, **{**options, "curve": "logistic", "seed": 8})
    assert other.agents[0].fits["logistic"].p50_ci != serial.agents[0].fits["logistic"].p50_ci


def test_bad_arguments_are_one_sentence(runs):
    from alignlab._validate import ParameterError
    for kwargs, match in (({"weights": "sqrt"}, "weights: must be one of"), ({"penalty": 0}, "penalty: must be > 0"),
                          ({"bootstrap": -1}, "bootstrap"), ({"curve": ["probit"]}, "curve: must be one of"),
                          ({"cv": "task"}, "cv: must be one of"), ({"agent": "x"}, "unknown agent 'x'")):
        with pytest.raises(ParameterError, match=match):
            fit_horizons(runs, **{"bootstrap": 0, **kwargs})


def test_dask_scheduler_gives_the_same_numbers(runs):
    from dask.distributed import LocalCluster
    options = dict(curve=["logistic", "steps"], bootstrap=10, cv="none", seed=7)
    local = fit_horizons(runs, workers=1, **options)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None,
                      silence_logs=40) as cluster:
        remote = fit_horizons(runs, scheduler=cluster.scheduler_address, **options)
    assert remote.to_dict() == local.to_dict()

