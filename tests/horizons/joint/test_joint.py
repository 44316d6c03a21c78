"""The joint models' machinery: likelihood against statsmodels, quadrature, Monte Carlo, results, CLI."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pytest

from alignlab.horizons.joint import marginal as mq
from alignlab.horizons.joint import models as jm
from alignlab.horizons.joint.data import cells_of
from alignlab.horizons.joint.fitting import fit
from alignlab.horizons.joint.models import Linear, Model
from alignlab.horizons.joint._house import load_runs
from alignlab.horizons.joint.simulate import simulate
from tests.horizons.synthetic import synthetic_runs, write_jsonl


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Three agents on 24 tasks of 8 families, 6 runs per cell."""
    agents = (("strong", 2.0, -0.6), ("mid", 1.0, -0.6), ("weak", 0.3, -0.7))
    path = write_jsonl(tmp_path_factory.mktemp("joint") / "runs.jsonl",
                       synthetic_runs(seed=3, agents=agents, runs_per_task=6))
    return cells_of(load_runs(path)), path


def _design(small, model, theta, seed=0):
    cells, _ = small
    data, _ = simulate(model, theta, cells, np.random.default_rng(seed))
    return data


@dataclass(frozen=True)
class FixedTasks(Model):
    """logit p = a_a + delta_j, delta_0 = 0: each task its own difficulty, no integral (lambda = 0)."""

    def linear(self, theta, agent, x, task, jacobian=False, agents=0, draw=None):
        delta = np.concatenate([[0.0], theta[agents:]])
        eta0 = theta[agent] + delta[task]
        lam = np.zeros(agent.size)
        if not jacobian:
            return Linear(eta0, lam)
        d = np.zeros((agent.size, theta.size))
        d[np.arange(agent.size), agent] = 1.0
        known = task > 0
        d[np.flatnonzero(known), agents + task[known] - 1] = 1.0
        return Linear(eta0, lam, None, d, np.zeros_like(d))

    def size(self, agents, tasks):
        return agents + tasks - 1


def test_fixed_effects_special_case_equals_statsmodels_logit(small):
    import statsmodels.api as sm
    cells, _ = small
    model = FixedTasks("fixed", "logit", ("intercept",), ())
    truth = jm.model("logistic-joint")
    theta = np.array([0.8, -0.15, 0.2, -0.15, -0.4, -0.15, 0.5])       # mild: no task all success or all failure
    data = _design(small, truth, theta, seed=1)
    per_task_s = np.bincount(data.task, data.s, data.n_tasks)
    per_task_f = np.bincount(data.task, data.f, data.n_tasks)
    assert (per_task_s > 0).all() and (per_task_f > 0).all()           # a finite maximum exists
    ours = fit(model, data, np.zeros(model.size(data.n_agents, data.n_tasks)))
    # one row per run for statsmodels: agent and task indicators (task 0 dropped)
    rows_y, rows_x = [], []
    for c in range(data.n_cells):
        x = np.zeros(data.n_agents + data.n_tasks - 1)
        x[data.agent[c]] = 1.0
        if data.task[c] > 0:
            x[data.n_agents + data.task[c] - 1] = 1.0
        rows_y += [1.0] * int(data.s[c]) + [0.0] * int(data.f[c])
        rows_x += [x] * int(data.runs[c])
    reference = sm.Logit(np.array(rows_y), np.array(rows_x)).fit(disp=0, method="newton", tol=1e-12, maxiter=200)
    assert ours.loglik == pytest.approx(reference.llf, abs=1e-6)
    assert np.allclose(ours.theta, reference.params, atol=1e-4)


def _truth(model, cells):
    """A plausible parameter vector for ``model`` on the small design."""
    agents = cells.n_agents
    theta = np.zeros(model.size(agents, cells.n_tasks))
    block = model.agent_block(theta, agents)
    if model.name == "steps-joint":
        block[:] = [[np.log(1.5), np.log(6.0)]] * agents
        block[:, 1] += np.linspace(0, 0.6, agents)
        theta[model.shared_index("log_n_reference", agents)] = np.log(5.0)
        theta[model.shared_index("gamma", agents)] = np.log(0.6)
        theta[model.shared_index("sigma", agents)] = 0.8
    elif model.link == "cloglog":
        block[:] = np.column_stack([np.log(np.linspace(20, 120, agents)), np.full(agents, np.log(0.6))])
    else:
        block[:, 0] = np.linspace(2.5, 4.5, agents)
        if block.shape[1] > 1:
            block[:, 1] = -0.7
    theta[:block.size] = block.ravel()
    for name, value in (("s", 1.5), ("slope", -0.7), ("difficulty_slope", 0.7)):
        if name in model.shared_params:
            theta[model.shared_index(name, agents)] = value
    if model.name == "irt-2pl":
        theta[:agents] = np.linspace(4.0, 6.0, agents)
    return theta


