"""The joint models' part of the horizons report: claims H9-H11 on METR's runs file.

``build(ctx) -> (claims, figures, tables, summary_html)``, called from the horizons section. The
decisions are pure functions of a :class:`~alignlab.horizons.joint.results.JointResult` (unit-tested on
small synthetic results); the rule texts are written from the constants below.
"""

from __future__ import annotations

import math

from alignlab.evidence.claims import Decision, Rule, Table

CV_KINDS = ("cells", "family", "agent")
BOOTSTRAP = 0               # joint refits are costly; the claims read Wald intervals and held-out scores
ALPHA = 0.05                # likelihood-ratio tests
GAIN_MIN = 0.01             # held-out nats per run a joint model must gain over METR's per-agent logistic (H9)
GAMMA_FACTOR = 1.5          # gamma "about 1": its 95% interval inside [1/1.5, 1.5] (H10)
MARGIN = 0.01               # held-out nats per run within which steps-joint matches the best joint curve (H11)
BASELINE = "human"          # METR's human baseliners: not an AI agent, left out
CURVES = ("logistic-joint", "rasch", "weibull-joint", "irt-2pl")


def _cells(fit):
    score = fit.cv.get("cells") if fit is not None else None
    return None if score is None else score.nats_per_run


def _test(fit, parameter):
    return next((t for t in fit.tests if t.parameter == parameter), None) if fit is not None else None


def decide_h9(result) -> Decision:
    fit = result.models.get("logistic-joint")
    base = _cells(result.baselines.get("logistic"))
    joint = _cells(fit)
    test = _test(fit, "s")
    if fit is None or test is None or base is None or joint is None or not math.isfinite(joint - base):
        return Decision("undetermined", {"reason": "logistic-joint, its test of s = 0 or the cells scores are missing"})
    s = fit.shared["s"]
    spread = test.p_value < ALPHA
    gain = joint - base
    numbers = {"s": s.value, "s_ci": s.ci, "lr_statistic": test.statistic, "p_value": test.p_value,
               "nats_per_run_joint": joint, "nats_per_run_logistic": base, "gain": gain}
    steps = result.models.get("steps-joint")
    if steps is not None:
        numbers["sigma"] = steps.shared["sigma"].value
        numbers["sigma_ci"] = steps.shared["sigma"].ci
    if spread and gain >= GAIN_MIN:
        return Decision("holds", numbers)
    if not spread and gain < GAIN_MIN:
        return Decision("fails", numbers)
    return Decision("conditional", numbers, "the spread is significant but does not improve held-out cells"
                    if spread else "held-out cells improve but the spread is not significant")


H9 = Rule("H9", "Tasks share difficulty beyond their length: the same tasks are hard for every agent.",
          f"holds when the likelihood-ratio test of s = 0 in logistic-joint rejects at {ALPHA:g} and logistic-joint "
          f"predicts held-out agent x task cells better than METR's per-agent logistic by at least {GAIN_MIN:g} "
          f"nats per run; fails when neither; conditional when one; undetermined without the fits", decide_h9)


def decide_h10(result) -> Decision:
    fit = result.models.get("steps-joint")
    test = _test(fit, "gamma")
    if fit is None or test is None:
        return Decision("undetermined", {"reason": "steps-joint or its test of gamma = 1 is missing"})
    gamma = fit.shared["gamma"]
    numbers = {"gamma": gamma.value, "gamma_ci": gamma.ci, "gamma_ci_method": gamma.ci_method, "lr_statistic": test.statistic, "p_value": test.p_value,
               "note": fit.note, "beta_identified": [a.agent for a in fit.agents if a.identified.get("beta")],
               "agents": len(fit.agents),
               "beta_bootstrap": any(a.params["beta"].ci_bootstrap for a in fit.agents)}
    if test.p_value < ALPHA:
        return Decision("fails", numbers)
    if gamma.ci is not None and 1 / GAMMA_FACTOR <= gamma.ci[0] and gamma.ci[1] <= GAMMA_FACTOR:
        return Decision("holds", numbers)
    return Decision("undetermined", numbers)


H10 = Rule("H10", "The work in a task grows in proportion to its length (steps-joint: gamma = 1).",
           f"fails when the likelihood-ratio test of gamma = 1 rejects at {ALPHA:g}; holds when it does not and the "
           f"95% interval of gamma lies inside [1/{GAMMA_FACTOR:g}, {GAMMA_FACTOR:g}]; undetermined otherwise",
           decide_h10)


def decide_h11(result) -> Decision:
    steps = _cells(result.models.get("steps-joint"))
    curves = {n: _cells(result.models.get(n)) for n in CURVES}
    curves = {n: x for n, x in curves.items() if x is not None and math.isfinite(x)}
    if steps is None or not curves or not math.isfinite(steps):
        return Decision("undetermined", {"reason": "steps-joint or the joint curves have no cells score"})
    best = max(curves, key=curves.get)
    gap = curves[best] - steps
    numbers = {"steps_joint": steps, "best": best, "best_nats_per_run": curves[best], "gap": gap}
    return Decision("holds" if gap <= MARGIN else "fails", numbers)


