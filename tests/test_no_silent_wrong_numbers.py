"""Issue 12: paths that gave a wrong number with no error. Each test failed before the fix."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narcometrics import (
    Eradication,
    EradicationTable,
    Operation,
    OperationTable,
    Seizure,
    SeizureTable,
    Substance,
    ValidationError,
)
from narcometrics.aggregate import merge, total
from narcometrics.datasets import peru_2017_example
from narcometrics.tables import Categorical, concat

D = dt.date(2017, 6, 30)


def seizure(**changes: Any) -> Seizure:
    fields: dict[str, Any] = {
        "date": D,
        "country": "PER",
        "substance": "cocaine_hcl",
        "mass_kg": 1.0,
    }
    return Seizure(**{**fields, **changes})


def operation(**changes: Any) -> Operation:
    return Operation(**{"date": D, "country": "PER", **changes})


# ------------------------------------------------------------------ tables and records


def test_a_column_compared_with_a_string_is_an_element_wise_mask() -> None:
    table = peru_2017_example().seizures
    mask = table.substance == "cocaine_hcl"
    assert isinstance(mask, np.ndarray)
    assert mask.dtype == np.bool_
    assert mask.shape == (len(table),)
    expected = [s.substance == "cocaine_hcl" for s in table]
    assert mask.tolist() == expected
    selected = table[mask]
    assert len(selected) == sum(expected) > 1
    assert all(s.substance is Substance.COCAINE_HCL for s in selected)
    assert (table.substance == Substance.COCAINE_HCL).tolist() == expected
    assert (table.substance != "cocaine_hcl").tolist() == [not e for e in expected]


def test_a_column_compared_with_an_unknown_label_or_another_type() -> None:
    column = Categorical.encode(["a", None, "b"])
    assert (column == "zzz").tolist() == [False, False, False]
    assert (column != "a").tolist() == [False, True, True]  # a missing value differs
    assert (column == ["a", "x", "b"]).tolist() == [True, False, True]
    with pytest.raises(TypeError, match="cannot compare"):
        column == 3  # noqa: B015
    with pytest.raises(ValueError, match="3 and 2 rows"):
        column == Categorical.encode(["a", "b"])  # noqa: B015


@pytest.mark.parametrize("flag", [True, False, np.True_, np.False_, np.array(True)])
def test_a_bool_is_never_a_row_number(flag: Any) -> None:
    table = peru_2017_example().seizures
    with pytest.raises(TypeError, match="a bool is not a row number"):
        table[flag]
    with pytest.raises(TypeError, match="a bool is not a row number"):
        table.substance[flag]
    training = peru_2017_example().training
    with pytest.raises(TypeError, match="a bool is not a row number"):
        training.pre_scores[flag]


def test_an_absent_count_column_is_never_zero() -> None:
    table = OperationTable.from_columns(date=[D, D], country=["PER", "BOL"])
    assert np.ma.getmaskarray(table.arrests).all()
    assert [r.arrests for r in table] == [None, None]
    with pytest.raises(ValidationError, match="arrests: is missing in 2 rows"):
        total(table, "arrests")
    skipped = total(table, "arrests", by="country", missing="skip")
    assert all(math.isnan(v) for v in skipped.values)  # not in the data: NaN, never 0
    assert skipped.counts.tolist() == [0, 0]


def test_a_count_not_reported_by_one_record_is_never_zero() -> None:
    table = OperationTable.from_records([operation(arrests=50, id="a"), operation(id="b")])
    with pytest.raises(ValidationError, match="arrests"):
        total(table, "arrests")
    assert total(table, "arrests", missing="skip").to_dict() == {(): 50.0}
    assert total(table, "arrests", missing="skip").counts.tolist() == [1]


def test_a_count_in_a_later_json_record_is_kept(tmp_path: Any) -> None:
    from narcometrics import io

    path = tmp_path / "operations.json"
    path.write_text(
        '[{"date": "2017-01-02", "country": "PER"},'
        ' {"date": "2017-01-03", "country": "PER", "arrests": 50}]',
        encoding="utf-8",
    )
    table = io.read_json(path, Operation)
    assert [r.arrests for r in table] == [None, 50]
    assert total(table, "arrests", missing="skip").to_dict() == {(): 50.0}


@pytest.mark.parametrize("typed", ["ßa", "ſwe", "ıdn", "XXX", "xxx", " PER", "PER ", "pe r"])
def test_a_country_code_is_upper_cased_only_in_ascii_and_checked_against_iso(typed: str) -> None:
    with pytest.raises(ValidationError) as info:
        seizure(country=typed)
    assert info.value.field == "Seizure.country"
    assert info.value.value == typed  # the value as typed, not transformed
    with pytest.raises(ValidationError) as info:
        SeizureTable.from_columns(
            date=[D, D], country=["PER", typed], substance=["crack"] * 2, mass_kg=[1.0, 2.0]
        )
    assert (info.value.field, info.value.value, info.value.problems[0].row) == (
        "country",
        typed,
        1,
    )


def test_a_country_code_in_lower_case_ascii_is_accepted() -> None:
    assert seizure(country="per").country == "PER"
    assert seizure(country="Col").country == "COL"


def _read_cell(tmp_path: Any, field: str, cell: str, engine: Any) -> Any:
    """The value of one cell of a seizure (``mass_kg``) or operation (``arrests``) file, read
    by the CSV grammar of `engine` (the one place numbers in text are parsed)."""
    from narcometrics import io

    path = tmp_path / "cell.csv"
    if field == "mass_kg":
        path.write_text(
            f"date,country,substance,mass_kg\n2017-01-02,PER,crack,{cell}\n", encoding="utf-8"
        )
        return io.read_csv(path, Seizure, engine=engine).mass_kg[0]
    path.write_text(f"date,country,arrests\n2017-01-02,PER,{cell}\n", encoding="utf-8")
    return io.read_csv(path, Operation, engine=engine).arrests[0]


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
@pytest.mark.parametrize(
    "text", ["1_000", "١٢", "１２", "1 000", " 12", "0x10", "inf", "nan", "1e400", "+"]
)
def test_numbers_in_text_are_plain_ascii_decimal_only(
    tmp_path: Any, text: str, engine: str
) -> None:
    for field in ("mass_kg", "arrests"):
        with pytest.raises(ValidationError, match=field) as info:
            _read_cell(tmp_path, field, text, engine)
        assert info.value.value == text


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_plain_decimal_text_is_read_exactly(tmp_path: Any, engine: str) -> None:
    assert _read_cell(tmp_path, "mass_kg", "12.5", engine) == 12.5
    assert _read_cell(tmp_path, "mass_kg", "1.5e3", engine) == 1500.0
    assert _read_cell(tmp_path, "mass_kg", "+12.5", engine) == 12.5
    assert _read_cell(tmp_path, "mass_kg", ".5", engine) == 0.5
    assert _read_cell(tmp_path, "arrests", "42", engine) == 42
    # The documented count grammar is ``[-]digits`` within int64 (docs/reference/file-formats.md)
    for refused in ("+42", str(2**63)):
        with pytest.raises(ValidationError, match="arrests"):
            _read_cell(tmp_path, "arrests", refused, engine)


def test_a_csv_count_with_separators_or_foreign_digits_is_refused(tmp_path: Any) -> None:
    from narcometrics import io

    for cell in ("1_000", "١٢", "１２"):
        path = tmp_path / "operations.csv"
        path.write_text(f"date,country,arrests\n2017-01-02,PER,{cell}\n", encoding="utf-8")
        with pytest.raises(ValidationError, match="arrests"):
            io.read_csv(path, Operation)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: seizure(mass_kg=10**400), "Seizure.mass_kg"),
        (lambda: seizure(purity=10**400), "Seizure.purity"),
        (lambda: operation(arrests=2**63), "Operation.arrests"),
        (lambda: operation(airstrips_destroyed=10**30), "Operation.airstrips_destroyed"),
        (
            lambda: Eradication(date=D, country="PER", area_ha=-(10**400), method="manual"),
            "Eradication.area_ha",
        ),
    ],
)
def test_a_huge_number_in_a_record_is_a_validation_error_naming_the_field(
    make: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        make()
    assert info.value.field == field


@pytest.mark.parametrize(
    "column",
    [
        [2**63],
        [1, 10**30],
        np.array([1, 2**63], dtype=np.uint64),
    ],
)
def test_a_huge_count_in_a_table_is_a_validation_error_naming_the_field(column: Any) -> None:
    n = len(column)
    with pytest.raises(ValidationError) as info:
        OperationTable.from_columns(date=[D] * n, country=["PER"] * n, arrests=column)
    assert info.value.field == "arrests"
    assert info.value.problems[0].row == n - 1
    assert int(info.value.value) >= 2**63  # type: ignore[call-overload]


def test_a_huge_mass_in_a_table_is_a_validation_error_naming_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        SeizureTable.from_columns(date=[D], country=["PER"], substance=["crack"], mass_kg=[10**400])
    assert (info.value.field, info.value.value) == ("mass_kg", 10**400)


@pytest.mark.parametrize("typed", ["COCAINE_HCL", "Cocaine_HCL", "cocaine_hcl"])
def test_substance_names_are_case_insensitive(typed: str) -> None:
    assert seizure(substance=typed).substance is Substance.COCAINE_HCL
    table = SeizureTable.from_columns(date=[D], country=["PER"], substance=[typed], mass_kg=[1.0])
    assert table.substance.labels.tolist()[table.substance.codes[0]] == "cocaine_hcl"


def test_method_names_are_case_insensitive_too() -> None:
    record = Eradication(date=D, country="PER", area_ha=1.0, method="MANUAL")
    assert record.method == "manual"
    table = EradicationTable.from_columns(
        date=[D], country=["PER"], area_ha=[1.0], method=["Manual"]
    )
    assert table[0].method == "manual"


# ------------------------------------------------------------------------ aggregation


def test_totals_do_not_depend_on_row_order() -> None:
    masses = [1e16, 1.0, 1.0]
    exact = math.fsum(masses)  # 1.0000000000000002e16
    for order in ([0, 1, 2], [1, 2, 0], [2, 0, 1]):
        table = SeizureTable.from_records([seizure(mass_kg=masses[i]) for i in order])
        assert total(table, "mass_kg").to_dict() == {(): exact}
        assert total(table, "mass_kg", by="country").to_dict() == {("PER",): exact}


def test_merged_partials_equal_the_total_for_every_split() -> None:
    masses = [1e16, 1.0, 1.0, 3.3, 1e-3, 7e15]
    table = SeizureTable.from_records([seizure(mass_kg=m) for m in masses])
    whole = total(table, "mass_kg", by="year")
    for cut in range(len(masses) + 1):
        parts = (
            total(table[:cut], "mass_kg", by="year"),
            total(table[cut:], "mass_kg", by="year"),
        )
        assert merge(*parts) == whole
        assert merge(*reversed(parts)) == whole
    assert whole.values[0] == math.fsum(masses)


finite_masses = st.floats(min_value=1e-30, max_value=1e30, allow_nan=False, allow_infinity=False)


@settings(max_examples=100)
@given(
    st.lists(st.tuples(finite_masses, st.sampled_from(["PER", "BOL", "COL"])), max_size=40),
    st.data(),
)
def test_totals_are_the_correctly_rounded_exact_sum_for_any_order_and_split(
    rows: list[tuple[float, str]], data: st.DataObject
) -> None:
    records = [seizure(mass_kg=m, country=c) for m, c in rows]
    order = data.draw(st.permutations(range(len(records))))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(records)), max_size=3)))
    table = SeizureTable.from_records(records)
    shuffled = SeizureTable.from_records([records[i] for i in order])
    expected = {
        (c,): math.fsum(m for m, cc in rows if cc == c) for c in sorted({c for _, c in rows})
    }
    result = total(table, "mass_kg", by="country")
    assert result.to_dict() == expected  # the exact sum, correctly rounded: no bound needed
    assert total(shuffled, "mass_kg", by="country") == result
    bounds = [0, *cuts, len(records)]
    parts = [total(shuffled[a:b], "mass_kg", by="country") for a, b in itertools.pairwise(bounds)]
    assert merge(*parts) == result
    assert result.grand_total == math.fsum(m for m, _ in rows)


def test_an_overflowing_total_is_an_error_naming_measure_and_group() -> None:
    table = SeizureTable.from_records(
        [seizure(mass_kg=1.7e308, id="a"), seizure(mass_kg=1.7e308, id="b")]
    )
    with pytest.raises(ValidationError, match=r"mass_kg: the total of group \{'country': 'PER'\}"):
        total(table, "mass_kg", by="country")
    with pytest.raises(ValidationError, match=r"mass_kg.*overflow"):
        merge(total(table[:1], "mass_kg"), total(table[1:], "mass_kg"))
    fine = total(table[:1], "mass_kg", by="country") + total(
        SeizureTable.from_records([seizure(mass_kg=1.7e308, country="BOL")]),
        "mass_kg",
        by="country",
    )
    with pytest.raises(ValidationError, match="grand total"):
        fine.grand_total  # noqa: B018


def test_operation_counts_never_wrap_around() -> None:
    big = 2**62
    table = OperationTable.from_records(
        [operation(arrests=big, id="a"), operation(arrests=big, id="b")]
    )
    with pytest.raises(ValidationError, match=r"arrests: the total of group \{'country': 'PER'\}"):
        total(table, "arrests", by="country")
    with pytest.raises(ValidationError, match="2\\*\\*53"):  # a float no longer holds it
        total(OperationTable.from_records([operation(arrests=2**53 + 1)]), "arrests")
    near = OperationTable.from_records(
        [operation(arrests=2**52, id="a"), operation(arrests=2**52 - 1, id="b")]
    )
    assert total(near, "arrests").to_dict() == {(): float(2**53 - 1)}  # exact


def test_the_count_measure_gives_integers() -> None:
    table = peru_2017_example().seizures
    counts = total(table, "count", by="substance")
    assert counts.values.dtype == np.int64
    assert counts.values.tolist() == counts.counts.tolist()
    assert all(type(v) is int for v in counts.to_dict().values())
    assert type(counts.grand_total) is int


@pytest.mark.parametrize("by", ["month", "quarter", ("month", "substance"), ("quarter",)])
def test_month_or_quarter_without_the_year_is_refused(by: Any) -> None:
    table = peru_2017_example().seizures
    with pytest.raises(ValidationError, match="needs 'year' too"):
        total(table, "mass_kg", by=by)
    assert len(total(table, "mass_kg", by=("year", "month"))) >= 1


# ---------------------------------------------------------------------------- duplicates


def test_repeated_ids_in_one_table_are_refused_listing_the_first_ten() -> None:
    records = [seizure(id=f"S{i % 12}") for i in range(30)]
    with pytest.raises(ValidationError) as info:
        SeizureTable.from_records(records)
    message = str(info.value)
    assert info.value.problems[0].row == 12  # the first row that repeats an earlier id
    assert "12 ids occur in more than one record (first 10 shown)" in message
    assert "'S0'" in message
    assert "'S9'" in message
    assert "'S10'" not in message
    assert len(SeizureTable.from_records(records, duplicates="allow")) == 30
    with pytest.raises(ValidationError, match="2 ids occur"):
        SeizureTable.from_columns(
            date=[D] * 4,
            country=["PER"] * 4,
            substance=["crack"] * 4,
            mass_kg=[1.0] * 4,
            id=["a", "b", "a", "b"],
        )


def test_repeated_ids_across_concatenated_tables_are_refused() -> None:
    a = SeizureTable.from_records([seizure(id="x"), seizure(id="y")])
    b = SeizureTable.from_records([seizure(id="y"), seizure(id="z")])
    with pytest.raises(ValidationError, match=r"1 ids occur.*'y'"):
        a + b
    with pytest.raises(ValidationError, match="'y'"):
        concat([a, b])
    assert len(SeizureTable.concat([a, b], duplicates="allow")) == 4


def test_repeated_ids_across_tables_aggregated_together_are_refused() -> None:
    a = SeizureTable.from_records([seizure(id="x"), seizure(id="y")])
    b = SeizureTable.from_records([seizure(id="y", mass_kg=2.0)])
    with pytest.raises(ValidationError, match="'y'"):
        merge(total(a, "mass_kg"), total(b, "mass_kg"))
    with pytest.raises(ValidationError, match="'y'"):
        total(a, "count") + total(b, "count")
    allowed = merge(total(a, "mass_kg"), total(b, "mass_kg"), duplicates="allow")
    assert allowed.to_dict() == {(): 4.0}
    # a filtered table only carries the ids of its own rows
    assert merge(total(a[:1], "mass_kg"), total(a[1:], "mass_kg")).to_dict() == {(): 2.0}


def test_records_without_ids_are_never_deduplicated() -> None:
    same = [seizure(), seizure(), seizure()]
    table = SeizureTable.from_records(same)
    assert total(table, "mass_kg").to_dict() == {(): 3.0}
    assert len(table + table) == 6
    assert merge(total(table, "count"), total(table, "count")).to_dict() == {(): 6}


def test_every_guarantee_names_a_test_that_exists() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).parent
    page = (root.parent / "docs" / "explanation" / "aggregation.md").read_text(encoding="utf-8")
    section = page[page.index("## Guarantees") :]
    named = re.findall(r"`(test_\w+\.py)::(test_\w+)`", section)
    assert len(named) >= 20
    for module, function in named:
        source = (root / module).read_text(encoding="utf-8")
        assert f"def {function}(" in source, f"{module}::{function}"


def test_running_totals_are_exact_sums_so_far() -> None:
    from narcometrics.aggregate import cumulative

    values = [1e16, 1.0, 1.0, 0.1, 0.2]
    running = cumulative([2010, 2011, 2012, 2013, 2014], values)
    assert running.tolist() == [math.fsum(values[: i + 1]) for i in range(len(values))]
    assert running[2] == 1.0000000000000002e16  # a left-to-right sum says 1e16
    table = SeizureTable.from_records(
        [seizure(date=dt.date(2010 + i, 1, 1), mass_kg=m) for i, m in enumerate(values)]
    )
    by_year = cumulative(total(table, "mass_kg", by="year"))
    assert by_year.tolist() == running.tolist()
    counts = cumulative(total(table, "count", by="year"))
    assert counts.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_the_report_never_counts_an_unreported_operation_count_as_zero(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from narcometrics.cli import main

    path = tmp_path / "operations.csv"
    path.write_text(
        "date,country,laboratories_destroyed,arrests\n2017-05-09,PER,3,\n2017-06-09,PER,2,4\n",
        encoding="utf-8",
    )
    assert main(["report", "--data", str(path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"Arrests +not in the data", out)
    assert "so not reported: organisations_disbanded, airstrips_destroyed, arrests" in out
    path.write_text(
        f"date,country,arrests\n2017-05-09,PER,{2**63 - 1}\n2017-06-09,PER,3\n", encoding="utf-8"
    )
    assert main(["report", "--data", str(path)]) == 2  # never a wrapped-around count
    assert "arrests: the total of group" in capsys.readouterr().err


def _operations(out: str) -> dict[str, Any]:
    """The operation counts of the report's one country section, by name."""
    import json

    [section] = json.loads(out)["sections"]
    return {name: figure["value"] for name, figure in section["operations"].items()}


