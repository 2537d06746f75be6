"""The adversarial JSON, Parquet and file-system inputs (FIFOs, folders, links, the same file
reached twice), with the builders only they use.

Each entry is a set of files and what reading it must give (see ``test_adversarial_files.py``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from adversarial_inputs import OPS, Expect, G, J, S, Setup, _json, file, files, seizure_rows
from narcometrics import Operation, TrainingOutcome
from narcometrics.io import write_parquet


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


OTHER_CASES: dict[str, tuple[Setup, Expect]] = {
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
