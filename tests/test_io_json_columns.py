"""The fast JSON path (columns, msgspec) gives what the exact path gives, byte for byte.

The exact path is the one every JSON file took before: ``serialize.dumps`` of the records
for writing, and ``_json.loads`` (strict parsing) then one record per object for reading.
Each test compares the two on the same input: the same text written, the same table read,
and for a file the fast path cannot take, the same errors (it hands over to the exact path).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narcometrics import Eradication, Operation, Seizure, TrainingOutcome, _json, serialize
from narcometrics.errors import ValidationError
from narcometrics.io import _json_columns, _readers, read_json, write_json
from narcometrics.tables import EradicationTable, OperationTable, SeizureTable
from narcometrics.testing import strategies as nst

ODD_TEXT = st.sampled_from(
    ['say "no"', "back\\slash", "tab\there", "new\nline", "\x01ctl", "100% pure", "Región",
     "Ñuñoa", "日本", "a:b", "\u2028sep", "emoji 🙂", " padded "]
)  # fmt: skip
FLOATS = st.sampled_from(
    [1e-5, 0.0001, 9.9999e-05, 1e16, 9999999999999998.0, 1.5e16, 5e-324, 1.7976931348623157e308,
     0.1, 2.5e-07, 123456.789, 1e22, 3.0000000000000004]
)  # fmt: skip


def _exact_text(records: list[Any], indent: int | None) -> bytes:
    return (serialize.dumps(records, indent=indent) + "\n").encode("utf-8")


def _exact_read(path: Path, kind: type[Any]) -> Any:
    table, name = _readers.table_type(kind), _readers.display_name(path)
    return _readers.json_table(_json.loads(path.read_bytes(), path=name), table, name)


def _outcome(read: Any) -> tuple[str, Any]:
    try:
        return "table", read()
    except ValidationError as error:
        return "error", str(error)


seizures = st.builds(
    Seizure,
    date=nst.dates(),
    country=nst.countries(),
    substance=st.sampled_from(["cocaine_hcl", "cannabis", "coca_paste"]),
    mass_kg=FLOATS | st.floats(1e-300, 1e300),
    purity=st.none() | st.floats(1e-9, 1.0),
    region=st.none() | ODD_TEXT | nst.texts(),
    agency=st.none() | ODD_TEXT,
    id=st.none() | nst.texts(),
    operation_id=st.none() | ODD_TEXT,
)


@settings(max_examples=60, deadline=None)
@given(records=nst.record_lists(seizures, max_size=12), indent=st.sampled_from([None, 0, 1, 2, 4]))
def test_the_fast_writer_writes_the_same_bytes_as_json_dumps_of_the_records(
    tmp_path_factory: pytest.TempPathFactory, records: list[Seizure], indent: int | None
) -> None:
    path = tmp_path_factory.mktemp("w") / "s.json"
    write_json(path, SeizureTable.from_records(records), indent=indent)
    assert path.read_bytes() == _exact_text(records, indent)
    assert read_json(path, Seizure).to_records() == records


@settings(max_examples=40, deadline=None)
@given(records=nst.record_lists(nst.eradications(), max_size=8) | st.just([]))
def test_eradications_round_trip_through_the_fast_path_byte_for_byte(
    tmp_path_factory: pytest.TempPathFactory, records: list[Eradication]
) -> None:
    path = tmp_path_factory.mktemp("e") / "e.json"
    write_json(path, EradicationTable.from_records(records))
    assert path.read_bytes() == _exact_text(records, 1)
    assert read_json(path, Eradication) == _exact_read(path, Eradication)


@settings(max_examples=40, deadline=None)
@given(records=nst.record_lists(nst.operations(), max_size=8))
def test_operations_with_counts_read_the_same_through_both_paths(
    tmp_path_factory: pytest.TempPathFactory, records: list[Operation]
) -> None:
    path = tmp_path_factory.mktemp("o") / "o.json"
    write_json(path, OperationTable.from_records(records), indent=None)
    assert path.read_bytes() == _exact_text(records, None)
    assert read_json(path, Operation) == _exact_read(path, Operation)


def test_a_plain_seizure_file_takes_the_fast_path(tmp_path: Path) -> None:
    records = [
        Seizure(date=dt.date(2020, 1, 2), country="PER", substance="cocaine_hcl", mass_kg=1.5),
        Seizure(date=dt.date(2021, 3, 4), country="COL", substance="cannabis", mass_kg=2.0,
                purity=0.5, region="Cusco"),
    ]  # fmt: skip
    path = tmp_path / "s.json"
    write_json(path, SeizureTable.from_records(records))
    fast = _json_columns.loads(path.read_bytes(), SeizureTable)
    assert fast is not None
    assert fast == _exact_read(path, Seizure)
    assert fast.to_records() == records


GOOD = {
    "date": "2020-01-02",
    "country": "PER",
    "substance": "cocaine_hcl",
    "mass_kg": 1.5,
    "purity": None,
    "region": "Cusco",
}


def _bad_files() -> list[tuple[str, bytes]]:
    good = json.dumps(GOOD)
    cases = {
        "repeated key": good[:-1] + ', "mass_kg": 2.0}',
        "repeated key with colons in text": good.replace('"Cusco"', '"a:b"')[:-1]
        + ', "region": "x"}',
        "NaN": good.replace("1.5", "NaN"),
        "Infinity": good.replace("1.5", "Infinity"),
        "big integer": good.replace("1.5", "1" + "0" * 5000),
        "integer beyond float": good.replace("1.5", "1" + "0" * 400),
        "huge float": good.replace("1.5", "1e999"),
        "zero mass": good.replace("1.5", "0"),
        "negative mass": good.replace("1.5", "-1.5"),
        "bool mass": good.replace("1.5", "true"),
        "string mass": good.replace("1.5", '"1.5"'),
        "object mass": good.replace("1.5", '{"a": 1}'),
        "list region": good.replace('"Cusco"', '["Cusco"]'),
        "unknown key": good[:-1] + ', "colour": "red"}',
        "missing mass": json.dumps({k: v for k, v in GOOD.items() if k != "mass_kg"}),
        "date with time": good.replace("2020-01-02", "2020-01-02T00:00"),
        "date without zero": good.replace("2020-01-02", "2020-1-02"),
        "invalid day": good.replace("2020-01-02", "2021-02-29"),
        "year zero": good.replace("2020-01-02", "0000-01-02"),
        "unknown substance": good.replace("cocaine_hcl", "tea"),
        "lower-case country": good.replace("PER", "per"),
        "blank region": good.replace('"Cusco"', '"   "'),
        "purity above one": good.replace('"purity": null', '"purity": 1.5'),
        "null mass": good.replace("1.5", "null"),
        "lone surrogate": good.replace("Cusco", "\\ud800"),
        "truncated": good[:-3],
        "not an array": good,
        "array of arrays": "[[1, 2]]",
    }
    return [(name, f"[{good}, {text}]".encode()) for name, text in cases.items()] + [
        ("bom", b"\xef\xbb\xbf[" + good.encode() + b"]"),
        ("not utf-8", b'[{"date": "2020-01-02", "region": "\xff"}]'),
        ("empty", b"[]"),
        ("whitespace first", b"\n \t[" + good.encode() + b"]"),
    ]


@pytest.mark.parametrize(("name", "data"), _bad_files(), ids=[n for n, _ in _bad_files()])
def test_every_file_reads_to_the_same_table_or_the_same_errors_as_the_exact_path(
    tmp_path: Path, name: str, data: bytes
) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(data)
    got = _outcome(lambda: read_json(path, Seizure))
    want = _outcome(lambda: _exact_read(path, Seizure))
    assert got == want, name


def test_a_repeated_key_is_refused_with_its_json_path(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(f'[{json.dumps(GOOD)}, {json.dumps(GOOD)[:-1]}, "mass_kg": 3}}]')
    with pytest.raises(ValidationError, match=r"\$\[1\]\.mass_kg.*repeated key"):
        read_json(path, Seizure)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.dictionaries(
            st.sampled_from([*GOOD, "other"]),
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
            | ODD_TEXT | st.sampled_from(["2020-01-02", "2020-13-01", "PER", "cannabis"]),
        ).map(lambda extra: {**GOOD, **extra}),
        max_size=5,
    )
)  # fmt: skip
def test_random_records_read_the_same_through_both_paths(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, Any]]
) -> None:
    path = tmp_path_factory.mktemp("r") / "s.json"
    path.write_text(json.dumps(rows))
    assert _outcome(lambda: read_json(path, Seizure)) == _outcome(
        lambda: _exact_read(path, Seizure)
    )


def test_training_outcomes_with_score_lists_keep_the_exact_path(tmp_path: Path) -> None:
    record = TrainingOutcome(
        date=dt.date(2020, 1, 2), institution="Academy", course="Basics",
        participants=2, pre_scores=(1.0, 2.0), post_scores=(2.0, 3.0), max_score=10.0,
    )  # fmt: skip
    path = tmp_path / "t.json"
    write_json(path, [record])
    assert path.read_bytes() == _exact_text([record], 1)
    assert read_json(path, TrainingOutcome).to_records() == [record]


def test_a_table_with_many_rows_writes_and_reads_back_equal(tmp_path: Path) -> None:
    n = 5_000
    rng = np.random.default_rng(1)
    table = SeizureTable.from_columns(
        date=np.datetime64("2015-01-01") + rng.integers(0, 3000, n),
        country=rng.choice(["PER", "COL"], n),
        substance=rng.choice(["cocaine_hcl", "cannabis"], n),
        mass_kg=rng.lognormal(size=n),
        purity=np.where(rng.random(n) < 0.5, np.nan, rng.uniform(0.1, 1.0, n)),
        region=rng.choice(["Cusco", "Puno", "Región 7"], n),
    )
    path = tmp_path / "s.json"
    write_json(path, table)
    assert path.read_bytes() == _exact_text(table.to_records(), 1)
    assert read_json(path, Seizure) == table


def _keys(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(_keys(v) for v in value.values())
    if isinstance(value, list):
        return sum(_keys(v) for v in value)
    return 0


TRICKY = st.text(alphabet=':"\\ab{}[],\n', max_size=8)


@settings(max_examples=200, deadline=None)
@given(
    payload=st.recursive(
        st.none() | st.integers() | TRICKY,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TRICKY, inner, max_size=3),
        max_leaves=12,
    ),
    indent=st.sampled_from([None, 1]),
)
def test_colons_outside_strings_are_exactly_the_keys(payload: Any, indent: int | None) -> None:
    data = json.dumps(payload, indent=indent, ensure_ascii=False).encode()
    assert _json_columns._structural_colons(data) == _keys(payload)


def test_colons_inside_text_keep_the_fast_path_and_the_same_table(tmp_path: Path) -> None:
    rows = [{**GOOD, "region": 'a:b "c:" \\', "id": f"10:{i}"} for i in range(3)]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(rows))
    fast = _json_columns.loads(path.read_bytes(), SeizureTable)
    assert fast is not None
    assert fast == _exact_read(path, Seizure)
