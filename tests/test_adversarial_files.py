"""Adversarial files through the library and through the command (issue 13).

Each input below is a set of files a user could hand to ``narcometrics report --data``. Every
input is read twice: with [`narcometrics.io.read_files`][narcometrics.io.read_files], which
must give the expected number of records or a ValidationError whose every problem names a
file of the input (and, for a bad cell, its row and column); and with the command, which must
exit 0, or exit 2 printing exactly one line per problem of that same error, never a
traceback. Neither may leave a file behind (no temporary file, nothing written half).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from narcometrics import Operation, Seizure, TrainingOutcome, ValidationError
from narcometrics.cli import main
from narcometrics.io import read_files, write_csv, write_parquet
from narcometrics.io._files import escape_name

S = "date,country,substance,mass_kg,purity,region,id\n"
G = "2017-03-01,PER,crack,1.5,,Lima,\n"  # one good seizure
OPS = "date,country,arrests,airstrips_destroyed\n"
E = "date,country,area_ha,method\n"
T = "date,institution,course,participants,pre_scores,post_scores,max_score,participant_ids\n"
BIG = 10_000_001  # characters in a "10 MB" cell

Setup = Callable[[Path], list[str]]
#: What an input gives: a number of records, or ``(text in the error, (row, column) or None)``.
Expect = int | tuple[str, tuple[int, int | None] | None]


def file(name: str, content: str | bytes, encoding: str = "utf-8") -> Setup:
    """One file named ``name`` holding ``content``; the input is that file."""

    def setup(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return [str(path)]

    return setup


def files(*pairs: tuple[str, str | bytes], given: list[str] | None = None) -> Setup:
    """Several files; the input is ``given`` (relative names, "." for the folder) or all."""

    def setup(folder: Path) -> list[str]:
        for name, content in pairs:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
        names = given if given is not None else [name for name, _ in pairs]
        return [str(folder / name) if name != "." else str(folder) for name in names]

    return setup


def seizure_rows(n: int, country: str = "PER", start: int = 0) -> list[Seizure]:
    return [
        Seizure(
            date=dt.date(2017, 1 + i % 12, 1),
            country=country,
            substance="cocaine_hcl",
            mass_kg=1.0 + i,
            id=f"{country}-{start + i}",
        )
        for i in range(n)
    ]


def parquet(
    name: str, rows: list[Any] | None = None, mangle: Callable[[bytes], bytes] | None = None
) -> Setup:
    def setup(folder: Path) -> list[str]:
        path = folder / name
        write_parquet(path, rows if rows is not None else seizure_rows(20))
        if mangle is not None:
            path.write_bytes(mangle(path.read_bytes()))
        return [str(path)]

    return setup


def arrow(name: str, columns: Callable[[], dict[str, Any]]) -> Setup:
    def setup(folder: Path) -> list[str]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = folder / name
        pq.write_table(pa.table(columns()), path)
        return [str(path)]

    return setup


def _flip_page_byte(data: bytes) -> bytes:
    """Corrupt the last bytes of the first column's data page (not its header)."""
    import io

    import pyarrow.parquet as pq

    column = pq.ParquetFile(io.BytesIO(data)).metadata.row_group(0).column(3)
    at = column.data_page_offset + column.total_compressed_size - 5
    return data[:at] + bytes([data[at] ^ 0x55]) + data[at + 1 :]


def _date32(*days: dt.date | None) -> Any:
    import pyarrow as pa

    return pa.array(list(days), pa.date32())


def _invalid_utf8() -> Any:
    import pyarrow as pa

    text = b"Hu\xe1nuco"
    offsets = pa.py_buffer(bytes([0, 0, 0, 0, len(text), 0, 0, 0]))
    return pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(text)])


def fifo(name: str) -> Setup:
    def setup(folder: Path) -> list[str]:
        os.mkfifo(folder / name)
        return [str(folder / name)]

    return setup


def symlink(target: str, content: str, name: str = "link.csv", dangling: bool = False) -> Setup:
    def setup(folder: Path) -> list[str]:
        if not dangling:
            (folder / target).write_text(content, encoding="utf-8")
        (folder / name).symlink_to(folder / target)
        return [str(folder / name)] + ([] if dangling else [str(folder / target)])

    return setup


def folder_with(*pairs: tuple[str, str]) -> Setup:
    return files(*pairs, given=["."])


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def _json(records: Any) -> str:
    return json.dumps(records)


