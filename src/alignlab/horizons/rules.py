"""The horizons section's claims (H1-H8) and how each is decided, apart from the prose that reports them.

Each claim is a :class:`~alignlab.evidence.claims.Rule`: the sentence, the decision rule in words (written
from the named constants below, which the decisions use), and ``decide(results) -> Decision``, a pure
function of result objects. :mod:`alignlab.horizons.report` runs the experiments and writes the evidence
from each decision's ``numbers``; ``tests/horizons/test_rules.py`` decides synthetic results.

Held-out comparisons are in nats on the scale of the effective number of runs
(:meth:`AgentHorizons.nats`); "behind the best" is the best held-out log-likelihood minus the curve's.
"""

from __future__ import annotations

from alignlab.evidence.claims import Decision, Rule
from alignlab.horizons.trend.broken import BREAK_DATE

MARGIN = 2.0                # held-out nats behind the best that count as decisively worse (likelihood ratio e^2 ~ 7)
MIN_AGENTS = 3              # a claim about agents needs this many with the numbers it reads
BASELINE = "human"          # METR's human baseliners: a reference, not an AI agent
EMPIRICAL = ("logistic", "exponential", "weibull")
STEPS_CURVE = "steps-mixed"             # the steps curve fixed in advance (H3, H4, H7)
BETA_THRESHOLD = 1.0                    # the steps model's critical threshold (finite mean subtask time)
K2_BOUND = 1.0                          # per-doubling shape of a constant hazard; steps with n ~ t stays above
SEVEN_MONTHS = 7 * 365.25 / 12          # days: METR's "about 7 months"
ALPHA = 0.05                            # level of the test of a change of doubling time
BREAK = BREAK_DATE.isoformat()


def ai_agents(result) -> list:
    """The fitted AI agents of a horizons result (the human baseline and agents without a fit left out)."""
    return [a for a in result.agents if not a.note and a.agent != BASELINE]


def behind_best(agent, curve: str, among=None) -> float | None:
    """How far (nats) ``curve``'s held-out score trails the best of ``among`` (default every curve scored);
    negative when it is ahead of them. None without cross-validation."""
    scores = {n: agent.nats(f.cv_loglik) for n, f in agent.fits.items() if f.cv_loglik is not None}
    rivals = [scores[n] for n in (among or scores) if n in scores and n != curve]
    if curve not in scores or not rivals:
        return None
    return max(rivals) - scores[curve]


def _share_rule(trailing: list, total: int, what: str) -> Decision:
    """holds / conditional / fails by how many of ``total`` agents trail; undetermined under MIN_AGENTS."""
    if total < MIN_AGENTS:
        return Decision("undetermined", {"agents": total},
                        conditions=f"{total} agents with held-out scores; the rule needs {MIN_AGENTS}")
    verdict = "holds" if not trailing else "fails" if len(trailing) > total / 2 else "conditional"
    conditions = f"{what} decisively behind for {', '.join(trailing)}" if verdict == "conditional" else ""
    return Decision(verdict, {"trailing": trailing, "agents": total}, conditions)


def _deficit_rule_text(subject: str) -> str:
    return (f"{subject}; an agent counts against the claim when the curve is {MARGIN:g} or more held-out nats "
            f"behind; holds when no agent is, fails when more than half are, conditional otherwise; "
            f"undetermined with fewer than {MIN_AGENTS} AI agents scored")


def decide_h1(result) -> Decision:
    deficits = {a.agent: behind_best(a, "logistic") for a in ai_agents(result)}
    deficits = {k: x for k, x in deficits.items() if x is not None}
    decision = _share_rule([k for k, x in deficits.items() if x >= MARGIN], len(deficits), "the logistic is")
    return Decision(decision.verdict, {**decision.numbers, "deficit": deficits}, decision.conditions)


def decide_h2(result) -> Decision:
    deficits = {a.agent: behind_best(a, "exponential") for a in ai_agents(result)}
    deficits = {k: x for k, x in deficits.items() if x is not None}
    decision = _share_rule([k for k, x in deficits.items() if x >= MARGIN], len(deficits), "the constant hazard is")
    return Decision(decision.verdict, {**decision.numbers, "deficit": deficits}, decision.conditions)


def decide_h3(result) -> Decision:
    deficits = {a.agent: behind_best(a, STEPS_CURVE, EMPIRICAL) for a in ai_agents(result)}
    deficits = {k: x for k, x in deficits.items() if x is not None}
    decision = _share_rule([k for k, x in deficits.items() if x >= MARGIN], len(deficits), f"{STEPS_CURVE} is")
    return Decision(decision.verdict, {**decision.numbers, "deficit": deficits}, decision.conditions)


