"""``alignlab goodhart ...``: catastrophic Goodhart for a proxy U = X + V."""

from __future__ import annotations

import argparse
from contextlib import contextmanager

from alignlab._figures import SUFFIXES as FIGURE_SUFFIXES
from alignlab._figures import save as save_figure
from alignlab._validate import ParameterError
from alignlab.cli.common import add_data, add_json, command, emit, fmt, key_value_table, number, show_progress, table

FAMILIES_HELP = ("a scipy.stats spec such as 'norm(0,1)', 't(df=3)', 'lognorm(s=1)', 'levy', 'pareto(b=2.5)', "
                 "'genpareto(c=0.5)', 'expon(scale=2)'")


class _Method(argparse.Action):
    """``--method``, which takes its old value ``quadrature`` (now ``exact``) for one release with a warning."""

    def __call__(self, parser, namespace, values, option_string=None):
        from alignlab.goodhart.conditioning import OLD_METHODS
        if values in OLD_METHODS:
            notes = getattr(namespace, "deprecations", None) or []
            notes.append(f"{option_string} {values} is renamed {option_string} {OLD_METHODS[values]}; {values} will "
                         f"be removed in the next release")
            namespace.deprecations = notes
            values = OLD_METHODS[values]
        setattr(namespace, self.dest, values)


