"""The python engine's byte path (`narcometrics.io._csv_bytes`, `narcometrics.io._csv_vector`)
gives exactly what `csv.reader` and the cell-by-cell path give: the same tables (the same
codes, labels in the same order, the same bits of every number) or the same error (field,
value, file, row and column), whatever the bytes, the chunk size or the source."""

from __future__ import annotations

import codecs
import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import narcometrics.io._csv as csv_module
from narcometrics import Operation, Seizure, ValidationError
from narcometrics.io import iter_csv, read_csv
from narcometrics.tables import Categorical

tmp_settings = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

SEIZURE_COLUMNS = ["date", "country", "substance", "mass_kg", "purity", "region", "agency", "id"]

#: Cells that test the grammar's edges: bad numbers, bad dates, quotes, spaces, non-ASCII,
#: apostrophes the writer adds, separators and line ends inside cells, NUL, a mark.
EDGE_CELLS = [
    "",
    "PER",
    "COL",
    "per",
    "XXX",
    "crack",
    "cocaine_hcl",
    "heroin",
    "1",
    "0.5",
    "-1",
    "-0",
    "1e5",
    "1E-5",
    "+.5",
    "5.",
    ".",
    "1e400",
    "1e-400",
    "nan",
    "inf",
    "-Infinity",
    "1_0",
    "0x10",
    " 1",
    "1 ",
    "\u0661\u0662",
    "99999999999999999999999",
    "9" * 70,
    "2017-02-28",
    "2016-02-29",
    "2017-02-29",
    "2017-02-30",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "2017-1-1",
    "2017-01-01 ",
    "2017/01/01",
    "'=x",
    "=x",
    "''x",
    "'s-Hertogenbosch",
    "R\u00e9gion \u00e9",
    "\u4e2d\u6587",
    "\U0001f600",
    '"quoted"',
    'a"b',
    '"a,b"',
    "a,b",
    "\t",
    "a\rb",
    "a\nb",
    "\x00",
    "\ufeff",
    "x" * 300,
]

