"""Columnar tables: building, round trips through records, columns and dataframes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

import narcometrics
from narcometrics import (
    Eradication,
    EradicationTable,
    Operation,
    OperationTable,
    Seizure,
    SeizureTable,
    Substance,
    TrainingOutcome,
    TrainingTable,
    ValidationError,
)
from narcometrics.tables import Categorical, Ragged, Table, concat
from narcometrics.testing import strategies as nst

STRATEGIES: dict[type[Table[Any]], st.SearchStrategy[Any]] = {
    SeizureTable: nst.seizures(),
    EradicationTable: nst.eradications(),
    OperationTable: nst.operations(),
    TrainingTable: nst.training_outcomes(max_participants=40),
}
RECORD_OF = {
    SeizureTable: Seizure,
    EradicationTable: Eradication,
    OperationTable: Operation,
    TrainingTable: TrainingOutcome,
}
BACKENDS = ("pandas", "polars", "pyarrow")
D = dt.date(2017, 6, 30)


def seizure(**changes: Any) -> Seizure:
    fields: dict[str, Any] = {
        "date": D,
        "country": "PER",
        "substance": "cocaine_hcl",
        "mass_kg": 1.0,
    }
    return Seizure(**{**fields, **changes})


def tables_and_records(cls: type[Table[Any]]) -> st.SearchStrategy[tuple[Any, list[Any]]]:
    return nst.record_lists(STRATEGIES[cls], max_size=6).map(lambda rs: (cls.from_records(rs), rs))


@pytest.mark.parametrize("cls", list(STRATEGIES))
def test_table_types_are_exported_at_top_level(cls: type[Table[Any]]) -> None:
    assert getattr(narcometrics, cls.__name__) is cls
    assert cls.record_type is RECORD_OF[cls]


@pytest.mark.parametrize("cls", list(STRATEGIES))
@given(data=st.data())
def test_records_round_trip_through_iteration_indexing_and_columns(
    cls: type[Table[Any]], data: st.DataObject
) -> None:
    table, records = data.draw(tables_and_records(cls))
    assert len(table) == len(records)
    assert list(table) == records
    assert table.to_records() == records
    if records:
        i = data.draw(st.integers(-len(records), len(records) - 1))
        assert table[i] == records[i]
    assert cls.from_columns(**table.to_columns()) == table


@pytest.mark.parametrize("cls", list(STRATEGIES))
@given(data=st.data())
def test_records_round_trip_through_every_dataframe_backend(
    cls: type[Table[Any]], data: st.DataObject
) -> None:
    table, records = data.draw(tables_and_records(cls))
    backend = data.draw(st.sampled_from(BACKENDS))
    back = cls.from_frame(table.to_frame(backend))
    assert back == table
    assert list(back) == records


@pytest.mark.parametrize("cls", list(STRATEGIES))
@given(data=st.data())
def test_concatenation_keeps_every_record_in_order(
    cls: type[Table[Any]], data: st.DataObject
) -> None:
    a, ra = data.draw(tables_and_records(cls))
    b, rb = data.draw(tables_and_records(cls))
    assert list(cls.concat([a, b], duplicates="allow")) == ra + rb
    assert list(cls.concat([a, b, a], duplicates="allow")) == ra + rb + ra
    ids_a = {r.id for r in ra if r.id is not None}
    if not ids_a & {r.id for r in rb if r.id is not None}:
        assert list(a + b) == ra + rb
        assert cls.concat([a, b]) == a + b
    if ids_a:  # the same records twice: refused unless allowed
        with pytest.raises(ValidationError, match="occur in more than one record"):
            concat([a, a])


@given(data=st.data())
def test_selecting_rows_by_slice_mask_or_index_array_gives_those_records(
    data: st.DataObject,
) -> None:
    table, records = data.draw(tables_and_records(TrainingTable))
    n = len(records)
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    assert list(table[mask]) == [r for r, m in zip(records, mask, strict=True) if m]
    rows = (  # each row at most once: a row taken twice repeats its id
        data.draw(st.lists(st.integers(-n, n - 1), max_size=8, unique_by=lambda i: i % n))
        if n
        else []
    )
    assert list(table[np.array(rows, dtype=np.intp)]) == [records[i] for i in rows]
    assert list(table[1::2]) == records[1::2]
    assert list(table[::-1]) == records[::-1]


def test_index_out_of_range_raises_index_error() -> None:
    table = SeizureTable.from_records([seizure()])
    with pytest.raises(IndexError):
        table[1]
    with pytest.raises(IndexError):
        table[np.array([0, 3])]
    with pytest.raises(IndexError):
        table[np.array([True, False])]


def test_tables_from_different_label_sets_concatenate_by_label() -> None:
    a = SeizureTable.from_records([seizure(region="Cusco"), seizure(region="Puno")])
    b = SeizureTable.from_records([seizure(region="Puno"), seizure(region=None)])
    c = SeizureTable.from_records([seizure(region="Lima")])
    assert a.region.labels.tolist() == ["Cusco", "Puno"]
    assert b.region.labels.tolist() == ["Puno"]  # codes differ between a and b
    joined = concat([a, b, c])
    assert joined.region.to_list() == ["Cusco", "Puno", "Puno", None, "Lima"]
    assert joined.region.codes.tolist() == [0, 1, 1, -1, 2]


def test_equality_compares_values_not_codes() -> None:
    records = [seizure(region="Puno"), seizure(region="Cusco")]
    forward = SeizureTable.from_records(records)
    by_column = SeizureTable.from_columns(
        date=[D, D],
        country=["PER", "PER"],
        substance=["cocaine_hcl", "cocaine_hcl"],
        mass_kg=[1.0, 1.0],
        region=Categorical([1, 0], ["Cusco", "Puno"]),
    )
    assert forward.region.codes.tolist() != by_column.region.codes.tolist()
    assert forward == by_column
    assert forward != SeizureTable.from_records(records[::-1])
    assert forward != EradicationTable.from_records([])


def test_columns_have_the_documented_storage() -> None:
    table = SeizureTable.from_records(
        [seizure(purity=0.5, region="Puno"), seizure(substance="crack", mass_kg=2.0)]
    )
    assert table.date.dtype == np.dtype("datetime64[D]")
    assert table.mass_kg.dtype == np.float64
    assert np.isnan(table.purity[1])
    assert table.substance.labels.tolist() == [s.value for s in Substance]
    assert table.substance.codes.tolist() == [3, 4]
    assert table.region.codes.tolist() == [0, -1]
    assert table.substance.codes.dtype == np.int8
    training = TrainingTable.from_records(
        [
            TrainingOutcome(date=D, institution="DIRANDRO", course="c", participants=3),
            TrainingOutcome(
                date=D, institution="DIRANDRO", course="c", participants=2, completed=2,
                participant_ids=("p1", "p2"), pre_scores=(1.0,), post_scores=(2.0,),
                max_score=10.0,
            ),
        ]
    )  # fmt: skip
    assert isinstance(training.completed, np.ma.MaskedArray)
    assert training.completed.mask.tolist() == [True, False]
    assert training.participant_ids.lengths.tolist() == [0, 2]
    assert training.pre_scores[1] == (1.0,)


def test_arrays_are_read_only() -> None:
    table = SeizureTable.from_records([seizure()])
    with pytest.raises(ValueError, match="read-only"):
        table.mass_kg[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        table.country.codes[0] = 1


def test_from_columns_copies_its_input() -> None:
    mass = np.array([1.0, 2.0])
    table = SeizureTable.from_columns(
        date=np.array([D, D], dtype="datetime64[D]"),
        country=np.array(["PER", "BOL"]),
        substance=["crack", "crack"],
        mass_kg=mass,
    )
    mass[0] = -1.0
    assert table.mass_kg.tolist() == [1.0, 2.0]


def test_optional_counts_take_masked_arrays_and_give_nullable_integers() -> None:
    completed = np.ma.MaskedArray([5, 0], mask=[False, True])
    table = TrainingTable.from_columns(
        date=[D, D], institution=["A", "B"], course=["x", "y"], participants=[5, 5],
        completed=completed,
    )  # fmt: skip
    assert [r.completed for r in table] == [5, None]
    frame = table.to_frame("pandas")
    assert str(frame["completed"].dtype) == "Int64"
    assert frame["completed"].isna().tolist() == [False, True]


def test_from_frame_refuses_columns_that_are_not_fields_unless_told_to_ignore_them() -> None:
    frame = pd.DataFrame(
        {"date": [D], "country": ["PER"], "substance": ["crack"], "mass_kg": [1.0], "purty": [0.5]}
    )
    with pytest.raises(ValidationError, match="purty: is not a field of the record"):
        SeizureTable.from_frame(frame)
    assert list(SeizureTable.from_frame(frame, extra="ignore")) == [seizure(substance="crack")]
    with pytest.raises(ValidationError, match="extra"):
        SeizureTable.from_frame(frame, extra="drop")  # type: ignore[arg-type]


def test_from_frame_reads_categorical_enum_and_dictionary_columns() -> None:
    expected = [seizure(region="Puno"), seizure(region=None, substance="crack")]
    order = ["crack", "cocaine_hcl"]  # not the enum's order: codes are remapped
    pandas = pd.DataFrame(
        {
            "date": pd.Series([D, D], dtype="datetime64[s]"),
            "country": pd.Categorical(["per", "PER"]),  # two categories, one country
            "substance": pd.Categorical(["cocaine_hcl", "crack"], categories=order),
            "mass_kg": [1, 1],  # integers are real numbers
            "region": pd.Categorical(["Puno", None], categories=["Lima", "Puno"]),
        }
    )
    assert list(SeizureTable.from_frame(pandas)) == expected
    polars = pl.DataFrame(
        {
            "date": [D, D],
            "country": pl.Series(["PER", "PER"], dtype=pl.Categorical),
            "substance": pl.Series(["cocaine_hcl", "crack"], dtype=pl.Enum(order)),
            "mass_kg": [1.0, 1.0],
            "region": ["Puno", None],
        }
    )
    assert list(SeizureTable.from_frame(polars)) == expected
    arrow = pa.table(
        {
            "date": pa.array([D, D]),
            "country": pa.array(["PER", "PER"]).dictionary_encode(),
            "substance": pa.chunked_array([["cocaine_hcl"], ["crack"]]),
            "mass_kg": [1.0, 1.0],
            "region": ["Puno", None],
        }
    )
    assert list(SeizureTable.from_frame(arrow)) == expected


def test_from_columns_accepts_dataframe_series() -> None:
    table = SeizureTable.from_columns(
        date=pl.Series([D]), country=pd.Series(["PER"]), substance=pa.chunked_array([["crack"]]),
        mass_kg=pd.Series([2.5]),
    )  # fmt: skip
    assert list(table) == [seizure(substance="crack", mass_kg=2.5)]


def test_empty_tables_build_and_convert() -> None:
    for cls in STRATEGIES:
        empty = cls.from_records([])
        assert len(empty) == 0
        assert list(empty) == []
        for backend in BACKENDS:
            assert cls.from_frame(empty.to_frame(backend)) == empty
        assert cls.concat([]) == empty
    with pytest.raises(ValueError, match="at least one"):
        concat([])


def test_nbytes_counts_codes_values_and_labels() -> None:
    table = SeizureTable.from_records([seizure(region="Puno")] * 10)
    arrays = sum(
        col.nbytes if isinstance(col, np.ndarray) else col.codes.nbytes
        for col in table.to_columns().values()
        if not isinstance(col, Ragged)
    )
    assert table.nbytes >= arrays
    before = table.nbytes
    table.period_codes("year")
    assert table.nbytes == before + 10  # one int8 code per row, cached


@given(st.lists(nst.dates(), min_size=1, max_size=30))
def test_period_codes_give_the_calendar_year_quarter_and_month(dates: list[dt.date]) -> None:
    table = SeizureTable.from_records([seizure(date=d) for d in dates])
    for unit, expected in (
        ("year", [d.year for d in dates]),
        ("quarter", [(d.month - 1) // 3 + 1 for d in dates]),
        ("month", [d.month for d in dates]),
    ):
        codes, levels = table.period_codes(unit)  # type: ignore[arg-type]
        assert levels[codes].tolist() == expected


def test_period_codes_span_the_whole_date_range() -> None:
    dates = [dt.date(1, 1, 1), dt.date(1969, 12, 31), dt.date(9999, 12, 31)]
    table = SeizureTable.from_records([seizure(date=d) for d in dates])
    codes, levels = table.period_codes("year")
    assert levels[codes].tolist() == [1, 1969, 9999]
    assert codes.dtype == np.int16


def test_categorical_encodes_decodes_and_recodes() -> None:
    cat = Categorical.encode(["b", None, "a", "b"])
    assert cat.labels.tolist() == ["b", "a"]
    assert cat.to_list() == ["b", None, "a", "b"]
    assert cat.has_missing
    recoded = cat.recode(np.array(["a", "b", "c"], dtype=object))
    assert recoded.codes.tolist() == [1, -1, 0, 1]
    assert recoded.equals(cat)
    assert (recoded == cat).tolist() == [True, False, True, True]  # element-wise; None == nothing
    assert cat[1:].to_list() == [None, "a", "b"]
    with pytest.raises(ValueError, match="not among"):
        cat.recode(np.array(["a"], dtype=object))
    with pytest.raises(ValueError, match="repeat"):
        Categorical([0], ["a", "a"])
    with pytest.raises(ValueError, match=r"\[-1, 1\)"):
        Categorical([1], ["a"])


def test_ragged_rows_select_and_validate_offsets() -> None:
    ragged = Ragged(np.array([1.0, 2.0, 3.0]), [0, 2, 2, 3])
    assert [ragged[i] for i in range(3)] == [(1.0, 2.0), (), (3.0,)]
    assert ragged[np.array([2, 0])] == Ragged(np.array([3.0, 1.0, 2.0]), [0, 1, 3])
    with pytest.raises(ValueError, match="start at 0"):
        Ragged(np.array([1.0]), [0, 2])
    with pytest.raises(ValueError, match="decrease"):
        Ragged(np.array([1.0, 2.0]), [0, 2, 1, 2])


@given(tables_and_records(TrainingTable))
def test_tables_survive_pickling_for_worker_processes(pair: tuple[Any, list[Any]]) -> None:
    import pickle

    table, records = pair
    back = pickle.loads(pickle.dumps(table))
    assert back == table
    assert list(back) == records


def test_from_frame_refuses_a_lazy_frame() -> None:
    lazy = pl.LazyFrame({"date": [D], "country": ["PER"], "substance": ["crack"], "mass_kg": [1.0]})
    with pytest.raises(TypeError, match="collect a lazy frame first"):
        SeizureTable.from_frame(lazy)


def test_pandas_object_columns_use_none_and_nan_for_missing_labels() -> None:
    frame = pd.DataFrame(
        {
            "date": [D, D, D],
            "country": ["PER"] * 3,
            "substance": ["crack"] * 3,
            "mass_kg": [1.0, 2.0, 3.0],
            "region": pd.Series(["Puno", None, np.nan], dtype=object),
        }
    )
    assert SeizureTable.from_frame(frame).region.to_list() == ["Puno", None, None]
