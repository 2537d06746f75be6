"""Reading what is good: ``read(..., errors="collect")`` keeps the valid rows, reports every
row it leaves out with its problems, and never drops a row silently."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narcometrics import Eradication, EradicationTable, Seizure, ValidationError
from narcometrics.cli import main
from narcometrics.errors import UnknownNameError
from narcometrics.io import Collected, FileProblems, read, read_files, write

FORMATS = ("csv", "json", "parquet", "xlsx")
# The file row of data row i: CSV and sheets count the header as row 1; JSON and Parquet
# number the records from 1.
FIRST_ROW = {"csv": 2, "json": 1, "parquet": 1, "xlsx": 2}
BAD = {"area_ha": -1.0}  # must be > 0: a bad value every format can hold


def _records(n: int) -> list[Eradication]:
    return [
        Eradication(
            date=dt.date(2017, 1, 1) + dt.timedelta(days=i),
            country="PER",
            area_ha=float(i + 1),
            method="manual",
            id=f"E-{i}",
        )
        for i in range(n)
    ]


def _needs(fmt: str) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    if fmt == "xlsx":
        pytest.importorskip("openpyxl")


def _corrupt(path: Path, fmt: str, changes: dict[int, dict[str, Any]]) -> None:
    """Set fields of data rows (0-based) of a file written by ``write``, in its own format."""
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        for i, change in changes.items():
            for name, value in change.items():
                rows[i + 1][rows[0].index(name)] = str(value)
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    elif fmt == "json":
        items = json.loads(path.read_text(encoding="utf-8"))
        for i, change in changes.items():
            items[i].update(change)
        path.write_text(json.dumps(items), encoding="utf-8")
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        frame = pq.read_table(path)
        for name in {name for change in changes.values() for name in change}:
            values = frame.column(name).to_pylist()
            for i, change in changes.items():
                if name in change:
                    values[i] = change[name]
            index = frame.column_names.index(name)
            frame = frame.set_column(
                index, name, pa.array(values, type=frame.schema.field(name).type)
            )
        pq.write_table(frame, path)
    else:
        import openpyxl

        book = openpyxl.load_workbook(path)
        sheet = book.active
        assert sheet is not None
        header = [cell.value for cell in sheet[1]]
        for i, change in changes.items():
            for name, value in change.items():
                sheet.cell(row=i + 2, column=header.index(name) + 1, value=value)
        book.save(path)


def _file(tmp_path: Path, fmt: str, n: int, changes: dict[int, dict[str, Any]]) -> Path:
    path = tmp_path / f"eradications.{fmt}"
    write(path, _records(n))
    _corrupt(path, fmt, changes)
    return path


def _strict_without(tmp_path: Path, fmt: str, n: int, left_out: set[int]) -> Any:
    path = tmp_path / f"good.{fmt}"
    write(
        path,
        EradicationTable.from_records([r for i, r in enumerate(_records(n)) if i not in left_out]),
    )
    return read(path, Eradication)


def _problem_rows(found: Collected) -> set[int]:
    return {p.row for p in found.problems if p.row is not None}


# ------------------------------------------------------------------ every format


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "bad",
    [{0, 1}, {8, 9}, {4, 5, 6}, {0, 3, 7, 9}],
    ids=["at the start", "at the end", "consecutive", "scattered"],
)
def test_collect_keeps_every_valid_row_and_reports_every_bad_row(
    tmp_path: Path, fmt: str, bad: set[int]
) -> None:
    _needs(fmt)
    path = _file(tmp_path, fmt, 10, dict.fromkeys(bad, BAD))
    found = read(path, Eradication, errors="collect")
    assert isinstance(found, Collected)
    assert found.rows == 10
    assert found.left_out == len(bad)
    assert found.table.id.to_list() == [f"E-{i}" for i in range(10) if i not in bad]
    assert found.table == _strict_without(tmp_path, fmt, 10, bad)
    assert _problem_rows(found) == {i + FIRST_ROW[fmt] for i in bad}
    assert all(p.field.endswith("area_ha") and p.value == -1.0 for p in found.problems)
    assert {p.path for p in found.problems} == {str(path) if fmt != "xlsx" else f"{path}[records]"}
    if fmt in ("csv", "xlsx"):  # formats with columns: the column of area_ha
        assert {p.column for p in found.problems} == {3}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_default_stays_strict(tmp_path: Path, fmt: str) -> None:
    _needs(fmt)
    path = _file(tmp_path, fmt, 4, {2: BAD})
    with pytest.raises(ValidationError):
        read(path, Eradication)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_without_problems_is_read_whole(tmp_path: Path, fmt: str) -> None:
    _needs(fmt)
    path = _file(tmp_path, fmt, 5, {})
    found = read(path, Eradication, errors="collect")
    assert found.left_out == 0
    assert len(found.problems) == 0
    assert found.table == read(path, Eradication)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_of_only_bad_rows_gives_an_empty_table_and_every_problem(
    tmp_path: Path, fmt: str
) -> None:
    _needs(fmt)
    path = _file(tmp_path, fmt, 5, dict.fromkeys(range(5), BAD))
    found = read(path, Eradication, errors="collect")
    assert len(found.table) == 0
    assert type(found.table).__name__ == "EradicationTable"
    assert found.left_out == 5
    assert _problem_rows(found) == {i + FIRST_ROW[fmt] for i in range(5)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_row_with_a_repeated_id_is_left_out_never_deduplicated(
    tmp_path: Path, fmt: str
) -> None:
    _needs(fmt)
    # rows 1, 4 and 7 share an id; row 5 is bad for another reason
    path = _file(tmp_path, fmt, 9, {1: {"id": "E-1"}, 4: {"id": "E-1"}, 7: {"id": "E-1"}, 5: BAD})
    found = read(path, Eradication, errors="collect")
    assert found.table.id.to_list() == ["E-0", "E-2", "E-3", "E-6", "E-8"]
    assert found.left_out == 4
    repeated = [p for p in found.problems if p.field == "id"]
    assert sorted(p.row for p in repeated if p.row is not None) == [
        i + FIRST_ROW[fmt] for i in (1, 4, 7)
    ]
    assert all(p.value == "E-1" for p in repeated)


def test_json_problems_keep_the_json_path_of_the_original_record(tmp_path: Path) -> None:
    path = _file(tmp_path, "json", 10, {7: BAD})
    found = read(path, Eradication, errors="collect")
    (problem,) = found.problems
    assert problem.field == "$[7].area_ha"
    assert problem.row == 8


def test_one_bad_json_object_gives_an_empty_table(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(
        '{"date": "2017-01-01", "country": "PER", "area_ha": -1, "method": "manual"}',
        encoding="utf-8",
    )
    found = read(path, Eradication, errors="collect")
    assert len(found.table) == 0
    assert found.left_out == 1
    assert [p.field for p in found.problems] == ["$.area_ha"]


def test_csv_rows_are_file_lines_after_a_quoted_cell_over_several_lines(
    tmp_path: Path,
) -> None:
    path = tmp_path / "zones.csv"
    path.write_text(
        "date,country,area_ha,method,zone\n"
        '2017-01-01,PER,1,manual,"Alto\nHuallaga\r\nnorte"\n'  # lines 2 to 4
        "\n"  # a blank line: not a record
        "2017-01-02,PER,-2,manual,Monzón\n"  # line 6
        '2017-01-03,PER,3,manual,"a,b"\n'  # line 7
        "2017-01-04,Peru,4,manual,x\n",  # line 8
        encoding="utf-8",
    )
    found = read(path, Eradication, errors="collect")
    assert [(p.row, p.column, p.field) for p in found.problems] == [
        (6, 3, "area_ha"),
        (8, 2, "country"),
    ]
    assert found.table.zone.to_list() == ["Alto\nHuallaga\r\nnorte", "a,b"]


def test_csv_separator_and_decimal_comma_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "es.csv"
    path.write_text(
        "date;country;area_ha;method\n"
        "2017-01-01;PER;1,5;manual\n"
        "2017-01-02;PER;-2,5;manual\n"
        "2017-01-03;PER;3,25;manual\n",
        encoding="utf-8",
    )
    found = read_files(path, sep=";", decimal=",", errors="collect")[0]
    assert found.table.area_ha.tolist() == [1.5, 3.25]
    assert [(p.row, p.value) for p in found.problems] == [(3, -2.5)]


def test_every_problem_of_a_bad_row_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text(
        "date,country,area_ha,method\n2017-01-01,PER,1,manual\n2017-02-01,Peru,-1,burnt\n",
        encoding="utf-8",
    )
    found = read(path, Eradication, errors="collect")
    assert [(p.row, p.column) for p in found.problems] == [(3, 2), (3, 3), (3, 4)]
    assert found.left_out == 1


# ------------------------------------------------------------- whole-file problems


@pytest.mark.parametrize(
    "text",
    [
        "date,country,method\n2017-01-01,PER,manual\n",  # a required column is missing
        "date,country,area_ha,method,colour\n2017-01-01,PER,1,manual,red\n",  # unknown
        "date,date,country,area_ha,method\n2017-01-01,2017-01-01,PER,1,manual\n",  # repeated
        "",  # no header
    ],
    ids=["missing column", "unknown column", "repeated column", "empty file"],
)
def test_a_problem_of_the_whole_file_still_raises(tmp_path: Path, text: str) -> None:
    path = tmp_path / "whole.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError):
        read(path, Eradication, errors="collect")


def test_a_file_that_is_not_utf8_or_missing_still_raises(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(
        "date,country,area_ha,method,zone\n2017-01-01,PER,1,manual,Monzón\n".encode("latin-1")
    )
    with pytest.raises(ValidationError, match="not UTF-8"):
        read(path, Eradication, errors="collect")
    with pytest.raises(ValidationError, match="file not found"):
        read(tmp_path / "absent.csv", Eradication, errors="collect")


def test_a_json_file_with_an_unknown_key_in_one_record_leaves_that_record_out(
    tmp_path: Path,
) -> None:
    path = _file(tmp_path, "json", 3, {1: {"colour": "red"}})
    found = read(path, Eradication, errors="collect")
    assert found.table.id.to_list() == ["E-0", "E-2"]
    assert [p.row for p in found.problems] == [2]


def test_an_unknown_errors_option_is_an_unknown_name(tmp_path: Path) -> None:
    path = _file(tmp_path, "csv", 2, {})
    with pytest.raises(UnknownNameError):
        read(path, Eradication, errors="ignore")  # type: ignore[call-overload]
    with pytest.raises(UnknownNameError):
        read_files(path, errors="drop")  # type: ignore[arg-type]


# ------------------------------------------------------------------ the problems


def test_problems_are_records_and_a_dataframe_to_filter(tmp_path: Path) -> None:
    path = _file(tmp_path, "csv", 6, {1: BAD, 3: {"country": "Peru"}, 4: BAD})
    problems = read(path, Eradication, errors="collect").problems
    records = problems.to_records()
    assert [list(r) for r in records] == [
        ["file", "row", "column", "field", "problem", "value"]
    ] * 3
    assert [(r["row"], r["field"], r["value"]) for r in records] == [
        (3, "area_ha", -1.0),
        (5, "country", "Peru"),
        (6, "area_ha", -1.0),
    ]
    frame = problems.to_frame("pandas")
    assert frame[frame.field == "area_ha"].row.tolist() == [3, 6]
    pl = pytest.importorskip("polars")
    polars = problems.to_frame("polars")
    assert polars.filter(pl.col("field") == "country")["row"].to_list() == [5]
    assert problems.summary() == [
        f"{path}: 3 problems in all; per field and bad value:",
        "  area_ha: 2 ('-1.0' x 2)",
        "  country: 1 ('Peru' x 1)",
    ]
    assert repr(problems) == "FileProblems(3 problems in 3 rows of 1 files)"


def test_no_problem_gives_an_empty_frame_with_the_columns() -> None:
    frame = FileProblems().to_frame("pandas")
    assert list(frame.columns) == ["file", "row", "column", "field", "problem", "value"]
    assert len(frame) == 0


# ------------------------------------------------------------------ properties

_CHANGES = st.sampled_from(
    [BAD, {"country": "Peru"}, {"date": "2017-02-30"}, {"method": "burnt"}, {"id": "E-0"}]
)


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_valid_rows_plus_rows_left_out_account_for_every_row_of_the_file(
    tmp_path: Path, fmt: str, data: st.DataObject
) -> None:
    _needs(fmt)
    n = data.draw(st.integers(1, 40), label="rows")
    changes = data.draw(
        st.dictionaries(st.integers(0, n - 1), _CHANGES, max_size=n), label="changes"
    )
    if fmt == "parquet":  # Parquet holds typed columns: only values of the right type
        changes = {i: c for i, c in changes.items() if "date" not in c}
    path = _file(tmp_path, fmt, n, changes)
    found = read(path, Eradication, errors="collect")
    # rows sharing an id with another row (E-0 written over another id) are left out too
    ids = [changes.get(i, {}).get("id", f"E-{i}") for i in range(n)]
    repeated = {i for i in range(n) if ids.count(ids[i]) > 1}
    bad = {i for i, c in changes.items() if "id" not in c} | repeated
    rows_left_out = {row - FIRST_ROW[fmt] for row in _problem_rows(found)}
    assert rows_left_out == bad
    assert len(found.table) + found.left_out == n == found.rows
    assert found.table.id.to_list() == [ids[i] for i in range(n) if i not in bad]
    # valid rows equal what a strict read of the file without the bad rows gives
    kept = tmp_path / f"kept.{fmt}"
    write(
        kept, EradicationTable.from_records([r for i, r in enumerate(_records(n)) if i not in bad])
    )
    assert found.table == read(kept, Eradication)


# ------------------------------------------------------------------ many files


def test_read_files_collects_per_file_and_still_raises_for_a_bad_file(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write(folder / "a.csv", _records(4))
    _corrupt(folder / "a.csv", "csv", {2: BAD})
    write(folder / "b.json", _records(3))
    found = read_files(folder, errors="collect")
    assert [(f.path.rsplit("/", 1)[-1], len(f.table), f.left_out) for f in found] == [
        ("a.csv", 3, 1),
        ("b.json", 3, 0),
    ]
    assert [p.row for p in found[0].problems] == [4]
    (folder / "c.csv").write_text("date,colour\n2017-01-01,red\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        read_files(folder, errors="collect")
    with pytest.raises(ValidationError):
        read_files(folder, errors="collect", reader=lambda source, name: None)  # type: ignore[arg-type,return-value]


# ------------------------------------------------------------------ the command


def _seizures(path: Path) -> None:
    path.write_text(
        "date,country,substance,mass_kg,id\n"
        "2017-03-01,PER,cocaine_hcl,10,S-1\n"
        "2017-03-02,PER,cocaine_hcl,n/a,S-2\n"
        "2017-03-03,PER,cocaine_hcl,20,S-3\n"
        "2017-03-04,PER,cocaine_hcl,5 kg,S-4\n"
        "2017-03-05,PER,cocaine_hcl,n/a,S-5\n"
        "2017-03-06,PER,cocaine_hcl,7,S-3\n",
        encoding="utf-8",
    )


def test_the_command_reports_on_the_valid_rows_with_errors_collect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "seizures.csv"
    _seizures(path)
    assert main(["report", "--data", str(path), "--errors", "collect", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    # only S-1 is valid: n/a (2), 5 kg (1) and the repeated S-3 (2) are left out
    text = json.dumps(report)
    assert "5 rows with problems left out" in text
    assert f"{path}: 5 of 6 rows left out (5 problems)" in err
    lines = err.splitlines()
    summary = lines.index(f"narcometrics: {path}: 5 problems in all; per field and bad value:")
    assert lines[summary + 1 :] == [
        "narcometrics:   mass_kg: 3 ('n/a' x 2, '5 kg' x 1)",
        "narcometrics:   id: 2 ('S-3' x 2)",
    ]
    assert main(["report", "--data", str(path), "--errors", "collect"]) == 0
    out, _ = capsys.readouterr()
    data_line = next(line for line in out.splitlines() if line.startswith("Data:"))
    assert "5 rows with problems left out" in data_line


def test_the_command_default_stays_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "seizures.csv"
    _seizures(path)
    assert main(["report", "--data", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3:4: mass_kg" in err


def test_the_command_with_seizures_totals_only_the_valid_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "seizures.csv"
    path.write_text(
        "date,country,substance,mass_kg\n"
        "2017-03-01,PER,cocaine_hcl,10\n"
        "2017-03-02,PER,cocaine_hcl,-4\n"
        "2017-03-03,PER,cocaine_hcl,2.5\n",
        encoding="utf-8",
    )
    assert main(["report", "--data", str(path), "--errors", "collect", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(out.splitlines()))
    cocaine = [r for r in rows if "cocaine_hcl" in json.dumps(r)]
    assert cocaine
    assert any("12.5" in json.dumps(r) for r in cocaine)


def test_the_command_refuses_errors_collect_with_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "seizures.csv"
    _seizures(path)
    columns = tmp_path / "columns.json"
    columns.write_text("{}", encoding="utf-8")
    assert (
        main(["report", "--data", str(path), "--columns", str(columns), "--errors", "collect"]) == 2
    )
    assert "--errors collect cannot be used with --columns" in capsys.readouterr().err


def test_seizure_files_are_collected_too(tmp_path: Path) -> None:
    path = tmp_path / "seizures.csv"
    _seizures(path)
    found = read(path, Seizure, errors="collect")
    assert found.table.id.to_list() == ["S-1"]
    assert [p.row for p in found.problems] == [3, 4, 5, 6, 7]


@pytest.mark.parametrize("fmt", FORMATS)
def test_more_bad_rows_than_an_error_lists_are_all_found(tmp_path: Path, fmt: str) -> None:
    _needs(fmt)
    bad = set(range(0, 390, 3))  # 130 bad rows: more than MAX_PROBLEMS
    path = _file(tmp_path, fmt, 400, dict.fromkeys(bad, BAD))
    found = read(path, Eradication, errors="collect")
    assert _problem_rows(found) == {i + FIRST_ROW[fmt] for i in bad}
    assert found.table == _strict_without(tmp_path, fmt, 400, bad)


def test_csv_lines_stay_right_past_many_cells_over_several_lines(tmp_path: Path) -> None:
    lines = ["date,country,area_ha,method,zone"]
    expected: list[int] = []
    line = 2
    for i in range(300):
        area = "-1" if i % 2 else str(i + 1)
        zone = '"north\nof the\r\nriver"' if i % 5 == 0 else "Monzón"
        lines.append(f"2017-01-01,PER,{area},manual,{zone}")
        if i % 2:
            expected.append(line)
        line += 3 if i % 5 == 0 else 1
    path = tmp_path / "zones.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    found = read(path, Eradication, errors="collect")
    assert [p.row for p in found.problems] == expected
    assert len(found.table) == 150


def test_json_records_of_any_shape_are_left_out_with_their_problem(tmp_path: Path) -> None:
    good = {"date": "2017-01-01", "country": "PER", "area_ha": 1, "method": "manual"}
    items: list[Any] = [
        {**good, "id": "A"},
        {**good, "id": ["A"]},  # an id that is a list
        {**good, "id": {"x": 1}},  # an id that is an object
        7,  # not an object
        None,
        {**good, "id": "B", "area_ha": "1e999"},
        {**good, "id": "C"},
    ]
    path = tmp_path / "shapes.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    found = read(path, Eradication, errors="collect")
    assert found.table.id.to_list() == ["A", "C"]
    assert _problem_rows(found) == {2, 3, 4, 5, 6}
    assert found.left_out == 5


def _many_bad_rows(n: int = 400) -> list[dict[str, Any]]:
    """Seizures with a bad mass every third row and a bad country every twentieth."""
    return [
        {
            "date": "2017-01-01",
            "country": "XXX" if i % 20 == 0 else "PER",
            "substance": "cocaine_hcl",
            "mass_kg": -1.0 if i % 3 == 0 else 2.0,
        }
        for i in range(n)
    ]


@pytest.mark.parametrize("suffix", [".json", ".parquet"])
def test_a_strict_read_past_100_problems_ends_with_every_problem_counted(
    tmp_path: Path, suffix: str
) -> None:
    # As a CSV read does: after the first 100 problems, a count per field and bad value of
    # all of them, which the collecting reader also gives.
    rows = _many_bad_rows()
    path = tmp_path / f"seizures{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(rows), encoding="utf-8")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns = {k: [r[k] for r in rows] for k in rows[0]}
        columns["date"] = [dt.date(2017, 1, 1)] * len(rows)  # type: ignore[list-item]
        pq.write_table(pa.table(columns), path)
    with pytest.raises(ValidationError) as error:
        read(path, Seizure)
    assert error.value.truncated
    assert len(error.value.problems) == 100
    collected = read(path, Seizure, errors="collect")
    assert list(error.value.summary) == collected.problems.summary()
    head, *fields = error.value.summary
    assert head == f"{path}: {len(collected.problems)} problems in all; per field and bad value:"
    masses = sum(1 for i in range(len(rows)) if i % 3 == 0)
    countries = sum(1 for i in range(len(rows)) if i % 20 == 0)
    both = sum(1 for i in range(len(rows)) if i % 60 == 0)
    # A JSON record is checked field by field and stops at its first bad one (the country).
    expected_masses = masses - both if suffix == ".json" else masses
    assert fields == [
        f"  mass_kg: {expected_masses} ('-1.0' x {expected_masses})",
        f"  country: {countries} ('XXX' x {countries})",
    ]