dates = st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat)
#: Text shaped like a date, valid or not (month 13, day 0, February 29th of any year, ...).
date_like = st.one_of(
    st.builds(
        "{:04d}-{:02d}-{:02d}".format,
        st.one_of(
            st.sampled_from([0, 1, 4, 100, 1900, 2000, 2016, 2017, 9999]), st.integers(0, 9999)
        ),
        st.one_of(st.sampled_from([0, 1, 2, 4, 12, 13]), st.integers(0, 99)),
        st.one_of(st.sampled_from([0, 1, 28, 29, 30, 31, 32]), st.integers(0, 99)),
    ),
    st.from_regex(r"[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,3}", fullmatch=True),
    st.from_regex(r"[0-9 T:/+-]{8,12}", fullmatch=True),
)
#: Text shaped like a number of the grammar, or nearly (lone signs, points, exponents,
#: spaces, other digits, too large).
number_like = st.one_of(
    st.from_regex(r"[+-]?[0-9]{0,4}(\.[0-9]{0,4})?([eE][+-]?[0-9]{0,4})?", fullmatch=True),
    st.from_regex(r"[ +\-0-9.eE_,\u0661]{1,6}", fullmatch=True),
    st.sampled_from(["nan", "inf", "-Infinity", "1e999", "-1e999", "1e-999", "0x1p3", "1,5"]),
    st.floats().map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
labels = st.one_of(
    st.sampled_from(["PER", "COL", "BOL", "per", "Region 01", "DIRANDRO", "SUNAT Aduanas"]),
    st.text(max_size=12),
    st.text(alphabet="ab,\"'=+- \r\n\t\u00e9\u4e2d\x00", max_size=6),
)
#: Labels that leave a row's structure alone (no separator, quote or line end).
safe_labels = st.one_of(
    st.sampled_from(["Region 01", "R\u00e9gion", "'s-Hertogenbosch", "'=x", "=x", " x "]),
    st.text(st.characters(exclude_characters=',"\r\n', exclude_categories=["Cs"]), max_size=10),
)
cells = st.one_of(st.sampled_from(EDGE_CELLS), dates, date_like, number_like, labels)
#: Cells for each kind of column: mostly near misses of the column's own form.
column_cells = {
    "date": st.one_of(date_like, cells),
    "mass_kg": st.one_of(number_like, cells),
    "purity": st.one_of(number_like, cells),
}


@st.composite
def valid_rows(draw: st.DrawFn) -> dict[str, str]:
    """A Seizure row that a file usually accepts, by column."""
    return {
        "date": draw(dates),
        "country": draw(st.sampled_from(["PER", "COL", "BOL", "ECU"])),
        "substance": draw(st.sampled_from(["cocaine_hcl", "cocaine_base", "heroin", "crack"])),
        "mass_kg": draw(st.floats(min_value=0.001, max_value=1e6).map(repr)),
        "purity": draw(st.one_of(st.just(""), st.floats(min_value=0.01, max_value=1.0).map(repr))),
        "region": draw(st.one_of(st.just(""), safe_labels)),
        "agency": draw(st.sampled_from(["", "Police", "Navy", "Ag\u00eancia"])),
        "id": draw(st.one_of(st.just(""), st.uuids().map(str))),
    }


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """The bytes of a Seizure CSV file: valid rows with up to two cells from anywhere, a row
    of the wrong width now and then, blank lines, LF or CRLF (or both), a byte-order mark,
    a stray byte."""
    width = draw(st.integers(min_value=4, max_value=len(SEIZURE_COLUMNS)))
    header = SEIZURE_COLUMNS[:width]
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    n = draw(st.integers(min_value=0, max_value=10))
    rows = [[row[c] for c in header] for row in (draw(valid_rows()) for _ in range(n))]
    for _ in range(draw(st.integers(0, 3)) if n else 0):
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, width - 1))
        rows[i][j] = draw(column_cells.get(header[j], cells))
    if n and draw(st.integers(0, 10)) == 0:
        i = draw(st.integers(0, n - 1))
        rows[i] = rows[i][:-1] if draw(st.booleans()) else [*rows[i], draw(cells)]
    sep = ","
    ends = draw(st.sampled_from(["\n", "\r\n", "mixed"]))
    text_lines = [sep.join(header)] + [sep.join(row) for row in rows]
    out = []
    for line in text_lines:
        end = draw(st.sampled_from(["\n", "\r\n"])) if ends == "mixed" else ends
        out.append(line + end)
        if draw(st.integers(0, 15)) == 0:
            out.append(draw(st.sampled_from(["\n", "\r\n", " \n", "\r", ","])))
    text = "".join(out)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no line end after the last line
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate is not UTF-8
    if draw(st.integers(0, 10)) == 0:
        data = codecs.BOM_UTF8 + data
    if draw(st.integers(0, 20)) == 0:
        at = draw(st.integers(0, len(data)))
        data = (
            data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\r", b'"'])) + data[at:]
        )
    return data


