"""Running the CLI in-process from tests: one JSON object on success, one error line on bad input."""

import json

from alignlab.cli.main import main


def run_json(capsys, *args):
    """``alignlab ARGS --json``: exit 0 and exactly one JSON object on stdout, nothing else."""
    code = main(list(args) + ["--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.count("\n") == 1
    return json.loads(out)


def run_error(capsys, *args):
    """``alignlab ARGS`` on bad input: exit 2, nothing on stdout, one ``alignlab: error:`` line on stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("alignlab: error: ")
    return err


def run_cli(args):
    """``alignlab ARGS`` in this process: (exit status, stdout, stderr)."""
    import contextlib
    import io
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()
