"""The CSV format as the writer writes it, and the pyarrow engine reading a whole file in
blocks: the same tables as the python engine, whatever the blocks."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import narcometrics.io as nio
from narcometrics import Operation, Seizure, TrainingOutcome, ValidationError
from narcometrics.io import read_csv, write_csv
from narcometrics.testing import strategies as nst

pytest.importorskip("pyarrow")

tmp_settings = settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
#: A whole file is read in blocks this small here, so that a few rows span many blocks.
SMALL_BLOCK = 256


def _no_python_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a fallback to the python engine fail the test (the pyarrow path must answer)."""
    import narcometrics.io._readers as readers

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the pyarrow engine fell back to the python engine")

    monkeypatch.setattr(readers, "python_chunks", refuse)


# --------------------------------------------------------------------- what is written


def test_the_writer_ends_every_line_with_crlf_as_documented(tmp_path: Path) -> None:
    """The file-format reference and `write_csv` say CRLF (RFC 4180): check the bytes."""
    rows = [
        Seizure(date=dt.date(2017, 1, 2), country="PER", substance="crack", mass_kg=1.5),
        Seizure(date=dt.date(2017, 1, 3), country="COL", substance="coca_paste", mass_kg=2.0),
    ]
    path = tmp_path / "s.csv"
    write_csv(path, rows)
    raw = path.read_bytes()
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\r\n") == raw.count(b"\n") == raw.count(b"\r") == len(rows) + 1
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark


def test_a_cell_with_a_bare_line_break_is_quoted_and_reads_back(tmp_path: Path) -> None:
    regions = ["a\nb", "c\rd", 'say "x"', "e,f", "=1+1", "'=x"]
    rows = [
        Seizure(date=dt.date(2017, 1, 1), country="PER", substance="crack", mass_kg=1.0, region=r)
        for r in regions
    ]
    path = tmp_path / "s.csv"
    write_csv(path, rows)
    raw = path.read_bytes().decode("utf-8")
    for text in ('"a\nb"', '"c\rd"', '"say ""x"""', '"e,f"', ",'=1+1", ",''=x"):
        assert text in raw
    for engine in ("python", "pyarrow"):
        assert read_csv(path, Seizure, engine=engine).region.to_list() == regions  # type: ignore[arg-type]


def test_public_readers_take_no_private_parameter() -> None:
    for name in ("iter_csv", "read_csv", "read_json", "read_parquet", "read", "write_csv"):
        parameters = inspect.signature(getattr(nio, name)).parameters
        assert not [p for p in parameters if p.startswith("_")], name


# ------------------------------------------------------------- whole files, in blocks