@pytest.mark.parametrize("name", ["logistic-joint", "weibull-joint", "irt-2pl"])
def test_doubling_the_nodes_moves_no_loglik_by_more_than_1e_8(small, name):
    cells, _ = small
    model = jm.model(name)
    theta = _truth(model, cells)
    data = _design(small, model, theta, seed=2)
    fitted = fit(model, data, theta, covariance=False)
    mode, curvature = mq.modes(model, fitted.theta, data)
    one = mq.integrate(model, fitted.theta, data, mq.adaptive_nodes(mode, curvature, fitted.nodes), False)
    two = mq.integrate(model, fitted.theta, data, mq.adaptive_nodes(mode, curvature, 2 * fitted.nodes), False)
    assert np.abs(one.per_task - two.per_task).max() <= 1e-8
    assert abs(one.loglik - two.loglik) <= 1e-8
    assert fitted.quadrature_error <= mq.QUADRATURE_TOLERANCE


def test_steps_joint_quadrature_reaches_1e_8_at_384_nodes(small):
    """steps-joint's integrand is as smooth as the Lomax table's interpolant (a quintic spline in log n and u,
    four times differentiable): at the truth (sigma 0.8, each task's integral spread over many of the table's
    nodes in log n), doubling 384 nodes moves no task's log integral, nor the total, by more than 1e-8.
    Measured: 7.1e-9 per task and 8.0e-9 in total; the cubic spline table before 2026-12-08 gave 5.3e-8 and
    1.0e-7. At the truth, not at a fit: fits to this small design end with parameters at their bounds (its
    likelihood is nearly flat), one with a budget of about one subtask, where p falls to 0 at n = B with a
    kink inside the integral (docs/horizons_joint.md, "The steps table and the quadrature")."""
    cells, _ = small
    model = jm.model("steps-joint")
    theta = _truth(model, cells)
    data = _design(small, model, theta, seed=3)
    mode, curvature = mq.modes(model, theta, data)
    one = mq.integrate(model, theta, data, mq.adaptive_nodes(mode, curvature, 384), False)
    two = mq.integrate(model, theta, data, mq.adaptive_nodes(mode, curvature, 768), False)
    assert np.abs(one.per_task - two.per_task).max() <= 1e-8 and abs(one.loglik - two.loglik) <= 1e-8
    assert mq.quadrature_error(model, theta, data, 384) <= mq.QUADRATURE_TOLERANCE
    # and the integral matters: with half the nodes the change is far larger
    half = mq.integrate(model, theta, data, mq.adaptive_nodes(mode, curvature, 192), False)
    assert abs(half.loglik - one.loglik) > 1e-7


@pytest.mark.parametrize("name", ["logistic-joint", "weibull-joint", "steps-joint"])
def test_marginal_likelihood_agrees_with_monte_carlo(small, name):
    cells, _ = small
    model = jm.model(name)
    theta = _truth(model, cells)
    data = _design(small, model, theta, seed=4)
    integral, _ = mq.marginal(model, theta, data, count=64, gradient=False)
    rng = np.random.default_rng(5)
    draws = 200_000
    z = rng.standard_normal(draws)
    lin = mq.linear(model, theta, data)
    for j in range(3):                                  # three tasks, each its own integral
        mine = np.flatnonzero(data.task == j)
        total = np.zeros(draws)
        for c in mine:
            params = None if lin.link_params is None else (lin.link_params[0][c], lin.link_params[1][c])
            from alignlab.horizons.joint.links import cell_terms
            total += cell_terms(model.link, lin.eta0[c] + lin.lam[c] * z, data.s[c], data.f[c], params, False)
        top = total.max()
        values = np.exp(total - top)
        mean, se = values.mean(), values.std() / math.sqrt(draws)
        estimate = top + math.log(mean)
        # the log of a mean: its standard error is se / mean; four of them
        assert integral.per_task[j] == pytest.approx(estimate, abs=4 * se / mean)


