"""The shipped data sets are declared as package data, credited in NOTICE and named in the README."""

import fnmatch
import tomllib
from pathlib import Path

from alignlab.data import catalogue

ROOT = Path(__file__).resolve().parents[2]
FILES = ROOT / "src" / "alignlab" / "data" / "files"


def test_package_data_covers_every_catalogue_entry_and_nothing_else_ships():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["alignlab.data"]
    for entry in catalogue.CATALOGUE:
        assert (FILES / entry.shipped).is_file(), entry.shipped
        assert any(fnmatch.fnmatch(f"files/{entry.shipped}", p) for p in patterns), f"{entry.shipped} is not declared"
    assert sorted(p.name for p in FILES.iterdir()) == sorted(e.shipped for e in catalogue.CATALOGUE)


def test_notice_credits_every_data_set_with_source_licence_citation_and_checksum():
    notice = " ".join((ROOT / "NOTICE").read_text().split())     # wrapped lines joined
    for entry in catalogue.CATALOGUE:
        for fact in (entry.name, entry.file, entry.source_url, entry.licence, entry.citation, entry.sha256):
            assert fact in notice, (entry.name, fact)


def test_the_readme_names_every_data_set():
    readme = (ROOT / "README.md").read_text()
    assert all(f"`{entry.name}`" in readme for entry in catalogue.CATALOGUE)