def test_the_report_reads_json_counts_record_by_record(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from narcometrics.cli import main

    path = tmp_path / "operations.json"
    path.write_text(
        '[{"date": "2017-01-02", "country": "PER", "laboratories_destroyed": 1},'
        ' {"date": "2017-01-03", "country": "PER", "laboratories_destroyed": 2, "arrests": 50}]',
        encoding="utf-8",
    )
    assert main(["report", "--data", str(path), "--format", "json"]) == 0

    operations = _operations(capsys.readouterr().out)
    assert operations["laboratories_destroyed"] == 3
    assert operations["arrests"] is None  # the first record has none: no honest total
    path.write_text(
        '[{"date": "2017-01-02", "country": "PER", "laboratories_destroyed": 1},'
        ' {"date": "2017-01-03", "country": "PER", "laboratories_destroyed": 2, "arrests": 50},'
        ' {"date": "2017-01-04", "country": "PER", "arrests": 1}]',
        encoding="utf-8",
    )
    assert main(["report", "--data", str(path), "--format", "json"]) == 0
    operations = _operations(capsys.readouterr().out)
    assert operations["laboratories_destroyed"] is None  # the third record has none


def test_taking_a_row_with_an_id_twice_is_refused() -> None:
    table = SeizureTable.from_records([seizure(id="a"), seizure(id="b"), seizure()])
    assert [r.id for r in table[[1, 0]]] == ["b", "a"]
    with pytest.raises(ValidationError, match="'a'"):
        table[[0, 0]]
    assert len(table[[2, 2]]) == 2  # rows without an id are never compared


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 4)),
        max_size=60,
    )
)
def test_exact_group_sums_are_the_correctly_rounded_sum_of_any_finite_floats(
    rows: list[tuple[float, int]],
) -> None:
    from fractions import Fraction

    from narcometrics.aggregate._exact import FLOAT_SCALE, float_sums, to_floats

    values = np.array([v for v, _ in rows], dtype=np.float64)
    key = np.array([g for _, g in rows], dtype=np.int8)
    counts, exact = float_sums(key, 5, values)
    got, overflow = to_floats(exact, FLOAT_SCALE)
    assert counts.tolist() == [sum(1 for _, g in rows if g == k) for k in range(5)]
    for k in range(5):
        members = [Fraction(v) for v, g in rows if g == k]
        assert exact[k] == sum(members, Fraction(0)) * 2**FLOAT_SCALE  # exact, to the bit
        try:
            expected = float(sum(members, Fraction(0)))  # correctly rounded
        except OverflowError:
            assert overflow == k  # too large for a float: reported, never inf
            return
        assert got[k] == expected


def test_totals_built_from_values_merge_as_those_values() -> None:
    from narcometrics.aggregate import Totals

    def built(values: list[float], counts: list[int], measure: str = "mass_kg") -> Totals:
        return Totals(
            by=("country",),
            measure=measure,
            table="SeizureTable" if measure == "mass_kg" else "OperationTable",
            levels=[np.array(["BOL", "PER"], dtype=object)],
            codes=[np.arange(len(values))],
            values=np.array(values),
            counts=np.array(counts),
        )

    merged = merge(built([2.5, 1e16], [1, 1]), built([4.0, 1.0], [2, 1]), built([0.5, 1.0], [1, 1]))
    assert merged.to_dict() == {("BOL",): 7.0, ("PER",): 1.0000000000000002e16}
    assert merged.counts.tolist() == [4, 3]
    table = OperationTable.from_records([operation(arrests=3, country="BOL")])
    mixed = merge(total(table, "arrests", by="country"), built([2.0, 5.0], [1, 1], "arrests"))
    assert mixed.to_dict() == {("BOL",): 5.0, ("PER",): 5.0}