def _sides(intervals: dict, threshold: float) -> tuple[list, list, list]:
    above = [k for k, (lo, hi) in intervals.items() if lo > threshold]
    below = [k for k, (lo, hi) in intervals.items() if hi < threshold]
    straddle = [k for k in intervals if k not in above and k not in below]
    return above, below, straddle


def decide_h4(result) -> Decision:
    intervals, beta = {}, {}
    for a in ai_agents(result):
        fit = a.fits.get(STEPS_CURVE)
        if fit is not None and fit.params_ci and fit.params_ci.get("beta"):
            intervals[a.agent], beta[a.agent] = tuple(fit.params_ci["beta"]), fit.params["beta"]
    above, below, straddle = _sides(intervals, BETA_THRESHOLD)
    numbers = {"beta": beta, "beta_ci": intervals, "above": above, "below": below, "straddle": straddle}
    if len(intervals) < MIN_AGENTS or not (above or below):
        return Decision("undetermined", numbers, conditions=f"beta is not identified: {len(straddle)} of "
                                                            f"{len(intervals)} intervals straddle {BETA_THRESHOLD:g}"
                        if intervals else "no beta intervals (no bootstrap)")
    if len(above) == len(intervals):
        return Decision("holds", numbers)
    if not above:
        return Decision("fails", numbers)
    return Decision("conditional", numbers, f"above {BETA_THRESHOLD:g} only for {', '.join(above)}")


def decide_h8(result, shape) -> Decision:
    """From the per-doubling shape (:func:`~alignlab.horizons.doubling_shape`) and the Weibull fits."""
    k2, intervals, weibull = {}, {}, {}
    fitted = {a.agent: a for a in ai_agents(result)}
    for s in shape.agents:
        if s.agent not in fitted or s.k2_ci is None:
            continue
        k2[s.agent], intervals[s.agent] = s.k2, tuple(s.k2_ci)
        w = fitted[s.agent].fits.get("weibull")
        if w is not None and w.params_ci and w.params_ci.get("shape"):
            weibull[s.agent] = tuple(w.params_ci["shape"])
    above, below_k2, straddle = _sides(intervals, K2_BOUND)
    below = [k for k in below_k2 if k in weibull and weibull[k][1] < K2_BOUND]
    numbers = {"k2": k2, "k2_ci": intervals, "weibull_shape_ci": weibull, "below": below, "above": above,
               "straddle": straddle, "below_k2_only": [k for k in below_k2 if k not in below]}
    if len(intervals) < MIN_AGENTS or not (above or below_k2):
        return Decision("undetermined", numbers, conditions=f"{len(straddle)} of {len(intervals)} agents' k2 "
                                                            f"intervals straddle {K2_BOUND:g}" if intervals else
                        f"fewer than {MIN_AGENTS} agents with a k2 interval")
    verdict = "holds" if not below else "fails" if len(below) > len(intervals) / 2 else "conditional"
    conditions = (f"success falls more slowly than a constant hazard's for {', '.join(below)}"
                  if verdict == "conditional" else "")
    return Decision(verdict, numbers, conditions)


def decide_h5(long_run, breaks: dict) -> Decision:
    """``long_run``: the exponential trend of suite 1.0's frontier; ``breaks``: per suite, its broken trend."""
    ci = long_run.doubling_days_ci
    about = ci is not None and ci[0] <= SEVEN_MONTHS <= ci[1]
    tested = {s: b for s, b in breaks.items() if b is not None and b.p_value is not None}
    changed = [s for s, b in tested.items() if b.p_value < ALPHA]
    numbers = {"doubling_days": long_run.doubling_days, "doubling_days_ci": ci, "about_seven_months": about,
               "p_value": {s: b.p_value for s, b in tested.items()}, "changed": changed,
               "untested": [s for s in breaks if s not in tested]}
    if not tested:
        return Decision("undetermined", numbers, conditions=f"no suite has {BREAK} inside its models' dates with "
                                                            f"enough models on both sides to test a change")
    if not about or len(changed) == len(tested):
        return Decision("fails", numbers)
    if changed:
        return Decision("conditional", numbers, f"about 7 months, but the doubling time changes at {BREAK} in "
                                                f"suite {', '.join(changed)}")
    return Decision("holds", numbers)