def _fifo_in_folder(folder: Path) -> list[str]:
    os.mkfifo(folder / "x.json")
    (folder / "s.csv").write_text(S + G, encoding="utf-8")
    return [str(folder)]


def _folder_named_csv(folder: Path) -> list[str]:
    (folder / "x.csv").mkdir()
    return [str(folder / "x.csv")]


def _subfolder_named_csv(folder: Path) -> list[str]:
    (folder / "x.csv").mkdir()
    (folder / "s.csv").write_text(S + G, encoding="utf-8")
    return [str(folder)]


def _good(folder: Path) -> Path:
    path = folder / "s.csv"
    path.write_text(S + G, encoding="utf-8")
    return path


def _same_file_twice(folder: Path) -> list[str]:
    return [str(_good(folder))] * 2


def _two_spellings(folder: Path) -> list[str]:
    return [str(_good(folder)), f"{folder}/./s.csv"]


def _hard_link(folder: Path) -> list[str]:
    os.link(_good(folder), folder / "h.csv")
    return [str(folder / "s.csv"), str(folder / "h.csv")]


def _good_and_missing(folder: Path) -> list[str]:
    return [str(_good(folder)), str(folder / "nope.json")]


def _pa() -> Any:
    import pyarrow as pa

    return pa


J = {"date": "2017-03-01", "country": "PER", "substance": "crack", "mass_kg": 1.5}