def register(cmds) -> None:
    """Add the commands of `alignlab goodhart ...` to ``cmds`` (the subparsers of the system's command).

    Domains and limits (docs/goodhart.md, "Limits and guarantees"): every number finite; Monte Carlo at
    most 1e8 draws unless --max-work says more."""

    def max_work_arg(p):
        p.add_argument("--max-work", default=None, metavar="DRAWS",
                       help="raise the limit of 1e8 Monte Carlo draws on purpose (a number > 0)")

    def seed_arg(p):
        p.add_argument("--seed", type=number, default=0,
                       help="Monte Carlo seed, a whole number >= 0: same seed, same numbers")

    def proxy_args(p, monte_carlo: bool = False):
        p.add_argument("--error", metavar="SPEC", help=f"law of the error X: {FAMILIES_HELP}")
        if monte_carlo:
            p.add_argument("--error-samples", metavar="FILE",
                           help="draw X from these samples (Monte Carlo only): a shipped data set's name "
                                "(starling-llama, starling-random) or one column of numbers in .npy, .txt/.csv "
                                "or .parquet")
            p.add_argument("--column", metavar="NAME",
                           help="the column of --error-samples to read from a table with several")
            p.add_argument("--drop-nonfinite", action="store_true",
                           help="drop NaN/inf values of --error-samples instead of failing")
            seed_arg(p)
            add_data(p)
        p.add_argument("--utility", metavar="SPEC", default="norm(0, 1)",
                       help="law of the true utility V, with a finite mean that fits in double precision")
        p.add_argument("--dependence", choices=["counterexample"],
                       help="X depends on V instead: 'counterexample' is X|V ~ N(0,4) if |V|<=1 else X = 0")
        add_json(p)

    p = command(cmds, "condexp", help="E[V | U >= t] and log P(U >= t) at each threshold",
                description="Optimisation as conditioning: E[V | U >= t] for a proxy U = X + V at each threshold "
                            "t, with log P(U >= t), by log-space quadrature (exact, with its relative error "
                            "estimate) or by Monte Carlo (mc, with standard errors; the only method for "
                            "--error-samples).",
                examples=('alignlab goodhart condexp --error "t(df=3)" --t 1 10 100 1e4',
                          "alignlab goodhart condexp --error-samples starling-llama --t 0 2 4 --method mc "
                          "--samples 200000 --json"),
                handler=condexp)
    proxy_args(p, monte_carlo=True)
    p.add_argument("--t", type=number, nargs="+", required=True, metavar="T",
                   help="thresholds, finite numbers with P(U >= t) > 0")
    p.add_argument("--method", default="exact", choices=["exact", "mc", "quadrature"], metavar="{exact,mc}",
                   action=_Method, help="exact: log-space quadrature with its error estimate; mc: Monte Carlo "
                                        "with --samples draws from --seed (quadrature: old spelling of exact)")
    p.add_argument("--samples", type=number, default=1_000_000,
                   help="Monte Carlo draws (method mc), whole, 1 to 1e15; at most 1e8 unless --max-work says more")
    max_work_arg(p)

    p = command(cmds, "regime", help="which theorem decides lim E[V | U >= t], with the numbers",
                description="Which theorem of Kwa, Thomas & Garriga-Alonso (2024) decides the limit of "
                            "E[V | U >= t] as t grows (catastrophic, unbounded, constant gain, power growth, "
                            "maximal), its conditions checked one by one, and the gain over --decades decades of "
                            "t with its fitted log-log slope.",
                examples=('alignlab goodhart regime --error "lognorm(s=1)"',
                          'alignlab goodhart regime --error "expon(scale=1)" --utility "norm(0, 1)" --json'),
                handler=regime)
    proxy_args(p)
    p.add_argument("--decades", type=number, default=12,
                   help="decades of t for the numerical evidence, whole, 2 to 40")

    p = command(cmds, "bon", help="best-of-n: E[V], E[U] and KL for each n (exact, or Monte Carlo)",
                description="Best-of-n selection: E[V], E[U] and E[X] of the draw with the largest U among n, "
                            "with KL to the base law, exactly by quadrature over the law of the maximum (n to "
                            "1e12), or by Monte Carlo. From --error-samples (Monte Carlo) n stops at the sample "
                            "size / 19, where the law's best of n would lie beyond every sample 5% of the time "
                            "(docs/goodhart.md).",
                examples=('alignlab goodhart bon --error "t(df=3)" --n 1 10 100 1e4 1e9',
                          "alignlab goodhart bon --error-samples starling-random --n 1 16 256 1024 --method mc "
                          "--trials 2000 --json"),
                handler=bon)
    proxy_args(p, monte_carlo=True)
    p.add_argument("--n", type=number, nargs="+", required=True, metavar="N",
                   help="numbers of draws, whole: 1 to 1e12 (exact), 1 to 2^24 = 16777216 (mc), and at most the "
                        "number of --error-samples / 19")
    p.add_argument("--method", default="exact", choices=["exact", "mc"],
                   help="exact: quadrature over the law of the maximum; mc: Monte Carlo with --trials trials from "
                        "--seed (the only method for --error-samples)")
    p.add_argument("--trials", type=number, default=1000,
                   help="Monte Carlo trials (method mc), whole, 2 to 1e15; trials * max(n) at most 1e8 draws unless "
                        "--max-work says more")
    p.add_argument("--backend", default="numpy", choices=["auto", "numpy", "torch"],
                   help="Monte Carlo backend: numpy, torch (CUDA when present) or auto (torch on CUDA)")
    max_work_arg(p)

    p = command(cmds, "tilt", help="the KL-regularised optimum p exp(U / beta): E[V], E[U], KL",
                description="The optimum of E[U] - beta KL(pi || p) over policies pi, which is p exp(U / beta): "
                            "E[V], E[U], E[X] and its KL to the base law at each penalty weight beta, by "
                            "quadrature.",
                examples=("alignlab goodhart tilt --error norm --beta 0.5 1 2",
                          'alignlab goodhart tilt --error "expon(scale=1)" --beta 2 4 --json'),
                handler=tilt)
    proxy_args(p)
    p.add_argument("--beta", type=number, nargs="+", required=True, metavar="BETA",
                   help="KL penalty weights, each > 0; a beta so small that the tilted law leaves the double "
                        "range or what the quadrature resolves (relative error above 1e-3) is refused")

    p = command(cmds, "construct", help="move mass(t) above t keeping the base's shape: mean and KL to the base",
                description="The construction behind 'KL does not prevent it': put mass(t) of probability above t "
                            "and keep the base law's shape on both sides; the mean grows while the KL to the base "
                            "falls when mass(t) = t^-E with the base heavy-tailed.",
                examples=('alignlab goodhart construct --base "t(df=3)" --t 10 100 1000 --mass-exponent 0.8',
                          "alignlab goodhart construct --base norm --t 1 2 3 --mass 0.1 --json"),
                handler=construct)
    p.add_argument("--base", metavar="SPEC", required=True, help=f"base law: {FAMILIES_HELP}")
    p.add_argument("--t", type=number, nargs="+", required=True, metavar="T",
                   help="thresholds, finite, with base probability on both sides (> 1 with --mass-exponent)")
    mass = p.add_mutually_exclusive_group(required=True)
    mass.add_argument("--mass-exponent", type=number, metavar="E", help="mass(t) = t^(-E), E > 0 and t^(-E) > 0")
    mass.add_argument("--mass", type=number, nargs="+", metavar="M",
                      help="mass above t, each in (0, 1) (one, or one per t)")
    add_json(p)

    p = command(cmds, "experiment", help="run a report experiment and draw its figure",
                description="Run one of the report's experiments on its own: bon-synthetic (G5) is best-of-n "
                            "for ten synthetic proxies, exact to --n-max and by Monte Carlo to --mc-max.",
                examples=("alignlab goodhart experiment bon-synthetic --trials 10 --n-max 100 --mc-max 16",
                          "alignlab goodhart experiment bon-synthetic --trials 10 --n-max 100 --mc-max 16 --json"),
                handler=experiment)
    p.add_argument("name", choices=["bon-synthetic"], help="bon-synthetic: best-of-n for synthetic proxies (G5)")
    p.add_argument("--out", metavar="PNG", help="write the figure here (.png, .pdf or .svg, in an existing folder)")
    p.add_argument("--trials", type=number, default=100,
                   help="Monte Carlo trials, whole, 2 to 1e15; 10 pairs x trials x mc-max at most 1e8 draws unless "
                        "--max-work says more")
    seed_arg(p)
    p.add_argument("--n-max", type=number, default=1e9, help="largest n computed exactly, whole, 2 to 1e12")
    p.add_argument("--mc-max", type=number, default=65536, help="largest n simulated, whole, 2 to 2^24")
    max_work_arg(p)
    add_json(p)


