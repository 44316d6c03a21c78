"""`alignlab dists list`: every family once, with its parameters, tail and the flags that accept it."""

from cli.clirun import run_json

from alignlab.dists.families import FAMILY_NAMES
from alignlab.dists.roles import catalog


def test_catalog_lists_every_family_once_with_the_flags_that_accept_it():
    flags = {"steps --approach": "approach", "goodhart --error": "error", "goodhart --utility": "utility"}
    by_name = {f.name: f for f in catalog(flags)}
    assert sorted(by_name) == sorted(FAMILY_NAMES)
    assert by_name["pareto"].accepted_by == ("steps --approach", "goodhart --error", "goodhart --utility")
    assert by_name["pareto"].tail_shape == "b" and by_name["pareto"].parameters[0] == "b > 0"
    assert "steps --approach" not in by_name["norm"].accepted_by         # negative values: not a time
    assert "goodhart --utility" not in by_name["cauchy"].accepted_by      # no finite mean
    assert by_name["logcauchy"].tail == "super-heavy"


def test_dists_list_json_names_the_registered_systems_flags(capsys):
    families = run_json(capsys, "dists", "list")["families"]
    pareto = next(f for f in families if f["name"] == "pareto")
    assert "steps --approach" in pareto["accepted_by"] and "sweep goodhart-bon --error" in pareto["accepted_by"]
    assert {"name", "aliases", "parameters", "formula", "support", "tail", "tail_shape", "accepted_by"} <= set(pareto)