def test_gradient_matches_finite_differences(small):
    cells, _ = small
    model = jm.model("weibull-joint")
    theta = _truth(model, cells)
    data = _design(small, model, theta, seed=6)
    integral, mode = mq.marginal(model, theta, data, count=64)
    for i in (0, 1, theta.size - 1):
        h = 1e-5
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        numeric = (mq.marginal(model, up, data, count=64, gradient=False)[0].loglik -
                   mq.marginal(model, down, data, count=64, gradient=False)[0].loglik) / (2 * h)
        assert integral.gradient[i] == pytest.approx(numeric, rel=1e-4, abs=1e-5)


def test_fit_joint_result_round_trips_and_tables(small):
    from alignlab.horizons.joint.fit import fit_joint
    from alignlab.horizons.joint.results import JointResult
    _, path = small
    result = fit_joint(path, model=["logistic-joint", "rasch"], cv=("cells", "family", "agent"), folds=3,
                       calibration_tasks=6, bootstrap=4, workers=1)
    assert JointResult.from_dict(result.to_dict()).to_dict() == result.to_dict()
    d = json.loads(json.dumps(result.to_json()))
    fit = d["models"]["logistic-joint"]
    assert set(fit["shared"]) == {"s"} and fit["shared"]["s"]["ci"] is not None
    assert fit["shared"]["s"]["ci_method"] == "wald"
    shared = result.to_pandas("shared")
    assert list(shared.columns) == ["model", "parameter", "value", "ci_low", "ci_high", "ci_method"]
    for kind in ("cells", "family", "agent"):
        assert set(fit["cv"][kind]) >= {"nats_per_run", "nats_per_run_weighted"}
        assert set(d["baselines"]["logistic"]["cv"][kind]) >= {"nats_per_run", "nats_per_run_weighted"}
    agent = fit["agents"][0]
    assert set(agent) >= {"agent", "params", "p50_typical", "p80_typical", "p50_marginal", "p80_marginal"}
    assert agent["p50_typical_ci"] is not None
    assert {"task", "family", "minutes", "z_mean", "z_sd"} <= set(fit["tasks"][0])
    assert {t["hypothesis"] for t in fit["tests"]} == {"s = 0", "slope: one for all agents"}
    table = result.to_pandas("agents")
    assert len(table) == 4 * len(result.agents)
    assert set(result.to_pandas("cv")["kind"]) == {"cells", "family", "agent"}
    by_name = {a["agent"]: a for a in fit["agents"]}
    for row in fit["cv"]["agent"]["agents"]:                     # the calibrated p50 against the full fit's
        assert row["p50_full"] == pytest.approx(by_name[row["agent"]]["p50_typical"], rel=1e-12)
        assert row["p50_within_factor"] == (abs(math.log2(row["p50_calibrated"] / row["p50_full"])) <= 1)


def test_new_agents_on_a_split_file(small, tmp_path):
    """METR-shaped runs split in two: one agent and one family held out as 'another benchmark'."""
    from alignlab.horizons.joint.fit import fit_joint
    _, path = small
    records = [json.loads(line) for line in open(path)]
    main = [r for r in records if r["alias"] != "weak" and r["task_family"] != "fam0"]
    other = [r for r in records if r["alias"] == "weak"]
    a, b = write_jsonl(tmp_path / "main.jsonl", main), write_jsonl(tmp_path / "other.jsonl", other)
    result = fit_joint(a, model="logistic-joint", cv=(), new_agents=b, calibration_tasks=8, workers=1)
    new = result.new_agents.to_json()
    assert new["file"] == b and new["calibration_tasks"] == 8
    (agent,) = new["agents"]
    assert agent["agent"] == "weak" and agent["unknown_tasks"] > 0
    assert math.isfinite(agent["nats_per_run"]) and math.isfinite(agent["baseline_nats_per_run"])
    assert sum(b["runs"] for b in agent["bins"]) == agent["runs"]
    assert all(b["minutes_high"] == 2 * b["minutes_low"] for b in agent["bins"])


