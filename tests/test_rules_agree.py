"""Records and tables read one declaration: they accept and refuse the same values.

Each test tries to break the agreement: a value (good or bad, of any type) is given to the
record and, as a one-row column, to the table; both must accept it or both refuse it naming
the same field with the same words. The documented differences: in a column NaN marks a
missing optional float (the record gets None), so NaN is not drawn for an optional float, and
a missing value in a required column "is required".
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import (
    Eradication,
    Operation,
    Seizure,
    SeizureTable,
    TrainingOutcome,
    TrainingTable,
    ValidationError,
)
from narcometrics._checks import iso_alpha3
from narcometrics._fields import SPEC, FieldSpec
from narcometrics.records import RECORD_TYPES
from narcometrics.tables._validate import check_labels

# pytest puts tests/ on sys.path, so the sibling test module imports by name.
from test_tables_validation import TABLE_OF

D = dt.date(2017, 6, 30)
BASE: dict[type[Any], dict[str, Any]] = {
    Seizure: {"date": D, "country": "PER", "substance": "cocaine_hcl", "mass_kg": 12.5},
    Eradication: {"date": D, "country": "PER", "area_ha": 3.5, "method": "manual"},
    Operation: {"date": D, "country": "PER"},
    TrainingOutcome: {"date": D, "institution": "DIRANDRO", "course": "Risk", "participants": 3},
}
SEQUENCE_KINDS = ("floats", "texts")  # drawn whole by the cross-field test below

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.binary(max_size=3),
    st.lists(st.integers(0, 3), max_size=2),
    st.just(dt.datetime(2017, 6, 30, 12)),
    st.just(np.float64(2.5)),
    st.just(np.int64(7)),
)
words = st.sampled_from(["", " ", "\t", "\u00a0", "x", " PER", "PER\n", "per", "pEr", "XXX", "ſwe"])
texts = st.one_of(words, st.text(max_size=4))
counts = st.one_of(
    st.integers(-3, 5),
    st.sampled_from([2**63 - 1, 2**63, -(2**63) - 1, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
)
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-3, 3),
    st.sampled_from([0.0, 1.0, 1.0000000001, 1e-320, 10**400]),
    st.text(max_size=3),
)


def values_of(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """Values of the field's own type, good and bad, and values of other types."""
    own: dict[str, st.SearchStrategy[Any]] = {
        "date": st.dates(),
        "country": st.one_of(st.sampled_from(sorted(iso_alpha3())).map(str.lower), texts),
        "enum": st.one_of(
            st.sampled_from([m.value for m in spec.enum or ()]).map(str.upper),
            st.sampled_from(list(spec.enum or ())),
            texts,
        ),
        "text": texts,
        "float": floats,
        "count": counts,
    }
    drawn = st.one_of(own[spec.kind], junk)
    if spec.kind == "float" and spec.optional:  # NaN is a missing value in a column
        drawn = drawn.filter(lambda v: not (isinstance(v, float) and math.isnan(v)))
    return drawn


def first_problem(build: Any) -> Any:
    """None when ``build()`` succeeds, else the first problem of its error."""
    try:
        build()
    except ValidationError as error:
        return error.problems[0]
    return None


def both(cls: type[Any], values: dict[str, Any]) -> tuple[Any, Any]:
    """The first problem of the record and of the one-row table (None: accepted)."""
    record = first_problem(lambda: cls(**values))
    columns = {name: [value] for name, value in values.items()}
    return record, first_problem(lambda: TABLE_OF[cls].from_columns(**columns))


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_a_field_value_is_accepted_by_the_record_iff_by_the_table_with_the_same_words(
    cls: type[Any], data: st.DataObject
) -> None:
    specs = [spec for spec in TABLE_OF[cls].schema if spec.kind not in SEQUENCE_KINDS]
    spec = data.draw(st.sampled_from(specs))
    value = data.draw(values_of(spec))
    values = {**BASE[cls], spec.name: value}
    record, table = both(cls, values)
    assert (record is None) == (table is None), (spec.name, value)
    if record is not None:
        assert record.field == f"{cls.__name__}.{spec.name}"
        assert table.field == spec.name
        assert table.problem == record.problem or table.problem == "is required", value


small = st.one_of(st.none(), st.integers(0, 4))
scores = st.lists(st.one_of(st.integers(-1, 11), st.floats(-1, 11)), max_size=4)
# Every item valid on its own (a bad item is a field problem, found before the rules).
ids = st.one_of(st.none(), st.lists(st.sampled_from(["a", "b", "c", " d"]), max_size=4))