def _proxy(args):
    from alignlab.goodhart import Proxy, counterexample
    samples = getattr(args, "error_samples", None)
    if samples is not None:
        from alignlab.dists.samples import EmpiricalSamples
        if args.error is not None:
            raise ParameterError("error", "give either --error or --error-samples, not both")
        return Proxy(EmpiricalSamples.read(samples, args.column, "error-samples", args.drop_nonfinite), args.utility)
    if args.dependence:
        return Proxy(args.error, args.utility, dependence=counterexample())
    return Proxy(args.error, args.utility)


def _columns(title: str, columns: dict):
    """A table with one row per value of the listed columns."""
    out = table(title, columns)
    for row in zip(*columns.values()):
        out.add_row(*(fmt(x) for x in row))
    return out


def _render_list(title, keys):
    def render(console, d):
        console.print(_columns(title, {k: d[k] for k in keys if d.get(k) is not None}))
        for note in d.get("notes", ()):
            console.print(f"note: {note}", markup=False)
    return render


@contextmanager
def _samples_named(args):
    """Errors the library raises about the error X (keyword ``error``) name --error-samples when X came from it."""
    try:
        yield
    except ParameterError as err:
        if err.param != "error" or args.error_samples is None:
            raise
        raise ParameterError("error-samples", str(err).removeprefix("error: ")) from None


