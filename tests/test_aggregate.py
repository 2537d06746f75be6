"""total() and merge(): conservation, merging, permutation, errors."""

from __future__ import annotations

import datetime as dt
import math
import pickle
from collections import defaultdict
from typing import Any

import attrs
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import (
    Operation,
    OperationTable,
    Seizure,
    SeizureTable,
    TrainingOutcome,
    TrainingTable,
    UnknownNameError,
    ValidationError,
)
from narcometrics.aggregate import (
    Totals,
    grouping_fields,
    measures,
    merge,
    total,
)
from narcometrics.testing import strategies as nst

D = dt.date(2017, 6, 30)
FIELDS = grouping_fields(SeizureTable)

seizure_records = nst.seizures(
    countries=["PER", "BOL"],
    agencies=["DIRANDRO", "SUNAT"],
    max_mass_kg=1e4,
    min_date=dt.date(2014, 1, 1),
    max_date=dt.date(2018, 12, 31),
)
seizure_lists = st.lists(
    st.tuples(seizure_records, st.sampled_from(["Cusco", "Puno", None])).map(
        lambda pair: attrs.evolve(pair[0], region=pair[1])
    ),
    max_size=30,
    unique_by=lambda r: r.id if r.id is not None else id(r),  # repeated ids are refused
)


def with_year(fields: list[str]) -> list[str]:
    """Month and quarter group within a year (alone they are refused)."""
    if "year" in fields or not {"quarter", "month"} & set(fields):
        return fields
    return ["year", *fields]


groupings = st.lists(
    st.sampled_from(["year", "quarter", "month", "country", "substance", "region", "agency"]),
    unique=True,
    max_size=3,
).map(
    lambda fields: (
        fields if "year" in fields or not {"quarter", "month"} & set(fields) else ["year", *fields]
    )
)
seizure_measures = st.sampled_from(["count", "mass_kg"])


def label(record: Any, field: str) -> Any:
    d = record.date
    if field == "year":
        return d.year
    if field == "quarter":
        return (d.month - 1) // 3 + 1
    if field == "month":
        return d.month
    value = getattr(record, field)
    return value.value if hasattr(value, "value") else value


def by_hand(records: list[Any], measure: str, by: list[str]) -> dict[tuple[Any, ...], float]:
    """The expected totals, computed record by record with math.fsum."""
    groups: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    for r in records:
        groups[tuple(label(r, f) for f in by)].append(
            1.0 if measure == "count" else float(getattr(r, measure))
        )
    return {key: math.fsum(values) for key, values in groups.items()}


@given(seizure_lists, seizure_measures, groupings)
def test_totals_match_an_independent_sum_over_the_records(
    records: list[Seizure], measure: str, by: list[str]
) -> None:
    result = total(SeizureTable.from_records(records), measure, by=by)
    expected = by_hand(records, measure, by)
    got = result.to_dict()
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == value  # the exact sum, correctly rounded (as math.fsum)
    assert all(type(x) in (int, str, type(None)) for key in got for x in key)
    assert list(got) == sorted(got, key=lambda k: [(v is None, v or 0) for v in k])


@given(seizure_lists, seizure_measures, groupings)
def test_group_totals_sum_to_the_grand_total_for_any_grouping(
    records: list[Seizure], measure: str, by: list[str]
) -> None:
    table = SeizureTable.from_records(records)
    grouped = total(table, measure, by=by)
    grand = total(table, measure)
    assert int(grouped.counts.sum()) == len(records)
    if records:
        assert math.fsum(grouped.values) == pytest.approx(grand.values[0], rel=1e-12)
        assert grouped.grand_total == pytest.approx(grand.grand_total, rel=1e-12)
    else:
        assert len(grouped) == len(grand) == 0


@given(seizure_lists, st.data(), seizure_measures, groupings)
def test_merged_partials_equal_the_total_of_the_concatenation_exactly(
    records: list[Seizure], data: st.DataObject, measure: str, by: list[str]
) -> None:
    cut = data.draw(st.integers(0, len(records)))
    ta, tb = SeizureTable.from_records(records[:cut]), SeizureTable.from_records(records[cut:])
    merged = merge(total(ta, measure, by=by), total(tb, measure, by=by))
    whole = total(ta + tb, measure, by=by)
    assert merged == whole  # to the last bit: the partials carry exact sums