@st.composite
def one_cell_files(draw: st.DrawFn) -> bytes:
    """A valid Seizure file (LF) but for one cell, drawn for its column."""
    n = draw(st.integers(min_value=1, max_value=6))
    rows = [draw(valid_rows()) for _ in range(n)]
    column = draw(st.sampled_from(SEIZURE_COLUMNS))
    rows[draw(st.integers(0, n - 1))][column] = draw(column_cells.get(column, cells))
    lines = [",".join(SEIZURE_COLUMNS)] + [
        ",".join(row[c] for c in SEIZURE_COLUMNS) for row in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


@pytest.fixture(autouse=True)
def _small_files_as_bytes() -> Iterator[None]:
    """The byte path reads files of any size here (by default, files under 16 KiB are read
    as text, which starts faster): the files of these tests are small."""
    with mock.patch.object(csv_module, "_SMALL_BYTES", 0):
        yield


@contextmanager
def text_path_only() -> Iterator[None]:
    """The python engine as it was: csv.reader over the decoded text, cell by cell."""
    with (
        mock.patch.object(csv_module, "binary_source", return_value=None),
        mock.patch.object(csv_module, "fast_columns", return_value=None),
    ):
        yield


def snapshot(table: Any) -> list[tuple[str, Any]]:
    """Every column of a table as exact values: codes and labels of categoricals (label
    order included), the bytes of numeric arrays and their masks."""
    out: list[tuple[str, Any]] = []
    for name, column in table.to_columns().items():
        if isinstance(column, Categorical):
            codes = column.codes
            out.append((name, (str(codes.dtype), codes.tolist(), column.labels.tolist())))
        elif isinstance(column, np.ndarray):
            mask = np.ma.getmaskarray(column).tolist()
            data = np.ma.getdata(column)
            out.append((name, (str(data.dtype), data.tobytes(), mask)))
        else:
            out.append((name, repr(column)))
    return out


def outcome(source: Any, kind: type[Any] = Seizure, chunk_rows: int | None = None) -> Any:
    """What reading gives: the tables yielded (exactly) and then the error, if any."""
    tables: list[Any] = []
    try:
        if chunk_rows is None:
            tables.append(snapshot(read_csv(source(), kind, engine="python", progress=False)))
        else:
            for table in iter_csv(
                source(), kind, engine="python", chunk_rows=chunk_rows, progress=False
            ):
                tables.append(snapshot(table))
    except ValidationError as error:
        return tables, str(error), error.problems, error.truncated
    return tables, None


def _up_to_the_bad_byte(ours: Any, before: Any) -> bool:
    """Whether ``ours`` (the byte path) agrees with ``before`` (the text path) where the text
    path reports a byte that is not UTF-8 at line L. The text path decodes 8 KiB at a time,
    so it reports that byte before it has read the rows ahead of it (yielding none of their
    chunks, naming none of their problems); the byte path reads the rows in order. It must
    yield at least the same chunks, then report the same byte, or a problem of a line
    before L."""
    if len(before) != 4 or "not UTF-8 text" not in before[1] or len(ours) != 4:
        return False
    line = before[2][0].row
    if ours[0][: len(before[0])] != before[0]:
        return False
    if ours[1:] == before[1:]:
        return True
    return all(p.row is not None and p.row < line for p in ours[2])


def both(source: Any, kind: type[Any] = Seizure, chunk_rows: int | None = None) -> Any:
    ours = outcome(source, kind, chunk_rows)
    with text_path_only():
        before = outcome(source, kind, chunk_rows)
    assert ours == before or _up_to_the_bad_byte(ours, before)
    return ours


@tmp_settings
@given(
    data=csv_files(),
    chunk_rows=st.one_of(st.none(), st.integers(1, 5)),
    block_records=st.sampled_from([1, 2, 3, 1 << 16]),
)
def test_the_byte_path_gives_the_text_paths_tables_and_errors_for_any_bytes(
    tmp_path: Path, data: bytes, chunk_rows: int | None, block_records: int
) -> None:
    """Whatever the bytes, the chunk size, and the blocks a chunk is read in."""
    path = tmp_path / "s.csv"
    path.write_bytes(data)
    with mock.patch.object(csv_module, "_BLOCK_RECORDS", block_records):
        both(lambda: path, chunk_rows=chunk_rows)


@tmp_settings
@given(data=one_cell_files())
def test_one_cell_of_any_form_in_a_valid_file_gives_the_text_paths_table_or_error(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(data)
    both(lambda: path)


@tmp_settings
@given(data=csv_files(), chunk_rows=st.integers(1, 4))
def test_the_byte_path_gives_the_text_paths_tables_and_errors_from_a_binary_stream(
    tmp_path: Path, data: bytes, chunk_rows: int
) -> None:
    """A binary stream gives what the text path gives; for bytes that are not UTF-8, the
    line of the first bad byte, as for a path (the text path, which cannot read a stream
    again, gave the line where its decoder stopped)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        path = tmp_path / "s.csv"
        path.write_bytes(data)
        with text_path_only():
            from_path = outcome(lambda: path, chunk_rows=chunk_rows)
        from_stream = outcome(lambda: io.BytesIO(data), chunk_rows=chunk_rows)
        assert _same_problems(from_stream, from_path, str(path))
    else:
        both(lambda: io.BytesIO(data), chunk_rows=chunk_rows)


def _same_problems(stream: Any, path: Any, name: str) -> bool:
    """The same tables and problems but for the file's name (see `_up_to_the_bad_byte`)."""
    import attrs

    renamed = tuple(attrs.evolve(p, path="<stream>") if p.path == name else p for p in path[2])
    as_stream = (path[0], path[1].replace(name, "<stream>"), renamed, path[3])
    return stream == as_stream or _up_to_the_bad_byte(stream, as_stream)


#: Dates at the calendar's edges: years 0 and 1, leap years and not, months 0 to 13, days 0
#: to 32.
DATE_EDGES = [
    f"{y:04d}-{m:02d}-{d:02d}"
    for y in (0, 1, 4, 100, 1900, 2000, 2016, 2017, 9999)
    for m in (0, 1, 2, 4, 12, 13)
    for d in (0, 1, 28, 29, 30, 31, 32)
]
NUMBER_EDGES = [
    "1\t",
    "1,5",
    "1.5.",
    "--1",
    "+-1",
    "1e",
    "e1",
    "1e+",
    ".e1",
    "0x1p3",
    "1e308",
    "2e308",
]


def test_every_edge_cell_in_every_column_gives_the_text_paths_table_or_error(
    tmp_path: Path,
) -> None:
    """Each edge cell alone in each column of an otherwise valid file (and every calendar
    edge in the date column): the byte path answers exactly as the text path."""
    valid = ["2017-01-01", "PER", "crack", "1.5", "0.5", "Region 1", "Police"]
    path = tmp_path / "s.csv"
    checked = 0
    for j, column in enumerate(SEIZURE_COLUMNS):
        extra = DATE_EDGES if column == "date" else NUMBER_EDGES
        for cell in [*EDGE_CELLS, *extra]:
            row = [*valid, "S-2"]
            row[j] = cell
            lines = [SEIZURE_COLUMNS, [*valid, "S-1"], row, [*valid, "S-3"]]
            path.write_bytes(("\n".join(",".join(line) for line in lines) + "\n").encode())
            both(lambda: path)
            checked += 1
    assert checked == 8 * (len(EDGE_CELLS) + len(NUMBER_EDGES)) + len(DATE_EDGES) - len(
        NUMBER_EDGES
    )


@contextmanager
def _counting_builds() -> Iterator[list[int]]:
    """The rows of each chunk the text path builds while the context is open."""
    calls: list[int] = []
    build = csv_module._Builder.build

    def counting(self: Any, cells: Any, lines: Any) -> Any:
        calls.append(len(cells))
        return build(self, cells, lines)

    with mock.patch.object(csv_module._Builder, "build", counting):
        yield calls


def _build_calls(path: Path) -> list[int]:
    """The rows of each chunk the text path built while reading ``path``."""
    with _counting_builds() as calls:
        read_csv(path, Seizure, engine="python", progress=False)
    return calls


def test_a_quote_free_file_is_read_as_bytes_and_gives_the_text_paths_table(
    tmp_path: Path,
) -> None:
    """CRLF, blank lines, a byte-order mark, non-ASCII labels, the writer's apostrophe and
    no final line end: the byte path reads it (the text path builds nothing), exactly as the
    text path does."""
    path = tmp_path / "s.csv"
    path.write_bytes(
        b"\xef\xbb\xbfdate,country,substance,mass_kg,purity,region\r\n\r\n"
        b"2017-01-01,PER,crack,1.5,,R\xc3\xa9gion\r\n"
        b"2016-02-29,COL,heroin,2e3,0.25,'=x\r\n\r\n"
        b"0001-01-01,per,crack,1E-3,1,=x"
    )
    assert _build_calls(path) == []
    _, error = both(lambda: path)
    assert error is None
    table = read_csv(path, Seizure, engine="python")
    assert table.region.labels.tolist() == ["R\u00e9gion", "=x"]
    assert table.region.to_list() == ["R\u00e9gion", "=x", "=x"]
    assert table.country.to_list() == ["PER", "COL", "PER"]
    assert table.mass_kg.tolist() == [1.5, 2000.0, 0.001]
    assert np.isnan(table.purity[0])
    assert table.purity[1:].tolist() == [0.25, 1.0]
    assert table.date.tolist() == [dt.date(2017, 1, 1), dt.date(2016, 2, 29), dt.date(1, 1, 1)]


def test_a_block_with_a_quote_is_read_by_csv_reader_from_there_on(tmp_path: Path) -> None:
    """The first chunk is read as bytes; the chunk holding a quoted cell spanning two lines,
    and every chunk after it, by csv.reader (with the lines of the file)."""
    path = tmp_path / "s.csv"
    rows = [f"2017-01-{d:02d},PER,crack,{d}.5,,Region {d}" for d in range(1, 9)]
    rows[5] = '2017-01-06,PER,crack,6.5,,"Region\n6"'
    path.write_text("date,country,substance,mass_kg,purity,region\n" + "\n".join(rows) + "\n")
    with _counting_builds() as calls:
        tables = list(iter_csv(path, Seizure, engine="python", chunk_rows=3, progress=False))
    assert [len(t) for t in tables] == [3, 3, 2]
    assert calls == [3, 2]  # the second and third chunks
    assert tables[1].region.to_list() == ["Region 4", "Region 5", "Region\n6"]
    for chunk_rows in (1, 2, 3, 4, 100):
        both(lambda: path, chunk_rows=chunk_rows)
    bad = path.read_text().replace("8.5", "-8.5")
    path.write_text(bad)
    _, _, problems, _ = both(lambda: path, chunk_rows=3)
    assert [(p.field, p.row, p.column, p.value) for p in problems] == [("mass_kg", 10, 4, -8.5)]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("2017-01-01,PER,crack,1,,a\n2017-01-02,PER,crack,nan,,b\n", ("mass_kg", 3, 4)),
        ("2017-01-01,PER,crack,1,,a\n2017-02-30,PER,crack,2,,b\n", ("date", 3, 1)),
        ("2017-01-01,PER,crack,1,,a\n\n2017-01-02,PER,crack\n", ("row", 4, None)),
        ("2017-01-01,XXX,crack,1,,a\n2017-01-02,PER,crack,1e999,,b\n", ("country", 2, 2)),
    ],
)
def test_a_bad_cell_in_a_quote_free_block_is_named_as_the_text_path_names_it(
    tmp_path: Path, text: str, where: tuple[str, int, int | None]
) -> None:
    path = tmp_path / "s.csv"
    path.write_text("date,country,substance,mass_kg,purity,region\n" + text)
    _, message, problems, _ = both(lambda: path)
    assert (problems[0].field, problems[0].row, problems[0].column) == where
    assert str(path) in message


