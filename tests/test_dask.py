"""narcometrics.dask.total: the in-memory totals on any partitioning, and partition errors."""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import attrs
import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narcometrics import (
    Eradication,
    EradicationTable,
    Seizure,
    SeizureTable,
    Substance,
    TrainingTable,
    UnknownNameError,
    ValidationError,
)
from narcometrics import dask as nd
from narcometrics.aggregate import Totals, total
from narcometrics.testing import strategies as nst

REGIONS = ["Cusco", "Puno", "Callao", None]


def seizure_frame(rows: int, seed: int, *, strings: bool = False) -> pd.DataFrame:
    """Seeded synthetic seizures (made-up values) with missing regions."""
    rng = np.random.default_rng(seed)
    substances = [s.value for s in Substance]
    frame = pd.DataFrame(
        {
            "date": (np.datetime64("2014-01-01", "D") + rng.integers(0, 5 * 365, rows)).astype(
                "datetime64[s]"
            ),
            "country": pd.Categorical(rng.choice(["BOL", "COL", "PER"], rows)),
            "substance": pd.Categorical(rng.choice(substances, rows), categories=substances),
            "mass_kg": rng.lognormal(2.0, 2.0, rows),
            "region": pd.Categorical(rng.choice(np.array(REGIONS, dtype=object), rows)),
        }
    )
    if strings:  # plain text columns (Dask turns them into Arrow strings)
        frame = frame.astype({"country": object, "substance": object, "region": object})
    return frame


def partitioned(frame: pd.DataFrame, cuts: list[int]) -> dd.DataFrame:
    """``frame`` in partitions starting at the rows ``cuts`` (sorted, within 1..len-1)."""
    whole = dd.from_pandas(frame, npartitions=1, sort=True)
    if len(frame) < 2 or not cuts:
        return whole
    return whole.repartition(divisions=[0, *cuts, len(frame) - 1])


def assert_same_totals(got: Totals, expected: Totals) -> None:
    assert (got.by, got.measure, got.table) == (expected.by, expected.measure, expected.table)
    assert got.keys() == expected.keys()
    np.testing.assert_array_equal(got.counts, expected.counts)
    np.testing.assert_allclose(got.values, expected.values, rtol=1e-12, atol=0)


def with_year(fields: list[str]) -> list[str]:
    """Month and quarter group within a year (alone they are refused)."""
    if "year" in fields or not {"quarter", "month"} & set(fields):
        return fields
    return ["year", *fields]


groupings = st.lists(
    st.sampled_from(["year", "quarter", "month", "country", "substance", "region"]),
    unique=True,
    max_size=3,
).map(with_year)


@st.composite
def partitionings(draw: st.DrawFn) -> tuple[pd.DataFrame, list[int]]:
    rows = draw(st.integers(0, 60))
    frame = seizure_frame(rows, draw(st.integers(0, 2**32 - 1)), strings=draw(st.booleans()))
    cuts = draw(st.lists(st.integers(1, max(1, rows - 1)), max_size=6, unique=True))
    return frame, sorted(c for c in cuts if c < rows - 1)


@settings(max_examples=40)
@given(partitionings(), groupings, st.sampled_from(["mass_kg", "count"]))
def test_dask_totals_equal_in_memory_totals_for_any_partitioning(
    case: tuple[pd.DataFrame, list[int]], by: list[str], measure: str
) -> None:
    frame, cuts = case
    expected = total(SeizureTable.from_frame(frame), measure, by=by)
    ddf = partitioned(frame, cuts)
    assert ddf.npartitions == len(cuts) + 1 or len(frame) < 2
    got = nd.total(ddf, SeizureTable, measure, by=by, scheduler="sync", split_every=3)
    assert_same_totals(got, expected)


@settings(max_examples=20)
@given(
    nst.record_lists(
        st.tuples(
            nst.seizures(countries=["PER", "BOL"], max_mass_kg=1e6),
            st.sampled_from(REGIONS),
        ).map(lambda pair: attrs.evolve(pair[0], region=pair[1])),
        max_size=25,
    ),
    st.integers(1, 5),
    groupings,
)
def test_dask_totals_of_generated_records_equal_in_memory_totals(
    records: list[Seizure], npartitions: int, by: list[str]
) -> None:
    table = SeizureTable.from_records(records)
    frame = table.to_frame("pandas")
    ddf = dd.from_pandas(frame, npartitions=npartitions, sort=False)
    got = nd.total(ddf, Seizure, "mass_kg", by=by, scheduler="sync")
    assert_same_totals(got, total(table, "mass_kg", by=by))


