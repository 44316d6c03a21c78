"""``alignlab steps ...``: the independent-steps model of cognitive power."""

from __future__ import annotations

from alignlab._figures import SUFFIXES
from alignlab._figures import save as save_figure
from alignlab.cli.common import (Renamed, add_json, command, emit, fmt, key_value_table, number, show_progress,
                                 table)

QUANTILES = [0.1, 0.5, 0.9]
APPROACH_HELP = ("law of one approach time T >= 1 in the distribution language (alignlab dists list), e.g. pareto, "
                 "lomax(loc=1, scale=2), invweibull(loc=1), lognorm(s=1, loc=1), weibull_min(c=0.5, loc=1), "
                 "logcauchy(sigma=1, loc=1), logpareto(a=1)")
METHOD_HELP = ("exact: transform inversion (pareto and lomax approaches); asymptotic: the limit law; mc: Monte "
               "Carlo (--trials, --seed); auto: exact where it is checked, the limit law beyond, mc for other laws")


def register(cmds) -> None:
    """Add the commands of `alignlab steps ...` to ``cmds`` (the subparsers of the system's command).

    Domains (docs/limits.md): alpha > 0 and q >= 1 finite; task times need q * alpha finite and >= 1e-300
    (checked against mpmath and closed forms), simulation q * alpha in [1e-4, 1e6]; n whole in [1, 1e300]."""

    def model_args(p, multi_q=False):
        p.add_argument("--alpha", type=number, help="tail index of the approach time, > 0 (pareto: P(T>t) = t^-alpha); "
                                                    "fills the tail-index shape of a power-law --approach")
        if multi_q:
            p.add_argument("--q", type=number, nargs="+", required=True, metavar="Q",
                           help="cognitive powers, each >= 1")
        else:
            p.add_argument("--q", type=number, required=True, help="cognitive power: approaches per subtask, >= 1")
        p.add_argument("--approach", default="pareto", metavar="SPEC", help=APPROACH_HELP)
        add_json(p)

    def method_args(p, trials: int, trials_help: str):
        p.add_argument("--method", default="auto", choices=["auto", "exact", "asymptotic", "mc"], help=METHOD_HELP)
        p.add_argument("--trials", type=number, default=trials,
                       help=f"{trials_help}, whole, >= 1; n * trials at most 2e10")
        seed_arg(p)

    def seed_arg(p):
        p.add_argument("--seed", type=number, default=0, help="Monte Carlo seed, a whole number >= 0: same seed, "
                                                              "same numbers")

    p = command(cmds, "describe", help="closed-form facts: beta, thresholds, mean, median, regime, efficiency",
                description="The closed-form facts of a model: the subtask time's tail index beta = q * alpha, the "
                            "critical power 1/alpha (mean finite above) and 2/alpha (Gaussian above), the mean and "
                            "median subtask time, the regime and the efficiency 1 / E[M].",
                examples=("alignlab steps describe --alpha 0.5 --q 3",
                          'alignlab steps describe --q 2 --approach "lognorm(s=1, loc=1)" --json'),
                handler=describe)
    model_args(p)

    p = command(cmds, "task", help="quantiles of the task time S_n (exact, asymptotic or Monte Carlo)",
                description="The mean and quantiles of the time S_n = M_1 + ... + M_n of a task of n subtasks: "
                            "by transform inversion for pareto and lomax approaches, by the limit law far out, by "
                            "Monte Carlo for other laws (the output names the method, and the seed and trials "
                            "when it simulated).",
                examples=("alignlab steps task --alpha 0.25 --q 2 --n 1000000",
                          'alignlab steps task --q 2 --approach "lognorm(s=1, loc=1)" --n 100 --trials 2000 --json'),
                handler=task)
    model_args(p)
    p.add_argument("--n", type=number, required=True, help="number of subtasks, whole, 1 to 1e300")
    p.add_argument("--quantile", type=number, nargs="+", default=QUANTILES, metavar="P",
                   help="quantiles, each in (0, 1); beyond 1e308 they are null and log10_quantiles gives them")
    method_args(p, 20000, "Monte Carlo tasks (method mc)")

    p = command(cmds, "simulate", help="Monte Carlo task times (fast, or --explicit: all Q approaches drawn)",
                description="Simulate task times: the fastest of Q approaches to each of n subtasks, summed. Fast "
                            "mode draws each subtask's minimum directly; --explicit draws all Q approach times. "
                            "The numbers depend on the seed only, never on --workers.",
                examples=("alignlab steps simulate --alpha 0.25 --q 2 --n 100 --trials 10000 --seed 1",
                          "alignlab steps simulate --alpha 0.5 --q 3 --n 1000 --trials 2000 --explicit --json"),
                handler=simulate)
    model_args(p)
    p.add_argument("--n", type=number, required=True, help="number of subtasks, whole, >= 1")
    p.add_argument("--trials", type=number, required=True,
                   help="number of simulated tasks, whole, 1 to 5e7; n * trials (* q with --explicit) at most 2e10 "
                        "unless --max-work says otherwise")
    seed_arg(p)
    p.add_argument("--explicit", action="store_true", help="draw all Q approach times per subtask (Q whole)")
    p.add_argument("--quantile", type=number, nargs="+", default=QUANTILES, metavar="P",
                   help="quantiles, each in (0, 1)")
    p.add_argument("--workers", type=number, default=None,
                   help="CPU cores the simulation may use, 1 to 1024 (default: all); the numbers do not depend on it")
    p.add_argument("--threads", type=number, dest="workers", action=Renamed, new="--workers")
    p.add_argument("--backend", default="numpy", choices=["auto", "numpy", "torch"],
                   help="numpy, torch (CUDA when present) or auto (torch on CUDA, else numpy)")
    p.add_argument("--max-work", default=None, metavar="SAMPLES",
                   help="raise the limit of 2e10 subtask draws on purpose")

    p = command(cmds, "curve", help="median time per subtask against n, with the theoretical slope",
                description="median(S_n)/n on a log grid of n for each Q, with the log-log slope theory predicts "
                            "(1/beta - 1 below the threshold, 0 above) and the slope fitted over the upper half of "
                            "the n range; --out draws it.",
                examples=("alignlab steps curve --alpha 0.5 --q 1 2 3 4 --n 1 1e8",
                          'alignlab steps curve --q 1 4 --approach "lognorm(s=2, loc=1)" --n 1 1000 --points 8 '
                          '--trials 500 --json'),
                handler=curve)
    model_args(p, multi_q=True)
    p.add_argument("--n", type=number, nargs=2, default=[1, 1e8], metavar=("N_MIN", "N_MAX"),
                   help="range of n, whole, 1 <= N_MIN < N_MAX <= 1e300")
    p.add_argument("--points", type=number, default=25, help="points on the log grid of n, 2 to 1000")
    method_args(p, 2000, "Monte Carlo tasks per q (method mc)")
    p.add_argument("--out", metavar="FILE", help="write the figure here (.png, .pdf or .svg)")

    p = command(cmds, "horizon", help="largest task length finished within a budget with probability p",
                description="The largest n with P(S_n <= budget) >= p, by bisection on n. Pareto and lomax "
                            "approaches are exact (the limit law far out); other laws are simulated with --trials "
                            "tasks per probability from --seed, and the output says so.",
                examples=("alignlab steps horizon --alpha 0.5 --q 3 --budget 1000",
                          'alignlab steps horizon --q 2 --approach "lognorm(s=1, loc=1)" --budget 100 --json'),
                handler=horizon)
    model_args(p)
    p.add_argument("--budget", type=number, required=True, help="time budget B, in [1, 1.8e308]")
    p.add_argument("--p", type=number, default=0.5, help="success probability, in (0, 1)")
    method_args(p, 20000, "Monte Carlo tasks per success probability (method mc); budget * trials at most 2e10")


