"""Whole-column validation: the records' rules, every bad row named, nothing coerced."""

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

from narcometrics import (
    Eradication,
    EradicationTable,
    Operation,
    OperationTable,
    Seizure,
    SeizureTable,
    TrainingOutcome,
    TrainingTable,
    ValidationError,
)
from narcometrics.errors import MAX_PROBLEMS
from narcometrics.tables import Table

# The record tests' good keywords and bad values: a table must refuse each bad value too
# (pytest puts tests/ on sys.path, so the sibling test module imports by name).
from test_records import BAD as RECORD_BAD
from test_records import GOOD

D = dt.date(2017, 6, 30)

TABLE_OF: dict[type[Any], type[Table[Any]]] = {
    Seizure: SeizureTable,
    Eradication: EradicationTable,
    Operation: OperationTable,
    TrainingOutcome: TrainingTable,
}
TWO = {"participants": 2, "completed": 2, "followed_up": 2, "applying": 1}


# In a column NaN marks a missing optional float (the record gets None), so a NaN purity is
# not an error in a table; every other bad value of the record tests is.
def nan_purity(case: tuple[type[Any], dict[str, Any], str]) -> bool:
    cls, change, _ = case
    return cls is Seizure and set(change) == {"purity"} and change["purity"] != change["purity"]


BAD: list[tuple[type[Any], dict[str, Any], str]] = [
    case for case in RECORD_BAD if not nan_purity(case)
] + [
    (Seizure, {"purity": float("inf")}, "purity"),
    (Seizure, {"country": "PÉR"}, "country"),
    (TrainingOutcome, {"pre_scores": "40"}, "pre_scores"),
    (TrainingOutcome, {**TWO, "participant_ids": ("a", "a")}, "participant_ids"),
    (TrainingOutcome, {**TWO, "participant_ids": ("a", "")}, "participant_ids[1]"),
]


def test_only_the_nan_purity_case_of_the_record_tests_is_left_out() -> None:
    left_out = [case for case in RECORD_BAD if case not in BAD]
    assert len(left_out) == 1
    assert nan_purity(left_out[0])


def one_row(cls: type[Any], values: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: [value] for name, value in values.items()}


@pytest.mark.parametrize(("cls", "change", "field"), BAD, ids=lambda x: str(x)[:40])
def test_tables_refuse_what_records_refuse_naming_field_value_and_row(
    cls: type[Any], change: dict[str, Any], field: str
) -> None:
    values = {**GOOD[cls], **change}
    with pytest.raises(ValidationError) as record_error:
        cls(**values)
    assert f"{cls.__name__}.{field}" in str(record_error.value)
    table = TABLE_OF[cls]
    bad = {**one_row(cls, GOOD[cls]), **{k: [GOOD[cls].get(k), v] for k, v in change.items()}}
    bad = {k: v if len(v) == 2 else v * 2 for k, v in bad.items()}  # good row 0, bad row 1
    with pytest.raises(ValidationError) as table_error:
        table.from_columns(**bad)
    problems = table_error.value.problems
    assert [(p.field, p.row) for p in problems] == [(field, 1)]
    assert f"row 1: {field}: " in str(table_error.value)


def test_a_good_row_next_to_each_bad_one_is_itself_valid() -> None:
    for cls, values in GOOD.items():
        assert len(TABLE_OF[cls].from_columns(**one_row(cls, values))) == 1


training_rows = st.fixed_dictionaries(
    {
        "date": st.just(D),
        "institution": st.just("DIRANDRO"),
        "course": st.just("c"),
        "participants": st.integers(0, 4),
        "completed": st.none() | st.integers(-1, 5),
        "pre_scores": st.lists(st.sampled_from([-1.0, 0.0, 5.0, 10.0, 11.0]), max_size=3),
        "post_scores": st.lists(st.sampled_from([0.0, 10.0, 12.0]), max_size=3),
        "max_score": st.none() | st.sampled_from([0.0, 10.0]),
        "followed_up": st.none() | st.integers(0, 5),
        "applying": st.none() | st.integers(0, 5),
        "verification": st.none() | st.just("self_reported"),
        "follow_up_days": st.none() | st.integers(-1, 90),
        "participant_ids": st.none() | st.lists(st.sampled_from("abc"), min_size=1, max_size=4),
    }
)


@given(training_rows)
def test_training_table_accepts_a_row_exactly_when_the_record_does(row: dict[str, Any]) -> None:
    try:
        record = TrainingOutcome(**row)
    except ValidationError as error:
        expected = error.problems[0].field.removeprefix("TrainingOutcome.")
        with pytest.raises(ValidationError) as table_error:
            TrainingTable.from_columns(**{k: [v] for k, v in row.items()})
        assert expected == table_error.value.problems[0].field
    else:
        table = TrainingTable.from_columns(**{k: [v] for k, v in row.items()})
        assert list(table) == [record]


