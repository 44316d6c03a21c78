"""The shipped data sets: every one verified, read by name, replaced by a user's folder, refused when corrupted."""

import gzip
import hashlib

import pytest

from alignlab import ParameterError
from alignlab.data import catalogue
from alignlab.horizons import load_runs


@pytest.mark.parametrize("entry", catalogue.CATALOGUE, ids=lambda e: e.name)
def test_every_shipped_data_set_matches_its_published_checksum_and_size(entry):
    data = catalogue.original_bytes(entry.name)
    assert len(data) == entry.bytes
    assert hashlib.sha256(data).hexdigest() == entry.sha256
    assert entry.source_url.startswith("https://") and entry.licence and entry.citation


def test_a_data_set_is_read_by_name():
    runs = load_runs("metr-runs")
    assert runs.source == "metr-runs" and runs.minutes.size == 7063 and len(runs.agents) == 11


def test_a_corrupted_shipped_copy_is_refused_in_one_line(tmp_path, monkeypatch):
    entry = catalogue.get("metr-runs")
    bad = tmp_path / entry.shipped
    original = gzip.decompress(catalogue.shipped_path("metr-runs").read_bytes())
    bad.write_bytes(gzip.compress(original.replace(b'"score_binarized":0', b'"score_binarized":1', 1)))
    monkeypatch.setattr(catalogue, "shipped_path", lambda name: bad)
    with pytest.raises(catalogue.DataError, match="checksum mismatch") as err:
        load_runs("metr-runs")
    assert "\n" not in str(err.value) and isinstance(err.value, ParameterError)
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(catalogue.DataError, match="cannot be read"):
        catalogue.path("metr-runs")


def test_a_users_folder_replaces_the_data_sets_it_holds_and_the_environment_names_one(tmp_path, monkeypatch):
    folder = tmp_path / "agent-runs"
    folder.mkdir()
    (folder / "release_dates.csv").write_text("alias,release_date\no1,2024-12-05\n")
    assert catalogue.path("metr-release-dates", tmp_path) == folder / "release_dates.csv"
    assert catalogue.where("metr-runs", tmp_path) == "shipped"
    monkeypatch.setenv(catalogue.ENVIRONMENT, str(tmp_path))
    assert catalogue.path("metr-release-dates") == folder / "release_dates.csv"
    monkeypatch.setenv(catalogue.ENVIRONMENT, str(tmp_path / "nope"))
    with pytest.raises(ParameterError, match="ALIGNLAB_DATA"):
        catalogue.path("metr-runs")


def test_unknown_names_list_the_shipped_ones():
    with pytest.raises(ParameterError, match="metr-runs"):
        catalogue.get("metr")
