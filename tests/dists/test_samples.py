"""Reading samples, the one reader of number files: every format, and every bad input named with its file
(and line, for text)."""

import numpy as np
import pytest

from alignlab._validate import ParameterError
from alignlab.dists import EmpiricalSamples, load_samples
from alignlab.tails.sample_checks import as_sample


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reads_npy_csv_txt_and_parquet(tmp_path):
    values = np.arange(1.0, 21.0)
    np.save(tmp_path / "a.npy", values)
    write(tmp_path, "b.txt", "\n".join(str(v) for v in values))
    write(tmp_path, "c.csv", "reward,length\n" + "\n".join(f"{v},{i}" for i, v in enumerate(values)))
    import pyarrow as pa
    import pyarrow.parquet as pq
    pq.write_table(pa.table({"reward": values}), tmp_path / "d.parquet")
    assert np.array_equal(load_samples(tmp_path / "a.npy").values, values)
    assert np.array_equal(load_samples(tmp_path / "b.txt").values, values)
    assert np.array_equal(load_samples(tmp_path / "c.csv", column="reward").values, values)
    assert np.array_equal(load_samples(tmp_path / "d.parquet").values, values)


def test_missing_and_unreadable_files_are_named(tmp_path):
    with pytest.raises(ParameterError, match="no such file") as err:
        load_samples(tmp_path / "nope.npy")
    assert err.value.param.endswith("nope.npy")
    (tmp_path / "bad.npy").write_bytes(b"not an npy file at all")
    with pytest.raises(ParameterError, match="cannot read file as .npy") as err:
        load_samples(tmp_path / "bad.npy")
    assert err.value.param.endswith("bad.npy")
    (tmp_path / "bad.parquet").write_bytes(b"garbage")
    with pytest.raises(ParameterError, match="cannot read file as parquet"):
        load_samples(tmp_path / "bad.parquet")
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(ParameterError, match="cannot read file as text"):
        load_samples(tmp_path / "bin.txt")
    with pytest.raises(ParameterError, match="unknown file type '.xlsx'"):
        load_samples(write(tmp_path, "x.xlsx", "1"))


def test_non_numeric_value_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, "r.txt", "1.0\n2.0\n# a comment\n3.0\nabc\n5.0\n" + "\n".join(["6"] * 20))
    with pytest.raises(ParameterError) as err:
        load_samples(path)
    assert str(err.value) == f"{path}: line 5: 'abc' is not a number"


def test_nan_and_inf_are_counted_and_dropped_only_on_request(tmp_path):
    lines = [f"{float(i)},{i}" for i in range(1, 21)]
    lines[3], lines[7], lines[11] = "nan,4", "inf,8", ",12"          # the last one has an empty field
    path = write(tmp_path, "r.csv", "reward,length\n" + "\n".join(lines))
    with pytest.raises(ParameterError) as err:
        load_samples(path, column="reward")
    text = str(err.value)
    assert "2 NaN or missing and 1 infinite" in text and "line 5, 9, 13" in text and "drop_nonfinite=True" in text
    loaded = load_samples(path, column="reward", drop_nonfinite=True)
    assert loaded.dropped == 3 and loaded.values.size == 17
    np.save(tmp_path / "n.npy", np.array([1.0, np.inf] + list(range(2, 30))))
    with pytest.raises(ParameterError, match="1 infinite values \\(index 1\\)"):
        load_samples(tmp_path / "n.npy")


def test_too_few_values_and_constant_data_are_refused_by_the_tail_checks(tmp_path):
    with pytest.raises(ParameterError, match="at least 10 values for a tail \\(got 4\\)"):
        as_sample(load_samples(write(tmp_path, "few.txt", "1\n2\n3\n4\n")).values)
    with pytest.raises(ParameterError, match="all 30 values equal 2.5: constant data has no tail"):
        as_sample(load_samples(write(tmp_path, "const.txt", "2.5\n" * 30)).values)


