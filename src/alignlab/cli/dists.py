"""``alignlab dists list``: the one distribution language, every family with its parameters and tails."""

from __future__ import annotations

from alignlab.cli.common import Parser, add_json, emit


def register(sub) -> None:
    top = sub.add_parser("dists", help="the distribution language: families, parameters, tails",
                         description="Every command that takes a distribution reads the same spec language: "
                                     "scipy's family names and parameters, e.g. 't(df=3)', 'lognorm(s=1, loc=1)', "
                                     "'pareto(b=0.5)'. A name means one law everywhere.")
    cmds = top.add_subparsers(dest="dists_command", metavar="COMMAND", parser_class=Parser)
    cmds.required = True
    p = cmds.add_parser("list", help="every family: parameters, support, tail class, which commands accept it")
    add_json(p)
    p.set_defaults(handler=list_families)


def list_families(args) -> None:
    from alignlab.dists.roles import catalog
    from alignlab.systems import systems
    families = catalog({flag: role for system in systems() for flag, role in system.distributions})
    emit(args, {"families": [f.to_json() for f in families]}, _render)


def _render(console, payload) -> None:
    from rich.table import Table
    table = Table(title="distribution families (scipy names; X = loc + scale * Z)", title_justify="left",
                  show_lines=True)
    for column in ("family", "parameters", "support of Z", "right tail", "accepted by"):
        table.add_column(column)
    for f in payload["families"]:
        name = f["name"] + (f" ({', '.join(f['aliases'])})" if f["aliases"] else "")
        table.add_row(f"{name}\n{f['formula']}", "\n".join(f["parameters"]), f["support"], f["tail"],
                      "\n".join(f["accepted_by"]))
    console.print(table)