def test_every_bad_row_is_reported_up_to_the_limit() -> None:
    n = 2 * MAX_PROBLEMS + 50  # 125 bad rows
    mass = np.full(n, -1.0)
    mass[::2] = 1.0  # even rows are good
    with pytest.raises(ValidationError) as info:
        SeizureTable.from_columns(
            date=np.full(n, D, dtype="datetime64[D]"),
            country=np.full(n, "PER"),
            substance=np.full(n, "crack"),
            mass_kg=mass,
        )
    error = info.value
    assert len(error.problems) == MAX_PROBLEMS
    assert error.truncated
    assert [p.row for p in error.problems] == list(range(1, 2 * MAX_PROBLEMS, 2))
    assert "more problems not shown" in str(error)


def test_problems_of_several_fields_are_sorted_by_row() -> None:
    with pytest.raises(ValidationError) as info:
        SeizureTable.from_frame(
            pd.DataFrame(
                {
                    "date": [D, D, D],
                    "country": ["PER", "per", "P3R"],
                    "substance": ["crack", "sugar", "crack"],
                    "mass_kg": [1.0, -2.0, None],
                }
            )
        )
    found = [(p.row, p.field, p.value) for p in info.value.problems]
    assert found == [
        (1, "substance", "sugar"),
        (1, "mass_kg", -2.0),
        (2, "country", "P3R"),
        (2, "mass_kg", None),
    ]


def base_frame(**columns: Any) -> dict[str, Any]:
    return {"date": [D, D], "country": ["PER", "PER"], "substance": ["crack", "crack"],
            "mass_kg": [1.0, 2.0], **columns}  # fmt: skip


@pytest.mark.parametrize(
    ("frame", "field", "message"),
    [
        (
            pd.DataFrame({"date": [D], "country": ["PER"], "mass_kg": [1.0]}),
            "substance",
            "required column and is missing",
        ),
        (
            pd.DataFrame(base_frame(mass_kg=["1", "2"])),
            "mass_kg",
            "column of real numbers, not String",
        ),
        (
            pd.DataFrame(base_frame(mass_kg=[True, False])),
            "mass_kg",
            "column of real numbers, not Boolean",
        ),
        (
            pl.DataFrame(base_frame(date=["2017-06-30", "2017-06-30"])),
            "date",
            "column of dates, not String",
        ),
        (pl.DataFrame(base_frame(region=[1, 2])), "region", "column of strings, not Int64"),
        (
            pd.DataFrame(base_frame(date=pd.to_datetime([D, D]).tz_localize("UTC"))),
            "date",
            "no time zone",
        ),
        (
            pa.table(base_frame(purity=["0.5", "0.7"])),
            "purity",
            "column of real numbers, not String",
        ),
    ],
    ids=["missing", "strings", "bools", "string-dates", "int-labels", "tz", "arrow-strings"],
)
def test_a_dataframe_column_of_the_wrong_type_is_named(
    frame: Any, field: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        SeizureTable.from_frame(frame)
    assert info.value.problems[0].field == field
    assert info.value.problems[0].row is None


def test_nulls_in_required_columns_are_named_with_their_rows() -> None:
    frames = [
        pl.DataFrame(base_frame(country=["PER", None], mass_kg=[None, 2.0])),
        pd.DataFrame(base_frame(country=["PER", None], mass_kg=[np.nan, 2.0])),
        pa.table(base_frame(country=["PER", None], mass_kg=[None, 2.0])),
    ]
    for frame in frames:
        with pytest.raises(ValidationError) as info:
            SeizureTable.from_frame(frame)
        assert [(p.row, p.field, p.problem) for p in info.value.problems] == [
            (0, "mass_kg", "is required"),
            (1, "country", "is required"),
        ]


def test_a_date_with_a_time_of_day_or_nat_is_refused() -> None:
    frame = pd.DataFrame(
        base_frame(date=pd.to_datetime(["2017-06-30T10:00", None], format="ISO8601"))
    )
    with pytest.raises(ValidationError) as info:
        SeizureTable.from_frame(frame)
    assert [(p.row, p.problem) for p in info.value.problems] == [
        (0, "must be a whole day (no time of day)"),
        (1, "is required"),
    ]


def test_counts_are_never_taken_from_floats() -> None:
    with pytest.raises(ValidationError, match="nullable integer type"):
        OperationTable.from_frame(
            pd.DataFrame({"date": [D, D], "country": ["PER"] * 2, "arrests": [1.0, np.nan]})
        )
    with pytest.raises(ValidationError, match="integer type, or a masked array"):
        OperationTable.from_columns(date=[D], country=["PER"], arrests=np.array([1.0]))
    nullable = pd.DataFrame(
        {"date": [D, D], "country": ["PER"] * 2, "arrests": pd.array([1, None], dtype="Int64")}
    )
    arrests = OperationTable.from_frame(nullable).arrests  # a null count is not reported
    assert np.ma.getmaskarray(arrests).tolist() == [False, True]
    assert arrests.data[0] == 1


def test_mixed_python_objects_are_checked_one_by_one() -> None:
    frame = pd.DataFrame(base_frame(mass_kg=pd.Series([1.0, "2"], dtype=object)))
    with pytest.raises(ValidationError) as info:
        SeizureTable.from_frame(frame)
    problem = info.value.problems[0]
    assert (problem.row, problem.field, problem.value) == (1, "mass_kg", "2")
    assert problem.problem == "must be a real number, not str"


def test_unknown_columns_and_unequal_lengths_are_errors() -> None:
    with pytest.raises(ValidationError, match=r"must be one of: date, country.*\('regon'\)"):
        SeizureTable.from_columns(**base_frame(regon=["a", "b"]))
    with pytest.raises(ValidationError, match="date: has 1 rows where other columns have 2"):
        SeizureTable.from_columns(**base_frame(date=[D]))
    with pytest.raises(ValidationError, match="must be a numpy array, a sequence"):
        SeizureTable.from_columns(**base_frame(mass_kg=3.0))
    with pytest.raises(ValidationError, match="one-dimensional"):
        SeizureTable.from_columns(**base_frame(mass_kg=np.ones((2, 1))))


def test_from_records_refuses_other_record_types() -> None:
    good = Seizure(**GOOD[Seizure])
    other = Eradication(**GOOD[Eradication])
    with pytest.raises(ValidationError, match="row 1: records: must be Seizure records"):
        SeizureTable.from_records([good, other])


def test_country_codes_are_normalised_like_records() -> None:
    table = SeizureTable.from_columns(**base_frame(country=["per", "PER"]))
    assert table.country.labels.tolist() == ["PER"]
    assert table.country.codes.tolist() == [0, 0]


def test_missing_optional_values_are_none_in_the_records() -> None:
    table = SeizureTable.from_columns(**base_frame(purity=[float("nan"), None], region=[None, "X"]))
    assert [(r.purity, r.region) for r in table] == [(None, None), (None, "X")]
    with pytest.raises(ValidationError, match="must not be empty"):
        TrainingTable.from_columns(
            date=[D], institution=["A"], course=["c"], participants=[1], participant_ids=[[]]
        )


def test_one_error_lists_the_problems_of_every_column() -> None:
    # A wrong type found while reading one column does not hide the other columns' problems.
    with pytest.raises(ValidationError) as error:
        SeizureTable.from_columns(
            date=[dt.date(2017, 1, 1)] * 3,
            country=["PER", 3, "PER"],
            substance=["cocaine_hcl", "cocaine_hcl", "sugar"],
            mass_kg=[1.0, "abc", 2.0],
        )
    found = {(p.row, p.field) for p in error.value.problems}
    assert found == {(1, "mass_kg"), (1, "country"), (2, "substance")}


# A cell of the wrong type beside cells with bad values: one error names them all.
_MASS_CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.text(max_size=3),
)
_ARREST_CELLS = st.one_of(
    st.integers(min_value=-5, max_value=5),
    st.none(),
    st.floats(min_value=-5, max_value=5),
    st.text(max_size=2),
)
_DATE_CELLS = st.one_of(st.dates(), st.none(), st.text(max_size=3), st.datetimes())