def test_empty_boolean_and_complex_files_are_refused(tmp_path):
    np.save(tmp_path / "empty.npy", np.zeros(0))
    with pytest.raises(ParameterError, match="holds no values"):
        load_samples(tmp_path / "empty.npy")
    np.save(tmp_path / "bool.npy", np.array([True, False] * 10))
    with pytest.raises(ParameterError, match="True/False values: samples must be numbers \\(got dtype bool\\)"):
        load_samples(tmp_path / "bool.npy")
    np.save(tmp_path / "complex.npy", np.arange(20) + 1j)
    with pytest.raises(ParameterError, match="real numbers \\(got dtype complex128\\)"):
        load_samples(tmp_path / "complex.npy")
    with pytest.raises(ParameterError, match="holds no values"):
        load_samples(write(tmp_path, "blank.txt", "# only a comment\n\n"))


def test_empirical_samples_draw_from_the_values_read(tmp_path):
    np.save(tmp_path / "x.npy", np.array([1.0, 2.0, 3.0]))
    s = EmpiricalSamples.read(write(tmp_path, "x.txt", "# rewards\n1\n2\n3\n4.5\n"))
    assert s.values.tolist() == [1.0, 2.0, 3.0, 4.5] and s.mean == 2.625
    assert set(s.rvs(1000, np.random.default_rng(0))) <= {1.0, 2.0, 3.0, 4.5}
    assert EmpiricalSamples.read(tmp_path / "x.npy").values.tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("content, words", [("1\n2\nabc\n", "not a number"), ("5\n", "at least 2"),
                                            ("1\nnan\n2\n", "NaN")])
def test_bad_sample_files_give_one_clear_error_naming_the_parameter(tmp_path, content, words):
    with pytest.raises(ParameterError, match=words) as err:
        EmpiricalSamples.read(write(tmp_path, "bad.txt", content), param="error-samples")
    assert err.value.param == "error-samples"
    with pytest.raises(ParameterError, match=words) as err:
        EmpiricalSamples.read(tmp_path / "bad.txt")
    assert err.value.param == str(tmp_path / "bad.txt")             # by default, errors name the file
    with pytest.raises(ParameterError, match="no such file"):
        EmpiricalSamples.read(tmp_path / "missing.npy")
    with pytest.raises(ParameterError):
        EmpiricalSamples([1.0])


def test_several_columns_need_a_column_name(tmp_path):
    path = write(tmp_path, "t.csv", "a,b\n" + "\n".join(f"{i},{i * 2}" for i in range(1, 30)))
    with pytest.raises(ParameterError, match="has 2 columns \\(a, b\\); choose one with column='NAME'"):
        load_samples(path)
    with pytest.raises(ParameterError, match="has no column 'c' \\(columns: a, b\\)"):
        load_samples(path, column="c")
    assert load_samples(path, column="b").values[-1] == 58.0
    with pytest.raises(ParameterError, match="no header line"):
        load_samples(write(tmp_path, "h.txt", "\n".join(["1 2"] * 30)), column="a")
    with pytest.raises(ParameterError, match="line 3: has 1 fields"):
        load_samples(write(tmp_path, "short.csv", "a,b\n1,2\n3\n" + "4,5\n" * 20), column="b")


def test_npy_shapes_and_types(tmp_path):
    np.save(tmp_path / "2d.npy", np.ones((10, 3)))
    with pytest.raises(ParameterError, match="one column of numbers \\(got shape \\(10, 3\\)\\)"):
        load_samples(tmp_path / "2d.npy")
    np.save(tmp_path / "col.npy", np.arange(1.0, 31.0)[:, None])
    assert load_samples(tmp_path / "col.npy").values.shape == (30,)
    np.save(tmp_path / "s.npy", np.array(["a", "b"] * 10))
    with pytest.raises(ParameterError, match="must hold real numbers"):
        load_samples(tmp_path / "s.npy")
    rec = np.zeros(20, dtype=[("reward", float), ("id", int)])
    rec["reward"] = np.arange(20.0)
    np.save(tmp_path / "rec.npy", rec)
    with pytest.raises(ParameterError, match="has fields reward, id"):
        load_samples(tmp_path / "rec.npy")
    assert load_samples(tmp_path / "rec.npy", column="reward").values[-1] == 19.0


