"""Run alignlab commands as installed without its optional extras (``pip install alignlab``).

``python tests/without_extras.py '["steps", "describe", ...]' ...``: each argument is one command line
(a JSON list), run in this process with every package of an extra (:data:`alignlab._extras.MODULES`)
refused by an import hook, as if not installed. Prints one JSON line per command: argv,
exit status, stdout, stderr. Worker processes (spawned: they import this file again) refuse them too.
"""

import contextlib
import io
import json
import sys
from importlib.abc import MetaPathFinder

from alignlab._extras import MODULES

BLOCKED = frozenset(MODULES)


class NotInstalled(MetaPathFinder):
    """Refuses the blocked packages and their submodules as an absent package would be refused."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())


def run(argv: list[str]) -> dict:
    from alignlab.cli.main import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    loaded = sorted(m for m in sys.modules if m.partition(".")[0] in BLOCKED)
    return {"argv": argv, "code": code, "out": out.getvalue(), "err": err.getvalue(), "loaded": loaded}


if __name__ == "__main__":
    for line in sys.argv[1:]:
        print(json.dumps(run(json.loads(line))), flush=True)