CASES: dict[str, tuple[Setup, Expect]] = {
    # ------------------------------------------------------------ CSV: structure
    "empty file": (file("s.csv", ""), ("is empty: a header row is required", None)),
    "header only": (file("s.csv", S), 0),
    "header only without a line end": (file("s.csv", S.rstrip("\n")), 0),
    "one good row": (file("s.csv", S + G), 1),
    "good row without a final line end": (file("s.csv", S + G.rstrip("\n")), 1),
    "BOM and good rows": (file("s.csv", "\ufeff" + S + G * 2), 2),
    "BOM only": (file("s.csv", "\ufeff"), ("is empty", None)),
    "CRLF line ends": (file("s.csv", (S + G * 3).replace("\n", "\r\n")), 3),
    "CR-only line ends": (file("s.csv", (S + G * 3).replace("\n", "\r")), 3),
    "mixed line ends": (file("s.csv", S + G.replace("\n", "\r\n") + G + G.replace("\n", "\r")), 3),
    "blank lines between rows": (file("s.csv", S + "\n" + G + "\n\n" + G), 2),
    "trailing blank lines": (file("s.csv", S + G + "\n\n\n"), 1),
    "embedded newline in a quoted cell": (
        file("s.csv", S + '2017-03-01,PER,crack,1.5,,"Alto\nHuallaga",\n'),
        1,
    ),
    "embedded CRLF in a quoted cell": (
        file("s.csv", S + '2017-03-01,PER,crack,1.5,,"Alto\r\nHuallaga",\n'),
        1,
    ),
    "quote doubled inside a cell": (
        file("s.csv", S + '2017-03-01,PER,crack,1.5,,"say ""hi""",\n'),
        1,
    ),
    "unterminated quote": (
        file("s.csv", S + '2017-03-01,PER,crack,1.5,,"Lima,\n' + G),
        ("malformed CSV", None),
    ),
    "quote inside an unquoted cell": (file("s.csv", S + '2017-03-01,PER,crack,1.5,,Li"ma,\n'), 1),
    "row with one cell too many": (
        file("s.csv", S + G + "2017-03-01,PER,crack,1.5,,Lima,,x\n"),
        ("has 8 cells where the header has 7", (3, None)),
    ),
    "row with one cell too few": (
        file("s.csv", S + "2017-03-01,PER,crack,1.5\n"),
        ("has 4 cells", (2, None)),
    ),
    "unknown column": (
        file("s.csv", "date,country,substance,mass_kg,colour\n2017-03-01,PER,crack,1,red\n"),
        ("columns fit no record type", None),
    ),
    "misspelt optional column": (
        file("s.csv", "date,country,substance,mass_kg,purty\n2017-03-01,PER,crack,1,0.5\n"),
        ("columns fit no record type", None),
    ),
    "missing required column": (
        file("s.csv", "date,country,substance\n2017-03-01,PER,crack\n"),
        ("columns fit no record type", None),
    ),
    "repeated column": (
        file("s.csv", "date,country,substance,mass_kg,mass_kg\n2017-03-01,PER,crack,1,2\n"),
        ("repeated column", (1, 5)),
    ),
    "empty column name": (
        file("s.csv", "date,country,substance,mass_kg,\n2017-03-01,PER,crack,1,\n"),
        ("columns fit no record type", None),
    ),
    "upper-case header": (file("s.csv", S.upper() + G), ("columns fit no record type", None)),
    "header with spaces": (
        file("s.csv", S.replace(",", ", ") + G),
        ("columns fit no record type", None),
    ),
    "quoted header": (
        file("s.csv", ",".join(f'"{n}"' for n in S.strip().split(",")) + "\n" + G),
        1,
    ),
    "a thousand unknown columns": (
        file("s.csv", S.strip() + "," + ",".join(f"c{i}" for i in range(1000)) + "\n"),
        ("columns fit no record type", None),
    ),
    "semicolon separated": (
        file("s.csv", "date;country;substance;mass_kg\n2017-03-01;PER;crack;1,5\n"),
        ("pass sep=';'", (1, 1)),
    ),
    "tab separated": (
        file("s.csv", "date\tcountry\tsubstance\tmass_kg\n2017-03-01\tPER\tcrack\t1.5\n"),
        ("pass sep='\\t'", (1, 1)),
    ),
    "pipe separated": (
        file("s.csv", "date|country|substance|mass_kg\n2017-03-01|PER|crack|1.5\n"),
        ("pass sep='|'", (1, 1)),
    ),
    "ten thousand good rows": (file("s.csv", S + G * 10_000), 10_000),
    "250 bad rows": (
        file("s.csv", S + "2017-03-01,PER,crack,abc,,Lima,\n" * 250),
        ("must be a real number", (2, 4)),
    ),
    "bad row after many good ones": (
        file("s.csv", S + G * 500 + "2017-03-01,PER,crack,-2,,Lima,\n"),
        ("must be > 0", (502, 4)),
    ),
    # ------------------------------------------------------------ CSV: bytes and text
    "10 MB text cell": (file("s.csv", S + f"2017-03-01,PER,crack,1.5,,{'x' * BIG},\n"), 1),
    "10 MB quoted cell with newlines": (
        file("s.csv", S + '2017-03-01,PER,crack,1.5,,"' + "ab\n" * (BIG // 3) + '",\n'),
        1,
    ),
    "10 MB number cell": (
        file("s.csv", S + f"2017-03-01,PER,crack,{'1' * BIG},,Lima,\n"),
        ("must be finite", (2, 4)),
    ),
    "invalid UTF-8 in a cell": (
        file("s.csv", (S + G * 3).encode() + b"2017-03-01,PER,crack,1,,Hu\xe1nuco,\n"),
        ("not UTF-8 text", (5, None)),
    ),
    "invalid UTF-8 in the header": (
        file("s.csv", b"date,coun\xfftry\n"),
        ("not UTF-8 text", (1, None)),
    ),
    "UTF-16 with BOM": (file("s.csv", S + G, "utf-16"), ("not UTF-8 text", (1, None))),
    "UTF-16 LE without BOM": (
        file("s.csv", S + G, "utf-16-le"),
        ("columns fit no record type", None),
    ),
    "Latin-1 accents": (
        file("s.csv", S + "2017-03-01,PER,crack,1,,Huánuco,\n", "latin-1"),
        ("not UTF-8 text", (2, None)),
    ),
    "Windows-1252 quotes": (
        file("s.csv", S + "2017-03-01,PER,crack,1,,\u201cLima\u201d,\n", "cp1252"),
        ("not UTF-8 text", (2, None)),
    ),
    "NUL byte in a text cell": (file("s.csv", S + "2017-03-01,PER,crack,1,,Li\x00ma,\n"), 1),
    "NUL byte in a number": (
        file("s.csv", S + "2017-03-01,PER,crack,1\x00,,Lima,\n"),
        ("must be a real number", (2, 4)),
    ),
    "NUL bytes only": (file("s.csv", b"\x00" * 64), ("columns fit no record type", None)),
    "PNG bytes": (file("s.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256))), ("", None)),
    "gzip bytes": (file("s.csv", gzip.compress((S + G).encode())), ("not UTF-8 text", (1, None))),
    "JSON text in a .csv": (file("s.csv", _json([J])), ("columns fit no record type", None)),
    "control characters in a text cell": (
        file("s.csv", S + "2017-03-01,PER,crack,1,,Li\x1b[31mma,\n"),
        1,
    ),
    "emoji and right-to-left text": (
        file("s.csv", S + "2017-03-01,PER,crack,1,,\U0001f33f \u0644\u064a\u0645\u0627,\n"),
        1,
    ),
    # ------------------------------------------------------------ CSV: values
    "zero mass": (file("s.csv", S + "2017-03-01,PER,crack,0,,Lima,\n"), ("must be > 0", (2, 4))),
    "negative mass": (
        file("s.csv", S + "2017-03-01,PER,crack,-1.5,,Lima,\n"),
        ("must be > 0", (2, 4)),
    ),
    "nan mass": (
        file("s.csv", S + "2017-03-01,PER,crack,nan,,Lima,\n"),
        ("must be finite", (2, 4)),
    ),
    "inf mass": (
        file("s.csv", S + "2017-03-01,PER,crack,inf,,Lima,\n"),
        ("must be finite", (2, 4)),
    ),
    "minus Infinity mass": (
        file("s.csv", S + "2017-03-01,PER,crack,-Infinity,,Lima,\n"),
        ("must be finite", (2, 4)),
    ),
    "overflowing mass 1e309": (
        file("s.csv", S + "2017-03-01,PER,crack,1e309,,Lima,\n"),
        ("must be finite", (2, 4)),
    ),
    "subnormal mass": (file("s.csv", S + "2017-03-01,PER,crack,5e-324,,Lima,\n"), 1),
    "mass with exponent": (file("s.csv", S + "2017-03-01,PER,crack,1.5E3,,Lima,\n"), 1),
    "mass with leading dot": (file("s.csv", S + "2017-03-01,PER,crack,.5,,Lima,\n"), 1),
    "mass with spaces": (
        file("s.csv", S + "2017-03-01,PER,crack, 1.5 ,,Lima,\n"),
        ("must be a real number", (2, 4)),
    ),
    "mass with thousands separator": (
        file("s.csv", S + '2017-03-01,PER,crack,"1,500",,Lima,\n'),
        ("must be a real number", (2, 4)),
    ),
    "mass with a unit": (
        file("s.csv", S + "2017-03-01,PER,crack,1.5kg,,Lima,\n"),
        ("must be a real number", (2, 4)),
    ),
    "mass with underscores": (
        file("s.csv", S + "2017-03-01,PER,crack,1_500,,Lima,\n"),
        ("must be a real number", (2, 4)),
    ),
    "mass in full-width digits": (
        file("s.csv", S + "2017-03-01,PER,crack,\uff11\uff15,,Lima,\n"),
        ("must be a real number", (2, 4)),
    ),
    "mass in hexadecimal": (
        file("s.csv", S + "2017-03-01,PER,crack,0x10,,Lima,\n"),
        ("must be a real number", (2, 4)),
    ),
    "empty mass": (file("s.csv", S + "2017-03-01,PER,crack,,,Lima,\n"), ("mass_kg", (2, 4))),
    "purity above one": (
        file("s.csv", S + "2017-03-01,PER,crack,1,1.5,Lima,\n"),
        ("purity", (2, 5)),
    ),
    "purity negative": (
        file("s.csv", S + "2017-03-01,PER,crack,1,-0.1,Lima,\n"),
        ("purity", (2, 5)),
    ),
    "purity as a percentage": (
        file("s.csv", S + "2017-03-01,PER,crack,1,50%,Lima,\n"),
        ("must be a real number", (2, 5)),
    ),
    "30 February": (
        file("s.csv", S + "2017-02-30,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "month 13": (
        file("s.csv", S + "2017-13-01,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "two-digit year": (
        file("s.csv", S + "17-03-01,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "slashed date": (
        file("s.csv", S + "2017/03/01,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "date and time": (
        file("s.csv", S + "2017-03-01T10:00,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "date with a leading space": (
        file("s.csv", S + " 2017-03-01,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "date with a trailing tab": (
        file("s.csv", S + "2017-03-01\t,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "ISO week date": (
        file("s.csv", S + "2017-W09-3,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "year 9999": (file("s.csv", S + "9999-12-31,PER,crack,1,,Lima,\n"), 1),
    "country with a digit": (
        file("s.csv", S + "2017-03-01,P3R,crack,1,,Lima,\n"),
        ("country", (2, 2)),
    ),
    "country of four letters": (
        file("s.csv", S + "2017-03-01,PERU,crack,1,,Lima,\n"),
        ("country", (2, 2)),
    ),
    "alpha-2 country": (file("s.csv", S + "2017-03-01,PE,crack,1,,Lima,\n"), ("country", (2, 2))),
    "country with a space": (
        file("s.csv", S + "2017-03-01, PER,crack,1,,Lima,\n"),
        ("country", (2, 2)),
    ),
    "unknown substance": (
        file("s.csv", S + "2017-03-01,PER,heroin_x,1,,Lima,\n"),
        ("substance", (2, 3)),
    ),
    # enum values are read in any ASCII case (issue 12): CRACK is crack
    "upper-case substance": (file("s.csv", S + "2017-03-01,PER,CRACK,1,,Lima,\n"), 1),
    "substance with a trailing space": (
        file("s.csv", S + "2017-03-01,PER,crack ,1,,Lima,\n"),
        ("substance", (2, 3)),
    ),
    "formula in a text cell": (
        file("s.csv", S + '2017-03-01,PER,crack,1,,"=HYPERLINK(""x"")",\n'),
        1,
    ),
    "escaped formula": (file("s.csv", S + "2017-03-01,PER,crack,1,,'=SUM(A1),\n"), 1),
    "third-party apostrophe": (file("s.csv", S + "2017-03-01,PER,crack,1,,'s-Hertogenbosch,\n"), 1),
    "long region": (file("s.csv", S + f"2017-03-01,PER,crack,1,,{'R' * 5000},\n"), 1),
    "empty id": (file("s.csv", S + "2017-03-01,PER,crack,1,,Lima,\n"), 1),
    "multi-country seizures": (
        file(
            "s.csv",
            S + "".join(f"2017-03-01,{c},crack,1,,,\n" for c in ("PER", "BOL", "COL", "ECU")),
        ),
        4,
    ),
    # ------------------------------------------------------------ CSV: other record types
    "operations with every count": (file("o.csv", OPS + "2017-03-01,PER,3,1\n"), 1),
    "operations without count columns": (file("o.csv", "date,country\n2017-03-01,PER\n"), 1),
    "hexadecimal count": (
        file("o.csv", OPS + "2017-03-01,PER,0x10,1\n"),
        ("must be an integer count", (2, 3)),
    ),
    "count with a plus sign": (
        file("o.csv", OPS + "2017-03-01,PER,+3,1\n"),
        ("must be an integer count", (2, 3)),
    ),
    "count with a decimal point": (
        file("o.csv", OPS + "2017-03-01,PER,3.0,1\n"),
        ("must be an integer count", (2, 3)),
    ),
    "count in exponent form": (
        file("o.csv", OPS + "2017-03-01,PER,1e3,1\n"),
        ("must be an integer count", (2, 3)),
    ),
    "count with spaces": (
        file("o.csv", OPS + "2017-03-01,PER, 3 ,1\n"),
        ("must be an integer count", (2, 3)),
    ),
    "negative count": (file("o.csv", OPS + "2017-03-01,PER,-3,1\n"), ("arrests", (2, 3))),
    "count beyond 64 bits": (
        file("o.csv", OPS + "2017-03-01,PER,99999999999999999999,1\n"),
        ("must be an integer count", (2, 3)),
    ),
    "eradication with an unknown method": (
        file("e.csv", E + "2017-03-01,PER,2.5,laser\n"),
        ("method", (2, 4)),
    ),
    "eradication of zero hectares": (
        file("e.csv", E + "2017-03-01,PER,0,manual\n"),
        ("area_ha", (2, 3)),
    ),
    "good eradication": (file("e.csv", E + "2017-03-01,PER,2.5,manual\n"), 1),
    "training with scores": (file("t.csv", T + "2017-03-01,DIRANDRO,x,2,1;2,3;4,5,a;b\n"), 1),
    "training with unequal scores": (
        file("t.csv", T + "2017-03-01,DIRANDRO,x,2,1;2,3,5,\n"),
        ("", None),
    ),
    "training score not a number": (
        file("t.csv", T + "2017-03-01,DIRANDRO,x,2,1;x,3;4,5,\n"),
        ("must be real numbers separated by ';'", (2, 5)),
    ),
    "training with a repeated participant": (
        file("t.csv", T + "2017-03-01,DIRANDRO,x,2,,,,a;a\n"),
        ("", None),
    ),
    # ------------------------------------------------------------ JSON
    "empty JSON file": (file("s.json", ""), ("malformed JSON", (1, 1))),
    "empty JSON array": (
        file("s.json", "[]"),
        ("must hold a JSON object or a non-empty array", None),
    ),
    "empty JSON object": (file("s.json", "{}"), ("columns fit no record type", None)),
    "JSON array of records": (file("s.json", _json([J, J])), 2),
    "one JSON record": (file("s.json", _json(J)), 1),
    "JSON with a BOM": (file("s.json", "\ufeff" + _json([J])), 1),
    "JSON with a repeated key": (
        file(
            "s.json",
            '[{"date": "2017-03-01", "date": "2018-01-01", "country": "PER", '
            '"substance": "crack", "mass_kg": 1}]',
        ),
        ("$[0].date: repeated key", None),
    ),
    "JSON object for a list": (
        file(
            "t.json",
            _json(
                [
                    {
                        "date": "2017-03-01",
                        "institution": "x",
                        "course": "y",
                        "participants": 2,
                        "participant_ids": {"a": 1},
                    }
                ]
            ),
        ),
        ("$[0].participant_ids: must be a JSON array", None),
    ),
    "JSON nested 100,000 deep": (file("s.json", _deep(100_000)), ("nested too deeply", None)),
    "JSON integer of 5,000 digits": (
        file(
            "s.json",
            _json([{**J, "mass_kg": 1}]).replace('"mass_kg": 1', '"mass_kg": ' + "9" * 5000),
        ),
        ("integer has 5000 digits", None),
    ),
    "JSON NaN": (file("s.json", _json([J]).replace("1.5", "NaN")), ("NaN is not valid JSON", None)),
    "JSON Infinity": (
        file("s.json", _json([J]).replace("1.5", "Infinity")),
        ("Infinity is not valid JSON", None),
    ),
    "JSON 1e400": (file("s.json", _json([J]).replace("1.5", "1e400")), ("mass_kg", None)),
    "JSON trailing comma": (file("s.json", _json([J])[:-1] + ",]"), ("malformed JSON", (1, None))),
    "JSON with a comment": (
        file("s.json", "// seizures\n" + _json([J])),
        ("malformed JSON", (1, 1)),
    ),
    "JSON mass as a string": (
        file("s.json", _json([{**J, "mass_kg": "1.5"}])),
        ("$[0].mass_kg", None),
    ),
    "JSON date as a number": (
        file("s.json", _json([{**J, "date": 20170301}])),
        ("$[0].date", None),
    ),
    "JSON boolean count": (
        file("o.json", _json([{"date": "2017-03-01", "country": "PER", "arrests": True}])),
        ("$[0].arrests", None),
    ),
    "JSON unknown key in a later record": (
        file("s.json", _json([J, {**J, "colour": "red"}])),
        ("$[1].colour: unknown field", None),
    ),
    "JSON missing key in a later record": (
        file("s.json", _json([J, {k: v for k, v in J.items() if k != "mass_kg"}])),
        ("$[1].mass_kg", None),
    ),
    "JSON array of numbers": (
        file("s.json", "[1, 2, 3]"),
        ("must hold a JSON object or a non-empty array of objects", None),
    ),
    "JSON string": (file("s.json", '"seizures"'), ("must hold a JSON object", None)),
    "JSON null": (file("s.json", "null"), ("must hold a JSON object", None)),
    "JSON in UTF-16": (file("s.json", _json([J]), "utf-16"), ("not UTF-8 text", (1, None))),
    "JSON with invalid UTF-8": (
        file("s.json", _json([{**J, "region": "X"}]).encode().replace(b'"X"', b'"\xff"')),
        ("not UTF-8 text", (1, None)),
    ),
    "JSON multi-country": (
        file("s.json", _json([{**J, "country": c} for c in ("PER", "BOL", "COL")])),
        3,
    ),
    # ------------------------------------------------------------ Parquet
    "good Parquet": (parquet("s.parquet"), 20),
    "truncated Parquet": (
        parquet("s.parquet", mangle=lambda b: b[: len(b) // 2]),
        ("not a readable Parquet file", None),
    ),
    "Parquet without its footer": (
        parquet("s.parquet", mangle=lambda b: b[:-8]),
        ("not a readable Parquet file", None),
    ),
    "zero-byte Parquet": (file("s.parquet", b""), ("not a readable Parquet file", None)),
    "CSV text named .parquet": (file("s.parquet", S + G), ("not a readable Parquet file", None)),
    "corrupted Parquet page": (
        parquet("s.parquet", mangle=_flip_page_byte),
        ("not a readable Parquet file", None),
    ),
    "Parquet with an extra column": (
        arrow(
            "s.parquet",
            lambda: {
                "date": _date32(dt.date(2017, 3, 1)),
                "country": ["PER"],
                "substance": ["crack"],
                "mass_kg": [1.0],
                "colour": ["red"],
            },
        ),
        ("columns fit no record type", None),
    ),
    "Parquet without a required column": (
        arrow(
            "s.parquet",
            lambda: {
                "date": _date32(dt.date(2017, 3, 1)),
                "country": ["PER"],
                "substance": ["crack"],
            },
        ),
        ("columns fit no record type", None),
    ),
    "Parquet mass as text": (
        arrow(
            "s.parquet",
            lambda: {
                "date": _date32(dt.date(2017, 3, 1)),
                "country": ["PER"],
                "substance": ["crack"],
                "mass_kg": ["1.5"],
            },
        ),
        ("mass_kg", None),
    ),
    "Parquet null date": (
        arrow(
            "s.parquet",
            lambda: {
                "date": _date32(None),
                "country": ["PER"],
                "substance": ["crack"],
                "mass_kg": [1.0],
            },
        ),
        ("date", (1, None)),  # Parquet rows count records from 1 (no header line)
    ),
    "Parquet invalid UTF-8": (
        arrow(
            "s.parquet",
            lambda: {
                "date": _date32(dt.date(2017, 3, 1)),
                "country": ["PER"],
                "substance": ["crack"],
                "mass_kg": [1.0],
                "region": _invalid_utf8(),
            },
        ),
        ("", None),
    ),
    "Parquet 128-bit count": (
        arrow(
            "o.parquet",
            lambda: {
                "date": _date32(dt.date(2017, 3, 1)),
                "country": ["PER"],
                "arrests": _pa().array([10**30], _pa().decimal128(38, 0)),
            },
        ),
        ("arrests", None),
    ),
    "Parquet unsigned count beyond int64": (
        arrow(
            "o.parquet",
            lambda: {
                "date": _date32(dt.date(2017, 3, 1)),
                "country": ["PER"],
                "arrests": _pa().array([2**63 + 1], _pa().uint64()),
            },
        ),
        ("arrests", None),
    ),
    "Parquet of operations": (
        parquet("o.parquet", [Operation(date=dt.date(2017, 3, 1), country="PER", arrests=4)]),
        1,
    ),
    "Parquet of training": (
        parquet(
            "t.parquet",
            [
                TrainingOutcome(
                    date=dt.date(2017, 3, 1), institution="x", course="y", participants=3
                )
            ],
        ),
        1,
    ),
    # ------------------------------------------------------------ the file system
    "FIFO named .csv": (fifo("x.csv"), ("is not a regular file", None)),
    "FIFO named .json in a folder": (_fifo_in_folder, ("is not a regular file", None)),
    "folder named .csv": (_folder_named_csv, ("no .csv, .json or .parquet files", None)),
    "folder with a sub-folder named .csv": (
        _subfolder_named_csv,
        ("x.csv: path: is a directory", None),
    ),
    "empty folder": (lambda d: [str(d)], ("no .csv, .json or .parquet files in this folder", None)),
    "folder of good files": (
        folder_with(("a.csv", S + G), ("b.json", _json([J])), ("notes.txt", "ignored")),
        2,
    ),
    "nested folders are not walked": (folder_with(("a.csv", S + G), ("deeper/b.csv", S + G)), 1),
    "missing file": (lambda d: [str(d / "missing.csv")], ("file not found", None)),
    "unknown suffix": (file("s.txt", S + G), ("unknown file type", None)),
    "upper-case suffix": (file("S.CSV", S + G), 1),
    "path with spaces": (file("my seizures 2017.csv", S + G), 1),
    "non-ASCII file name": (file("incautaciones-Huánuco-ñ.csv", S + G), 1),
    "file name with a newline": (
        file("bad\nname.csv", S + "2017-03-01,PER,crack,-1,,,\n"),
        ("bad\\nname.csv:2:4", (2, 4)),
    ),
    "file name with a terminal escape": (
        file("x\x1b[2J.csv", S + "2017-03-01,PER,crack,-1,,,\n"),
        ("x\\x1b[2J.csv:2:4", (2, 4)),
    ),
    "symbolic link and its target": (symlink("real.csv", S + G), 1),
    "dangling symbolic link": (symlink("gone.csv", "", dangling=True), ("file not found", None)),
    "the same file twice": (_same_file_twice, 1),
    "a folder and a file in it": (files(("s.csv", S + G * 2), given=[".", "s.csv"]), 2),
    "the same file by two spellings": (_two_spellings, 1),
    "a hard link": (_hard_link, 1),
    "two kinds in two files": (files(("s.csv", S + G), ("o.csv", OPS + "2017-03-01,PER,3,1\n")), 2),
    "two countries in two files": (
        files(("per.csv", S + G), ("col.csv", S + G.replace("PER", "COL").replace("Lima", "Meta"))),
        2,
    ),
    "errors in two files": (
        files(
            ("a.csv", S + "2017-03-01,PER,crack,-1,,,\n"),
            ("b.csv", S + "2017-13-01,PER,crack,1,,,\n"),
        ),
        ("must be", (2, None)),
    ),
    "one good and one missing file": (_good_and_missing, ("nope.json: path: file not found", None)),
    "CSV and JSON of different records": (
        files(("a.csv", S + G), ("b.json", _json([{**J, "country": "BOL"}]))),
        2,
    ),
}


def _written(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_there_are_at_least_120_distinct_inputs() -> None:
    assert len(CASES) >= 120


@pytest.mark.parametrize("name", list(CASES))
def test_an_adversarial_input_gives_the_right_answer_or_clear_errors(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if ("FIFO" in name and not hasattr(os, "mkfifo")) or (
        ("link" in name or "\n" in name or "\x1b" in name) and os.name != "posix"
    ):
        pytest.skip("needs a POSIX file system")  # pragma: no cover
    setup, expect = CASES[name]
    folder = tmp_path / "input"
    folder.mkdir()
    paths = setup(folder)
    before = _written(folder)
    shown = [escape_name(Path(p).name) for p in os.listdir(folder)] + [
        escape_name(Path(p).name) for p in paths
    ]

    # The library.
    error: ValidationError | None = None
    try:
        found = read_files(paths)
    except ValidationError as caught:
        error = caught
    if isinstance(expect, int):
        assert error is None, str(error)
        assert sum(len(f.table) for f in found) == expect
    else:
        text, where = expect
        assert error is not None, f"{name}: read without error"
        assert text in str(error)
        for problem in error.problems:
            assert problem.path is not None, problem
            assert any(problem.path.endswith(s) for s in shown), (problem.path, shown)
        if where is not None:
            row, column = where
            assert any(
                p.row == row and (column is None or p.column == column) for p in error.problems
            ), [str(p) for p in error.problems]
    assert _written(folder) == before

    # The command.
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    status = main(["report", "--data", *paths, "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert _written(folder) == before
    if error is not None:
        assert status == 2
        assert out == ""
        lines = err.splitlines()
        problems = [f"narcometrics: error: {p}" for p in error.problems]
        assert lines[: len(problems)] == problems
        assert len(lines) == len(problems) + error.truncated + len(error.summary)
        assert all("\x1b" not in line for line in lines)
    else:
        assert status in (0, 2), err
        if status == 0:
            assert err == ""
            json.loads(out)
        else:  # the data were read; the report itself has nothing to show for them
            assert out == ""
            assert all(line.startswith("narcometrics: error: ") for line in err.splitlines())


def test_a_folder_of_records_written_by_the_library_reads_back(tmp_path: Path) -> None:
    rows = seizure_rows(30, "PER") + seizure_rows(20, "BOL", start=30)
    write_csv(tmp_path / "per.csv", rows[:30])
    write_parquet(tmp_path / "bol.parquet", rows[30:])
    found = read_files([tmp_path])
    assert [r for f in found for r in f.table] == sorted(rows, key=lambda r: r.country)


@pytest.mark.parametrize(
    "again",
    [
        lambda folder: [str(folder / "s.csv"), str(folder / "s.csv")],
        lambda folder: [str(folder), str(folder / "s.csv")],
        lambda folder: [str(folder / "s.csv"), str(folder / "link.csv")],
    ],
    ids=["repeated path", "folder and a file in it", "symbolic link"],
)
def test_the_report_counts_a_file_reached_twice_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], again: Callable[[Path], list[str]]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write_csv(folder / "s.csv", seizure_rows(6))
    alone = folder / "s.csv"
    capsys.readouterr()
    assert main(["report", "--data", str(alone), "--format", "json"]) == 0
    once = json.loads(capsys.readouterr().out)
    (folder / "link.csv").symlink_to(alone)
    paths = again(folder)
    if len(paths) == 2 and paths[0] == str(folder):
        (folder / "link.csv").unlink()  # the folder alone holds s.csv once
    assert main(["report", "--data", *paths, "--format", "json"]) == 0
    twice = json.loads(capsys.readouterr().out)
    # The label and the sources list the paths given; the figures must not change.
    assert [x["seizures"]["by_substance"] for x in twice["sections"]] == [
        x["seizures"]["by_substance"] for x in once["sections"]
    ]
    assert [x["country"] for x in twice["sections"]] == [x["country"] for x in once["sections"]]