def test_cli_prints_json_and_refuses_bad_input(small, capsys):
    from alignlab.cli.main import main
    _, path = small
    assert main(["horizons", "joint", path, "--model", "rasch", "--cv", "cells", "--folds", "2", "--json",
                 "--workers", "1"]) in (0, None)
    out = json.loads(capsys.readouterr().out)
    assert "rasch" in out["models"] and "logistic" in out["baselines"]
    assert main(["horizons", "joint", path, "--calibration-tasks", "0"]) == 2
    assert "--calibration-tasks: must be an integer" in capsys.readouterr().err


def test_a_wald_interval_too_wide_for_a_double_is_unbounded_above():
    """On the log scale a huge standard error puts the upper end beyond exp's range (an agent near perfect
    separation on little data): the end is inf, not an OverflowError."""
    from alignlab.horizons.joint.summary import wald
    model = jm.model("logistic-joint")
    theta = np.full(model.size(2, 5), 0.5)
    intervals = wald(model, theta, np.eye(theta.size) * 1e6, 2)
    low, high = intervals["shared", "s"]
    assert 0.0 <= low < 0.5 and high == math.inf
    assert intervals[0, "slope"] == pytest.approx((0.5 - 1.959964 * 1e3, 0.5 + 1.959964 * 1e3), rel=1e-5)


def test_beta_is_identified_when_its_interval_is_narrower_than_a_factor_of_four():
    from alignlab.horizons.joint.results import Estimate
    from alignlab.horizons.joint.summary import IDENTIFIED_FACTOR, identified
    assert IDENTIFIED_FACTOR == 4.0
    assert identified(Estimate(1.0, (0.6, 2.3))) is True              # Wald, a factor of 3.8
    assert identified(Estimate(1.0, (0.5, 2.1))) is False             # a factor of 4.2
    assert identified(Estimate(1.0, (0.6, 2.3), (0.05, 4.0))) is False   # the bootstrap interval rules
    assert identified(Estimate(1.0)) is None and identified(Estimate(1.0, (0.0, 3.0))) is False


def test_steps_joint_states_beta_identification_in_json_table_and_pandas(small):
    from alignlab.horizons.joint.fit import fit_joint
    from alignlab.horizons.joint.summary import identified
    cells, path = small
    result = fit_joint(load_runs(path), model="steps-joint", cv=(), workers=1)
    fit = result.models["steps-joint"]
    assert all(set(a.identified) == {"beta"} and a.identified["beta"] == identified(a.params["beta"]) for a in fit.agents)
    frame = result.to_pandas("agents")
    rows = frame[frame.model == "steps-joint"]
    assert [None if x is None or x != x else bool(x) for x in rows.beta_identified] == \
        [a.identified["beta"] for a in fit.agents]
    assert all(a.identified == {} for a in result.baselines["logistic"].agents)


def test_the_climbs_curvature_update_meets_the_secant_condition_and_stays_positive_definite():
    from alignlab.horizons.joint.fitting import _bfgs
    rng = np.random.default_rng(4)
    a = rng.normal(size=(6, 6))
    curvature = a @ a.T + 6 * np.eye(6)
    hessian = -(np.diag(rng.uniform(1, 5, 6)))                    # a quadratic objective's Hessian
    s = rng.normal(size=6)
    y = -hessian @ s                                              # the gradient fell by y over the step s
    updated = _bfgs(curvature, s, y)
    assert np.allclose(updated @ s, y) and np.allclose(updated, updated.T)
    assert np.linalg.eigvalsh(updated).min() > 0
    assert _bfgs(curvature, s, -y) is curvature                   # s'y < 0: no update (it would lose definiteness)


def test_a_fit_from_several_starts_is_the_fit_from_the_start_whose_climb_ended_highest(small):
    from alignlab.horizons.joint.fit import STEPS_STARTS, start, starts
    cells, _ = small
    model = jm.model("steps-joint")
    rows = starts(model, cells)
    assert rows.shape[0] == len(STEPS_STARTS) and starts(jm.model("rasch"), cells).shape[0] == 1
    rows = np.stack([start(model, cells, 10.0), start(model, cells, 1.5)])
    both = fit(model, cells, rows, covariance=False)
    alone = [fit(model, cells, row, covariance=False) for row in rows]
    assert len(both.starts) == 4 and alone[0].starts == ()       # steps: each start climbed both ways
    assert both.loglik >= max(a.loglik for a in alone) - 1e-6
    rasch = jm.model("rasch")
    two = fit(rasch, cells, np.stack([start(rasch, cells), start(rasch, cells) + 0.5]), covariance=False)
    assert len(two.starts) == 2 and two.loglik >= fit(rasch, cells, start(rasch, cells), covariance=False).loglik - 1e-6


