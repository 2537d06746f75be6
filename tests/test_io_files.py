"""Files on real input (issue 13): one grammar for both CSV engines, no data loss, strict
JSON, errors that name the file and line, and many files read once.

Safe writers and inputs that could hang are in ``test_io_files_writers.py``; checked Parquet
and random or corrupted bytes in ``test_io_files_corruption.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import attrs
import pytest

from narcometrics import (
    Operation,
    Seizure,
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
    unescape_cell,
    write_csv,
    write_parquet,
)
from narcometrics.io._files import escape_name
from seizure_files import ENGINES, GOOD, HEADER, seizures


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


@pytest.fixture(scope="module")
def ten_megabyte_cell(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Seizure]]:
    """Two rows, one with a 10 MB cell, written once for both engines to read."""
    big = 'Huánuco, "quoted"\nand more ' * 360_000  # about 10 MB
    assert len(big.encode()) > 10_000_000
    rows = [*seizures(2)[:1], seizures(2, region=big)[1]]
    path = tmp_path_factory.mktemp("big-cell") / "big-cell.csv"
    write_csv(path, rows)
    return path, rows


@pytest.mark.parametrize("engine", ENGINES)
def test_a_ten_megabyte_cell_reads_back_equal(
    ten_megabyte_cell: tuple[Path, list[Seizure]], engine: str
) -> None:
    path, rows = ten_megabyte_cell
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
