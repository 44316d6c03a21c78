"""Every command against hostile input: the command-line contract, property-tested.

For each command a cheap valid invocation is mutated: one to three of its options (or positional
arguments) get values drawn from hostile pools (extreme and malformed numbers, broken distribution
specs, bad and dangerous output paths, broken files, unknown choices). Whatever comes out must keep
the contract (docs/limits.md):

* exit 0 with exactly one line of strict JSON on stdout (no NaN or Infinity) and nothing on stderr;
* or exit 2 with nothing on stdout and exactly one line on stderr naming a parameter (``param: ...``);
* (exit 3 only for a tripwire run that trips);
* never a traceback and never exit 1 (a fault of alignlab's own), within the time bound;
* no file written anywhere but under ``--out`` (the command runs in an empty folder).

Profiles: the default runs a few examples per command (part of ``make test``); for a long hunt,
``HYPOTHESIS_PROFILE=hostile .venv/bin/python -m pytest tests/test_hostile_cli.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
from pathlib import Path

import numpy as np
import pytest
from cli.clirun import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignlab.cli.main import build_parser

settings.register_profile("default-hostile", max_examples=6, deadline=None, derandomize=True,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("hostile", max_examples=200, deadline=None,
                          suppress_health_check=list(HealthCheck))
PROFILE = "hostile" if os.environ.get("HYPOTHESIS_PROFILE") == "hostile" else "default-hostile"
TIME_BOUND = 120          # seconds per command line
TINY_TRIPWIRE = ["--n-known", "32", "--n-hidden", "8", "--d-model", "32", "--d-mlp", "128", "--batch-size", "32",
                 "--steps", "60", "--evidence-start", "20", "--monitor-every", "20"]

# cheap valid invocations; FILE, FOLDER, STORE and RUNS are replaced by fixtures written in the run folder
BASES = {
    ("steps", "describe"): ["--alpha", "0.5", "--q", "3"],
    ("steps", "task"): ["--alpha", "0.5", "--q", "3", "--n", "10"],
    ("steps", "simulate"): ["--alpha", "0.5", "--q", "3", "--n", "10", "--trials", "100"],
    ("steps", "curve"): ["--alpha", "0.5", "--q", "2", "--n", "1", "100", "--points", "3"],
    ("steps", "horizon"): ["--alpha", "0.5", "--q", "3", "--budget", "100"],
    ("tails", "fit"): ["FILE"],
    ("tails", "hill"): ["FILE", "--bootstrap-samples", "20"],
    ("tails", "compare"): ["FILE"],
    ("tails", "diagnose"): ["FILE", "--bootstrap-samples", "20"],
    ("goodhart", "condexp"): ["--error", "t(df=3)", "--t", "1", "10"],
    ("goodhart", "regime"): ["--error", "t(df=3)"],
    ("goodhart", "bon"): ["--error", "t(df=3)", "--n", "1", "10"],
    ("goodhart", "tilt"): ["--error", "norm", "--beta", "1"],
    ("goodhart", "construct"): ["--base", "t(df=3)", "--t", "10", "--mass-exponent", "0.8"],
    ("goodhart", "experiment"): ["bon-synthetic", "--trials", "4", "--n-max", "100", "--mc-max", "16"],
    ("tripwire", "run"): ["--out", "run", "--hidden-fraction", "0.15"] + TINY_TRIPWIRE,     # trains 60 steps
    ("tripwire", "calibrate"): ["--seeds", "0-1", "--out", "cal", "--relabels", "300"] + TINY_TRIPWIRE,
    ("tripwire", "plot"): ["FOLDER"],
    ("tripwire", "study"): ["--seeds", "0", "--control-seeds", "1:2", "--relabels", "300", "--respond", "filter",
                            "--scheduler", "processes", "--workers", "1", "--out", "study"] + TINY_TRIPWIRE,
    ("dists", "list"): [],
    ("data", "list"): [],
    ("data", "path"): ["metr-runs"],
    ("data", "export"): ["starling-llama", "--out", "x.npy"],
    ("sweep", "steps"): ["--alpha", "0.5", "--q", "2", "--n", "10", "--out", "s.zarr", "--scheduler", "serial"],
    ("sweep", "goodhart-bon"): ["--error", "norm", "--utility", "norm", "--n", "2", "--out", "g.zarr",
                                "--scheduler", "serial"],
    ("sweep", "show"): ["STORE"],
    ("report",): ["--only", "toy-absent", "--out", "rep"],
    ("horizons", "fit"): ["RUNS", "--agent", "a", "--bootstrap", "0", "--cv", "none"],
    ("horizons", "plot"): ["RUNS", "--agent", "a", "--bootstrap", "0", "--cv", "none", "--out", "figs"],
    ("horizons", "trend"): ["--published", "PUBLISHED", "--suite", "1.1", "--bootstrap", "20"],
    ("horizons", "predict"): ["FIT", "--minutes", "15", "60"],
    ("horizons", "joint"): ["RUNS", "--model", "rasch", "--folds", "2", "--workers", "1"],
}
# commands whose valid runs are minutes of work: every example mutates them into something they refuse
# quickly or run on a tiny configuration
HEAVY = {("tripwire", "calibrate"), ("tripwire", "study"), ("report",), ("sweep", "tripwire"), ("goodhart", "experiment")}

NUMBERS = ["0", "-1", "1", "2", "0.5", "3.5", "10", "1e6", "1e9", "1e15", "2e15", "1e-300", "-1e-300", "1e300",
           "1e308", "-1e308", "1.8e308", "nan", "inf", "-inf", "1e", "abc", "", " ", "0x10", "1_0", "9" * 400]
SPECS = ["norm", "t(df=3)", "t(df=0)", "t(df=1e-300)", "t(df=1e300)", "weibull_min(c=0.001)", "lognorm(s=1, loc=1)",
         "pareto(b=1e-300)", "pareto(b=1e300)", "(", "norm(", "norm)", "__import__('os').system('x')",
         "t(df=3, df=4)", "t(3, 4, 5, 6, 7)", "x" * 500, "", "levy", "cauchy", "logcauchy(sigma=1)",
         "genpareto(c=-5)", "uniform(0, 1e-300)", "norm(1e300, 1e300)", "lomax(c=1e-300, loc=1)",
         "logpareto(a=1e-9)", "lognormal(sigma=1)", "weibull_min(c=0.5, loc=1)", "genpareto(c=-1.5)", "gamma(a=0.3)",
         "weibull_min(c=1.1)", "weibull_min(c=0.005)"]
OUTS = ["", "out.zarr", "out.png", "out", "/proc/x/y", "missing/sub/out.png", "missing/sub/out.zarr", "EXISTING_FILE",
        "EXISTING_DIR", "out.xyz", "/", ".", "-"]
FILES = ["GOOD", "EXTREME_NPY", "TIED_NPY", "SUBNORMAL_NPY", "EMPTY_NPY", "BOOL_NPY", "COMPLEX_NPY", "MATRIX_NPY", "TEXT_GARBAGE", "BINARY_GARBAGE", "MISSING",
         "EXISTING_DIR", "HUGE_NPY", "CONSTANT_NPY", "NAN_TXT", "BAD_PARQUET", "BAD_JSON_DIR", "RUNS", "BAD_RUNS",
         "EMPTY_RUNS", "PUBLISHED", "FIT"]
TEXT = ["0-1", "0-1000000000", "a-b", "5-2", "-1", "0,3,5-7", "", "x" * 300, "eval", "probe", "nosuch", "leace",
        "unlearn", "blocks.0.hook_resid_post", "1e9", "tcp://127.0.0.1:1", "serial", "bogus"]


def commands():
    """(path, parser) for every leaf command of `alignlab`."""
    out = []

    def walk(parser, path):
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            out.append((tuple(path), parser))
            return
        for name, sub in subs[0].choices.items():
            walk(sub, path + [name])
    walk(build_parser(), [])
    return out


COMMANDS = [(path, parser) for path, parser in commands() if path in BASES]


def test_every_command_has_a_hostile_base():
    missing = [" ".join(p) for p, _ in commands() if p not in BASES and p != ("sweep", "tripwire")]
    assert not missing, f"commands the hostile suite does not drive: {missing}"


def pool(action) -> list[str]:
    """Hostile values for one option or positional argument, by what it takes."""
    name = action.dest
    if action.choices:
        return [str(c) for c in action.choices] + ["nosuch", ""]
    if name in ("error", "utility", "base", "approach"):
        return SPECS
    if name in ("out", "calibration"):
        return OUTS
    if name in ("file", "folder", "path", "runs", "published", "release_dates", "data"):
        return FILES
    if action.type is not None or name in ("seed", "trials", "workers", "max_work", "n", "alpha", "q", "t"):
        return NUMBERS
    return TEXT


def write_fixtures(root: Path) -> dict[str, str]:
    """The files the pools name, written in the run folder."""
    rng = np.random.default_rng(0)
    files = {"GOOD": "good.npy", "EMPTY_NPY": "empty.npy", "BOOL_NPY": "bool.npy", "COMPLEX_NPY": "complex.npy",
             "MATRIX_NPY": "matrix.npy", "TEXT_GARBAGE": "garbage.txt", "BINARY_GARBAGE": "garbage.csv",
             "MISSING": "missing.npy", "EXISTING_DIR": "existing_dir", "HUGE_NPY": "huge.npy",
             "CONSTANT_NPY": "constant.npy", "NAN_TXT": "nan.txt", "BAD_PARQUET": "bad.parquet",
             "BAD_JSON_DIR": "bad_run", "EXISTING_FILE": "existing.txt", "FOLDER": "bad_run", "STORE": "store.zarr",
             "RUNS": "runs.jsonl", "BAD_RUNS": "bad_runs.csv", "EMPTY_RUNS": "empty.jsonl",
             "PUBLISHED": "published.csv", "FIT": "fit.json", "FILE": "good.npy", "EXTREME_NPY": "extreme.npy", "TIED_NPY": "tied.npy",
             "SUBNORMAL_NPY": "subnormal.npy"}
    np.save(root / "good.npy", rng.pareto(2.0, 2000) + 1)
    np.save(root / "empty.npy", np.zeros(0))
    np.save(root / "bool.npy", np.ones(50, dtype=bool))
    np.save(root / "complex.npy", rng.normal(size=50) + 1j)
    np.save(root / "matrix.npy", rng.normal(size=(10, 10)))
    np.save(root / "huge.npy", np.full(100, 1e308) * rng.random(100))
    np.save(root / "constant.npy", np.full(100, 2.5))
    np.save(root / "extreme.npy", np.concatenate([np.full(50, -1.7e308), np.full(50, 1.7e308), rng.normal(size=100)]))
    np.save(root / "tied.npy", np.repeat(rng.pareto(2.0, 60) + 1, 10))
    np.save(root / "subnormal.npy", rng.random(700) * 1e-310)
    (root / "garbage.txt").write_text("1 2 abc\n")
    (root / "garbage.csv").write_bytes(b"\xff\xfe\x00\x81" * 10)
    (root / "nan.txt").write_text("1\nnan\n2\n" * 10)
    (root / "bad.parquet").write_bytes(b"PAR1 not really")
    (root / "existing.txt").write_text("keep me\n")
    (root / "existing_dir").mkdir()
    (root / "bad_run").mkdir()
    (root / "bad_run" / "summary.json").write_text("{not json")
    (root / "bad_run" / "history.json").write_text("[]")
    (root / "store.zarr").mkdir()
    (root / "store.zarr" / "zarr.json").write_text("{}")
    rows = []
    for agent, horizon in (("a", 8), ("b", 30)):  # a small runs file of METR's shape: two agents, 12 tasks
        for family in range(6):
            for task in range(2):
                minutes = float(2 ** (family + task))
                for run in range(4):
                    success = int(rng.random() < 1 / (1 + minutes / horizon))
                    rows.append({"alias": agent, "task_id": f"f{family}/t{task}", "task_family": f"f{family}",
                                 "human_minutes": minutes, "score_binarized": success, "invsqrt_task_weight": 1.0})
    (root / "runs.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (root / "bad_runs.csv").write_text("alias,task_id,task_family,human_minutes,score_binarized\na,t,f,-3,2\n")
    (root / "empty.jsonl").write_text("")
    lines = ["suite_version,model,release_date,p50_minutes,p50_ci_low,p50_ci_high,is_sota"]
    for i in range(6):                           # a published table of METR's shape: six models a year apart
        p50 = 2.0 ** (i + 1)
        lines.append(f"1.1,m{i},{2019 + i}-06-01,{p50},{p50 / 2},{p50 * 2},True")
    (root / "published.csv").write_text("\n".join(lines) + "\n")
    from alignlab.horizons import fit_horizons, save_fit
    save_fit(fit_horizons(root / "runs.jsonl", agent="a", curve="logistic", bootstrap=5, cv="none", workers=1),
             root / "fit.json")
    return files


def mutate(argv: list[str], action, value: str) -> None:
    """Give ``action`` the value ``value`` in ``argv`` (in place): an option replaces the base's value(s) for
    its flag, a positional the base's first placeholder."""
    if action.option_strings:
        flag = action.option_strings[-1]
        if flag in argv:                           # drop the base's value(s) for this flag
            i = argv.index(flag)
            j = i + 1
            while j < len(argv) and not argv[j].startswith("--"):
                j += 1
            del argv[i:j]
        argv += [flag] if action.nargs == 0 else [flag, value]
        return
    placeholders = [k for k, a in enumerate(argv) if a in ("FILE", "FOLDER", "STORE", "RUNS", "FIT")]
    if placeholders:
        argv[placeholders[0]] = value
    else:
        argv.insert(0, value)


