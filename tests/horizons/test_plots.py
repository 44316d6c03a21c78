"""Every horizons figure draws on the Axes it is given (one per panel for the figures of several panels) and
returns that Axes' Figure; a wrong number of Axes is refused naming ``ax``."""

import pytest
from matplotlib.figure import Figure

from alignlab._validate import ParameterError
from alignlab.horizons import fit_horizons, plots
from alignlab.horizons.experiments import steps_regimes
from alignlab.horizons.fit.shape import doubling_shape
from alignlab.horizons.joint import plots as joint_plots
from alignlab.horizons.joint.fit import fit_joint
from alignlab.horizons.trend.fit import fit_trends
from alignlab.horizons.trend.sources import published_input
from horizons.synthetic import published_rows, synthetic_runs, write_jsonl, write_published


@pytest.fixture(scope="module")
def runs_path(tmp_path_factory):
    return write_jsonl(tmp_path_factory.mktemp("plots") / "runs.jsonl", synthetic_runs(seed=5, families=6))


@pytest.fixture(scope="module")
def horizons(runs_path):
    return fit_horizons(runs_path, curve=["logistic", "weibull"], bootstrap=0, cv="none", workers=1)


def _axes(count):
    fig = Figure()
    return fig, fig.subplots(1, count, squeeze=False)[0]


def test_single_axes_figures_draw_on_the_axes_given(horizons, runs_path, tmp_path):
    trend = fit_trends(published_input(write_published(tmp_path / "p.csv", published_rows(models=8)), "1.1"),
                       bootstrap=0, holdout=0)
    shape = doubling_shape(runs_path, bootstrap=0)
    for draw, result in ((plots.plot_agent, horizons.agents[0]), (plots.plot_summary, horizons),
                         (plots.plot_shape, shape), (plots.plot_trend, trend)):
        fig, (ax,) = _axes(1)
        assert draw(result, ax=ax) is fig and ax.has_data(), draw.__name__
        assert isinstance(draw(result), Figure)                      # or a figure of its own


def test_panel_figures_take_one_axes_per_panel(horizons):
    fig, axes = _axes(2)
    assert plots.plot_agents(horizons, ax=axes) is fig and all(ax.has_data() for ax in axes)
    assert [ax.get_title() for ax in axes] == [a.agent for a in horizons.agents]
    with pytest.raises(ParameterError, match="ax: must be 2 Axes"):
        plots.plot_agents(horizons, ax=_axes(3)[1])
    with pytest.raises(ParameterError, match="ax: must be a Matplotlib Axes"):
        plots.plot_summary(horizons, ax="left")
    fig, axes = _axes(2)
    assert plots.plot_regimes(steps_regimes(betas=(0.5, 2.0), points=5), ax=axes) is fig
    assert all(ax.has_data() for ax in axes)


def test_joint_figures_draw_on_the_axes_given(runs_path):
    result = fit_joint(runs_path, model="rasch", cv=(), workers=1)
    for draw in (joint_plots.plot_tasks, joint_plots.plot_calibration):
        fig, (ax,) = _axes(1)
        assert draw(result, ax=ax) is fig and ax.has_data(), draw.__name__
    fig, axes = _axes(len(result.agents))
    assert joint_plots.plot_curves(result, ax=axes) is fig
    assert [ax.get_title() for ax in axes] == list(result.agents)