def test_parquet_columns_and_nulls(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    pq.write_table(pa.table({"r": [1.0, None] + [float(i) for i in range(2, 30)], "s": ["x"] * 30}),
                   tmp_path / "p.parquet")
    with pytest.raises(ParameterError, match="has 2 columns"):
        load_samples(tmp_path / "p.parquet")
    with pytest.raises(ParameterError, match="column 's' must hold numbers"):
        load_samples(tmp_path / "p.parquet", column="s")
    with pytest.raises(ParameterError, match="1 NaN or missing"):
        load_samples(tmp_path / "p.parquet", column="r")
    assert load_samples(tmp_path / "p.parquet", column="r", drop_nonfinite=True).dropped == 1


# -- samples in memory: arrays, pandas Series and DataFrames -----------------------------------------------
def test_arrays_series_and_dataframe_columns_read_the_same_numbers():
    pd = pytest.importorskip("pandas")
    values = np.linspace(1.0, 2.0, 30)
    frame = pd.DataFrame({"reward": values, "length": np.arange(30)})
    for data, column, source in ((values, None, "array"), (list(values), None, "array"),
                                 (pd.Series(values, name="r"), None, "Series 'r'"),
                                 (frame, "reward", "DataFrame column 'reward'"),
                                 (frame[["reward"]], None, "DataFrame column 'reward'")):
        samples = load_samples(data, column=column)
        assert np.array_equal(samples.values, values) and samples.source == source
    assert samples.to_pandas()["value"].tolist() == list(values)            # one row per value
    with pytest.raises(ParameterError, match="2 columns \\(reward, length\\); choose one with column='NAME'") as err:
        load_samples(frame)
    assert err.value.param == "samples"
    with pytest.raises(ParameterError, match="no column 'x' \\(columns: reward, length\\)"):
        load_samples(frame, column="x")
    with pytest.raises(ParameterError, match="a Series, which has no columns"):
        load_samples(frame["reward"], column="reward")


def test_bool_columns_are_not_numbers_but_nullable_columns_are():
    pd = pytest.importorskip("pandas")
    for flags in (pd.Series([True, False] * 10), pd.Series([True, None] * 10, dtype="boolean"),
                  np.array([True, False] * 10)):
        with pytest.raises(ParameterError, match="True/False values: samples must be numbers"):
            load_samples(flags)
    nullable = pd.Series([1.5, None, 2.5] * 5, dtype="Float64")
    with pytest.raises(ParameterError, match="5 NaN or missing and 0 infinite values .*drop_nonfinite=True"):
        load_samples(nullable)
    kept = load_samples(nullable, drop_nonfinite=True)
    assert kept.dropped == 5 and kept.values.tolist() == [1.5, 2.5] * 5
    whole = load_samples(pd.Series([1, None, 3] * 5, dtype="Int64"), drop_nonfinite=True)
    assert whole.values.dtype == float and whole.values.tolist() == [1.0, 3.0] * 5
    with pytest.raises(ParameterError, match="the Series must hold real numbers \\(got dtype "):
        load_samples(pd.Series(["a", "b"]))


def test_an_empty_npy_file_is_named_not_an_internal_error(tmp_path):
    (tmp_path / "zero.npy").write_bytes(b"")
    with pytest.raises(ParameterError, match="cannot read file as .npy") as err:
        load_samples(tmp_path / "zero.npy")
    assert err.value.param == str(tmp_path / "zero.npy")
