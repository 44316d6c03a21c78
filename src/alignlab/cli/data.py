"""``alignlab data``: the data sets shipped with alignlab, what they are, where a command reads them from.

``data list`` is the catalogue (:mod:`alignlab.data.catalogue`): source, licence, citation, SHA-256;
``data path NAME`` prints the file a command reads for NAME (the shipped copy checked against its
checksum, or the user's own from ``--data DIR`` / ``$ALIGNLAB_DATA``); ``data export NAME --out FILE``
writes the shipped data set as published (uncompressed, verified).
"""

from __future__ import annotations

from alignlab.cli.common import Parser, add_data, add_json, command, emit, key_value_table


def register(sub) -> None:
    top = sub.add_parser("data", help="the shipped data sets: sources, licences, checksums, where they are read from",
                         description="Data sets shipped with alignlab (METR's agent runs and published horizons, "
                                     "the Starling reward samples). Every command that reads a data file also takes "
                                     "a data set's name. Where a name is read from, first match wins: --data DIR, "
                                     "then $ALIGNLAB_DATA, then the shipped copy (checked against its SHA-256).")
    cmds = top.add_subparsers(dest="data_command", metavar="COMMAND", parser_class=Parser)
    cmds.required = True

    p = command(cmds, "list", help="every shipped data set: description, size, source, licence, citation, sha256",
                description="The catalogue of shipped data sets: what each holds, its source, licence and "
                            "citation, its SHA-256 and size as published, and where a command reads it from.",
                examples=("alignlab data list", "alignlab data list --json"), handler=list_data)
    add_data(p)
    add_json(p)

    p = command(cmds, "path", help="the file a command reads for a data set (the shipped copy verified)",
                description="The file a command reads for NAME: the user's own from --data DIR or $ALIGNLAB_DATA "
                            "when that folder holds it, else the shipped copy, checked against its SHA-256 first.",
                examples=("alignlab data path metr-runs", "alignlab data path starling-llama --json"),
                handler=show_path)
    p.add_argument("name", metavar="NAME", help="a shipped data set (alignlab data list)")
    add_data(p)
    add_json(p)

    p = command(cmds, "export", help="write a shipped data set as published (uncompressed, verified)",
                description="Write the shipped copy of NAME as published (METR's runs decompressed), after "
                            "checking its SHA-256; the output folder is checked before anything is read.",
                examples=("alignlab data export metr-release-dates --out release_dates.csv",
                          "alignlab data export metr-runs --out metr_runs.jsonl --json"), handler=export)
    p.add_argument("name", metavar="NAME", help="a shipped data set (alignlab data list)")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="file to write, with the data set's own extension (.jsonl, .csv, .npy), in an existing folder")
    add_json(p)


def list_data(args) -> None:
    from alignlab.data.catalogue import CATALOGUE, where
    emit(args, {"datasets": [{**entry.to_json(), "read_from": where(entry.name)} for entry in CATALOGUE]},
         _render_list)


def show_path(args) -> None:
    from alignlab.data.catalogue import get, path, where
    entry = get(args.name, "name")
    file = path(entry.name)                          # verifies the shipped copy
    emit(args, {"name": entry.name, "path": str(file), "read_from": where(entry.name)},
         lambda console, d: console.print(d["path"], markup=False, highlight=False, soft_wrap=True))


def export(args) -> None:
    from pathlib import Path

    from alignlab import _validate as v
    from alignlab.data.catalogue import get, shipped_bytes
    entry = get(args.name, "name")
    out = v.output_file("out", args.out, (Path(entry.file).suffix,))      # before reading anything
    data = shipped_bytes(entry.name)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    emit(args, {"name": entry.name, "out": str(out), "bytes": len(data), "sha256": entry.sha256},
         lambda console, d: console.print(f"wrote {d['bytes']:,} bytes of {d['name']} to {d['out']} "
                                          f"(sha256 {d['sha256']})", markup=False, highlight=False))


def _render_list(console, payload) -> None:
    for d in payload["datasets"]:
        console.print(key_value_table(d["name"], {
            "what": f"{d['description']}; {d['shape']}", "source": d["source_url"], "licence": d["licence"],
            "citation": d["citation"], "sha256": f"{d['sha256']} ({d['bytes']:,} bytes)", "read from": d["read_from"]}))
