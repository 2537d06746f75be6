"""Files on real input (issue 13): one grammar for both CSV engines, no data loss, strict
JSON, checked Parquet, safe writers, no hangs, and errors that name the file and line."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import Any

import attrs
import pytest

from narcometrics import (
    Operation,
    Seizure,
    SeizureTable,
    TrainingOutcome,
    ValidationError,
    factors,
)
from narcometrics.io import (
    AUTO_PYARROW_BYTES,
    escape_cell,
    read_csv,
    read_files,
    read_json,
    read_parquet,
    unescape_cell,
    write_csv,
    write_json,
    write_parquet,
)
from narcometrics.io._files import TEMP_SUFFIX, escape_name

ENGINES = ["python", "pyarrow"]
HEADER = "date,country,substance,mass_kg,purity,region\n"
GOOD = "2017-01-01,PER,crack,1.5,,Lima\n"


def seizures(n: int, **extra: Any) -> list[Seizure]:
    return [
        Seizure(
            date=dt.date(2017, 1, 1 + i % 28),
            country="PER",
            substance="crack",
            mass_kg=1.0 + i,
            id=f"s{i}",
            **extra,
        )
        for i in range(n)
    ]


def outcome(path: Path, kind: type[Any], engine: str) -> Any:
    """The records a file gives, or the lines of its error."""
    try:
        return list(read_csv(path, kind, engine=engine))  # type: ignore[arg-type]
    except ValidationError as error:
        return str(error).splitlines()


# --------------------------------------------------------------- one grammar


ADVERSARIAL_ROWS = {
    "hexadecimal count": ("date,country,arrests\n", "2017-01-01,PER,0x10\n", Operation),
    "count with spaces": ("date,country,arrests\n", "2017-01-01,PER, 16 \n", Operation),
    "count with a plus": ("date,country,arrests\n", "2017-01-01,PER,+16\n", Operation),
    "count with underscores": ("date,country,arrests\n", "2017-01-01,PER,1_6\n", Operation),
    "count over 64 bits": (
        "date,country,arrests\n",
        "2017-01-01,PER,9" * 1 + "9" * 20 + "\n",
        Operation,
    ),
    "date with a leading space": (HEADER, " 2017-01-01,PER,crack,1.5,,Lima\n", Seizure),
    "date with a trailing tab": (HEADER, "2017-01-01\t,PER,crack,1.5,,Lima\n", Seizure),
    "quoted date with spaces": (HEADER, '" 2017-01-01 ",PER,crack,1.5,,Lima\n', Seizure),
    "week date": (HEADER, "2017-W01-1,PER,crack,1.5,,Lima\n", Seizure),
    "mass with spaces": (HEADER, "2017-01-01,PER,crack, 1.5 ,,Lima\n", Seizure),
    "mass with underscores": (HEADER, "2017-01-01,PER,crack,1_5,,Lima\n", Seizure),
    "mass in Arabic-Indic digits": (HEADER, "2017-01-01,PER,crack,\u0661\u0665,,Lima\n", Seizure),
    "mass nan": (HEADER, "2017-01-01,PER,crack,nan,,Lima\n", Seizure),
    "mass Infinity": (HEADER, "2017-01-01,PER,crack,Infinity,,Lima\n", Seizure),
    "mass decimal comma": (HEADER, '2017-01-01,PER,crack,"1,5",,Lima\n', Seizure),
    "third-party apostrophe": (HEADER, "2017-01-01,PER,crack,1.5,,'s-Hertogenbosch\n", Seizure),
}


@pytest.mark.parametrize("case", sorted(ADVERSARIAL_ROWS))
def test_both_engines_give_the_same_answer_for_each_adversarial_row(
    tmp_path: Path, case: str
) -> None:
    header, row, kind = ADVERSARIAL_ROWS[case]
    path = tmp_path / "small.csv"
    path.write_text(header + row, encoding="utf-8")
    python = outcome(path, kind, "python")
    assert outcome(path, kind, "pyarrow") == python
    if case == "third-party apostrophe":
        assert python[0].region == "'s-Hertogenbosch"  # kept as written
    else:
        assert python[0].startswith(f"{path}:2:"), python


@pytest.mark.parametrize("kind", [Seizure, Operation])
def test_both_engines_read_one_grammar_in_a_file_above_the_switch_size(
    tmp_path: Path, kind: type[Any]
) -> None:
    cases = [(h, r) for h, r, k in ADVERSARIAL_ROWS.values() if k is kind]
    header = cases[0][0]
    good = GOOD if kind is Seizure else "2017-01-01,PER,3\n"
    filler = good * (AUTO_PYARROW_BYTES // len(good) // len(cases) + 1)
    path = tmp_path / "big.csv"
    path.write_text(header + "".join(filler + row for _, row in cases), encoding="utf-8")
    assert path.stat().st_size > AUTO_PYARROW_BYTES
    python = outcome(path, kind, "python")
    assert outcome(path, kind, "pyarrow") == python
    assert outcome(path, kind, "auto") == python
    refused = len(cases) - (kind is Seizure)  # the apostrophe row is good data
    assert len(python) == refused, python


def test_a_hexadecimal_count_is_not_sixteen_in_a_big_file(tmp_path: Path) -> None:
    path = tmp_path / "operations.csv"
    good = "2017-01-01,PER,3\n"
    path.write_text(
        "date,country,arrests\n"
        + good * (AUTO_PYARROW_BYTES // len(good) + 1)
        + "2017-01-02,PER,0x10\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match=r"arrests: must be an integer count \('0x10'\)"):
        read_csv(path, Operation)


# ---------------------------------------------------------------- data loss


@pytest.mark.parametrize("engine", ENGINES)
def test_a_ten_megabyte_cell_reads_back_equal(tmp_path: Path, engine: str) -> None:
    big = 'Huánuco, "quoted"\nand more ' * 360_000  # about 10 MB
    assert len(big.encode()) > 10_000_000
    rows = [*seizures(2)[:1], seizures(2, region=big)[1]]
    path = tmp_path / "big-cell.csv"
    write_csv(path, rows)
    assert list(read_csv(path, Seizure, engine=engine)) == rows  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ENGINES)
def test_only_the_apostrophe_the_writer_adds_is_removed(tmp_path: Path, engine: str) -> None:
    texts = ["'s-Hertogenbosch", "'", "''", "'=x", "=x", "-3", "'-3", "l'Aquila", "'quoted'"]
    rows = [attrs.evolve(seizures(1, region=text)[0], id=f"s{i}") for i, text in enumerate(texts)]
    path = tmp_path / "round.csv"
    write_csv(path, rows)
    assert read_csv(path, Seizure, engine=engine).region.to_list() == texts  # type: ignore[arg-type]
    third_party = tmp_path / "third.csv"
    third_party.write_text(
        HEADER + "".join(f"2017-01-01,PER,crack,1,,{t}\n" for t in ["'s-Hertogenbosch", "'=1"]),
        encoding="utf-8",
    )
    got = read_csv(third_party, Seizure, engine=engine).region.to_list()  # type: ignore[arg-type]
    assert got == ["'s-Hertogenbosch", "=1"]
    assert unescape_cell("'s-Hertogenbosch") == "'s-Hertogenbosch"
    assert escape_cell("'s-Hertogenbosch") == "'s-Hertogenbosch"


def _training(**fields: Any) -> dict[str, Any]:
    return {
        "date": "2017-01-01",
        "institution": "DIRANDRO",
        "course": "x",
        "participants": 2,
        **fields,
    }


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            '[{"date": "2017-01-01", "date": "2018-01-01", "country": "PER", '
            '"substance": "crack", "mass_kg": 1}]',
            r"\$\[0\]\.date: repeated key",
        ),
        (
            json.dumps([_training(participant_ids={"a": 1, "b": 2})]),
            r"\$\[0\]\.participant_ids: must be a JSON array, not an object",
        ),
        (
            json.dumps([_training(pre_scores={"1": 2}, post_scores=[1], max_score=3)]),
            r"\$\[0\]\.pre_scores: must be a JSON array",
        ),
        ('[{"mass_kg": ' + "7" * 4301 + "}]", r"\$\[0\]\.mass_kg: integer has 4301 digits"),
    ],
)
def test_json_that_would_be_resolved_silently_is_an_error_naming_the_path(
    tmp_path: Path, payload: str, message: str
) -> None:
    path = tmp_path / "records.json"
    path.write_text(payload, encoding="utf-8")
    kind = TrainingOutcome if "institution" in payload else Seizure
    with pytest.raises(ValidationError, match="records.json: " + message):
        read_json(path, kind)


def test_over_long_json_integers_are_validation_errors_everywhere(tmp_path: Path) -> None:
    from narcometrics.io import detect_record_type

    path = tmp_path / "long.json"
    path.write_text('{"id": ' + "1" * 5000 + "}", encoding="utf-8")
    for call in (
        lambda: read_json(path, Seizure),
        lambda: factors.load(path),
        lambda: detect_record_type(path),
    ):
        with pytest.raises(ValidationError, match=r"long.json: \$\.id: integer has 5000 digits"):
            call()


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


# ------------------------------------------------------------------- writers


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
def test_a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    write_csv(target, seizures(2))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    old = os.umask(0o027)
    try:
        for writer, name in (
            (write_csv, "new.csv"),
            (write_json, "new.json"),
            (write_parquet, "new.parquet"),
        ):
            writer(tmp_path / name, seizures(2))
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o640
    finally:
        os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_symlink_target_is_written_through_and_the_link_kept(tmp_path: Path) -> None:
    real = tmp_path / "data" / "real.csv"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_csv(link, seizures(3))
    assert link.is_symlink()
    assert len(read_csv(real, Seizure)) == 3
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.csv"]


def test_data_and_folder_are_flushed_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(stat.S_IFMT(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_csv(tmp_path / "out.csv", seizures(2))
    assert stat.S_IFREG in synced
    if os.name == "posix":
        assert stat.S_IFDIR in synced


def test_stale_temporaries_of_our_naming_are_removed_and_others_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    dead = 2**22 + 12345  # above the default pid_max: no process has it
    stale = tmp_path / f".out.csv.{dead}-0a1b2c3d{TEMP_SUFFIX}"
    stale.write_text("half", encoding="utf-8")
    mine = tmp_path / f".out.csv.{os.getpid()}-0a1b2c3d{TEMP_SUFFIX}"  # a live writer's
    mine.write_text("in progress", encoding="utf-8")
    other = tmp_path / ".out.csv.notours.tmp"
    other.write_text("someone else's", encoding="utf-8")
    write_csv(target, seizures(1))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, mine.name, other.name]
    )


def test_a_writer_error_names_the_users_target_not_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "out.csv"
    with pytest.raises(OSError, match=r"out\.csv") as caught:
        write_csv(target, seizures(1))
    assert TEMP_SUFFIX not in str(caught.value)
    assert caught.value.filename == str(target)
    folder = tmp_path / "a-folder.csv"
    folder.mkdir()
    with pytest.raises(
        ValidationError, match=r"a-folder\.csv: path: exists and is not a regular file"
    ):
        write_csv(folder, seizures(1))


# ---------------------------------------------------------- hangs and crashes


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "x.csv"
    os.mkfifo(fifo)
    for engine in ("auto", *ENGINES):
        with pytest.raises(ValidationError, match=r"x\.csv: path: is not a regular file"):
            read_csv(fifo, Seizure, engine=engine)  # type: ignore[arg-type]
    json_fifo = tmp_path / "x.json"
    os.mkfifo(json_fifo)
    for call in (
        lambda: read_json(json_fifo, Seizure),
        lambda: factors.load(json_fifo),
        lambda: read_files([tmp_path]),
    ):
        with pytest.raises(ValidationError, match="is not a regular file"):
            call()


def test_factors_load_gives_validation_errors_and_accepts_a_bom(tmp_path: Path) -> None:
    from importlib import resources

    bundled = resources.files("narcometrics").joinpath("data", "factors", "pe-gov-2017.json")
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + bundled.read_bytes())
    assert factors.load(bom) == factors.get("pe-gov-2017")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{\n"id": "x",\n"title": "Hu\xe1nuco"}')
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50_000, encoding="utf-8")
    cases = {
        tmp_path / "missing.json": "missing.json: path: file not found",
        tmp_path: "path: is a directory, not a file",
        latin: r"latin.json:3: file: not UTF-8 text",
        deep: r"deep.json: \$: JSON nested too deeply",
    }
    for path, message in cases.items():
        with pytest.raises(ValidationError, match=message):
            factors.load(path)


def test_duplicated_dataframe_columns_are_a_validation_error() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        [[pd.Timestamp("2017-01-01"), "PER", "crack", 1.0, 2.0]],
        columns=["date", "country", "substance", "mass_kg", "mass_kg"],
    )
    with pytest.raises(ValidationError, match=r"mass_kg: repeated column \(2 times\)"):
        SeizureTable.from_frame(frame)


# ------------------------------------------------------------------ messages


@pytest.mark.parametrize("engine", ENGINES)
def test_a_non_utf8_file_names_the_file_and_the_line_of_the_bad_byte(
    tmp_path: Path, engine: str
) -> None:
    body = HEADER + GOOD * 20_000 + "2017-01-01,PER,crack,1,,Hu\xe1nuco\n" + GOOD
    path = tmp_path / "latin.csv"
    path.write_bytes(body.encode("latin-1"))
    with pytest.raises(ValidationError) as caught:
        read_csv(path, Seizure, engine=engine)  # type: ignore[arg-type]
    assert str(caught.value).startswith(
        "latin.csv:20002: file: not UTF-8 text".replace("latin.csv", str(path))
    )
    table = read_csv(path, Seizure, engine=engine, encoding="latin-1")  # type: ignore[arg-type]
    assert table.region.to_list()[-2] == "Huánuco"


@pytest.mark.parametrize("engine", ENGINES)
def test_spanish_locale_csv_reads_with_sep_and_decimal_and_gets_a_hint_without(
    tmp_path: Path, engine: str
) -> None:
    path = tmp_path / "es.csv"
    text = "date;country;substance;mass_kg;region\n2017-01-01;PER;crack;1,5;Huánuco\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        ValidationError, match=r"es.csv:1:1: file: the header is separated by ';': pass sep=';'"
    ):
        read_csv(path, Seizure, engine=engine)  # type: ignore[arg-type]
    path.write_bytes(text.encode("cp1252"))
    table = read_csv(path, Seizure, engine=engine, sep=";", decimal=",", encoding="cp1252")  # type: ignore[arg-type]
    assert table.mass_kg.tolist() == [1.5]
    assert table.region.to_list() == ["Huánuco"]
    path.write_text("date;country;substance;mass_kg\n2017-01-01;PER;crack;1.5\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="decimal point"):
        read_csv(path, Seizure, engine=engine, sep=";", decimal=",")  # type: ignore[arg-type]


def test_file_names_are_printed_escaped(tmp_path: Path) -> None:
    assert escape_name("a\nb\x1b[31m.csv") == "a\\nb\\x1b[31m.csv"
    assert escape_name("Huánuco 2017.csv") == "Huánuco 2017.csv"
    if os.name != "posix":
        return
    path = tmp_path / "evil\n\x1b[2Jname.csv"
    path.write_text(HEADER + "2017-01-01,PER,crack,-1,,Lima\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_csv(path, Seizure)
    message = str(caught.value)
    assert "\x1b" not in message
    assert "\n" not in message
    assert "evil\\n\\x1b[2Jname.csv:2:4: mass_kg" in message


@pytest.mark.parametrize("engine", ENGINES)
def test_after_100_problems_every_problem_is_counted_per_field_and_value(
    tmp_path: Path, engine: str
) -> None:
    cells = ["abc"] * 300 + ["x"] * 50 + ["-1"] * 20
    path = tmp_path / "many.csv"
    path.write_text(
        "date,country,substance,mass_kg\n"
        + "".join(f"2017-01-01,PER,crack,{c}\n" for c in cells)
        + "2017-13-01,PER,crack,1\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        read_csv(path, Seizure, engine=engine)  # type: ignore[arg-type]
    error = caught.value
    assert error.truncated
    assert len(error.problems) == 100
    assert error.summary[0] == f"{path}: 371 problems in all; per field and bad value:"
    assert error.summary[1] == "  mass_kg: 370 ('abc' x 300, 'x' x 50, '-1.0' x 20)"
    assert error.summary[2] == "  date: 1 ('2017-13-01' x 1)"
    records = error.to_records()
    assert records[0] == {
        "path": str(path),
        "row": 2,
        "column": 4,
        "field": "mass_kg",
        "problem": "must be a real number",
        "value": "abc",
    }
    import pandas as pd

    assert len(pd.DataFrame(records)) == 100


# ------------------------------------------------------------- many files


def test_the_same_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write_csv(folder / "seizures.csv", seizures(4))
    (tmp_path / "link.csv").symlink_to(folder / "seizures.csv")
    got = read_files(
        [
            folder / "seizures.csv",
            folder,
            folder / "seizures.csv",
            tmp_path / "link.csv",
            f"{folder}/./seizures.csv",
        ]
    )
    assert [(f.path, len(f.table)) for f in got] == [(str(folder / "seizures.csv"), 4)]


def test_a_csv_and_a_parquet_copy_keep_their_ids_for_the_duplicate_rule(tmp_path: Path) -> None:
    rows = seizures(5)
    write_csv(tmp_path / "s.csv", rows)
    write_parquet(tmp_path / "s.parquet", rows)
    got = read_files([tmp_path])
    assert [f.record_type for f in got] == [Seizure, Seizure]
    assert [f.table.id.to_list() for f in got] == [[r.id for r in rows]] * 2


def test_read_files_tells_each_files_kind_and_columns_in_one_pass(tmp_path: Path) -> None:
    (tmp_path / "ops.csv").write_text("date,country,arrests\n2017-01-01,PER,3\n", encoding="utf-8")
    (tmp_path / "ops.json").write_text(
        json.dumps(
            [
                {"date": "2017-01-01", "country": "PER", "arrests": 1, "airstrips_destroyed": 2},
                {"date": "2017-02-01", "country": "PER", "arrests": 4},
            ]
        ),
        encoding="utf-8",
    )
    write_parquet(tmp_path / "s.parquet", seizures(2))
    got = {Path(f.path).name: f for f in read_files([tmp_path])}
    assert got["ops.csv"].record_type is Operation
    assert got["ops.csv"].columns == {"date", "country", "arrests"}
    assert got["ops.json"].columns == {"date", "country", "arrests"}  # keys every record has
    assert got["s.parquet"].record_type is Seizure


def test_read_files_parses_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import narcometrics._json as strict_json
    import narcometrics.io._readers as readers

    (tmp_path / "e.json").write_text(
        json.dumps([{"date": "2017-01-01", "country": "PER", "area_ha": 2.0, "method": "manual"}]),
        encoding="utf-8",
    )
    write_csv(tmp_path / "s.csv", seizures(3))
    calls = {"json": 0, "csv": 0}
    real_loads, real_read_csv = strict_json.loads, readers.read_csv

    def loads(*args: Any, **kwargs: Any) -> Any:
        calls["json"] += 1
        return real_loads(*args, **kwargs)

    def read_csv_once(*args: Any, **kwargs: Any) -> Any:
        calls["csv"] += 1
        return real_read_csv(*args, **kwargs)

    monkeypatch.setattr(strict_json, "loads", loads)
    import narcometrics.io._many as many

    monkeypatch.setattr(many, "read_csv", read_csv_once)
    assert len(read_files([tmp_path])) == 2
    assert calls == {"json": 1, "csv": 1}


# ---------------------------------------------------------- property tests

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

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


def test_streamed_totals_read_the_same_dialect(tmp_path: Path) -> None:
    from narcometrics.stream import aggregate_csv

    path = tmp_path / "es.csv"
    path.write_bytes("date;country;substance;mass_kg\n2017-01-01;PER;crack;1,5\n".encode("cp1252"))
    totals = aggregate_csv(path, Seizure, "mass_kg", sep=";", decimal=",", encoding="cp1252")
    assert totals.to_dict() == {(): 1.5}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_summary_counts_every_problem_the_table_rules_find(tmp_path: Path, engine: str) -> None:
    rows = (
        ["2017-01-01,PER,sugar,1"] * 700
        + ["2017-01-01,PER,crack,-1"] * 150
        + ["2017-01-01,PER,crack,1"] * 500
        + ["2017-01-01,PER,meth,-2"] * 40  # two problems in one row
    )
    path = tmp_path / "rules.csv"
    path.write_text("date,country,substance,mass_kg\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_csv(path, Seizure, engine=engine)  # type: ignore[arg-type]
    assert caught.value.summary == (
        f"{path}: 930 problems in all; per field and bad value:",
        "  substance: 740 ('sugar' x 700, 'meth' x 40)",
        "  mass_kg: 190 ('-1.0' x 150, '-2.0' x 40)",
    )