def strict_json(text: str):
    def refuse(token):
        raise ValueError(f"non-strict JSON token {token}")
    return json.loads(text, parse_constant=refuse)


PARAM_LINE = re.compile(r"^alignlab(?: [\w-]+)*: (?:error: )?(?:argument )?(--?[\w-]+|[\w./-]+)(?:[:/]| \(| is )")


def check_contract(path, argv, code, out, err, root: Path, before: set[Path], out_paths: list[str]):
    where = f"alignlab {' '.join(argv)}"
    assert "Traceback" not in err, f"{where}: traceback\n{err}"
    assert code != 1, f"{where}: internal error: {err}"
    if code == 0:
        # --progress asks for the bar on stderr even in a pipe; it is all that may be there
        assert err == "" or "--progress" in argv and "error" not in err, f"{where}: exit 0 but stderr: {err!r}"
        if "--json" in argv:
            assert out.count("\n") == 1, f"{where}: not one line of JSON: {out[:300]!r}"
            strict_json(out)
    elif code == 2:
        assert err.count("\n") == 1, f"{where}: not one error line: {err!r}"
        assert PARAM_LINE.match(err) or "the following arguments are required" in err \
            or "invalid choice" in err or "unrecognized arguments" in err or "expected" in err, \
            f"{where}: the error names no parameter: {err!r}"
    elif code == 3:
        assert path == ("tripwire", "run"), f"{where}: exit 3"
    else:
        pytest.fail(f"{where}: exit {code}: {err}")
    written = {p for p in root.rglob("*") if p.is_file()} - before
    # "--out ." names the working folder: a command that writes its files there keeps to --out
    allowed = [(root / o).resolve() for o in out_paths if o and o not in ("/", "-")]
    stray = [p for p in written if not any(p.resolve() == a or a in p.resolve().parents for a in allowed)]
    assert not stray, f"{where}: wrote outside --out: {[str(p.relative_to(root)) for p in stray]}"


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


