"""Files on real input (issue 13): Parquet written with page checksums and every Arrow error
a ValidationError naming the file; random bytes into every reader and corrupted Parquet bytes
give the records or a ValidationError, on both engines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narcometrics import (
    Operation,
    Seizure,
    TrainingOutcome,
    ValidationError,
    factors,
)
from narcometrics.io import (
    read_csv,
    read_files,
    read_json,
    read_parquet,
    write_parquet,
)
from seizure_files import ENGINES, GOOD, HEADER, seizures

# ------------------------------------------------------------------- Parquet


def test_parquet_is_written_with_page_checksums_and_a_corrupted_page_is_refused(
    tmp_path: Path,
) -> None:
    import pyarrow.parquet as pq

    rows = seizures(200)
    path = tmp_path / "s.parquet"
    write_parquet(path, rows)
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups == 1
    column = meta.row_group(0).column(3)  # mass_kg: plain float data
    start = column.data_page_offset
    data = bytearray(path.read_bytes())
    # Flip a byte near the end of the mass_kg data page: page data, not its header.
    data[start + column.total_compressed_size - 5] ^= 0x55
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(bytes(data))
    with pytest.raises(
        ValidationError, match=r"bad.parquet: file: not a readable Parquet file: .*(CRC|checksum)"
    ):
        read_parquet(bad, Seizure)


def test_every_arrow_error_is_a_validation_error_naming_the_file(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def operations(**columns: Any) -> Any:
        return pa.table(
            {"date": pa.array([dt.date(2017, 1, 1)], pa.date32()), "country": ["PER"], **columns}
        )

    text = b"Hu\xe1nuco"  # Latin-1 bytes in a column declared as UTF-8 text
    invalid = pa.Array.from_buffers(
        pa.string(),
        1,
        [None, pa.py_buffer(bytes([0, 0, 0, 0, len(text), 0, 0, 0])), pa.py_buffer(text)],
    )
    cases = {
        "utf8.parquet": (operations(region=invalid), "holds invalid data: .*UTF8"),
        "uint.parquet": (
            operations(arrests=pa.array([2**63 + 5], pa.uint64())),
            "arrests: must be",
        ),
        "wide.parquet": (
            operations(arrests=pa.array([10**30], pa.decimal128(38, 0))),
            "arrests: must be",
        ),
    }
    for name, (table, message) in cases.items():
        pq.write_table(table, tmp_path / name)
        where = name.replace(".", r"\.") + r"(:\d+)?: .*"  # the row, where the value has one
        with pytest.raises(ValidationError, match=where + message):
            read_parquet(tmp_path / name, Operation)
    raw = (tmp_path / "uint.parquet").read_bytes()
    (tmp_path / "truncated.parquet").write_bytes(raw[: len(raw) // 2])
    (tmp_path / "empty.parquet").write_bytes(b"")
    (tmp_path / "text.parquet").write_text("date,country\n", encoding="utf-8")
    for name in ("truncated.parquet", "empty.parquet", "text.parquet"):
        with pytest.raises(
            ValidationError, match=name.replace(".", r"\.") + ": file: not a readable Parquet file"
        ):
            read_parquet(tmp_path / name, Operation)


# ---------------------------------------------------------- property tests


file_settings = settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
KINDS = [Seizure, Operation, TrainingOutcome]
SWITCH = 4096  # the "auto" engine switch, made small so both sides are quick to reach


def _padding(kind: type[Any], size: int) -> bytes:
    header, row = {
        Seizure: (HEADER, GOOD),
        Operation: ("date,country,arrests\n", "2017-01-01,PER,3\n"),
        TrainingOutcome: (
            "date,institution,course,participants\n",
            "2017-01-01,DIRANDRO,x,2\n",
        ),
    }[kind]
    body = header + row * (size // len(row))
    return body.encode()


@file_settings
@given(
    data=st.binary(max_size=200),
    kind=st.sampled_from(KINDS),
    above=st.booleans(),
    where=st.sampled_from(["start", "middle", "end"]),
)
def test_random_bytes_into_every_reader_give_records_or_a_validation_error_on_both_engines(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    kind: type[Any],
    above: bool,
    where: str,
) -> None:
    import narcometrics.io._readers as readers
    from narcometrics.io import detect_record_type

    monkeypatch.setattr(readers, "AUTO_PYARROW_BYTES", SWITCH)
    padding = _padding(kind, SWITCH + 100 if above else SWITCH // 4)
    at = {"start": 0, "middle": len(padding) // 2, "end": len(padding)}[where]
    content = padding[:at] + data + padding[at:]
    assert (len(content) >= SWITCH) == above or len(data) > 0
    answers = []
    for engine in ("auto", *ENGINES):
        path = tmp_path / f"fuzz-{engine}.csv"
        path.write_bytes(content)
        records, problems = _outcome(
            lambda path=path, engine=engine: list(read_csv(path, kind, engine=engine))
        )
        assert all(p.path == str(path) for p in problems)
        assert all(isinstance(r, kind) for r in records or [])
        answers.append(records)
    assert answers[0] == answers[1] == answers[2]  # every engine, either side of the switch
    for suffix in ("json", "parquet", "csv"):
        path = tmp_path / f"fuzz.{suffix}"
        path.write_bytes(data if suffix != "csv" else content)
        reader = read_json if suffix == "json" else read_parquet
        for call in (
            lambda path=path: read_files([path]),
            lambda path=path: detect_record_type(path),
            lambda path=path, reader=reader: reader(path, kind),
        ):
            _, problems = _outcome(call)
            assert all(p.path is not None for p in problems)
    path = tmp_path / "factors.json"
    path.write_bytes(data)
    _, problems = _outcome(lambda: factors.load(path))
    assert all(p.path == str(path) for p in problems)


def _outcome(call: Any) -> tuple[Any, list[Any]]:
    """What ``call`` returns and no problems, or None and its ValidationError's problems."""
    try:
        return call(), []
    except ValidationError as error:
        return None, list(error.problems)