def test_many_distinct_labels_and_long_labels_are_coded_in_first_seen_order(
    tmp_path: Path,
) -> None:
    """Thousands of distinct ids (the hash table cannot hold them one per slot: sorted
    instead) and labels longer than 8 bytes, in first-seen order."""
    rng = np.random.default_rng(3)
    ids = [f"seizure-{i:07d}-{'x' * int(k)}" for i, k in enumerate(rng.integers(0, 30, 5000))]
    order = rng.permutation(len(ids))
    lines = [f"2017-01-01,PER,crack,1.5,{ids[i]},{ids[i % 7]}" for i in order]
    lines += [f"2017-01-02,PER,crack,2.5,{ids[order[0]]},"]
    path = tmp_path / "s.csv"
    path.write_text("date,country,substance,mass_kg,region,agency\n" + "\n".join(lines) + "\n")
    assert _build_calls(path) == []
    assert both(lambda: path)[1] is None
    table = read_csv(path, Seizure, engine="python")
    assert table.region.labels.tolist() == [ids[i] for i in order]
    assert table.region.to_list()[-1] == ids[order[0]]
    assert table.agency.to_list()[-1] is None


def test_counts_read_as_bytes_give_the_text_paths_table(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    head = "date,country,agency,id,arrests\n"
    rows = [f"2017-01-{1 + i % 28:02d},PER,Police,op-{i},{i % 5}" for i in range(50)]
    path.write_text(head + "\n".join(rows) + "\n2017-02-01,PER,Police,op-x,\n")
    both(lambda: path, kind=Operation)
    for bad in ("+1", "1.0", "9223372036854775808", "-9223372036854775808", "٣"):
        path.write_text(head + "\n".join(rows) + f"\n2017-02-01,PER,Police,op-x,{bad}\n")
        _, _, problems, _ = both(lambda: path, kind=Operation)
        assert problems[0].row == 52


def test_an_id_repeated_in_two_blocks_of_a_chunk_is_refused_as_the_text_path_refuses_it(
    tmp_path: Path,
) -> None:
    """Blocks are validated one by one and joined: the join checks ids across them, and
    the text path names the rows."""
    path = tmp_path / "s.csv"
    rows = [f"2017-01-{d:02d},PER,crack,{d}.5,S-{d}" for d in range(1, 11)]
    rows[8] = "2017-01-09,PER,crack,9.5,S-2"
    path.write_text("date,country,substance,mass_kg,id\n" + "\n".join(rows) + "\n")
    with mock.patch.object(csv_module, "_BLOCK_RECORDS", 3):
        _, message, problems, _ = both(lambda: path)
        assert [(p.field, p.row) for p in problems] == [("id", 10)]
        assert "'S-2'" in message
        for chunk_rows in (1, 4, 9, 10):
            both(lambda: path, chunk_rows=chunk_rows)


def test_labels_across_blocks_keep_their_first_seen_order(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    regions = ["b", "a", "b", "c", "", "a", "d", "C", "c", "e"]
    rows = [f"2017-01-01,PER,crack,1.5,{r}" for r in regions]
    path.write_text("date,country,substance,mass_kg,region\n" + "\n".join(rows) + "\n")
    with mock.patch.object(csv_module, "_BLOCK_RECORDS", 3):
        assert _build_calls(path) == []
        _, error = both(lambda: path)
        table = read_csv(path, Seizure, engine="python")
    assert error is None
    assert table.region.labels.tolist() == ["b", "a", "c", "d", "C", "e"]
    assert table.region.to_list() == [r or None for r in regions]


def test_a_binary_stream_that_is_not_utf8_names_the_line_of_the_bad_byte() -> None:
    text = b"date,country,substance,mass_kg\n2017-01-01,PER,crack,1\n\n2017-01-02,PER,cr\xe9ck,2\n"
    for chunk_rows in (None, 1):
        _, message, problems, _ = outcome(lambda: io.BytesIO(text), chunk_rows=chunk_rows)
        assert [(p.field, p.row) for p in problems] == [("file", 4)]
        assert "not UTF-8 text" in message


def test_a_small_file_is_read_as_text_and_a_larger_one_as_bytes(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    head = "date,country,substance,mass_kg\n"
    with mock.patch.object(csv_module, "_SMALL_BYTES", 16 << 10):
        path.write_text(head + "2017-01-01,PER,crack,1.5\n" * 10)
        assert _build_calls(path) == [10]
        row = "2017-01-01,PER,crack,1.5\n"
        path.write_text(head + row * (1 + (16 << 10) // len(row)))
        assert _build_calls(path) == []