def test_threaded_scheduler_gives_the_in_memory_totals() -> None:
    frame = seizure_frame(5_000, 7)
    ddf = dd.from_pandas(frame, npartitions=9)
    by = ("year", "region", "substance")
    got = nd.total(ddf, SeizureTable, "mass_kg", by=by, scheduler="threads")
    assert_same_totals(got, total(SeizureTable.from_frame(frame), "mass_kg", by=by))
    # Conservation across the two paths: the grand totals agree too.
    assert got.grand_total == pytest.approx(float(frame["mass_kg"].sum()), rel=1e-12)


def test_group_totals_match_a_pandas_groupby() -> None:
    frame = seizure_frame(2_000, 11)
    got = nd.total(dd.from_pandas(frame, npartitions=5), SeizureTable, "mass_kg", by="region")
    sums = frame.groupby("region", observed=True, dropna=False)["mass_kg"].sum()
    expected = {(None if pd.isna(k) else k,): v for k, v in sums.items()}
    assert got.to_dict().keys() == expected.keys()
    for key, value in expected.items():
        assert got.to_dict()[key] == pytest.approx(value, rel=1e-12)


def test_empty_partitions_and_an_empty_frame_give_the_in_memory_totals() -> None:
    frame = seizure_frame(300, 3)
    ddf = dd.from_pandas(frame, npartitions=6)
    heavy = ddf[ddf["mass_kg"] > 50.0]  # some partitions may keep no row
    got = nd.total(heavy, SeizureTable, "count", by="year", scheduler="sync")
    kept = frame[frame["mass_kg"] > 50.0]
    assert_same_totals(got, total(SeizureTable.from_frame(kept), "count", by="year"))
    empty = dd.from_pandas(frame.iloc[:0], npartitions=1)
    got = nd.total(empty, SeizureTable, "mass_kg", by="year", scheduler="sync")
    assert len(got) == 0
    assert got.by == ("year",)


def test_several_lazy_totals_compute_together() -> None:
    frame = seizure_frame(1_000, 5)
    ddf = dd.from_pandas(frame, npartitions=4)
    by_year = nd.delayed_total(ddf, SeizureTable, "mass_kg", by="year")
    by_region = nd.delayed_total(ddf, SeizureTable, "count", by="region")
    year, region = dask.compute(by_year, by_region, scheduler="sync")
    table = SeizureTable.from_frame(frame)
    assert_same_totals(year, total(table, "mass_kg", by="year"))
    assert_same_totals(region, total(table, "count", by="region"))


def test_other_tables_and_record_classes_are_accepted() -> None:
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2017-03-01", "2017-09-12", "2018-01-05"]),
            "country": ["PER", "PER", "COL"],
            "area_ha": [12.5, 3.0, 7.25],
            "method": ["manual", "manual", "aerial"],
        }
    )
    ddf = dd.from_pandas(frame, npartitions=2)
    for kind in (EradicationTable, Eradication):
        got = nd.total(ddf, kind, "area_ha", by=("year", "method"), scheduler="sync")
        assert got.to_dict() == {(2017, "manual"): 15.5, (2018, "aerial"): 7.25}


# ------------------------------------------------------------------------ files


def write_parquet_partitions(frame: pd.DataFrame, folder: Path, parts: int) -> None:
    """One Parquet file per slice, written the way narcometrics writes tables (Arrow)."""
    folder.mkdir(parents=True, exist_ok=True)
    bounds = np.linspace(0, len(frame), parts + 1).astype(int)
    for i, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        table = SeizureTable.from_frame(frame.iloc[lo:hi])
        pq.write_table(table.to_frame("pyarrow"), folder / f"part-{i:03d}.parquet")


def test_parquet_files_give_the_in_memory_totals(tmp_path: Path) -> None:
    frame = seizure_frame(3_000, 13)
    write_parquet_partitions(frame, tmp_path / "seizures", 4)
    expected = total(SeizureTable.from_frame(frame), "mass_kg", by=("year", "region"))
    for data in (
        str(tmp_path / "seizures" / "*.parquet"),
        tmp_path / "seizures",
        sorted((tmp_path / "seizures").glob("*.parquet")),
    ):
        got = nd.total(data, SeizureTable, "mass_kg", by=("year", "region"), scheduler="sync")
        assert_same_totals(got, expected)


def test_a_bad_parquet_row_names_its_partition_and_row(tmp_path: Path) -> None:
    frame = seizure_frame(40, 17)
    frame.loc[33, "mass_kg"] = 0.0  # file 3 holds rows 30..39
    bad = tmp_path / "bad"
    bad.mkdir()
    for i, lo in enumerate(range(0, 40, 10)):
        # Written with pandas: the bad value must reach the table's check unchanged.
        frame.iloc[lo : lo + 10].to_parquet(bad / f"part-{i}.parquet", index=False)
    with pytest.raises(ValidationError) as caught:
        nd.total(bad / "*.parquet", SeizureTable, "mass_kg", scheduler="sync")
    file = bad / "part-3.parquet"
    assert str(caught.value) == f"partition 3, {file}, row 3: mass_kg: must be > 0 (0.0)"


