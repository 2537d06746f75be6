"""Excel workbooks: round trips for every record type, located errors, formula escaping."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narcometrics import Eradication, Operation, Seizure, SeizureTable, ValidationError
from narcometrics.io import detect_record_type, read, read_xlsx, write, write_xlsx
from narcometrics.testing import strategies as nst

openpyxl = pytest.importorskip("openpyxl")
tmp_settings = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40
)

records = st.one_of(  # distinct ids, as a table accepts them
    nst.record_lists(nst.seizures(), min_size=1, max_size=6),
    nst.record_lists(nst.eradications(), min_size=1, max_size=6),
    nst.record_lists(nst.operations(), min_size=1, max_size=6),
    nst.record_lists(nst.training_outcomes(max_participants=6), min_size=1, max_size=3),
)


def _workbook(path: Path, rows: list[list[Any]], title: str = "Datos") -> Path:
    """A workbook typed by hand: the first row is the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _texts(rows: list[Any]) -> list[str]:
    out: list[str] = []
    for row in rows:
        for value in attrs.asdict(row, recurse=False).values():
            if isinstance(value, str):
                out.append(value)
            elif isinstance(value, tuple):
                out.extend(v for v in value if isinstance(v, str))
    return out


@tmp_settings
@given(records)
def test_write_then_read_xlsx_gives_an_equal_table_for_every_record_type(
    tmp_path: Path, rows: list[Any]
) -> None:
    path = tmp_path / "out.xlsx"
    path.unlink(missing_ok=True)
    if any(_ILLEGAL.search(text) for text in _texts(rows)):
        with pytest.raises(ValidationError, match="control character"):
            write(path, rows)
        assert not path.exists()
        return
    write(path, rows)
    back = list(read(path, type(rows[0])))
    assert len(back) == len(rows)
    for got, want in zip(back, rows, strict=True):
        _assert_same_record(got, want)
    assert detect_record_type(path) is type(rows[0])


def _same_float(a: object, b: object) -> bool:
    # openpyxl writes 16 significant digits: a float may differ in its 17th.
    return isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, rel_tol=1e-15)


def _assert_same_record(got: Any, want: Any) -> None:
    for field, value in attrs.asdict(want, recurse=False).items():
        other = getattr(got, field)
        if isinstance(value, tuple):
            assert len(other) == len(value), field
            for x, y in zip(other, value, strict=True):
                assert x == y or _same_float(x, y), field
        else:
            assert other == value or _same_float(other, value), field


def test_formula_text_is_escaped_in_the_workbook_and_read_back(tmp_path: Path) -> None:
    regions = ["=HYPERLINK(1)", "+1", "-x", "@SUM(A1)", "\tx", "'quoted", "Lima"]
    rows = [
        Seizure(date=dt.date(2017, 1, 1), country="PER", substance="crack", mass_kg=1.0, region=r)
        for r in regions
    ]
    path = tmp_path / "s.xlsx"
    write_xlsx(path, rows)
    book = openpyxl.load_workbook(path)
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    written = [c.value for c in cells if isinstance(c.value, str) and c.row > 1]
    for dangerous in ["=HYPERLINK(1)", "+1", "-x", "@SUM(A1)", "\tx"]:
        assert dangerous not in written
        assert "'" + dangerous in written
    assert read_xlsx(path, Seizure).region.to_list() == regions