@pytest.mark.slow
@pytest.mark.parametrize("path,parser", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
@settings(settings.get_profile(PROFILE))
@given(data=st.data())
def test_command_keeps_the_contract_on_hostile_input(path, parser, data, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    files = write_fixtures(root)
    base = list(BASES[path])
    actions = [a for a in parser._actions if not isinstance(a, argparse._HelpAction) and a.dest != "json"]
    chosen = data.draw(st.lists(st.sampled_from(actions), min_size=1 if path in HEAVY else 0, max_size=3,
                                unique_by=lambda a: a.dest), label="mutated") if actions else []
    argv = list(base)
    for action in chosen:
        mutate(argv, action, data.draw(st.sampled_from(pool(action)), label=action.dest))
    if path in HEAVY and all(a.option_strings and a.nargs == 0 for a in chosen):
        argv += ["--out", ""] if "--out" not in argv else []
    argv = [files.get(a, a) for a in argv]
    argv = [str(root / a) if a in files.values() or a.startswith("missing") else a for a in argv]
    argv = list(path) + argv + ["--json"]
    out_paths = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--out"]
    if path == ("tripwire", "plot") and len(argv) > 2:
        out_paths.append(argv[2])                 # plot writes its figures into the folder it reads
    before = {p for p in root.rglob("*") if p.is_file()}
    cwd = os.getcwd()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIME_BOUND)
    try:
        os.chdir(root)
        code, out, err = run_cli(argv)
    except Timeout:
        pytest.fail(f"alignlab {' '.join(argv)}: no answer within {TIME_BOUND} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        os.chdir(cwd)
    check_contract(path, argv, code, out, err, root, before, [str(Path(o)) for o in out_paths])


def _value(argv: list[str], action) -> str | None:
    """What the base gives ``action`` (its first value, or the first placeholder of a positional)."""
    if action.option_strings:
        flag = action.option_strings[-1]
        return argv[argv.index(flag) + 1] if flag in argv and argv.index(flag) + 1 < len(argv) else None
    return next((a for a in argv if a in ("FILE", "FOLDER", "STORE", "RUNS", "FIT")), None)


# bases that pass every check of their own (the hostile ones may not: each example mutates them)
VALID = {("report",): ["--only", "tails", "--out", "rep"],
         **{p: BASES[p] + ["--hidden-fraction", "0.15"] for p in HEAVY if p[0] == "tripwire"}}
UNPAIRED = {(("horizons", "trend"), "release_dates")}     # goes with a runs file, not the base's --published
LONG = "x" * 300          # longer than one name may be (255 bytes): the system refuses to look the path up
PATH_PARAMS = ("out", "calibration", "file", "folder", "path", "runs", "published", "release_dates", "data")


@pytest.mark.parametrize("path,parser", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_a_path_the_system_refuses_is_the_parameters_error(path, parser, tmp_path):
    """A path too long for the system, as every argument that takes a path (found by the hostile profile:
    ``data path metr-runs --data xxx...`` was an internal error): exit 2, one line naming the parameter."""
    files = write_fixtures(tmp_path)
    for action in (a for a in parser._actions if a.dest in PATH_PARAMS):
        argv = VALID.get(path, list(BASES[path]))
        given = _value(argv, action)
        if given is None and not action.option_strings or (path, action.dest) in UNPAIRED:
            continue                               # a positional the command runs without
        mutate(argv, action, LONG + Path(files.get(given, given or "")).suffix)
        argv = [str(tmp_path / files[a]) if a in files else a for a in argv]
        argv = list(path) + argv + ["--json"]
        before = {p for p in tmp_path.rglob("*") if p.is_file()}
        cwd = os.getcwd()
        try:
            os.chdir(tmp_path)
            code, out, err = run_cli(argv)
        finally:
            os.chdir(cwd)
        # a value the base had keeps its suffix, so the system's refusal is what answers; a new --out may
        # first be refused for its missing suffix
        assert code == 2 and ("cannot use" in err or given is None and "must end in" in err), \
            f"alignlab {' '.join(argv)}: exit {code}: {err}"
        check_contract(path, argv, code, out, err, tmp_path, before, [])