@given(seizure_lists, st.data(), seizure_measures, groupings)
def test_merging_is_commutative_and_associative_exactly(
    records: list[Seizure], data: st.DataObject, measure: str, by: list[str]
) -> None:
    i = data.draw(st.integers(0, len(records)))
    j = data.draw(st.integers(i, len(records)))
    a, b, c = (
        total(SeizureTable.from_records(p), measure, by=by)
        for p in (records[:i], records[i:j], records[j:])
    )
    assert merge(a, b) == merge(b, a) == a + b
    assert merge(a, b, c) == merge(c, a, b) == merge(b, c, a)
    assert merge(merge(a, b), c) == merge(a, merge(b, c))


@given(seizure_lists.flatmap(lambda rs: st.tuples(st.just(rs), st.permutations(rs))), groupings)
def test_totals_do_not_depend_on_row_order(
    pair: tuple[list[Seizure], list[Seizure]], by: list[str]
) -> None:
    records, shuffled = pair
    one, other = SeizureTable.from_records(records), SeizureTable.from_records(shuffled)
    assert total(one, "count", by=by) == total(other, "count", by=by)
    assert total(one, "mass_kg", by=by) == total(other, "mass_kg", by=by)


def random_table(rows: int, seed: int) -> tuple[SeizureTable, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    days = rng.integers(16000, 20000, rows).astype("datetime64[D]")
    regions = np.array(["Cusco", "Puno", "Lima", "Ayacucho"], dtype=object)
    region = regions[rng.integers(0, 4, rows)]
    region[rng.random(rows) < 0.1] = None
    frame = pd.DataFrame(
        {
            "date": days.astype("datetime64[s]"),
            "country": rng.choice(["PER", "BOL", "COL"], rows),
            "substance": rng.choice(["crack", "cannabis", "cocaine_hcl"], rows),
            "region": region,
            "mass_kg": rng.lognormal(1.0, 2.0, rows),
        }
    )
    return SeizureTable.from_frame(frame), frame


def test_totals_agree_with_a_pandas_groupby() -> None:
    table, frame = random_table(5000, seed=1)
    frame["year"] = frame["date"].dt.year
    frame["month"] = frame["date"].dt.month
    by = ["year", "month", "substance", "region"]
    expected = frame.groupby(by, dropna=False)["mass_kg"].agg(["sum", "count"])
    result = total(table, "mass_kg", by=by)
    got = {k: (v, n) for k, v, n in zip(result.keys(), result.values, result.counts, strict=True)}
    assert len(got) == len(expected)
    for (year, month, substance, region), row in expected.iterrows():
        key = (year, month, substance, None if pd.isna(region) else region)
        assert got[key][0] == pytest.approx(row["sum"], rel=1e-12)
        assert got[key][1] == row["count"]


def test_dense_and_sort_based_grouping_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    table, _ = random_table(3000, seed=2)
    by = ("year", "region", "country", "substance")
    dense = total(table, "mass_kg", by=by)
    monkeypatch.setattr("narcometrics.aggregate._groupby.DENSE_GROUPS", 0)
    assert total(table, "mass_kg", by=by) == dense


def test_missing_labels_form_their_own_group_sorted_last() -> None:
    records = [Seizure(date=D, country="PER", substance="crack", mass_kg=m, region=r)
               for m, r in ((1.0, None), (2.0, "Puno"), (4.0, "Cusco"), (8.0, None))]  # fmt: skip
    result = total(SeizureTable.from_records(records), "mass_kg", by="region")
    assert result.to_dict() == {("Cusco",): 4.0, ("Puno",): 2.0, (None,): 9.0}
    assert result.labels["region"].tolist() == ["Cusco", "Puno", None]
    assert result.counts.tolist() == [1, 1, 2]


def test_partitions_with_different_label_sets_merge_by_label() -> None:
    def table(*regions: str) -> SeizureTable:
        return SeizureTable.from_records(
            [Seizure(date=D, country="PER", substance="crack", mass_kg=1.0, region=r)
             for r in regions]
        )  # fmt: skip

    a, b = table("Puno", "Cusco", "Puno"), table("Lima", "Puno")
    merged = merge(total(a, "count", by="region"), total(b, "count", by="region"))
    assert merged.to_dict() == {("Cusco",): 1.0, ("Lima",): 1.0, ("Puno",): 3.0}


def test_grand_total_and_a_single_field_given_as_a_string() -> None:
    records = [Seizure(date=D, country="PER", substance="crack", mass_kg=m) for m in (1.5, 2.5)]
    table = SeizureTable.from_records(records)
    assert total(table, "mass_kg").to_dict() == {(): 4.0}
    assert total(table, "mass_kg", by="country").to_dict() == {("PER",): 4.0}
    assert total(table, "count", by=["year"]).to_dict() == {(2017,): 2.0}


def test_an_empty_table_gives_an_empty_result() -> None:
    empty = SeizureTable.from_records([])
    for by in ((), ("year", "region")):
        result = total(empty, "mass_kg", by=by)
        assert len(result) == 0
        assert result.to_dict() == {}
        assert result.grand_total == 0.0
        assert list(result.to_frame().columns) == [*by, "mass_kg", "n_records"]


def test_unknown_measure_or_grouping_field_lists_the_valid_names() -> None:
    table = SeizureTable.from_records([])
    with pytest.raises(UnknownNameError, match="must be one of: count, mass_kg") as info:
        total(table, "purity")
    assert isinstance(info.value, ValidationError)
    with pytest.raises(UnknownNameError, match="year, quarter, month, country, substance"):
        total(table, "mass_kg", by=("year", "week"))
    with pytest.raises(ValidationError, match="must not repeat"):
        total(table, "mass_kg", by=("year", "year"))
    assert measures(OperationTable) == (
        "count", "organisations_disbanded", "airstrips_destroyed", "laboratories_destroyed",
        "arrests",
    )  # fmt: skip
    assert "follow_up_days" not in measures(TrainingTable)


def test_counts_of_operations_sum_exactly() -> None:
    ops = [Operation(date=dt.date(2017, m, 1), country="PER", arrests=a, agency=g)
           for m, a, g in ((1, 3, "A"), (2, 0, "A"), (3, 7, "B"))]  # fmt: skip
    result = total(OperationTable.from_records(ops), "arrests", by="agency")
    assert result.to_dict() == {("A",): 3.0, ("B",): 7.0}
    assert result.counts.tolist() == [2, 1]  # the group with 0 arrests is kept


def test_an_optional_measure_with_missing_values_needs_a_choice() -> None:
    def course(completed: int | None) -> TrainingOutcome:
        return TrainingOutcome(
            date=D, institution="DIRANDRO", course="c", participants=10, completed=completed
        )

    table = TrainingTable.from_records([course(8), course(None), course(6)])
    with pytest.raises(ValidationError, match=r"completed: is missing in 1 rows \(first: row 1\)"):
        total(table, "completed")
    skipped = total(table, "completed", by="institution", missing="skip")
    assert skipped.to_dict() == {("DIRANDRO",): 14.0}
    assert skipped.counts.tolist() == [2]
    assert total(table, "participants").to_dict() == {(): 30.0}


def test_merge_refuses_totals_of_different_shape() -> None:
    table = SeizureTable.from_records([])
    with pytest.raises(ValidationError, match="must share by, measure and table"):
        merge(total(table, "mass_kg", by="year"), total(table, "count", by="year"))
    with pytest.raises(ValueError, match="at least one"):
        merge()


def test_totals_write_every_backend_and_pickle() -> None:
    table, _ = random_table(200, seed=3)
    result = total(table, "mass_kg", by=("year", "region"))
    frames = {b: result.to_frame(b) for b in ("pandas", "polars", "pyarrow")}
    assert isinstance(frames["pandas"], pd.DataFrame)
    assert isinstance(frames["polars"], pl.DataFrame)
    assert isinstance(frames["pyarrow"], pa.Table)
    for frame in (
        frames["polars"],
        pl.from_pandas(frames["pandas"]),
        pl.from_arrow(frames["pyarrow"]),
    ):
        assert frame["mass_kg"].to_list() == result.values.tolist()
        assert frame["region"].to_list() == result.labels["region"].tolist()
        assert frame["n_records"].to_list() == result.counts.tolist()
    assert pickle.loads(pickle.dumps(result)) == result
    with pytest.raises(UnknownNameError, match="pandas, polars, pyarrow"):
        result.to_frame("excel")


def test_totals_expose_levels_and_codes_per_field() -> None:
    table, _ = random_table(500, seed=4)
    result = total(table, "count", by=("year", "region"))
    for field in result.by:
        decoded = result.levels(field)[result.codes(field)]
        assert decoded.tolist() == result.labels[field].tolist()
    assert isinstance(result, Totals)
    assert "groups=" in repr(result)
    with pytest.raises(UnknownNameError):
        result.levels("country")