def condexp(args) -> None:
    from alignlab._limits import max_work
    limit = max_work(args.max_work)
    with _samples_named(args):
        result = _proxy(args).conditional_utility(args.t, args.method, args.samples, args.seed,
                                                  progress=show_progress(args), max_work=limit)
    keys = ["t", "conditional_utility", "gain", "log_tail_probability", "relative_error", "standard_error",
            "accepted"]
    emit(args, result, _render_list(f"E[V | U >= t] ({result.method})", keys))


def regime(args) -> None:
    result = _proxy(args).regime(args.decades)

    def render(console, d):
        console.print(key_value_table("regime", {k: d[k] for k in ("regime", "limit", "limit_source", "reason",
                                                                   "exponent", "predicted_slope", "slope", "gain")
                                                 if d[k] is not None}))
        console.print(_columns("conditions", {"condition": [c["name"] for c in d["conditions"]],
                                              "holds": [str(c["holds"]) for c in d["conditions"]],
                                              "detail": [c["detail"] for c in d["conditions"]]}))
        console.print(_columns("evidence: gain E[V | U >= t] - E[V]", {"t": d["t"], "gain": d["gains"]}))
    emit(args, result, render)


def bon(args) -> None:
    from alignlab._limits import max_work
    limit = max_work(args.max_work)
    with _samples_named(args):
        result = _proxy(args).best_of_n(args.n, args.method, args.trials, args.seed, backend=args.backend,
                                        progress=show_progress(args), max_work=limit)
    keys = ["n", "utility", "proxy", "error", "kl", "kl_bound", "utility_se", "proxy_se"]
    emit(args, result, _render_list(f"best of n ({result.method})", keys))


def tilt(args) -> None:
    result = _proxy(args).tilt(args.beta)
    emit(args, result, _render_list("KL-regularised optimum p exp(U/beta)",
                                    ["beta", "utility", "proxy", "error", "kl"]))


def construct(args) -> None:
    from alignlab.goodhart import construct as build
    if args.mass_exponent is not None:
        result = build(args.base, args.t, mass_exponent=args.mass_exponent)
    else:
        result = build(args.base, args.t, args.mass if len(args.mass) > 1 else args.mass[0])
    emit(args, result, _render_list(f"construction on {result.base}", ["t", "mass", "base_tail", "mean", "kl"]))


def experiment(args) -> None:
    from alignlab import _validate as v
    from alignlab._limits import max_work
    from alignlab.goodhart.experiments import bon_synthetic
    if args.out is not None:
        v.output_file("out", args.out, FIGURE_SUFFIXES)             # before the work, not after it
    result = bon_synthetic(n_max=args.n_max, mc_max=args.mc_max, trials=args.trials, seed=args.seed,
                           progress=show_progress(args), max_work=max_work(args.max_work))
    payload = {"experiment": args.name, "trials": result.trials, "seed": result.seed,
               "cases": [{"error": c.error, "utility": c.utility, "peak_n": c.peak_n, "peak_utility": c.peak_utility,
                          "n": c.exact.n, "utility_by_n": c.exact.utility, "mc_n": c.mc.n,
                          "mc_utility": c.mc.utility, "mc_utility_se": c.mc.utility_se} for c in result.cases]}
    if args.out is not None:
        from alignlab.goodhart.plots import plot_bon_synthetic
        save_figure(plot_bon_synthetic(result), args.out)
        payload["out"] = args.out

    def render(console, d):
        n_max = max(max(c["n"]) for c in d["cases"])
        console.print(_columns(f"best-of-n, synthetic proxies (exact to n = {n_max:.3g})",
                               {"error X": [c["error"] for c in d["cases"]],
                                "utility V": [c["utility"] for c in d["cases"]],
                                "peak n": [c["peak_n"] for c in d["cases"]],
                                "peak E[V]": [c["peak_utility"] for c in d["cases"]],
                                f"E[V] at {n_max:.3g}": [dict(zip(c["n"], c["utility_by_n"]))[n_max]
                                                         for c in d["cases"]]}))
        if d.get("out"):
            console.print(f"figure: {d['out']}")
    emit(args, payload, render)
