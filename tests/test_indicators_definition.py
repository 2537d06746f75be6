"""Framework definitions are data: the bundled file, a user's copy, and every bad file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from narcometrics.datasets import peru_2017_example
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.indicators import (
    DERIVATIONS,
    FrameworkDefinition,
    derive_framework,
    load_definition,
    standard_indicators,
)

EXAMPLE = peru_2017_example()


def _bundled_payload() -> dict[str, Any]:
    definition = load_definition()
    return {
        "title": definition.title,
        "indicators": [
            {
                "code": i.code,
                "derive": d,
                "title": i.title,
                "level": str(i.level),
                "measure": str(i.measure),
                "unit": i.unit,
                "ascending": i.ascending,
                "time_rule": None if i.time_rule is None else str(i.time_rule),
                "unit_rule": None if i.unit_rule is None else str(i.unit_rule),
                "cumulative": str(i.cumulative),
                "kirkpatrick_level": i.kirkpatrick_level,
                "dimensions": list(i.dimensions),
            }
            for i, d in zip(definition.indicators, definition.derive, strict=True)
        ],
    }


def _write(tmp_path: Path, payload: object, name: str = "framework.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def test_the_bundled_definition_names_a_derivation_for_every_indicator() -> None:
    definition = load_definition()
    assert definition.derive
    assert set(definition.derive) <= set(DERIVATIONS)
    assert tuple(standard_indicators()) == (
        "OUT-1", "OUT-2", "OUT-3", "OUT-4", "OUT-5", "OUT-6", "OC-1", "OC-2",
    )  # fmt: skip
    assert "FIIAPP" in definition.source
    assert "OUT-1" in repr(definition)
    assert len(repr(definition)) < 200


def test_a_copied_definition_with_other_codes_derives_the_same_actuals(tmp_path: Path) -> None:
    payload = _bundled_payload()
    for entry in payload["indicators"]:
        entry["code"] = "MY-" + entry["code"]
    path = _write(tmp_path, payload)
    mine = derive_framework(operations=EXAMPLE.operations, definition=path)
    bundled = derive_framework(operations=EXAMPLE.operations)
    assert mine.codes == ("MY-OUT-1", "MY-OUT-2", "MY-OUT-3")
    for code in bundled.codes:
        assert mine["MY-" + code].actual_total().value == bundled[code].actual_total().value
    assert mine["MY-OUT-3"].actual_total().value == 324.0  # FIIAPP (2018): 324 laboratories


def test_a_definition_can_leave_indicators_out(tmp_path: Path) -> None:
    payload = _bundled_payload()
    payload["indicators"] = [e for e in payload["indicators"] if e["code"] == "OUT-4"]
    definition = load_definition(_write(tmp_path, payload))
    assert isinstance(definition, FrameworkDefinition)
    framework = derive_framework(
        eradications=EXAMPLE.eradications, factors="pe-gov-2017", definition=definition
    )
    assert framework.codes == ("OUT-4",)
    assert framework["OUT-4"].actual_total().value == pytest.approx(22_165.0)


def _mutated(change: Any) -> dict[str, Any]:
    payload = _bundled_payload()
    change(payload)
    return payload


BAD: list[tuple[str, Any, type[Exception], str]] = [
    ("not an object", [1, 2], ValidationError, "list of 'indicators'"),
    ("no indicators", {"title": "x"}, ValidationError, "list of 'indicators'"),
    ("unknown top field", _mutated(lambda p: p.update(extra=1)), ValidationError, "extra"),
    (
        "unknown indicator field",
        _mutated(lambda p: p["indicators"][0].update(colour="red")),
        ValidationError,
        r"indicators\[0\]\.colour: unknown field",
    ),
    (
        "missing derive",
        _mutated(lambda p: p["indicators"][1].pop("derive")),
        ValidationError,
        r"indicators\[1\]\.derive: is required",
    ),
    (
        "unknown derive",
        _mutated(lambda p: p["indicators"][2].update(derive="arrests_made")),
        UnknownNameError,
        "arrests_made",
    ),
    (
        "summed percentage",
        _mutated(lambda p: p["indicators"][7].update(unit_rule="sum")),
        ValidationError,
        r"indicators\[7\]",
    ),
    (
        "repeated code",
        _mutated(lambda p: p["indicators"][1].update(code="OUT-1")),
        ValidationError,
        "repeats the code",
    ),
    (
        "entry not an object",
        _mutated(lambda p: p["indicators"].append("OUT-9")),
        ValidationError,
        r"indicators\[8\]: must be an object",
    ),
    ("title not text", _mutated(lambda p: p.update(title=3)), ValidationError, "must be text"),
]


@pytest.mark.parametrize(("case", "payload", "error", "match"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_definition_is_refused_naming_the_place(
    tmp_path: Path, case: str, payload: object, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        load_definition(_write(tmp_path, payload))


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b'{"indicators": [], "indicators": []}', r"\$\.indicators: .*repeated key"),
        (b'{"indicators": [{"code": NaN}]}', "NaN is not valid JSON"),
        (b"\xff\xfe{}", "cannot be read"),
        (b"[" * 100_000, "not a framework definition"),
        (b"", "not a framework definition"),
    ],
    ids=["duplicate keys", "NaN", "not UTF-8", "deep nesting", "empty"],
)
def test_a_file_that_is_not_a_definition_is_a_validation_error(
    tmp_path: Path, content: bytes, match: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=match) as info:
        load_definition(path)
    assert "bad.json" in str(info.value)


@pytest.mark.parametrize(
    ("content", "path", "match"),
    [
        (b'{"indicators": [{"code": "A", "code": "B"}]}', "$.indicators[0].code", "repeated key"),
        (
            b'{"indicators": [{"code": ' + b"9" * 5000 + b"}]}",
            "$.indicators[0].code",
            "5000 digits",
        ),
        (b'{"title": Infinity, "indicators": []}', "$", "Infinity is not valid JSON"),
    ],
    ids=["repeated key in an indicator", "huge integer", "Infinity"],
)
def test_a_definition_is_parsed_strictly_naming_the_json_path(
    tmp_path: Path, content: bytes, path: str, match: str
) -> None:
    file = tmp_path / "strict.json"
    file.write_bytes(content)
    with pytest.raises(ValidationError, match=match) as info:
        load_definition(file)
    [problem] = info.value.problems
    assert problem.field == path
    assert problem.path == str(file)
    assert "not a framework definition" in problem.problem


def test_a_missing_file_or_a_folder_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot be read"):
        load_definition(tmp_path / "absent.json")
    with pytest.raises(ValidationError, match="cannot be read"):
        load_definition(tmp_path)


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(_bundled_payload()).encode())
    assert load_definition(path).derive == load_definition().derive


def test_a_count_the_data_do_not_hold_is_left_out_of_the_framework_never_zero() -> None:
    from narcometrics import Operation, OperationTable

    operations = OperationTable.from_records(
        [
            Operation(date=dt.date(2024, 2, 3), country="PER", laboratories_destroyed=3),
            Operation(date=dt.date(2024, 5, 3), country="PER", laboratories_destroyed=5),
        ]
    )
    framework = derive_framework(operations=operations)
    assert framework.codes == ("OUT-3",)  # no organisations or airstrips in the data
    assert framework["OUT-3"].actual_total().value == 8.0
    partly = OperationTable.from_records(
        [
            Operation(date=dt.date(2024, 2, 3), country="PER", laboratories_destroyed=3),
            Operation(date=dt.date(2024, 5, 3), country="PER", airstrips_destroyed=1),
        ]
    )
    with pytest.raises(ValidationError, match="missing"):
        derive_framework(operations=partly)  # some records lack it: no honest total