def _labelled_file(tmp_path: Path) -> Path:
    """Rows whose labels come in a different first-seen order in each block, with escaped,
    missing and lower-case values."""
    lines = ["date,country,substance,mass_kg,purity,region,agency,id"]
    regions = ["'=Lima", "Cusco", "", "'s-Hertogenbosch", "Puno", "=x"]
    for i in range(400):
        region = regions[(i * 7 // 50) % len(regions)]
        region = "'" + region if region.startswith("=") else region
        country = ("PER", "col", "BOL")[(i // 30) % 3]
        substance = ("crack", "COCAINE_HCL", "coca_paste")[(i // 45) % 3]
        purity = "" if i % 3 else f"0.{i % 9 + 1}"
        agency = "" if i % 5 == 0 else f"agency {i % 4}"
        lines.append(
            f"2017-{i % 12 + 1:02d}-{i % 28 + 1:02d},{country},{substance},{1 + i / 8},"
            f"{purity},{region},{agency},s{i}"
        )
    path = tmp_path / "labels.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("threads", [False, True])
def test_a_whole_file_read_in_many_blocks_equals_the_python_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threads: bool
) -> None:
    import pyarrow.csv as pacsv

    import narcometrics.io._csv_arrow as arrow

    path = _labelled_file(tmp_path)
    python = read_csv(path, Seizure, engine="python")
    monkeypatch.setattr(arrow, "WHOLE_BLOCK_BYTES", SMALL_BLOCK)
    monkeypatch.setattr(arrow, "_PARALLEL_ROWS", 0 if threads else 10**9)
    read = pacsv.read_csv(path, pacsv.ReadOptions(block_size=SMALL_BLOCK))
    assert read.column("region").num_chunks > 50  # the blocks the test is about
    _no_python_engine(monkeypatch)
    blocks = read_csv(path, Seizure, engine="pyarrow")
    assert blocks == python
    assert blocks.region.labels.tolist() == python.region.labels.tolist()
    assert "=Lima" in blocks.region.labels.tolist()
    assert "'s-Hertogenbosch" in blocks.region.labels.tolist()
    assert sorted(blocks.country.labels.tolist()) == ["BOL", "COL", "PER"]


def test_a_bad_cell_in_a_late_block_is_located_as_the_python_engine_locates_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import narcometrics.io._csv_arrow as arrow

    path = _labelled_file(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for i in (350, 351):  # file lines 351 and 352
        cells = lines[i].split(",")
        cells[1] = "XXX"
        lines[i] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as python:
        read_csv(path, Seizure, engine="python")
    monkeypatch.setattr(arrow, "WHOLE_BLOCK_BYTES", SMALL_BLOCK)
    with pytest.raises(ValidationError) as blocks:
        read_csv(path, Seizure, engine="pyarrow")
    assert str(blocks.value) == str(python.value)
    assert [(p.row, p.column, p.field, p.value) for p in python.value.problems] == [
        (351, 2, "country", "XXX"),
        (352, 2, "country", "XXX"),
    ]


@tmp_settings
@given(
    st.one_of(
        nst.record_lists(nst.seizures(), max_size=30),
        nst.record_lists(nst.operations(), max_size=30),
        nst.record_lists(nst.training_outcomes(max_participants=6), max_size=12),
    ),
    st.sampled_from([SMALL_BLOCK, 1 << 12]),
)
def test_written_records_read_whole_in_blocks_equal_the_python_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, records: list[Any], block: int
) -> None:
    import narcometrics.io._csv_arrow as arrow
    from narcometrics.io._kinds import table_type

    kind = type(records[0]) if records else Seizure
    assert kind in (Seizure, Operation, TrainingOutcome)
    path = tmp_path / "records.csv"
    write_csv(path, table_type(kind).from_records(records))
    python = read_csv(path, kind, engine="python")
    monkeypatch.setattr(arrow, "WHOLE_BLOCK_BYTES", block)
    assert read_csv(path, kind, engine="pyarrow") == python
    monkeypatch.setattr(arrow, "_PARALLEL_ROWS", 0)  # columns (and halves) on threads
    assert read_csv(path, kind, engine="pyarrow") == python
    assert list(python) == records


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_every_documented_line_end_reads_the_same_on_both_engines(tmp_path: Path, end: str) -> None:
    lines = [
        "date,country,substance,mass_kg",
        "2017-01-02,PER,crack,1.5",
        "",
        "2017-01-03,COL,crack,2",
    ]
    path = tmp_path / "ends.csv"
    path.write_bytes(end.join(lines).encode() + end.encode())
    for engine in ("python", "pyarrow"):
        table = read_csv(path, Seizure, engine=engine)  # type: ignore[arg-type]
        assert table.mass_kg.tolist() == [1.5, 2.0]
        assert table.country.to_list() == ["PER", "COL"]


# ------------------------------------------------- the python engine, column by column


@tmp_settings
@given(
    st.one_of(
        nst.record_lists(nst.seizures(), max_size=30),
        nst.record_lists(nst.operations(), max_size=30),
        nst.record_lists(nst.eradications(), max_size=30),
    )
)
def test_the_columnar_python_path_gives_the_cell_by_cell_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, records: list[Any]
) -> None:
    import narcometrics.io._csv as csv_module
    from narcometrics.io._kinds import table_type

    kind = type(records[0]) if records else Seizure
    path = tmp_path / "records.csv"
    write_csv(path, table_type(kind).from_records(records))
    columnar = read_csv(path, kind, engine="python")
    with monkeypatch.context() as patch:
        patch.setattr(csv_module, "fast_columns", lambda *args: None)
        assert read_csv(path, kind, engine="python") == columnar
    assert list(columnar) == records


def test_two_spellings_of_one_label_are_one_label_on_the_columnar_path(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "date,country,substance,mass_kg,region\n"
        "2017-01-01,PER,crack,1,'=x\n2017-01-02,per,crack,2,=x\n2017-01-03,PER,crack,3,\n",
        encoding="utf-8",
    )
    for engine in ("python", "pyarrow"):
        table = read_csv(path, Seizure, engine=engine)  # type: ignore[arg-type]
        assert table.region.to_list() == ["=x", "=x", None]
        assert table.region.labels.tolist() == ["=x"]
        assert table.country.to_list() == ["PER", "PER", "PER"]
