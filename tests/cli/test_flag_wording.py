"""The library words its errors for Python (keywords); a command built with cli.common.command prints them
worded for its flags."""

import argparse

from alignlab._validate import ParameterError
from alignlab.cli.common import Renamed, flag_wording


def leaf():
    p = argparse.ArgumentParser()
    for flag in ("--method", "--max-work", "--n", "--error", "--min-tail", "--error-samples"):
        p.add_argument(flag)
    p.add_argument("--drop-nonfinite", action="store_true")
    p.add_argument("--workers")
    p.add_argument("--threads", dest="workers", action=Renamed, new="--workers")
    return p


def test_keywords_become_flags_and_parameters_their_flag():
    cases = {
        ("method", "use method='mc' or method='asymptotic'"): "--method: use --method mc or --method asymptotic",
        ("trials", "1e+11 draws exceed the limit; raise it with max_work=1e+11"):
            "trials: 1e+11 draws exceed the limit; raise it with --max-work 1e+11",
        ("min_tail", "pass drop_nonfinite=True to drop them"): "--min-tail: pass --drop-nonfinite to drop them",
        ("error-samples", "cannot read file"): "--error-samples: cannot read file",
        ("workers", "must be whole"): "--workers: must be whole",                   # not the old spelling
    }
    for (param, message), want in cases.items():
        assert str(flag_wording(ParameterError(param, message), leaf())) == want


def test_specs_and_unknown_keywords_are_left_as_written():
    text = "samples(x.npy, n=500) is a sample; lomax(c=0.5, loc=1) differs; use seed=3 (got 't(df=3')"
    assert str(flag_wording(ParameterError("error", text), leaf())) == f"--error: {text}"
