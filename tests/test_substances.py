"""Every seized substance: the extended Substance enum and totals by drug group."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given

from narcometrics import Seizure, SeizureTable, Substance, ValidationError
from narcometrics.aggregate import total
from narcometrics.records import SUBSTANCE_GROUPS, SubstanceGroup
from narcometrics.substances import by_group, total_by_group
from narcometrics.testing.strategies import record_lists, seizures

DAY = dt.date(2017, 5, 1)


def _seizure(substance: str, mass_kg: float, **kw: object) -> Seizure:
    fields: dict[str, object] = {"date": DAY, "country": "PER"}
    fields.update(kw)
    return Seizure(substance=substance, mass_kg=mass_kg, **fields)  # type: ignore[arg-type]


def test_the_values_records_files_use_never_change() -> None:
    # Files written by 0.1 hold these values: they must keep reading.
    old = {
        "COCA_LEAF": "coca_leaf",
        "COCA_PASTE": "coca_paste",
        "COCAINE_BASE": "cocaine_base",
        "COCAINE_HCL": "cocaine_hcl",
        "CRACK": "crack",
        "CANNABIS": "cannabis",
        "OTHER": "other",
    }
    for name, value in old.items():
        assert Substance[name].value == value


@pytest.mark.parametrize(
    ("value", "group"),
    [
        ("heroin", "opioids"),
        ("opium", "opioids"),
        ("morphine", "opioids"),
        ("fentanyl", "opioids"),
        ("other_synthetic_opioids", "opioids"),
        ("methamphetamine", "amphetamine_type_stimulants"),
        ("amphetamine", "amphetamine_type_stimulants"),
        ("mdma", "amphetamine_type_stimulants"),
        ("cannabis_herb", "cannabis_type"),
        ("cannabis_resin", "cannabis_type"),
        ("cannabis", "cannabis_type"),
        ("nps", "nps"),
        ("kerosene", "precursors"),
        ("sulphuric_acid", "precursors"),
        ("potassium_permanganate", "precursors"),
        ("calcium_oxide", "precursors"),
        ("acetone", "precursors"),
        ("coca_paste", "cocaine_type"),
        ("cocaine_hcl", "cocaine_type"),
        ("crack", "cocaine_type"),
        ("coca_leaf", "coca_leaf"),
    ],
)
def test_each_new_substance_is_a_record_value_with_its_group(value: str, group: str) -> None:
    seizure = _seizure(value, 1.0)
    assert seizure.substance is Substance(value)
    assert seizure.substance.group == group
    assert SUBSTANCE_GROUPS[Substance(value)] is SubstanceGroup(group)


def test_every_substance_has_exactly_one_group() -> None:
    assert set(SUBSTANCE_GROUPS) == set(Substance)
    assert set(SUBSTANCE_GROUPS.values()) == set(SubstanceGroup)


def test_the_group_mapping_cannot_be_changed_by_a_caller() -> None:
    with pytest.raises(TypeError):
        SUBSTANCE_GROUPS[Substance.HEROIN] = SubstanceGroup.OTHER  # type: ignore[index]


def test_a_table_holds_and_totals_the_new_substances() -> None:
    table = SeizureTable.from_records(
        [_seizure("heroin", 2.0), _seizure("fentanyl", 0.25), _seizure("acetone", 1000.0)]
    )
    assert total(table, "mass_kg", by="substance").to_dict() == {
        ("acetone",): 1000.0,
        ("fentanyl",): 0.25,
        ("heroin",): 2.0,
    }


def test_totals_by_group_add_the_substances_of_each_group() -> None:
    table = SeizureTable.from_records(
        [
            _seizure("heroin", 2.0),
            _seizure("morphine", 3.5),
            _seizure("coca_paste", 10.0),
            _seizure("cocaine_hcl", 4.0),
            _seizure("coca_leaf", 900.0),
            _seizure("sulphuric_acid", 50.0),
            _seizure("heroin", 1.0, country="BOL", date=dt.date(2018, 2, 1)),
        ]
    )
    result = total_by_group(table, by="year")
    assert result.by == ("year", "substance_group")
    assert result.to_dict() == {
        (2017, "coca_leaf"): 900.0,
        (2017, "cocaine_type"): 14.0,
        (2017, "opioids"): 5.5,
        (2017, "precursors"): 50.0,
        (2018, "opioids"): 1.0,
    }
    assert result.counts.tolist() == [1, 2, 2, 1, 1]
    assert total_by_group(table, "count").to_dict()[("opioids",)] == 3.0


def test_coca_leaf_is_never_added_to_cocaine() -> None:
    table = SeizureTable.from_records([_seizure("coca_leaf", 900.0), _seizure("crack", 1.0)])
    assert total_by_group(table).to_dict() == {("coca_leaf",): 900.0, ("cocaine_type",): 1.0}


def test_folding_needs_totals_by_substance() -> None:
    table = SeizureTable.from_records([_seizure("crack", 1.0)])
    with pytest.raises(ValidationError, match="substance"):
        by_group(total(table, "mass_kg", by="year"))
    with pytest.raises(ValidationError, match="substance"):
        total_by_group(table, by="substance")
    with pytest.raises(TypeError):
        total_by_group([_seizure("crack", 1.0)])  # type: ignore[arg-type]


def test_an_empty_table_gives_no_groups() -> None:
    assert total_by_group(SeizureTable.from_records([])).to_dict() == {}


@given(record_lists(seizures(), max_size=30))
def test_group_totals_conserve_the_grand_total_and_the_record_count(records: list[Seizure]) -> None:
    table = SeizureTable.from_records(records)
    groups = total_by_group(table, by=("year", "country"))
    substances = total(table, "mass_kg", by=("year", "country", "substance"))
    assert int(groups.counts.sum()) == len(records)
    assert math.isclose(groups.grand_total, substances.grand_total, rel_tol=1e-12, abs_tol=1e-9)
    expected: dict[tuple[object, ...], float] = {}
    for (year, country, substance), value in substances.to_dict().items():
        key = (year, country, Substance(str(substance)).group.value)
        expected[key] = expected.get(key, 0.0) + value
    got = groups.to_dict()
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert math.isclose(got[key], value, rel_tol=1e-12, abs_tol=1e-9)