@pytest.mark.parametrize("name", ["logistic-joint", "steps-joint"])
def test_the_modes_are_each_tasks_maximum(small, name):
    """Newton with secant curvatures, each task leaving once it stops moving, lands on every task's maximum
    of h(z) = log phi(z) + sum of its cells' log-likelihoods, found here by a bounded scalar search."""
    from scipy.optimize import minimize_scalar
    cells, _ = small
    model = jm.model(name)
    theta = _truth(model, cells)
    data = _design(small, model, theta, seed=5)
    mode, curvature = mq.modes(model, theta, data)
    lin = mq.linear(model, theta, data)
    for j in range(data.n_tasks):
        mine = np.flatnonzero(data.task == j)

        def minus_h(z):
            sub = Linear(lin.eta0[mine], lin.lam[mine],
                         None if lin.link_params is None else tuple(p[mine] for p in lin.link_params))
            ell = mq._terms(model, sub, np.full((mine.size, 1), z), data.s[mine], data.f[mine], False)
            return -(ell.sum() - 0.5 * z * z)

        best = minimize_scalar(minus_h, bounds=(mode[j] - 3.0, mode[j] + 3.0), method="bounded",
                               options={"xatol": 1e-10})
        assert abs(best.x - mode[j]) <= 1e-6 * (1.0 + abs(mode[j])), (j, best.x, mode[j])
        assert -minus_h(mode[j]) >= -best.fun - 1e-10


def test_a_warm_start_of_the_modes_where_the_integrand_vanishes_falls_back_to_the_scan(small):
    cells, _ = small
    model = jm.model("logistic-joint")
    theta = _truth(model, cells)
    cold = mq.modes(model, theta, cells)
    lost = cold[0].copy()
    lost[::3] = 1e200                                             # -z^2/2 is -inf there: no finite integrand
    warm = mq.modes(model, theta, cells, start=lost)
    assert np.allclose(warm[0], cold[0], atol=1e-7) and np.allclose(warm[1], cold[1], rtol=1e-6)


def test_an_agent_left_out_is_calibrated_without_its_own_fitted_parameters(small):
    from alignlab.horizons.joint import crossval
    from alignlab.horizons.joint.fit import start
    cells, _ = small
    model = jm.model("logistic-joint")
    full = fit(model, cells, start(model, cells), covariance=False)
    a = 1
    blind = full.theta.copy()
    block = model.agent_block(blind, cells.n_agents)
    block[a] = np.delete(block, a, axis=0).mean(axis=0)          # its own fit replaced by the others' mean
    blind[:block.size] = block.ravel()
    runs = [crossval.agent_fold(model, theta, cells, a, full.nodes, 5, np.random.default_rng(7))
            for theta in (full.theta, blind)]
    assert np.array_equal(runs[0][0], runs[1][0]) and np.array_equal(runs[0][1], runs[1][1])
    assert runs[0][2] == runs[1][2]


def test_the_recovery_study_draws_again_a_data_set_where_an_agent_never_succeeds(small):
    from alignlab.horizons.joint.simulate import recovery_study
    cells, _ = small
    model = jm.model("logistic-joint")
    theta = _truth(model, cells)
    intercept = model.agent_block(theta, cells.n_agents).shape[1] * 2     # the third agent's intercept
    theta[intercept] = -5.0                   # its 144 runs all fail in about half the data sets
    study = recovery_study(model, theta, cells, datasets=3, seed=0)
    assert study.redrawn > 0
    assert study.intervals["intercept"] == 3 * cells.n_agents and study.intervals["s"] == 3
    theta[intercept] = -30.0                  # never a success: refused, not an endless loop
    with pytest.raises(ValueError, match="all fail or all succeed"):
        recovery_study(model, theta, cells, datasets=1, seed=0)


