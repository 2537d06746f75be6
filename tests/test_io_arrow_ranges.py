"""The pyarrow engine reads a whole file without quotes in ranges of whole lines (issue 18):
whatever the range size, where a range ends, or what a cell next to a range end holds, the
table (values, label order, types) and the errors are those of one read of the file, and
those of the python engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import narcometrics.io._csv_arrow_ranges as arrow
import narcometrics.io._readers as readers
from narcometrics import Operation, Seizure, ValidationError
from narcometrics.io import AUTO_PYARROW_BYTES, read_csv

HEADER = "date,country,substance,mass_kg,purity,region"
GOOD = ["2017-01-01", "PER", "crack", "1.5", "", "Lima"]


def outcome(path: Path, engine: str, **options: Any) -> Any:
    """The table a file gives, or the lines of its error."""
    try:
        return read_csv(path, Seizure, engine=engine, progress=False, **options)  # type: ignore[arg-type]
    except ValidationError as error:
        return str(error).splitlines()


def labels(table: Any) -> list[list[str]]:
    return [list(getattr(table, name).labels) for name in ("country", "substance", "region")]


def same_everywhere(path: Path, monkeypatch: pytest.MonkeyPatch, sizes: list[int]) -> Any:
    """The python engine's answer, checked equal to the pyarrow engine's at each range size
    (values, types and label order equal to one read of the whole file); a good file is
    read by pyarrow itself, never handed to the python engine."""
    python = outcome(path, "python")
    fallbacks: list[Path] = []
    original = readers.python_chunks

    def spy(*args: Any, **kwargs: Any) -> Any:
        fallbacks.append(path)
        return original(*args, **kwargs)

    monkeypatch.setattr(readers, "python_chunks", spy)
    monkeypatch.setattr(arrow, "RANGE_BYTES", 1 << 30)
    whole = outcome(path, "pyarrow")
    assert type(whole) is type(python)
    assert whole == python
    for size in sizes:
        monkeypatch.setattr(arrow, "RANGE_BYTES", size)
        ranged = outcome(path, "pyarrow")
        assert ranged == python, size
        assert not fallbacks or isinstance(python, list), size
        if not isinstance(python, list):
            assert labels(ranged) == labels(whole), size
            for name in ("date", "mass_kg", "purity"):
                assert getattr(ranged, name).dtype == getattr(whole, name).dtype
    return python


# ------------------------------------------------------------------ spaces around a number


def _row_with(value: str, column: int) -> str:
    cells = list(GOOD)
    cells[column] = value
    return ",".join(cells)


SPACED = [
    pytest.param(column, value, id=f"{name}-{column}-{quoted}")
    for column, number in ((0, "2017-01-01"), (3, "1.5"), (4, "0.5"))
    for name, value in (
        ("leading space", " " + number),
        ("trailing space", number + " "),
        ("leading tab", "\t" + number),
        ("trailing tab", number + "\t"),
    )
    for quoted in ("plain",)
] + [
    pytest.param(column, f'"{value}"', id=f"quoted-{column}-{value!r}")
    for column in (0, 3, 4)
    for value in (" 1.5", "1.5 ", "\t2", " 2017-01-01")
]


@pytest.mark.parametrize(("column", "value"), SPACED)
@pytest.mark.parametrize("where", ["first row", "last row"])
@pytest.mark.parametrize("ending", ["\n", "\r\n", "no final newline"])
def test_a_number_or_date_with_a_space_or_tab_beside_it_is_refused_by_both_engines(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    column: int,
    value: str,
    where: str,
    ending: str,
) -> None:
    newline = "\n" if ending == "no final newline" else ending
    rows = [_row_with(value, column) if where == "first row" else ",".join(GOOD)]
    rows += [",".join(GOOD)] * 30
    if where == "last row":
        rows.append(_row_with(value, column))
    text = newline.join([HEADER, *rows]) + ("" if ending == "no final newline" else newline)
    path = tmp_path / "spaced.csv"
    path.write_bytes(text.encode("utf-8"))
    python = same_everywhere(path, monkeypatch, [40, 64, 333])
    line = 2 if where == "first row" else len(rows) + 1
    assert isinstance(python, list)
    assert python[0].startswith(f"{path}:{line}:"), python


def test_a_decimal_comma_with_a_space_is_refused_by_both_engines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = "2017-01-01;PER;crack;1,5;;Lima\n"
    path = tmp_path / "comma.csv"
    for bad in (" 1,5", "1,5 ", "\t1,5", "1,5\t"):
        path.write_text(
            HEADER.replace(",", ";") + "\n" + good * 20 + f"2017-01-01;PER;crack;{bad};;Lima\n",
            encoding="cp1252",
        )
        python = outcome(path, "python", sep=";", decimal=",", encoding="cp1252")
        assert isinstance(python, list)
        assert python[0].startswith(f"{path}:22:"), python
        for size in (1 << 30, 37, 100):
            monkeypatch.setattr(arrow, "RANGE_BYTES", size)
            assert outcome(path, "pyarrow", sep=";", decimal=",", encoding="cp1252") == python
    path.write_text(HEADER.replace(",", ";") + "\n" + good * 20, encoding="cp1252")
    table = outcome(path, "pyarrow", sep=";", decimal=",", encoding="cp1252")
    assert table.mass_kg.tolist() == [1.5] * 20


def test_spaced_numbers_in_a_file_above_the_switch_size_are_refused_by_both_engines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(arrow, "RANGE_BYTES", 300_000)  # each bad row in another range
    good = ",".join(GOOD) + "\n"
    bad = [
        _row_with(" 1.5", 3),
        _row_with("1.5\t", 3),
        _row_with("0.5 ", 4),
        _row_with("\t2017-01-01", 0),
        _row_with('" 1.5"', 3),
    ]
    filler = good * (AUTO_PYARROW_BYTES // len(good) // len(bad) + 1)
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "\n" + "".join(filler + row + "\n" for row in bad), encoding="utf-8")
    assert path.stat().st_size > AUTO_PYARROW_BYTES > arrow.RANGE_BYTES
    python = outcome(path, "python")
    assert outcome(path, "pyarrow") == python
    assert outcome(path, "auto") == python
    assert len(python) == len(bad), python


# ----------------------------------------------------------------------- where ranges end


def test_a_quote_after_the_first_range_is_read_with_its_line_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = ",".join(GOOD) + "\n"
    path = tmp_path / "quoted.csv"
    path.write_text(
        HEADER + "\n" + good * 40 + '2017-01-02,PER,crack,2.5,,"Lima\nNorte"\n' + good * 5,
        encoding="utf-8",
    )
    # Every range size from one line to several: some end inside the quoted value.
    table = same_everywhere(path, monkeypatch, list(range(20, 120)))
    assert len(table) == 46
    assert table.region.to_list()[40] == "Lima\nNorte"


def test_a_line_longer_than_a_range_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = "Región " + "ñ" * 5000
    path = tmp_path / "long.csv"
    rows = [",".join(GOOD)] * 3 + [_row_with(long, 5)] + [",".join(GOOD)] * 3
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    table = same_everywhere(path, monkeypatch, [64, 1000, 4096])
    assert table.region.to_list()[3] == long


@pytest.mark.parametrize("first", ["long rows first", "short rows first"])
def test_columns_grow_or_shrink_to_the_rows_read_whatever_the_first_range_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """The first range sets the room made for the file's rows: too little (short rows come
    later) and too much (long rows come later) both give exactly the rows of the file."""
    short = "2017-01-01,PER,crack,1.5,,A"
    wide = "2017-01-01,PER,crack,1.5,0.25," + "B" * 200
    rows = (
        [wide] * 20 + [short] * 500 if first == "long rows first" else [short] * 500 + [wide] * 20
    )
    rows = [row.replace("1.5", f"{i}.5") for i, row in enumerate(rows)]
    path = tmp_path / "grow.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    table = same_everywhere(path, monkeypatch, [4096, 700])
    assert len(table) == 520
    assert table.mass_kg.tolist() == [i + 0.5 for i in range(520)]
    assert table.mass_kg.base is None or table.mass_kg.base.nbytes == table.mass_kg.nbytes


def test_blank_lines_and_a_byte_order_mark_at_range_ends_are_read_as_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "blank.csv"
    good = ",".join(GOOD)
    path.write_bytes(("\ufeff" + HEADER + "\r\n" + (good + "\r\n\r\n") * 30 + good).encode("utf-8"))
    table = same_everywhere(path, monkeypatch, [10, 33, 64, 257])
    assert len(table) == 31


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16"])
def test_a_file_in_another_encoding_reads_the_same_in_ranges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    path = tmp_path / f"{encoding}.csv"
    rows = [_row_with(name, 5) for name in ("Lima", "Cañete", "Huánuco", "Piura")] * 20
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding=encoding)
    python = read_csv(path, Seizure, engine="python", encoding=encoding)
    for size in (1 << 30, 50, 301):
        monkeypatch.setattr(arrow, "RANGE_BYTES", size)
        table = read_csv(path, Seizure, engine="pyarrow", encoding=encoding)
        assert table == python
        assert list(table.region.labels) == ["Lima", "Cañete", "Huánuco", "Piura"]


def test_only_encodings_where_a_line_break_is_its_own_byte_are_cut_at_line_breaks() -> None:
    assert arrow.splittable("utf-8", ",")
    assert arrow.splittable("latin-1", ";")
    assert arrow.splittable("cp1252", ",")
    assert not arrow.splittable("utf-16", ",")  # 0x0A is half of many characters
    assert not arrow.splittable("shift_jis", ",")  # multi-byte: never cut


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("2017-01-01,PER,crack,-1.5,,Lima", "mass_kg"),
        ("2017-01-01,PER,crack,1.5,1.5,Lima", "purity"),
        ("2017-13-01,PER,crack,1.5,,Lima", "date"),
        ("2017-01-01,PER,crack,1.5,,Lima,extra", "field"),
    ],
)
def test_a_bad_row_in_the_last_range_gives_the_python_engines_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "\n" + (",".join(GOOD) + "\n") * 50 + bad + "\n", encoding="utf-8")
    python = same_everywhere(path, monkeypatch, [64, 500])
    assert isinstance(python, list)
    assert python[0].startswith(f"{path}:52:"), python


def test_repeated_ids_across_ranges_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ids.csv"
    rows = (
        [f"{HEADER},id"] + [",".join(GOOD) + f",s{i}" for i in range(40)] + [",".join(GOOD) + ",s0"]
    )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    python = same_everywhere(path, monkeypatch, [64, 500])
    assert isinstance(python, list)
    assert any("s0" in line for line in python), python


def test_an_absent_count_column_is_never_zero_in_ranges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "operations.csv"
    path.write_text(
        "date,country,arrests\n" + "2017-01-01,PER,3\n2017-01-02,PER,\n" * 30, encoding="utf-8"
    )
    for size in (1 << 30, 40):
        monkeypatch.setattr(arrow, "RANGE_BYTES", size)
        table = read_csv(path, Operation, engine="pyarrow")
        assert isinstance(table.arrests, np.ma.MaskedArray)
        assert table.arrests.mask.tolist() == [False, True] * 30
        assert table == read_csv(path, Operation, engine="python")


# ---------------------------------------------------------------------------- property


_REGIONS = st.sampled_from(["Lima", "Cusco", "Región Ñ", "Puno Sur", "Λ", "'s-Hertogenbosch"])


@st.composite
def _files(draw: st.DrawFn) -> tuple[str, list[str]]:
    n = draw(st.integers(0, 40))
    rows = []
    for _ in range(n):
        day = dt.date(2015, 1, 1) + dt.timedelta(days=draw(st.integers(0, 3000)))
        mass = draw(st.floats(0.001, 1e6, allow_nan=False, allow_infinity=False))
        purity = draw(st.one_of(st.just(""), st.floats(0.01, 1.0).map(repr)))
        country = draw(st.sampled_from(["PER", "COL", "BOL"]))
        substance = draw(st.sampled_from(["crack", "cocaine_hcl", "coca_paste"]))
        rows.append(f"{day},{country},{substance},{mass!r},{purity},{draw(_REGIONS)}")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    blank = draw(st.booleans())
    body = newline.join(rows + ([""] if blank else []))
    final = draw(st.booleans())
    return HEADER + newline + body + (newline if final and rows else ""), rows


@settings(max_examples=60)
@given(file=_files(), size=st.integers(8, 600))
def test_the_table_of_a_file_is_the_same_whatever_the_range_size(
    tmp_path_factory: pytest.TempPathFactory, file: tuple[str, list[str]], size: int
) -> None:
    text, rows = file
    path = tmp_path_factory.mktemp("ranges") / "file.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        python = outcome(path, "python")
        patch.setattr(arrow, "RANGE_BYTES", 1 << 30)
        whole = outcome(path, "pyarrow")
        patch.setattr(arrow, "RANGE_BYTES", size)
        ranged = outcome(path, "pyarrow")
    assert ranged == whole == python
    assert len(ranged) == len(rows)
    if rows:
        assert labels(ranged) == labels(whole)


@given(size=st.integers(0, 1 << 40))
def test_a_range_is_a_32nd_of_the_file_within_its_bounds(size: int) -> None:
    bytes_ = arrow._range_bytes(size)
    assert arrow.RANGE_BYTES <= bytes_ <= max(arrow.RANGE_BYTES, arrow.MAX_RANGE_BYTES)
    if arrow.RANGE_BYTES <= size // 32 <= arrow.MAX_RANGE_BYTES:
        assert bytes_ == size // 32