def _model(args):
    from alignlab.steps import StepsModel
    return StepsModel(args.alpha, args.q, args.approach)


def describe(args) -> None:
    emit(args, _model(args).describe().to_json(),
         lambda console, d: console.print(key_value_table("steps model", d)))


def task(args) -> None:
    result = _model(args).task_quantiles(args.n, args.quantile, args.method, trials=args.trials, seed=args.seed)
    emit(args, result, lambda console, d: console.print(key_value_table(f"task time S_n ({d['method']})", d)))


def simulate(args) -> None:
    from alignlab._limits import max_work
    sim = _model(args).simulate(args.n, args.trials, args.seed, explicit=args.explicit, quantile=args.quantile,
                                workers=args.workers, backend=args.backend, progress=show_progress(args),
                                max_work=max_work(args.max_work))
    emit(args, sim, lambda console, d: console.print(key_value_table("simulated task time S_n", d)))


def curve(args) -> None:
    from alignlab import _validate as v
    from alignlab.steps.experiments import growth_curves
    if args.out is not None:
        v.output_file("out", args.out, SUFFIXES)
    result = growth_curves(args.alpha, args.q, args.n[0], args.n[1], args.points, approach=args.approach,
                           method=args.method, trials=args.trials, seed=args.seed)
    payload = result.to_json()
    if args.out:
        from alignlab.steps.plots import plot_growth_curves
        fig = plot_growth_curves(result)
        save_figure(fig, args.out)
        payload["out"] = args.out

    def render(console, d):
        out = table(f"median time per subtask ({d['approach']})",
                    ("Q", "beta", "regime", "method", "n range", "median/n first", "median/n last", "fitted slope",
                     "theory slope"))
        for c in d["curves"]:
            out.add_row(fmt(c["q"]), fmt(c["beta"]), c["regime"], c["method"], f"{c['n'][0]}..{c['n'][-1]}",
                        fmt(c["median_per_subtask"][0]), fmt(c["median_per_subtask"][-1]), f"{c['fitted_slope']:.4f}",
                        "-" if c["theory_slope"] is None else f"{c['theory_slope']:.4f}")
        console.print(out)
        if d["seed"] is not None:
            console.print(f"Monte Carlo (method mc): seed {d['seed']}, {d['trials']} tasks per Q")
        if d.get("out"):
            console.print(f"figure: {d['out']}")
    emit(args, payload, render)


def horizon(args) -> None:
    result = _model(args).horizon(args.budget, args.p, args.method, trials=args.trials, seed=args.seed)
    emit(args, result.to_json(), lambda console, d: console.print(key_value_table(f"horizon ({d['method']})", d)))