@given(
    participants=st.integers(1, 3),
    completed=small,
    followed_up=small,
    applying=small,
    verification=st.sampled_from([None, "independent", "SELF_REPORTED"]),
    pre=scores,
    post=scores,
    max_score=st.sampled_from([None, 5.0, 10.0]),
    participant_ids=ids,
)
def test_a_training_row_breaks_a_cross_field_rule_in_the_record_iff_in_the_table_same_words(
    participants: int,
    completed: int | None,
    followed_up: int | None,
    applying: int | None,
    verification: str | None,
    pre: list[float],
    post: list[float],
    max_score: float | None,
    participant_ids: list[str] | None,
) -> None:
    values = {
        **BASE[TrainingOutcome],
        "participants": participants,
        "completed": completed,
        "followed_up": followed_up,
        "applying": applying,
        "verification": verification,
        "pre_scores": pre,
        "post_scores": post,
        "max_score": max_score,
        "participant_ids": participant_ids,
    }
    if participant_ids == []:  # a table reads an empty list as "no ids": None is that case
        values["participant_ids"] = None
    record, table = both(TrainingOutcome, values)
    assert (record is None) == (table is None), values
    if record is not None:
        assert record.field == f"TrainingOutcome.{table.field}", values
        assert record.problem == table.problem, values


def test_every_record_field_carries_its_spec_and_the_table_schema_is_read_from_it() -> None:
    for cls in RECORD_TYPES:
        fields = attrs.fields(cls)
        assert TABLE_OF[cls].field_names() == tuple(f.name for f in fields)
        for spec, field in zip(TABLE_OF[cls].schema, fields, strict=True):
            assert spec == attrs.evolve(field.metadata[SPEC], name=field.name)
            assert spec.default == (field.default is not attrs.NOTHING), spec.name


def labels_agree(kind: str, labels: list[Any], enum: Any = None) -> None:
    """The one-pass label check keeps exactly the labels the scalar check accepts, as it
    normalises them, and refuses the others with the scalar check's words."""
    spec = FieldSpec(name="f", kind=kind, optional=True, enum=enum)  # type: ignore[arg-type]
    normalised, bad = check_labels(spec, labels, "f")
    for i, label in enumerate(labels):
        problem, expected = scalar(spec, label)
        if problem is not None:
            assert bad[i] == problem, label
            assert normalised[i] is None
        else:
            assert i not in bad, label
            assert normalised[i] == expected, label
            assert type(normalised[i]) is str, label


def scalar(spec: FieldSpec, label: object) -> tuple[Any, Any]:
    """The record's decision on one label: (problem, None) or (None, the value it keeps)."""
    try:
        value = spec.validate("f", label)
    except ValidationError as error:
        return error.problems[0], None
    return None, value


def test_every_three_letter_spelling_is_a_country_label_iff_the_record_takes_it() -> None:
    letters = "AaBbCcKkPpEeRrUuSsZz"
    spellings = ["".join(t) for t in itertools.product(letters, repeat=3)]
    for start in range(0, len(spellings), 997):
        labels_agree("country", spellings[start : start + 997])
    labels_agree("country", ["per", "PER", "Per", "ıdn", "ſwe", "PÉR", " PE", "pe"])


def test_a_white_space_only_label_is_refused_for_every_unicode_space() -> None:
    spaces = [chr(cp) for cp in range(0x3000 + 1) if chr(cp).isspace()]
    for space in spaces:
        labels_agree("text", [space, space * 2, f"a{space}", ""])
    near = [chr(cp) for cp in (0x180E, 0x200B, 0x2060, 0xFEFF)]  # not white space
    labels_agree("text", near)


@given(st.lists(st.one_of(texts, junk), unique_by=lambda v: (type(v), repr(v)), max_size=6))
def test_labels_of_any_type_are_checked_as_the_record_checks_them(labels: list[Any]) -> None:
    hashable = [v for v in labels if not isinstance(v, list)]
    unique = list({(type(v), v): v for v in hashable}.values())
    if len(set(unique)) == len(unique):
        for kind in ("text", "country"):
            labels_agree(kind, unique)
        labels_agree(
            "enum", unique, TrainingOutcome.__attrs_attrs__.verification.metadata[SPEC].enum
        )


def test_an_unhashable_participant_id_is_reported_at_its_row_and_index() -> None:
    rows = [["a", "b"], ["c", "d"], ["e", ["x"]]]
    columns = {name: [value] * 3 for name, value in BASE[TrainingOutcome].items()}
    with pytest.raises(ValidationError) as caught:
        TrainingTable.from_columns(**{**columns, "participants": [2] * 3, "participant_ids": rows})
    (problem,) = caught.value.problems
    assert (problem.field, problem.row) == ("participant_ids[1]", 2)
    assert problem.problem == "must be a string, not list"


@pytest.mark.parametrize("field", ["country", "substance", "region"])
def test_an_unhashable_label_is_refused_with_the_records_words(field: str) -> None:
    values = {**BASE[Seizure], field: ["PER"]}
    with pytest.raises(ValidationError) as record:
        Seizure(**values)
    with pytest.raises(ValidationError) as table:
        SeizureTable.from_columns(**{name: [value] for name, value in values.items()})
    expected = record.value.problems[0]
    (problem,) = table.value.problems
    assert problem.field == expected.field.removeprefix("Seizure.") == field
    assert problem.problem == expected.problem