def test_a_bad_row_in_partition_2_names_partition_2_and_its_row() -> None:
    frame = seizure_frame(20, 19)
    frame.loc[13, "mass_kg"] = -4.5
    frame["substance"] = frame["substance"].astype(object)
    frame.loc[14, "substance"] = "sugar"
    ddf = partitioned(frame, [5, 10, 15])  # partition 2 holds rows 10..14
    with pytest.raises(ValidationError) as caught:
        nd.total(ddf, SeizureTable, "mass_kg", by="year", scheduler="sync")
    error = caught.value
    assert [(p.partition, p.row, p.label, p.field) for p in error.problems] == [
        (2, 3, 13, "mass_kg"),
        (2, 4, 14, "substance"),
    ]
    lines = str(error).splitlines()
    assert lines[0] == "partition 2, row 3 (index 13): mass_kg: must be > 0 (-4.5)"
    assert lines[1].startswith("partition 2, row 4 (index 14): substance: must be one of: ")
    assert type(error) is ValidationError
    # The error crosses process boundaries intact (distributed workers pickle it).
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error)
    assert again.problems == error.problems


def test_a_missing_required_column_names_the_partition() -> None:
    frame = seizure_frame(10, 23).drop(columns="country")
    with pytest.raises(ValidationError, match=r"^partition [01]: country: is a required column"):
        nd.total(dd.from_pandas(frame, npartitions=2), SeizureTable, "count", scheduler="sync")


def test_missing_optional_measures_follow_the_in_memory_rule() -> None:
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2017-03-01", "2017-04-01", "2018-01-05", "2018-02-01"]),
            "institution": ["DIRANDRO"] * 4,
            "course": ["Interdiction"] * 4,
            "participants": [20, 18, 25, 30],
            "completed": pd.array([19, None, 25, 28], dtype="Int64"),
        }
    )
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(ValidationError, match=r"^partition 0: completed: is missing in 1 rows"):
        nd.total(ddf, TrainingTable, "completed", scheduler="sync")
    got = nd.total(ddf, TrainingTable, "completed", by="year", missing="skip", scheduler="sync")
    assert got.to_dict() == {(2017,): 19.0, (2018,): 53.0}
    assert got.counts.tolist() == [1, 2]


def test_unknown_names_raise_before_any_data_is_read() -> None:
    ddf = dd.from_pandas(seizure_frame(10, 1), npartitions=2)
    with pytest.raises(UnknownNameError, match="measure: must be one of: count, mass_kg"):
        nd.delayed_total(ddf, SeizureTable, "area_ha")
    with pytest.raises(UnknownNameError, match="by: must be one of: year"):
        nd.delayed_total(ddf, SeizureTable, "mass_kg", by="method")


