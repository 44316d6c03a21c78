"""Every result prints one short line and converts to a tidy table."""

from dataclasses import dataclass

import numpy as np

from alignlab._results import REPR_CHARACTERS, Result, tidy_rows


@dataclass(frozen=True)
class _Curve(Result):
    name: str
    n: tuple[float, ...]
    success: tuple[float, ...]
    settings: dict


@dataclass(frozen=True)
class _Many(Result):
    label: str
    items: tuple[_Curve, ...]


def test_repr_is_one_short_line_however_much_the_result_holds():
    big = _Curve("c", tuple(np.linspace(0, 1, 100_000)), tuple(np.zeros(100_000)), {"a": 1.0})
    text = repr(_Many("x", (big,) * 5))
    assert len(text) <= REPR_CHARACTERS and "\n" not in text and text.startswith("_Many(")
    assert repr(_Curve("c", (1.0,), (0.5,), {"a": 1 / 3})) == "_Curve(name='c', n=(1), success=(0.5), settings={'a': 0.333333})"


def test_equal_length_lists_become_rows_and_other_fields_repeat():
    table = _Curve("c", (1.0, 2.0, 4.0), (0.9, 0.8, 0.6), {"budget": 10.0}).to_pandas()
    assert list(table.columns) == ["name", "settings.budget", "n", "success"]
    assert table["n"].tolist() == [1.0, 2.0, 4.0] and (table["settings.budget"] == 10.0).all()


def test_one_list_of_records_becomes_rows():
    many = _Many("x", (_Curve("a", (1.0,), (0.5,), {}), _Curve("b", (2.0,), (0.25,), {})))
    rows = tidy_rows(many.to_json())
    assert [(r["label"], r["name"]) for r in rows] == [("x", "a"), ("x", "b")]


def test_notebooks_see_a_table():
    html = _Curve("c", (1.0, 2.0), (0.9, float("nan")), {}).to_pandas()
    assert html.shape == (2, 4)
    assert "<table" in _Curve("c", (1.0,), (0.9,), {})._repr_html_()
