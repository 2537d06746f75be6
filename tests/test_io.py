"""Reading and writing records: round trips, located errors, safety, streaming."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narcometrics import (
    Eradication,
    EradicationTable,
    Operation,
    Seizure,
    SeizureTable,
    TrainingOutcome,
    ValidationError,
)
from narcometrics.aggregate import total
from narcometrics.io import (
    escape_cell,
    iter_csv,
    read,
    read_csv,
    read_json,
    read_parquet,
    unescape_cell,
    write,
    write_csv,
    write_json,
    write_parquet,
)
from narcometrics.stream import aggregate_csv
from narcometrics.testing import strategies as nst

ENGINES = ["python", "pyarrow"]
HEADER = "date,country,substance,mass_kg,purity,region\n"
tmp_settings = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def _write(tmp_path: Path, text: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


# ------------------------------------------------------------------------ round trips

records = st.one_of(
    nst.record_lists(nst.seizures(), min_size=1, max_size=8),
    nst.record_lists(nst.eradications(), min_size=1, max_size=8),
    nst.record_lists(nst.operations(), min_size=1, max_size=8),
    nst.record_lists(nst.training_outcomes(max_participants=8), min_size=1, max_size=4),
)


@tmp_settings
@given(records, st.sampled_from(["csv", "json", "parquet"]), st.sampled_from(ENGINES))
def test_write_then_read_gives_an_equal_table(
    tmp_path: Path, rows: list[Any], suffix: str, engine: str
) -> None:
    path = tmp_path / f"out.{suffix}"
    write(path, rows)
    kind = type(rows[0])
    back = read_csv(path, kind, engine=engine) if suffix == "csv" else read(path, kind)  # type: ignore[arg-type]
    assert list(back) == rows


@pytest.mark.parametrize("engine", ENGINES)
def test_formula_cells_are_escaped_and_read_back(tmp_path: Path, engine: str) -> None:
    import datetime as dt

    rows = [
        Seizure(
            date=dt.date(2017, 1, 1), country="PER", substance="crack", mass_kg=1.0, region=region
        )
        for region in ["=HYPERLINK(1)", "+1", "-x", "@SUM(A1)", "'quoted", "Lima"]
    ]
    path = tmp_path / "s.csv"
    write_csv(path, rows)
    text = path.read_text(encoding="utf-8")
    for dangerous in ["=HYPERLINK", "+1", "-x", "@SUM"]:
        assert f",{dangerous}" not in text
        assert f",'{dangerous}" in text
    assert read_csv(path, Seizure, engine=engine).region.to_list() == [r.region for r in rows]  # type: ignore[arg-type]


@given(st.text())
def test_escaping_is_reversible(text: str) -> None:
    assert unescape_cell(escape_cell(text)) == text
    assert not escape_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("engine", ENGINES)
def test_utf8_with_or_without_bom(tmp_path: Path, engine: str) -> None:
    body = HEADER + "2017-01-01,PER,crack,1.5,,Huánuco\n"
    plain = read_csv(_write(tmp_path, body, "a.csv"), Seizure, engine=engine)  # type: ignore[arg-type]
    bom = read_csv(_write(tmp_path, "\ufeff" + body, "b.csv"), Seizure, engine=engine)  # type: ignore[arg-type]
    assert plain == bom
    assert bom.region.to_list() == ["Huánuco"]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("engine", ENGINES)
def test_every_bad_cell_is_reported_with_path_row_and_column(tmp_path: Path, engine: str) -> None:
    path = _write(
        tmp_path,
        HEADER
        + "2017-01-01,PER,crack,1.5,,Lima\n"
        + "2017-13-01,PER,crack,abc,0.5,Lima\n"
        + "2017-01-03,PE,sugar,-2,1.5,Lima\n",
    )
    with pytest.raises(ValidationError) as info:
        read_csv(path, Seizure, engine=engine)  # type: ignore[arg-type]
    lines = str(info.value).splitlines()
    assert f"{path}:3:1: date: must be an ISO 8601 date (YYYY-MM-DD) ('2017-13-01')" in lines
    assert f"{path}:3:4: mass_kg: must be a real number ('abc')" in lines
    assert any(line.startswith(f"{path}:4:2: country:") for line in lines)
    assert any(line.startswith(f"{path}:4:3: substance:") for line in lines)
    assert f"{path}:4:4: mass_kg: must be > 0 (-2.0)" in lines
    assert f"{path}:4:5: purity: must be within (0, 1] (1.5)" in lines
    assert len(lines) == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty: a header row is required"),
        ("date,country,substance\n", "mass_kg: required column is missing"),
        (HEADER.replace("region", "colour"), "1:6: colour: unknown column"),
        ("date,date,country,substance,mass_kg\n", "1:2: date: repeated column"),
        (HEADER + "2017-01-01,PER,crack\n", ":2: row: has 3 cells where the header has 6"),
        (HEADER + "2017-01-01,PER,crack,nan,,\n", "2:4: mass_kg: must be finite ('nan')"),
        (HEADER + "2017-01-01,PER,crack,inf,,\n", "2:4: mass_kg: must be finite ('inf')"),
        (HEADER + "2017-01,PER,crack,1,,\n", "2:1: date: must be an ISO 8601 date"),
        (HEADER + "01/02/2017,PER,crack,1,,\n", "2:1: date: must be an ISO 8601 date"),
        (HEADER + "2017-01-01,,crack,1,,\n", "2:2: country:"),
        (HEADER + '2017-01-01,PER,crack,"1\n', "malformed CSV"),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_bad_files_raise_one_clear_error(
    tmp_path: Path, text: str, message: str, engine: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_csv(path, Seizure, engine=engine)  # type: ignore[arg-type]


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="file not found"):
        read_csv(tmp_path / "nothing.csv", Seizure)
    with pytest.raises(ValidationError, match="unknown file type"):
        read(tmp_path / "data.ods", Seizure)


def test_not_utf8_is_a_validation_error(tmp_path: Path) -> None:
    path = _write(tmp_path, (HEADER + "2017-01-01,PER,crack,1,,Hu\xe1nuco\n").encode("latin-1"))
    for engine in ENGINES:
        with pytest.raises(ValidationError, match="UTF-8"):
            read_csv(path, Seizure, engine=engine)  # type: ignore[arg-type]


@tmp_settings
@given(st.binary(max_size=300), st.sampled_from([Seizure, Eradication, Operation, TrainingOutcome]))
def test_arbitrary_bytes_give_valid_records_or_a_validation_error(
    tmp_path: Path, data: bytes, kind: type[Any]
) -> None:
    for engine in ENGINES:
        path = _write(tmp_path, data, f"fuzz-{engine}.csv")
        try:
            table = read_csv(path, kind, engine=engine)  # type: ignore[arg-type]
        except ValidationError:
            continue
        for record in table:
            assert isinstance(record, kind)
    path = _write(tmp_path, data, "fuzz.json")
    with contextlib.suppress(ValidationError):
        read_json(path, kind)


@tmp_settings
@given(
    st.lists(
        st.sampled_from(
            [
                "date",
                "country",
                "substance",
                "mass_kg",
                "2017-01-01",
                "PER",
                "crack",
                "1.5",
                "",
                ",",
                "\n",
                '"',
                "x",
                "0",
                "-1",
                ";",
                "\r\n",
            ]
        ),
        max_size=40,
    )
)
def test_csv_like_text_gives_valid_records_or_a_validation_error(
    tmp_path: Path, tokens: list[str]
) -> None:
    path = _write(tmp_path, "date,country,substance,mass_kg\n" + "".join(tokens))
    results = []
    for engine in ENGINES:
        try:
            results.append(list(read_csv(path, Seizure, engine=engine)))  # type: ignore[arg-type]
        except ValidationError:
            results.append(None)
    assert results[0] == results[1]  # both engines agree on what the file holds


def test_an_error_never_leaves_a_half_written_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous content\n", encoding="utf-8")

    class Boom(Exception):
        pass

    def rows() -> Any:
        yield ["a", "b"]
        raise Boom

    from narcometrics.io._csv import write_rows

    with pytest.raises(Boom):
        write_rows(target, rows())
    assert target.read_text(encoding="utf-8") == "previous content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_json_errors_name_path_and_json_path(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        json.dumps([{"date": "2017-01-01", "country": "PER", "area_ha": -1, "method": "manual"}]),
        "e.json",
    )
    with pytest.raises(ValidationError, match=r"e\.json: \$\[0\]\.area_ha: must be > 0"):
        read_json(path, Eradication)


def test_parquet_round_trip_and_errors(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "e.parquet"
    pq.write_table(
        pa.table(
            {
                "date": pa.array([17000], pa.date32()),
                "country": ["PER"],
                "area_ha": [-1.0],
                "method": ["manual"],
            }
        ),
        path,
    )
    with pytest.raises(ValidationError, match=r"e\.parquet:1: area_ha: must be > 0"):
        read_parquet(path, Eradication)
    with pytest.raises(ValidationError, match="not a readable Parquet file"):
        read_parquet(_write(tmp_path, "not parquet", "x.parquet"), Eradication)


# ------------------------------------------------------------------------ streaming


@pytest.mark.parametrize("engine", ENGINES)
def test_streamed_partials_equal_the_total_of_the_whole_file(tmp_path: Path, engine: str) -> None:
    lines = [HEADER.strip()]
    regions = ["Lima", "Puno", "Cusco"]
    for i in range(2000):
        lines.append(
            f"20{10 + i % 8}-0{1 + i % 9}-1{i % 9},PER,crack,{1 + i % 7}.25,,{regions[i % 3]}"
        )
    path = _write(tmp_path, "\n".join(lines) + "\n")
    whole = total(read_csv(path, Seizure), "mass_kg", by=("year", "region"))
    chunks = list(iter_csv(path, Seizure, engine=engine, chunk_rows=300, block_bytes=4096))  # type: ignore[arg-type]
    assert len(chunks) > 1
    assert sum(len(c) for c in chunks) == 2000
    streamed = aggregate_csv(
        path,
        Seizure,
        "mass_kg",
        ("year", "region"),
        engine=engine,  # type: ignore[arg-type]
        chunk_rows=300,
        block_bytes=4096,
    )
    assert streamed.allclose(whole)
    assert streamed.to_dict().keys() == whole.to_dict().keys()


def test_a_bad_row_late_in_a_stream_is_located(tmp_path: Path) -> None:
    lines = [HEADER.strip()] + ["2017-01-01,PER,crack,1.5,,Lima"] * 1000
    lines[900] = "2017-01-01,PER,crack,zero,,Lima"
    path = _write(tmp_path, "\n".join(lines) + "\n")
    for engine in ENGINES:
        with pytest.raises(ValidationError, match=r":901:4: mass_kg: must be a real number"):
            list(iter_csv(path, Seizure, engine=engine, chunk_rows=100, block_bytes=2048))  # type: ignore[arg-type]


def test_no_progress_bar_when_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, HEADER + "2017-01-01,PER,crack,1.5,,Lima\n")
    read_csv(path, Seizure)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out == ""


def test_reading_from_a_stream_and_records_or_tables_as_kind() -> None:
    text = "date,country,area_ha,method\n2017-03-01,per,12.5,manual\n"
    a = read_csv(io.StringIO(text), Eradication)
    b = read_csv(io.BytesIO(text.encode()), EradicationTable)
    assert a == b
    assert a[0].country == "PER"


def test_write_json_then_read(tmp_path: Path) -> None:
    table = read_csv(io.StringIO(HEADER + "2017-01-01,PER,crack,1.5,0.25,Lima\n"), SeizureTable)
    write_json(tmp_path / "s.json", table)
    assert read_json(tmp_path / "s.json", Seizure) == table
    write_parquet(tmp_path / "s.parquet", table)
    assert read_parquet(tmp_path / "s.parquet", Seizure) == table


def test_progress_bar_when_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, HEADER + "2017-01-01,PER,crack,1.5,,Lima\n" * 3)
    for engine in ENGINES:
        table = read_csv(path, Seizure, engine=engine, progress=True)  # type: ignore[arg-type]
        assert len(table) == 3
        assert f"reading {path}" in capsys.readouterr().err


def test_the_moved_aggregate_csv_still_works_from_io_with_a_deprecation_warning(
    tmp_path: Path,
) -> None:
    from narcometrics.io import aggregate_csv as old

    path = tmp_path / "s.csv"
    path.write_text("date,country,substance,mass_kg\n2017-01-02,PER,crack,2.5\n", encoding="utf-8")
    with pytest.warns(DeprecationWarning, match=r"narcometrics\.stream\.aggregate_csv"):
        totals = old(path, Seizure, "mass_kg")
    assert totals.grand_total == aggregate_csv(path, Seizure, "mass_kg").grand_total == 2.5
