"""``alignlab dists list``: the one distribution language, every family with its parameters and tails."""

from __future__ import annotations

from alignlab.cli.common import Parser, add_json, command, emit, table


def register(sub) -> None:
    top = sub.add_parser("dists", help="the distribution language: families, parameters, tails",
                         description="Every command that takes a distribution reads the same spec language: "
                                     "scipy's family names and parameters, e.g. 't(df=3)', 'lognorm(s=1, loc=1)', "
                                     "'pareto(b=0.5)'. A name means one law everywhere.")
    cmds = top.add_subparsers(dest="dists_command", metavar="COMMAND", parser_class=Parser)
    cmds.required = True
    p = command(cmds, "list", help="every family: parameters, support, tail class, which commands accept it",
                description="Every distribution family of the spec language, with scipy's name and parameters, "
                            "its support, the class of its right tail (light, subexponential, regularly varying "
                            "with its index, super-heavy) and the flags that accept it.",
                examples=("alignlab dists list", "alignlab dists list --json"), handler=list_families)
    add_json(p)


def list_families(args) -> None:
    from alignlab.dists.roles import catalog
    from alignlab.systems import systems
    families = catalog({flag: role for system in systems() for flag, role in system.distributions})
    emit(args, {"families": [f.to_json() for f in families]}, _render)


def _render(console, payload) -> None:
    out = table("distribution families (scipy names; X = loc + scale * Z)",
                ("family", "parameters", "support of Z", "right tail", "accepted by"), show_lines=True)
    for f in payload["families"]:
        name = f["name"] + (f" ({', '.join(f['aliases'])})" if f["aliases"] else "")
        out.add_row(f"{name}\n{f['formula']}", "\n".join(f["parameters"]), f["support"], f["tail"],
                    "\n".join(f["accepted_by"]))
    console.print(out)
