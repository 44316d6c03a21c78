"""``alignlab steps ...``: the independent-steps model of cognitive power."""

from __future__ import annotations

from alignlab._figures import SUFFIXES
from alignlab._figures import save as save_figure
from alignlab.cli.common import add_json, emit, fmt, key_value_table, number, show_progress

QUANTILES = [0.1, 0.5, 0.9]


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
        p.add_argument("--approach", default="pareto", metavar="SPEC",
                       help="law of one approach time T >= 1 in the distribution language (alignlab dists list), "
                            "e.g. pareto, lomax(loc=1, scale=2), invweibull(loc=1), lognorm(s=1, loc=1), "
                            "weibull_min(c=0.5, loc=1), logcauchy(sigma=1, loc=1), logpareto(a=1) (default: pareto)")
        add_json(p)

    def monte_carlo_args(p, trials: int, trials_help: str):
        p.add_argument("--trials", type=number, default=trials,
                       help=f"{trials_help}, whole, >= 1; n * trials at most 2e10 (default {trials})")
        p.add_argument("--seed", type=number, default=0, help="seed, a whole number >= 0 (default 0): same seed, "
                                                              "same numbers")

    p = cmds.add_parser("describe", help="closed-form facts: beta, thresholds, mean, median, regime, efficiency")
    model_args(p)
    p.set_defaults(handler=describe)

    p = cmds.add_parser("task", help="quantiles of the task time S_n (exact, asymptotic or Monte Carlo)")
    model_args(p)
    p.add_argument("--n", type=number, required=True, help="number of subtasks, whole, 1 to 1e300")
    p.add_argument("--quantile", type=number, nargs="+", default=QUANTILES, metavar="P",
                   help="quantiles, each in (0, 1) (default: 0.1 0.5 0.9); beyond 1e308 they are null and "
                        "log10_quantiles gives them")
    p.add_argument("--method", default="auto", choices=["auto", "exact", "asymptotic", "mc"],
                   help="auto: exact inversion for pareto/lomax approaches where it is checked, the limit law "
                        "beyond; mc for other families")
    monte_carlo_args(p, 20000, "Monte Carlo trials (method mc)")
    p.set_defaults(handler=task)

    p = cmds.add_parser("simulate", help="Monte Carlo task times (fast, or --explicit: all Q approaches drawn)")
    model_args(p)
    p.add_argument("--n", type=number, required=True, help="number of subtasks, whole, >= 1")
    p.add_argument("--trials", type=number, required=True,
                   help="number of simulated tasks, whole, 1 to 5e7; n * trials (* q with --explicit) at most 2e10 "
                        "unless --max-work says otherwise")
    p.add_argument("--seed", type=number, default=0, help="seed, a whole number >= 0 (default 0): same seed, "
                                                          "same numbers")
    p.add_argument("--explicit", action="store_true", help="draw all Q approach times per subtask (Q whole)")
    p.add_argument("--quantile", type=number, nargs="+", default=QUANTILES, metavar="P",
                   help="quantiles, each in (0, 1) (default: 0.1 0.5 0.9)")
    p.add_argument("--threads", type=number, default=None, help="worker threads, 1 to 1024 (default: all cores)")
    p.add_argument("--backend", default="numpy", choices=["auto", "numpy", "torch"],
                   help="numpy, torch (CUDA when present) or auto (torch on CUDA, else numpy)")
    p.add_argument("--max-work", default=None, metavar="SAMPLES",
                   help="raise the limit of 2e10 subtask draws on purpose")
    p.set_defaults(handler=simulate)

    p = cmds.add_parser("curve", help="median time per subtask against n, with the theoretical slope")
    model_args(p, multi_q=True)
    p.add_argument("--n", type=number, nargs=2, default=[1, 1e8], metavar=("N_MIN", "N_MAX"),
                   help="range of n, whole, 1 <= N_MIN < N_MAX <= 1e300 (default: 1 1e8)")
    p.add_argument("--points", type=number, default=25, help="points on the log grid of n, 2 to 1000 (default 25)")
    p.add_argument("--method", default="auto", choices=["auto", "exact", "asymptotic", "mc"])
    monte_carlo_args(p, 2000, "Monte Carlo tasks per q (method mc)")
    p.add_argument("--out", metavar="FILE", help="write the figure here (.png, .pdf or .svg)")
    p.set_defaults(handler=curve)

    p = cmds.add_parser("horizon", help="largest task length finished within a budget with probability p")
    model_args(p)
    p.add_argument("--budget", type=number, required=True, help="time budget B, in [1, 1.8e308]")
    p.add_argument("--p", type=number, default=0.5, help="success probability, in (0, 1) (default 0.5)")
    p.set_defaults(handler=horizon)


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
    from alignlab.steps.simulate import MAX_SAMPLES
    limit = max_work(args.max_work)
    sim = _model(args).simulate(args.n, args.trials, args.seed, explicit=args.explicit, quantiles=args.quantile,
                                threads=args.threads, backend=args.backend, progress=show_progress(args),
                                max_samples=MAX_SAMPLES if limit is None else limit)
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
        from rich.table import Table
        table = Table(title=f"median time per subtask ({d['approach']})", title_justify="left")
        for col in ("Q", "beta", "regime", "n range", "median/n first", "median/n last", "fitted slope",
                    "theory slope"):
            table.add_column(col)
        for c in d["curves"]:
            table.add_row(fmt(c["q"]), fmt(c["beta"]), c["regime"], f"{c['n'][0]}..{c['n'][-1]}",
                          fmt(c["median_per_subtask"][0]), fmt(c["median_per_subtask"][-1]),
                          f"{c['fitted_slope']:.4f}", "-" if c["theory_slope"] is None else f"{c['theory_slope']:.4f}")
        console.print(table)
        if d.get("out"):
            console.print(f"figure: {d['out']}")
    emit(args, payload, render)


def horizon(args) -> None:
    result = _model(args).horizon(args.budget, args.p)
    emit(args, result.to_json(), lambda console, d: console.print(key_value_table("horizon", d)))