def decide_h6(sets: dict) -> Decision:
    """``sets``: per data set, its (exponential, accelerating) trends."""
    scored = {name: (e, a) for name, (e, a) in sets.items()
              if e.holdout_error is not None and a.holdout_error is not None}
    wins = [name for name, (e, a) in scored.items() if a.holdout_error < e.holdout_error and a.acceleration > 0]
    numbers = {"wins": wins, "sets": list(scored)}
    if not scored:
        return Decision("undetermined", numbers, conditions="no data set has held-out models to score")
    verdict = "holds" if len(wins) == len(scored) else "fails" if not wins else "conditional"
    conditions = (f"the accelerating trend forecasts the newest models better only for the {', '.join(wins)} data"
                  if verdict == "conditional" else "")
    return Decision(verdict, numbers, conditions)


def decide_h7(steps) -> Decision:
    """``steps``: the :class:`~alignlab.horizons.trend.results.StepsTrend` of the runs file's agents."""
    numbers = {"identified": steps.identified, "agents": len(steps.agents), "beta_per_year": steps.beta_per_year,
               "beta_per_year_ci": steps.beta_per_year_ci, "crosses": steps.beta_crosses_1,
               "crosses_ci": steps.beta_crosses_1_ci}
    if steps.beta_per_year is None:
        return Decision("undetermined", numbers, conditions=f"beta is identified for {steps.identified} of "
                                                            f"{len(steps.agents)} agents: no trend in beta")
    if steps.beta_crosses_1 is None:
        return Decision("fails", numbers)
    ci = steps.beta_crosses_1_ci
    if ci is not None and None not in ci:
        return Decision("holds", numbers)
    return Decision("conditional", numbers, "a date on trend, but its interval is open-ended")


H1 = Rule("H1", "A logistic in log task length describes agent success (METR).",
          _deficit_rule_text("the logistic against the best of all curves, by each agent's held-out task families"),
          decide_h1)
H2 = Rule("H2", "Across tasks of growing length, success falls as a constant hazard says: it halves with every "
                "T50 of task length (Ord).",
          _deficit_rule_text("the constant hazard against the best of all curves, by each agent's held-out task "
                             "families"), decide_h2)
H3 = Rule("H3", "The independent-steps model describes agent success as well as the best empirical curve.",
          _deficit_rule_text(f"{STEPS_CURVE} (the steps curve fixed in advance) against the best of "
                             f"{', '.join(EMPIRICAL)}, by each agent's held-out task families"), decide_h3)
H4 = Rule("H4", f"Today's agents stand above the steps model's critical threshold (beta > {BETA_THRESHOLD:g}) on "
                "these tasks.",
          f"beta of {STEPS_CURVE} with its 95% bootstrap interval, per AI agent: holds when every interval lies above "
          f"{BETA_THRESHOLD:g}, fails when none does (and some lie below), conditional when some do; undetermined "
          f"when every interval straddles {BETA_THRESHOLD:g} or fewer than {MIN_AGENTS} agents have one", decide_h4)
H5 = Rule("H5", "Horizons double at a constant rate (about 7 months).",
          f"within each suite (frontier models), a change of doubling time at {BREAK} (fixed in advance) is tested "
          f"against a constant one (F test of the broken line, level {ALPHA:g}); holds when no suite changes and "
          f"7 months ({SEVEN_MONTHS:.0f} days) lies in suite 1.0's long-run 95% interval, fails when every suite "
          f"tested changes or 7 months lies outside, conditional when some suites change; undetermined when no "
          f"suite can be tested", decide_h5)
H6 = Rule("H6", "Horizon growth is accelerating (held out, not in sample).",
          "per data set, the trends fitted without the newest models forecast them: holds when the quadratic "
          "(curving upwards) forecasts them better than the line on every data set, fails on none, conditional "
          "on some; undetermined without held-out models", decide_h6)
H7 = Rule("H7", f"On trend, agents cross the steps model's critical threshold (beta = {BETA_THRESHOLD:g}) by a date "
                "we can state.",
          f"the trend of {STEPS_CURVE} beta against release date: holds with a crossing date whose 95% interval has "
          "two ends, conditional when the interval is open-ended, fails when beta does not rise; undetermined when "
          "beta is not identified for enough agents to fit a trend", decide_h7)
H8 = Rule("H8", "Agents' success falls at least as fast per doubling of task length as a constant hazard, as every "
                "steps model with n proportional to t requires.",
          f"per AI agent, the per-doubling shape k2 from success in doubling bins of task length (no curve assumed; "
          f"95% hierarchical bootstrap interval) and the Weibull shape k (the same number for a Weibull): an agent "
          f"contradicts the claim when both intervals lie below {K2_BOUND:g}; holds when none does, fails when "
          f"more than half do, conditional otherwise; undetermined when every k2 interval straddles {K2_BOUND:g} "
          f"or fewer than {MIN_AGENTS} agents have one", decide_h8)
RULES = (H1, H2, H3, H4, H5, H6, H7, H8)