def _problems(cls: type[Table[Any]], **columns: Any) -> list[tuple[int | None, str, str]]:
    try:
        cls.from_columns(**columns)
    except ValidationError as error:
        return [(p.row, p.field, p.problem) for p in error.problems]
    return []


def _wrong_typed(kind: str, value: object) -> bool:
    if value is None:
        return False
    if kind == "float":
        return isinstance(value, str)
    if kind == "count":
        return not isinstance(value, int)
    return type(value) is not dt.date


@pytest.mark.parametrize(
    ("cls", "field", "cells", "good", "kind"),
    [
        (SeizureTable, "mass_kg", _MASS_CELLS, 1.0, "float"),
        (OperationTable, "arrests", _ARREST_CELLS, 1, "count"),
        (SeizureTable, "date", _DATE_CELLS, D, "date"),
    ],
)
@given(data=st.data())
def test_a_wrong_typed_cell_does_not_hide_the_bad_values_of_the_other_rows(
    cls: type[Table[Any]], field: str, cells: Any, good: object, kind: str, data: st.DataObject
) -> None:
    values = data.draw(st.lists(cells, min_size=1, max_size=8))
    n = len(values)
    base: dict[str, Any] = {"date": [D] * n, "country": ["PER"] * n}
    if cls is SeizureTable:
        base |= {"substance": ["cocaine_hcl"] * n, "mass_kg": [1.0] * n}
    found = _problems(cls, **{**base, field: values})
    wrong = {i for i, v in enumerate(values) if _wrong_typed(kind, v)}
    # The other rows' problems are those of the same column with each wrong-typed cell
    # replaced by a good value; the wrong-typed cells are named each at its row.
    replaced = [good if i in wrong else v for i, v in enumerate(values)]
    others = _problems(cls, **{**base, field: replaced})
    assert [p for p in found if p[0] not in wrong] == others
    assert sorted(p[0] for p in found if p[0] in wrong) == sorted(wrong)