H11 = Rule("H11", "The steps model, fitted jointly, predicts held-out cells as well as the best joint curve.",
           f"holds when steps-joint's held-out cells score is within {MARGIN:g} nats per run of the best of "
           f"{', '.join(CURVES)}; fails otherwise", decide_h11)


def _g(x, digits=3) -> str:
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.{digits}g}"


def _ci(ci) -> str:
    return "" if not ci else f" [{_g(ci[0])}, {_g(ci[1])}]"


def _identified(numbers) -> str:
    """Which agents' beta steps-joint pins down (prose for H10's evidence)."""
    from alignlab.horizons.joint.summary import identified_sentence
    if "beta_identified" not in numbers:
        return ""
    return identified_sentence("beta", numbers["beta_identified"], numbers["agents"], numbers["beta_bootstrap"]) + ". "


def _fit(path):
    from alignlab.horizons.joint._house import load_runs
    from alignlab.horizons.joint.fit import fit_joint
    runs = load_runs(path)
    runs = runs.select([a for a in runs.agents if a != BASELINE])
    return fit_joint(runs, cv=CV_KINDS, bootstrap=BOOTSTRAP, seed=0)


def build(ctx):
    """(claims, figures, tables, summary_html) of the joint models on METR's runs file."""
    from alignlab.horizons.joint import plots
    from alignlab.horizons.joint.results import JointResult
    ctx.step("joint models of every agent and task (five models, cells/family/agent cross-validation)")
    path = ctx.dataset("metr-runs")
    result = ctx.cached(f"horizons/joint/{ctx.dataset_key('metr-runs')}/{BOOTSTRAP}", lambda: _fit(path))
    assert isinstance(result, JointResult)
    figures = (ctx.render(plots.plot_tasks(result), "joint_tasks",
                          "Each task's difficulty beyond its length (posterior mean and SD of its effect, in doublings "
                          "of task length), against its length."),
               ctx.render(plots.plot_curves(result), "joint_curves",
                          "Success against task length per agent: a typical task (solid) and a task drawn at random "
                          "at that length (dashed), over observed success per task."),
               ctx.render(plots.plot_calibration(result), "joint_calibration",
                          "Predicted against observed success of held-out cells, every model."))
    h9, h10, h11 = (rule(result) for rule in (H9, H10, H11))
    n = h9.numbers
    claims = (
        H9.claim_from(h9, f"logistic-joint: s = {_g(n.get('s'))}{_ci(n.get('s_ci'))} logits per unit z, "
                          f"likelihood ratio {_g(n.get('lr_statistic'))} (p = {_g(n.get('p_value'))}); held-out cells "
                          f"{_g(n.get('nats_per_run_joint'), 4)} nats per run against {_g(n.get('nats_per_run_logistic'), 4)} "
                          f"for METR's per-agent logistic; steps-joint sigma = {_g(n.get('sigma'))}{_ci(n.get('sigma_ci'))}.",
                      ("joint_tasks", "joint_calibration")),
        H10.claim_from(h10, f"steps-joint gamma = {_g(h10.numbers.get('gamma'))}{_ci(h10.numbers.get('gamma_ci'))}"
                            f"{' (profile likelihood)' if h10.numbers.get('gamma_ci_method') == 'profile' else ''}; "
                            f"likelihood ratio against gamma = 1: {_g(h10.numbers.get('lr_statistic'))} "
                            f"(p = {_g(h10.numbers.get('p_value'))}). {_identified(h10.numbers)}"
                            f"{h10.numbers.get('note') or ''}",
                       ("joint_curves",)),
        H11.claim_from(h11, f"held-out cells: steps-joint {_g(h11.numbers.get('steps_joint'), 4)} nats per run, best "
                            f"joint curve {h11.numbers.get('best')} {_g(h11.numbers.get('best_nats_per_run'), 4)} "
                            f"(gap {_g(h11.numbers.get('gap'), 3)}).", ("joint_calibration",)),
    )
    rows = []
    for name, fit in {**result.models, **{f"{k} (per agent)": f for k, f in result.baselines.items()}}.items():
        rows.append((name, _g(fit.loglik, 6), str(fit.parameters),
                     *[_g(fit.cv[k].nats_per_run, 4) if k in fit.cv else "-" for k in CV_KINDS],
                     "; ".join(f"{k} {_g(e.value)}{_ci(e.ci)}{' (profile)' if e.ci_method == 'profile' else ''}"
                               for k, e in fit.shared.items())))
    table = Table("Joint models on METR's runs: log-likelihood and held-out nats per run (unweighted)",
                  ("model", "log-lik", "k", *CV_KINDS, "shared [95% Wald, or profile at a range's end]"),
                  tuple(rows))
    summary = (" <b>Joint models (H9-H11):</b> every agent and task at once, task effects z ~ N(0, 1) shared by the "
               f"agents and integrated out by adaptive Gauss-Hermite quadrature ({len(result.agents)} agents; "
               + ", ".join(f"{a} left out: {why}" for a, why in result.left_out.items())
               + "); held out: K-fold agent x task cells, task families, agents calibrated on "
               f"{result.calibration_tasks} tasks.")
    return (claims, figures, (table,), summary)
