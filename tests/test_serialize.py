"""JSON conversion of records: exact round trips and clear errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import Seizure, TrainingOutcome, ValidationError
from narcometrics.serialize import dumps, from_dict, loads, to_dict
from narcometrics.testing import strategies as nst

any_record = st.one_of(
    nst.seizures(), nst.eradications(), nst.operations(), nst.training_outcomes()
)


@given(any_record)
def test_every_record_round_trips_through_json_unchanged(record: Any) -> None:
    text = dumps(record)
    data = json.loads(text)
    back = from_dict(type(record), data)
    assert back == record
    # exact, field by field, including float bits
    for name, value in to_dict(record).items():
        assert to_dict(back)[name] == value


@given(nst.record_lists(nst.seizures(), max_size=5))
def test_lists_of_records_round_trip(records: list[Seizure]) -> None:
    assert loads(Seizure, dumps(records)) == records


SEIZURE = {"date": "2017-03-01", "country": "PER", "substance": "crack", "mass_kg": 2.0}


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({**SEIZURE, "mass_kg": "2.0"}, "$.mass_kg"),
        ({**SEIZURE, "mass_kg": True}, "$.mass_kg"),
        ({**SEIZURE, "date": "01/03/2017"}, "$.date"),
        ({**SEIZURE, "date": "2017-3-1"}, "$.date"),
        ({**SEIZURE, "colour": "white"}, "$.colour"),
        ({k: v for k, v in SEIZURE.items() if k != "substance"}, "$.substance"),
        ({**SEIZURE, "substance": "sugar"}, "$.substance"),
    ],
)
def test_bad_json_names_the_path(data: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as info:
        from_dict(Seizure, data)
    assert path in str(info.value)


def test_all_bad_items_are_reported_with_their_index() -> None:
    text = json.dumps([SEIZURE, {**SEIZURE, "mass_kg": -1}, {**SEIZURE, "country": "X"}])
    with pytest.raises(ValidationError) as info:
        loads(Seizure, text)
    fields = [p.field for p in info.value.problems]
    assert fields == ["$[1].mass_kg", "$[2].country"]


def test_malformed_json_gives_line_and_column() -> None:
    with pytest.raises(ValidationError, match=r"row 2: \$: malformed JSON"):
        loads(TrainingOutcome, '[\n{"date": }]')


def test_nan_is_not_json() -> None:
    with pytest.raises(ValidationError, match="NaN"):
        loads(Seizure, '{"date": "2017-03-01", "mass_kg": NaN}')