def test_dates_are_written_as_date_cells(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_xlsx(
        path, [Seizure(date=dt.date(2017, 3, 9), country="PER", substance="crack", mass_kg=2.0)]
    )
    cell = openpyxl.load_workbook(path).active["A2"]
    assert cell.is_date
    assert cell.value.date() == dt.date(2017, 3, 9)


def test_dates_read_from_date_cells_serials_and_iso_text(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "d.xlsx",
        [
            ["date", "country", "area_ha", "method"],
            [dt.date(2017, 3, 1), "PER", 1.5, "manual"],
            [42795, "PER", 2.0, "manual"],  # Excel serial of 2017-03-01
            ["2017-03-01", "PER", "2.5", "manual"],
        ],
    )
    table = read_xlsx(path, Eradication)
    assert [r.date for r in table] == [dt.date(2017, 3, 1)] * 3
    assert table.area_ha.tolist() == [1.5, 2.0, 2.5]


def test_every_bad_cell_is_reported_with_sheet_row_and_column(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "bad.xlsx",
        [
            ["date", "country", "substance", "mass_kg"],
            [dt.date(2017, 1, 1), "PER", "crack", 1.0],
            [dt.datetime(2017, 1, 2, 13, 30), "PER", "crack", 1.0],
            [dt.date(2017, 1, 3), "PER", "sugar", 1.0],
            [dt.date(2017, 1, 4), "PER", "crack", -2.0],
            [42795.5, "PER", "crack", "heavy"],
        ],
    )
    with pytest.raises(ValidationError) as info:
        read_xlsx(path, Seizure)
    where = [(p.path, p.row, p.column, p.field) for p in info.value.problems]
    sheet = f"{path}[Datos]"
    assert where == [
        (sheet, 3, 1, "date"),
        (sheet, 4, 3, "substance"),
        (sheet, 5, 4, "mass_kg"),
        (sheet, 6, 1, "date"),
        (sheet, 6, 4, "mass_kg"),
    ]
    assert f"{sheet}:5:4: mass_kg: must be > 0" in str(info.value)


def test_an_empty_count_cell_is_never_read_as_zero(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "ops.xlsx",
        [["date", "country", "arrests"], [dt.date(2017, 1, 1), "PER", None]],
    )
    try:
        table = read_xlsx(path, Operation)
    except ValidationError as error:  # records that require the count refuse the row
        problem = error.problems[0]
    else:  # records where a count may be absent keep it absent (masked)
        assert bool(np.ma.getmaskarray(table.to_columns()["arrests"])[0])
        return
    assert (problem.field, problem.row, problem.column) == ("arrests", 2, 3)


def test_header_problems_are_located(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "h.xlsx",
        [["date", "pais", "substance", "substance", 7], [dt.date(2017, 1, 1), "PER", "x", "y", 1]],
    )
    with pytest.raises(ValidationError) as info:
        read_xlsx(path, Seizure)
    assert [(p.row, p.column) for p in info.value.problems] == [(1, 5)]
    path = _workbook(
        tmp_path / "h2.xlsx",
        [["date", "pais", "substance", "substance"], [dt.date(2017, 1, 1), "PER", "x", "y"]],
    )
    with pytest.raises(ValidationError) as info:
        read_xlsx(path, Seizure)
    text = str(info.value)
    assert ":1:2: pais: unknown column" in text
    assert ":1:4: substance: repeated column" in text
    assert "country: required column is missing" in text


def test_sheets_by_name_and_position_and_empty_rows_are_not_records(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "notes"
    book.active.append(["nothing here"])
    data = book.create_sheet("2017")
    data.append([])
    data.append(["date", "country", "area_ha", "method"])
    data.append([dt.date(2017, 1, 1), "PER", 3.0, "manual"])
    data.append([])
    data.append([dt.date(2017, 1, 2), "PER", 4.0, "manual"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    assert read_xlsx(path, Eradication, sheet="2017").area_ha.tolist() == [3.0, 4.0]
    assert len(read_xlsx(path, Eradication, sheet=1)) == 2
    with pytest.raises(ValidationError, match="its sheets are: notes, 2017"):
        read_xlsx(path, Eradication, sheet="2018")
    with pytest.raises(ValidationError, match="no sheet at position 5"):
        read_xlsx(path, Eradication, sheet=5)


def test_bad_files_raise_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="file not found"):
        read_xlsx(tmp_path / "missing.xlsx", Seizure)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip" * 10)
    with pytest.raises(ValidationError, match=r"not a readable \.xlsx workbook"):
        read_xlsx(junk, Seizure)
    empty = _workbook(tmp_path / "empty.xlsx", [])
    with pytest.raises(ValidationError, match="header row is required"):
        read_xlsx(empty, Seizure)


@settings(max_examples=50)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_records_or_a_validation_error(data: bytes) -> None:
    import io

    with contextlib.suppress(ValidationError):
        read_xlsx(io.BytesIO(data), Seizure)


def test_values_beyond_the_header_are_refused(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "wide.xlsx",
        [["date", "country", "area_ha", "method"], [dt.date(2017, 1, 1), "PER", 1, "manual", 9]],
    )
    with pytest.raises(ValidationError, match=r"\[Datos\]:2:5: row: has a value beyond"):
        read_xlsx(path, Eradication)


def test_an_empty_table_writes_a_header_and_reads_back_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_xlsx(path, SeizureTable.from_records([]))
    assert len(read_xlsx(path, Seizure)) == 0