@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        ("seizures.xlsx", {}, "data: unknown file type"),
        (["a.csv", "b.parquet"], {}, "data: give CSV or Parquet files, not both"),
        ([], {}, "data: no paths given"),
        ([3], {}, "data: must be a Dask dataframe, a path or a sequence of paths, not int"),
        ("no-such-folder/*.csv", {}, "data: matches no file"),
        ("x.parquet", {"split_every": 1}, "split_every: must be an integer >= 2"),
    ],
)
def test_bad_arguments_are_refused(data: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        nd.total(data, SeizureTable, "mass_kg", **kwargs)


def test_a_kind_that_is_not_a_table_is_refused() -> None:
    with pytest.raises(TypeError, match="record_type must be a record or table class"):
        nd.total(dd.from_pandas(seizure_frame(3, 1), npartitions=1), dict, "count")


def test_csv_files_give_the_in_memory_totals_and_located_errors(tmp_path: Path) -> None:
    pytest.importorskip("narcometrics.io", reason="the CSV path reads files with narcometrics.io")
    rows = [
        ("2016-05-02", "PER", "crack", "2.5", "Puno"),
        ("2017-01-09", "PER", "crack", "4.0", ""),
        ("2017-08-01", "BOL", "coca_paste", "1.0", "Puno"),
        ("2018-02-11", "PER", "crack", "0.75", "Cusco"),
    ]
    header = "date,country,substance,mass_kg,region\n"
    for i, part in enumerate((rows[:1], rows[1:3], rows[3:])):
        lines = "".join(",".join(r) + "\n" for r in part)
        (tmp_path / f"s{i}.csv").write_text(header + lines, encoding="utf-8")
    records = [
        Seizure(
            date=dt.date.fromisoformat(d),
            country=c,
            substance=s,
            mass_kg=float(m),
            region=r or None,
        )
        for d, c, s, m, r in rows
    ]
    expected = total(SeizureTable.from_records(records), "mass_kg", by=("year", "region"))
    got = nd.total(tmp_path / "*.csv", Seizure, "mass_kg", by=("year", "region"), scheduler="sync")
    assert_same_totals(got, expected)
    (tmp_path / "s1.csv").write_text(header + "2017-01-09,PER,crack,-4.0,\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"s1\.csv:2:4: mass_kg: must be > 0 \(-4\.0\)"):
        nd.total(str(tmp_path / "*.csv"), Seizure, "mass_kg", scheduler="sync")


def test_importing_narcometrics_needs_no_dask_and_the_extra_is_named() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["dask"] = None  # as if Dask were not installed
        import narcometrics, narcometrics.aggregate, narcometrics.estimate
        assert not any(m == "distributed" or m.startswith("dask.") for m in sys.modules)
        try:
            import narcometrics.dask
        except ImportError as exc:
            print(exc)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert 'pip install "narcometrics[dask]"' in done.stdout


def test_partition_problems_without_a_label_show_the_row_only() -> None:
    problem = nd.PartitionProblem(field="mass_kg", problem="must be > 0", row=4, partition=1)
    assert str(problem) == "partition 1, row 4: mass_kg: must be > 0"
    block = nd.PartitionProblem(field="area_ha[7]", problem="must be >= 0", partition=(2,))
    assert str(block) == "block (2,): area_ha[7]: must be >= 0"


def test_a_null_parquet_date_is_refused_like_in_memory(tmp_path: Path) -> None:
    import pyarrow as pa

    table = pa.table(
        {
            "date": pa.array([dt.date(2017, 1, 2), None, dt.date(2018, 5, 6)], pa.date32()),
            "country": ["PER", "PER", "BOL"],
            "substance": ["crack", "crack", "crack"],
            "mass_kg": [1.0, 2.0, 3.0],
        }
    )
    pq.write_table(table, tmp_path / "dates.parquet")
    with pytest.raises(ValidationError) as in_memory:
        SeizureTable.from_frame(table)
    with pytest.raises(ValidationError) as caught:
        nd.total(tmp_path / "dates.parquet", SeizureTable, "count", scheduler="sync")
    assert str(caught.value) == f"partition 0, {tmp_path / 'dates.parquet'}, {in_memory.value}"
    assert str(in_memory.value) == "row 1: date: is required (None)"


def test_columns_that_are_not_fields_are_refused_unless_ignored() -> None:
    frame = seizure_frame(40, seed=3).assign(purty=0.5)
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(ValidationError, match="purty: is not a field of the record"):
        nd.total(ddf, SeizureTable, "mass_kg", scheduler="sync")
    got = nd.total(ddf, SeizureTable, "mass_kg", scheduler="sync", extra="ignore")
    assert_same_totals(got, total(SeizureTable.from_frame(frame, extra="ignore"), "mass_kg"))


def test_a_truncated_or_missing_parquet_file_names_its_partition_and_file(tmp_path: Path) -> None:
    frame = seizure_frame(300, 23)
    write_parquet_partitions(frame, tmp_path / "s", 3)
    files = sorted((tmp_path / "s").glob("*.parquet"))
    raw = files[1].read_bytes()
    files[1].write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValidationError) as caught:
        nd.total(tmp_path / "s", SeizureTable, "mass_kg", scheduler="sync")
    assert type(caught.value) is ValidationError
    assert str(caught.value).startswith(
        f"partition 1, {files[1]}: file: not a readable Parquet file: "
    )
    missing = tmp_path / "s" / "missing.parquet"
    with pytest.raises(ValidationError, match=r"^partition 1, .*missing\.parquet: file: not a"):
        nd.total([files[0], missing], SeizureTable, "mass_kg", scheduler="sync")


def test_a_corrupted_parquet_page_is_refused_when_computed(tmp_path: Path) -> None:
    from narcometrics.io import write_parquet

    frame = seizure_frame(200, 29)
    (tmp_path / "s").mkdir()
    write_parquet(tmp_path / "s" / "a.parquet", SeizureTable.from_frame(frame.iloc[:100]))
    bad = tmp_path / "s" / "b.parquet"
    write_parquet(bad, SeizureTable.from_frame(frame.iloc[100:]))
    column = pq.ParquetFile(bad).metadata.row_group(0).column(3)  # mass_kg
    data = bytearray(bad.read_bytes())
    data[column.data_page_offset + column.total_compressed_size - 5] ^= 0x55
    bad.write_bytes(bytes(data))
    with pytest.raises(
        ValidationError,
        match=rf"^partition 1, {re.escape(str(bad))}: file: not a readable Parquet file",
    ):
        nd.total(tmp_path / "s", SeizureTable, "mass_kg", scheduler="sync")
