r"""A change of doubling time at a date fixed in advance, tested within one set of models.

With u in years (:class:`~alignlab.horizons.trend.frame.Frame`) and :math:`u_0` the break date, the
broken line is continuous with a hinge at the break:

.. math:: y = a + b\,u + c\,(u - u_0)_+,\qquad y = \log_2 p50,

so p50 grows by b doublings a year before the break and by b + c after it (doubling times 365.25/b and
365.25/(b + c) days). The break is fixed before looking at the data (the default, 2023-01-01, is where
METR's headline numbers change), so the test is a plain comparison of nested linear models, one
parameter apart: under Gaussian scatter about the line,

.. math:: F = \frac{RSS_{line} - RSS_{broken}}{RSS_{broken}/(n - 3)} \sim F(1, n - 3),

and ``p_value`` is its upper tail (``lr`` = :math:`n \log(RSS_{line}/RSS_{broken})`, the likelihood ratio of
the two Gaussian fits, is reported beside it). The slopes' 95% intervals come from the trend's bootstrap
draws (the same draws as the other trends). A side of the break with fewer than :data:`MIN_SIDE` models or
two release dates cannot be tested: the result then says so in ``note`` and has no slopes.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from alignlab.horizons.intervals import interval
from alignlab.horizons.trend.dates import day
from alignlab.horizons.trend.frame import Frame, band_of, doubling_days, solve
from alignlab.horizons.trend.results import BrokenTrend

BREAK_DATE = dt.date(2023, 1, 1)
MIN_SIDE = 3                    # models on each side of the break (on two release dates or more)


def broken_trend(frame: Frame, y, y_draws, counts, break_date: dt.date) -> BrokenTrend:
    """The broken line at ``break_date`` fitted to log2 p50 ``y`` (n,) and to the bootstrap's draws (module
    docstring)."""
    from scipy import stats

    u0 = float(frame.years(day(break_date)))
    after = frame.u > u0
    x = np.stack([np.ones_like(frame.u), frame.u, np.maximum(frame.u - u0, 0.0)], axis=1)
    before_dates = int(frame.distinct_dates(np.where(after, 0.0, 1.0)[None])[0])
    after_dates = int(frame.distinct_dates(np.where(after, 1.0, 0.0)[None])[0])
    common = dict(break_date=break_date.isoformat(), models_before=int((~after).sum()), models_after=int(after.sum()))
    if min(common["models_before"], common["models_after"]) < MIN_SIDE or min(before_dates, after_dates) < 2:
        return BrokenTrend(**common, note=f"no test: a change at {break_date.isoformat()} needs {MIN_SIDE} models on "
                                          f"2 release dates or more on each side ({common['models_before']} before, "
                                          f"{common['models_after']} after)")
    n = y.size
    broken = solve(x, y, np.ones_like(y), np.array([True]))[0]
    line = solve(x[:, :2], y, np.ones_like(y), np.array([True]))[0]
    rss_broken = float(((y - x @ broken) ** 2).sum())
    rss_line = float(((y - x[:, :2] @ line) ** 2).sum())
    f_stat = (rss_line - rss_broken) / (rss_broken / (n - 3)) if rss_broken > 0 else np.inf
    p_value = float(stats.f.sf(f_stat, 1, n - 3)) if np.isfinite(f_stat) else 0.0
    ok = ((frame.distinct_dates(np.where(after, 0.0, counts)) >= 2) & (frame.distinct_dates(np.where(after, counts, 0.0))
                                                                      >= 2)) if counts.shape[0] else np.zeros(0, bool)
    boot = solve(x, y_draws, counts, ok) if counts.shape[0] else np.zeros((0, 3))
    boot = boot[~np.isnan(boot).any(axis=1)]
    have = boot.shape[0] > 0
    rates = {"before": (broken[1], boot[:, 1]), "after": (broken[1] + broken[2], boot[:, 1] + boot[:, 2])}
    grid = frame.years(frame.grid)
    design = np.stack([np.ones_like(grid), grid, np.maximum(grid - u0, 0.0)], axis=1)
    out = dict(common)
    for side, (rate, draws) in rates.items():
        out[f"doublings_per_year_{side}"] = float(rate)
        out[f"doublings_per_year_{side}_ci"] = interval(draws) if have else None
        out[f"doubling_days_{side}"] = float(doubling_days(rate))
        out[f"doubling_days_{side}_ci"] = interval(doubling_days(draws)) if have else None
    return BrokenTrend(**out, change=float(broken[2]), change_ci=interval(boot[:, 2]) if have else None,
                       f_statistic=float(f_stat), p_value=p_value, lr=float(n * np.log(rss_line / rss_broken))
                       if rss_broken > 0 else float("inf"), rss_line=rss_line, rss_broken=rss_broken,
                       draws=int(boot.shape[0]),
                       curve=band_of(frame, design @ broken, boot @ design.T if have else None))