def test_the_hessian_on_fewer_exact_nodes_gives_the_final_nodes_covariance(small, monkeypatch):
    """A fit takes its Hessian on the fewest nodes whose quadrature error was below HESSIAN_TOLERANCE
    (fitting's docstring): its standard errors equal those of the Hessian on the final nodes to 1e-4
    (relative). The small design's fit is exact on the base nodes, so the fit is asked for 1e-13 nats here:
    it then doubles its nodes, and the rule picks fewer than the final ones (checked)."""
    from alignlab.horizons.joint import fitting
    from alignlab.horizons.joint.fit import starts
    cells, _ = small
    model = jm.model("steps-joint")
    monkeypatch.setattr(mq, "QUADRATURE_TOLERANCE", 1e-13)
    picked = []
    hessian = fitting._hessian
    monkeypatch.setattr(fitting, "_hessian", lambda objective, x: picked.append(objective.count) or
                        hessian(objective, x))
    fitted = fit(model, cells, starts(model, cells)[:1])
    assert fitted.covariance is not None and min(picked) < fitted.nodes, (picked, fitted.nodes)
    final = fitting._Objective(model, cells, fitted.theta, fitted.nodes)
    free = final.free
    exact = np.linalg.inv(-hessian(final, fitted.theta[free]))
    ours = np.sqrt(np.diag(fitted.covariance)[free])
    assert np.max(np.abs(ours / np.sqrt(np.diag(exact)) - 1.0)) < 1e-4



@pytest.fixture(scope="module")
def gamma_at_its_bound(small):
    """steps-joint fitted to data simulated at the small design with gamma at the lower end of its range (0.05):
    with this seed the estimate lands there too (and so does one agent's beta)."""
    from alignlab.horizons.joint.fit import starts
    cells, _ = small
    model = jm.model("steps-joint")
    truth = fit(model, cells, starts(model, cells), covariance=True).theta.copy()
    truth[model.shared_index("gamma", cells.n_agents)] = math.log(0.05)
    data, _ = simulate(model, truth, cells, np.random.default_rng(1))
    return model, data, fit(model, data, starts(model, data))


def test_a_shared_parameter_at_the_end_of_its_range_gets_its_profile_likelihood_interval(gamma_at_its_bound):
    """One end is the range's end; at the other, twice the drop of the profile log-likelihood crosses chi2_1's
    95% point: below it just inside, above it just outside (the crossing is found to 0.01 in log gamma)."""
    from alignlab.horizons.joint.fit import _profiled
    from alignlab.horizons.joint.fitting import PROFILE_LEVEL, profile_interval
    model, data, fitted = gamma_at_its_bound
    assert _profiled(fitted, data) == ["gamma"]
    low, high = profile_interval(model, data, fitted.theta, fitted.loglik, "gamma")
    assert low == pytest.approx(0.05, rel=1e-12) and 0.05 < high < 5.0

    def drop(gamma):
        return 2 * (fitted.loglik - fit(model.fix(gamma=gamma), data, fitted.theta, covariance=False).loglik)

    assert drop(high * math.exp(-0.02)) < PROFILE_LEVEL < drop(high * math.exp(0.02))


def test_no_wald_interval_for_what_moves_with_a_parameter_at_its_bound(gamma_at_its_bound):
    """At a range's end a Wald interval is not valid: gamma gets the profile interval it is given, tau (a function
    of gamma) and the agent whose beta sits at its bound get none, sigma keeps its Wald interval; the note says so."""
    from alignlab.horizons.joint import summary
    model, data, fitted = gamma_at_its_bound
    bound = summary.at_bounds(model, fitted.theta, data)
    stuck = [data.agents[a] for a in range(data.n_agents) if bound[2 * a: 2 * a + 2].any()]
    assert stuck and fitted.covariance is not None
    result = summary.summarise(fitted, data, "steps-joint", profiles={"gamma": (0.05, 0.14)})
    assert result.shared["gamma"].ci == (0.05, 0.14) and result.shared["gamma"].ci_method == "profile"
    assert result.shared["tau_minutes"].ci is None and result.shared["sigma"].ci is not None
    assert result.shared["sigma"].ci_method == "wald"
    for agent in result.agents:
        assert (agent.params["beta"].ci is None) == (agent.agent in stuck)
    assert "at the end of its range" in result.note and "profile-likelihood interval for gamma" in result.note
    plain = summary.wald(model, fitted.theta, fitted.covariance, data.n_agents)
    assert plain[("shared", "tau_minutes")] is not None          # without the mask the delta method would answer
