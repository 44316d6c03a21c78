"""``alignlab tails ...``: tail-index estimation, power-law fits and tail diagnosis of samples in a file."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from alignlab import _validate as v
from alignlab._figures import SUFFIXES as FIGURE_SUFFIXES
from alignlab._figures import save as save_figure
from alignlab._validate import ParameterError
from alignlab.cli.common import add_data, add_json, command, emit, fmt, key_value_table, number, show_progress, table

DIAGNOSIS_FILES = ("diagnosis.png", "diagnosis.json")


def register(cmds) -> None:
    """Add the commands of `alignlab tails ...` to ``cmds`` (the subparsers of the system's command).

    Domains and limits: docs/tails.md, "Limits and guarantees"."""

    def max_work_arg(p, unit: str, limit: str):
        p.add_argument("--max-work", default=None, metavar=unit.upper().replace(" ", "-"),
                       help=f"raise the limit of {limit} {unit} on purpose (a number > 0)")

    def input_args(p):
        p.add_argument("file", metavar="FILE", help="samples: a shipped data set's name (starling-llama, "
                                                    "starling-random), or a file: .npy, .csv/.txt (one column or "
                                                    "--column), .parquet; finite real numbers (at least 10, not all "
                                                    "equal; True/False values are not numbers)")
        p.add_argument("--column", metavar="NAME", help="the column to read from a table with several")
        p.add_argument("--drop-nonfinite", action="store_true", help="drop NaN/inf values instead of failing")
        add_data(p)
        add_json(p)

    def seed_arg(p, what: str):
        p.add_argument("--seed", type=number, default=0, help=f"{what} seed, a whole number >= 0: same seed, "
                                                              f"same numbers")

    def workers_arg(p, what: str):
        p.add_argument("--workers", type=number, default=None,
                       help=f"CPU cores {what} may use, whole, 1 to 1024 (default: all); the numbers do not "
                            f"depend on it")

    def bootstrap_args(p):
        seed_arg(p, "double-bootstrap")
        p.add_argument("--bootstrap-samples", type=number, default=500,
                       help="resamples per bootstrap, whole, 10 to 1e5; at most 4e9 resampled values in all (every "
                            "retry counted) unless --max-work says more")
        workers_arg(p, "the double bootstrap")
        max_work_arg(p, "resampled values", "4e9")

    p = command(cmds, "fit", help="Clauset-style power-law fit: xmin by KS, alpha by maximum likelihood",
                description="Fit a power law p(x) ~ x^-alpha to the upper tail of positive samples "
                            "(Clauset, Shalizi & Newman 2009): xmin minimises the KS distance over every value "
                            "that leaves --min-tail values above it, alpha by maximum likelihood (exact Hurwitz-"
                            "zeta likelihood with --discrete); --gof adds the bootstrap goodness-of-fit p-value.",
                examples=("alignlab tails fit metr-published-horizons --column p50_minutes",
                          "alignlab tails fit metr-published-horizons --column p50_minutes --gof --replicates 200 "
                          "--json"),
                handler=fit)
    input_args(p)
    p.add_argument("--discrete", action="store_true", help="whole-number data: exact Hurwitz-zeta likelihood")
    p.add_argument("--xmin", type=number, help="fix xmin instead of scanning for it: > 0, leaving at least "
                                               "--min-tail values at or above it")
    p.add_argument("--min-tail", type=number, default=10,
                   help="smallest tail considered, whole, 2 to the number of values")
    p.add_argument("--gof", action="store_true", help="add the bootstrap goodness-of-fit p-value")
    p.add_argument("--replicates", type=number, default=1000,
                   help="bootstrap data sets for --gof, whole, 10 to 1e6; replicates * n at most 1e8 values fitted "
                        "unless --max-work says more")
    seed_arg(p, "--gof bootstrap")
    workers_arg(p, "the --gof bootstrap")
    p.add_argument("--out", metavar="PNG", help="write the fitted tail on log-log axes here (.png, .pdf or .svg, "
                                                "in an existing folder)")
    max_work_arg(p, "values fitted", "1e8")

    p = command(cmds, "hill", help="Hill estimates for every k, with k chosen by the double bootstrap",
                description="The Hill estimate of the extreme-value index xi (tail index 1/xi) from the k largest "
                            "positive values, for every k, with standard errors xi/sqrt(k); k is chosen by the "
                            "double bootstrap (Danielsson et al. 2001) unless --k fixes it.",
                examples=("alignlab tails hill starling-llama",
                          "alignlab tails hill starling-random --excess --k 200 --json"),
                handler=hill)
    input_args(p)
    p.add_argument("--k", type=number, help="use this k instead of the double bootstrap: whole, 1 to the number "
                                            "of positive values - 1")
    p.add_argument("--excess", action="store_true", help="use the excess over the mean, x - mean(x)")
    bootstrap_args(p)
    p.add_argument("--out", metavar="PNG", help="write the Hill plot with its 95%% band here (.png, .pdf or .svg, "
                                                "in an existing folder)")

    p = command(cmds, "compare", help="power law against exponential, lognormal, stretched exponential, "
                                      "truncated power law",
                description="Fit the power law, then test it against each alternative on the same tail above "
                            "xmin: Vuong's test for the non-nested ones, the chi-squared likelihood-ratio test for "
                            "the truncated power law (CSN 2009, section 5). R > 0 favours the power law.",
                examples=("alignlab tails compare metr-published-horizons --column p50_minutes",
                          "alignlab tails compare metr-published-horizons --column p50_minutes --xmin 30 --json"),
                handler=compare)
    input_args(p)
    p.add_argument("--xmin", type=number, help="fix xmin instead of scanning for it: > 0, leaving at least 10 "
                                               "values at or above it")
    p.add_argument("--significance", type=number, default=0.1, help="p below this decides, in (0, 1)")

    p = command(cmds, "diagnose", help="heavy, light or ambiguous? figures, evidence, what it means for "
                                       "optimisation",
                description="Is the upper tail heavier than exponential? The generalized Pareto shape of the "
                            "excesses over the 90%, 95% and 98% quantiles votes; Hill, moment and Pickands "
                            "estimates and the power law against the exponential are the evidence; the verdict "
                            "says what it means for optimising a proxy (docs/tails.md).",
                examples=("alignlab tails diagnose starling-llama",
                          "alignlab tails diagnose starling-random --bootstrap-samples 100 --json"),
                handler=diagnose)
    input_args(p)
    p.add_argument("--out", metavar="DIR", help="write diagnosis.png and diagnosis.json here: a new or empty folder, "
                                                "or one holding only an earlier diagnosis")
    bootstrap_args(p)


def _compute(args, function, **options):
    """Load FILE and call ``function(values, **options)``; problems with the values themselves are
    reported against the file they came from."""
    from alignlab.dists.samples import load_samples
    samples = load_samples(args.file, column=args.column, drop_nonfinite=args.drop_nonfinite)
    with _about(samples.source):
        return samples, function(samples.values, **options)


@contextmanager
def _about(source: str):
    try:
        yield
    except ParameterError as err:
        if err.param != "samples":
            raise
        raise ParameterError(source, str(err).removeprefix("samples: ")) from None


def _source(samples) -> dict:
    return {"file": samples.source, "column": samples.column, "dropped_nonfinite": samples.dropped}


def fit(args) -> None:
    from alignlab._limits import max_work
    from alignlab.tails import fit_power_law
    if args.out is not None:
        v.output_file("out", args.out, FIGURE_SUFFIXES)             # before the work, not after it
    samples, result = _compute(args, fit_power_law, discrete=args.discrete, xmin=args.xmin,
                               min_tail=args.min_tail, gof=args.gof, replicates=args.replicates, seed=args.seed,
                               workers=args.workers, progress=show_progress(args), max_work=max_work(args.max_work))
    payload = {**result.to_json(), **_source(samples)}
    if args.out is not None:
        from alignlab.tails.plots import plot_power_law
        save_figure(plot_power_law(result), args.out)
        payload["out"] = args.out
    emit(args, payload, lambda console, d: _render(console, "power-law fit", d))


def hill(args) -> None:
    from alignlab._limits import max_work
    from alignlab.tails import hill as hill_path
    if args.out is not None:
        v.output_file("out", args.out, FIGURE_SUFFIXES)
    samples, result = _compute(args, hill_path, excess=args.excess,
                               k=args.k if args.k is not None else "bootstrap", seed=args.seed,
                               bootstrap_samples=args.bootstrap_samples, workers=args.workers,
                               progress=show_progress(args), max_work=max_work(args.max_work))
    payload = {**result.to_json(), **_source(samples), "excess_over_mean": args.excess}
    if args.out is not None:
        from alignlab.tails.plots import plot_hill
        save_figure(plot_hill(result), args.out)
        payload["out"] = args.out

    def render(console, d):
        shown = {k: d[k] for k in ("estimator", "n", "selection", "chosen_k", "chosen_xi", "chosen_se", "tail_index")}
        if d["bootstrap"]:
            shown["double bootstrap"] = {k: d["bootstrap"][k] for k in ("k1", "k2", "n1", "n2", "reliable")}
        console.print(key_value_table("Hill estimator (xi = 1 / tail index)", shown))
        if d.get("out"):
            console.print(f"figure: {d['out']}")
    emit(args, payload, render)


def compare(args) -> None:
    from alignlab.tails import compare as compare_tails
    samples, result = _compute(args, compare_tails, xmin=args.xmin, significance=args.significance)
    payload = {**result.to_json(), **_source(samples)}

    def render(console, d):
        console.print(key_value_table("power-law fit", {k: d["fit"][k] for k in ("xmin", "alpha", "sigma", "n_tail",
                                                                                  "ks", "discrete")}))
        out = table("power law against alternatives (R > 0 favours the power law)",
                    ("alternative", "test", "R", "normalised R", "p", "favours", "parameters"))
        for c in d["comparisons"]:
            out.add_row(c["alternative"], c["test"], fmt(c["loglikelihood_ratio"]), fmt(c["normalized_ratio"]),
                        fmt(c["p_value"]), c["favours"], fmt(c["parameters"]))
        console.print(out)
        for c in d["comparisons"]:
            if c["note"]:
                console.print(f"{c['alternative']}: {c['note']}")
    emit(args, payload, render)


def _diagnosis_folder(path) -> Path:
    """``--out`` of diagnose, checked before any work: a folder name (not ``-``, which reads as standard
    output) that is new, empty, or holds only an earlier diagnosis, so that nothing is written among
    other files (``.`` in a data folder, ``/``)."""
    out = v.output_dir("out", path)
    if str(path).strip() == "-":
        raise ParameterError("out", "must be a folder name ('-' reads as standard output; --json prints there)")
    if out.is_dir():
        others = sorted(p.name for p in out.iterdir() if p.name not in DIAGNOSIS_FILES)
        if others:
            shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
            raise ParameterError("out", f"must be a new or empty folder, or one holding only an earlier diagnosis "
                                        f"({', '.join(DIAGNOSIS_FILES)}) (got {str(path)!r}, which holds {shown})")
    return out


def diagnose(args) -> None:
    from alignlab._limits import max_work
    from alignlab.tails import diagnose as diagnose_tails
    out = _diagnosis_folder(args.out) if args.out is not None else None
    samples, result = _compute(args, diagnose_tails, seed=args.seed, bootstrap_samples=args.bootstrap_samples,
                               workers=args.workers, progress=show_progress(args), max_work=max_work(args.max_work))
    payload = {**result.to_json(), **_source(samples)}
    if out is not None:
        import json

        from alignlab._results import jsonable
        from alignlab.tails.plots import plot_diagnosis
        out.mkdir(exist_ok=True)
        title = f"{Path(samples.source).name}: {result.verdict}"
        save_figure(plot_diagnosis(result, title=title), out / "diagnosis.png")
        (out / "diagnosis.json").write_text(json.dumps(jsonable(payload), indent=2))
        payload["out"] = str(out)

    def render(console, d):
        colors = {"heavy": "red", "light": "green", "ambiguous": "yellow"}
        console.print(f"[bold]verdict:[/] [{colors[d['verdict']]}]{d['verdict']}[/] (n = {d['n']})")
        for line in d["evidence"]:
            console.print(f"  - {line}")
        console.print(f"[bold]for optimisation:[/] {d['implication']}")
        if d.get("out"):
            console.print(f"figures and JSON: {d['out']}")
    emit(args, payload, render)


def _render(console, title: str, d: dict) -> None:
    warnings = d.pop("warnings", [])
    console.print(key_value_table(title, {k: v for k, v in d.items() if v is not None}))
    for line in warnings:
        console.print(f"[yellow]note:[/] {line}")