_PARQUET_ROWS = seizures(40)


@file_settings
@given(st.data())
def test_a_corrupted_parquet_byte_gives_the_same_records_or_a_validation_error(
    tmp_path: Path, data: st.DataObject
) -> None:
    path = tmp_path / "s.parquet"
    if not path.exists():
        write_parquet(path, _PARQUET_ROWS)
    raw = path.read_bytes()
    at = data.draw(st.integers(0, len(raw) - 1), label="offset")
    flip = data.draw(st.integers(1, 255), label="xor")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(raw[:at] + bytes([raw[at] ^ flip]) + raw[at + 1 :])
    got, problems = _outcome(lambda: list(read_parquet(bad, Seizure)))
    assert all(p.path == str(bad) for p in problems)
    # Bytes outside the checked pages (statistics, unused metadata) may change harmlessly;
    # the records never do.
    assert problems or got == _PARQUET_ROWS


def test_every_flipped_bit_in_the_dictionary_pages_gives_the_records_or_an_error(
    tmp_path: Path,
) -> None:
    """A damaged dictionary page header once gave a table whose codes pointed past its labels
    (an IndexError later); Arrow's full validation now refuses it when the file is read."""
    import pyarrow.parquet as pq

    path = tmp_path / "s.parquet"
    write_parquet(path, _PARQUET_ROWS)
    raw = path.read_bytes()
    meta = pq.ParquetFile(path).metadata.row_group(0)
    offsets = [
        at
        for i in (1, 2)  # country and substance: dictionary-encoded text
        # the page header: its first bytes
        for at in range(
            meta.column(i).dictionary_page_offset,
            min(meta.column(i).dictionary_page_offset + 16, meta.column(i).data_page_offset),
        )
    ]
    assert len(offsets) == 32
    bad = tmp_path / "bad.parquet"
    refused = 0
    for at in offsets:
        bad.write_bytes(raw[:at] + bytes([raw[at] ^ 0x80]) + raw[at + 1 :])
        try:
            got = list(read_parquet(bad, Seizure))
        except ValidationError:
            refused += 1
            continue
        assert got == _PARQUET_ROWS, at
    assert refused > 0
