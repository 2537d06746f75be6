"""Domain records: validation, normalisation and hashing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import (
    Eradication,
    EradicationMethod,
    Operation,
    Seizure,
    Substance,
    TrainingOutcome,
    ValidationError,
    Verification,
)
from narcometrics.testing import strategies as nst

D = dt.date(2017, 6, 30)

GOOD: dict[type[Any], dict[str, Any]] = {
    Seizure: {"date": D, "country": "PER", "substance": "cocaine_hcl", "mass_kg": 12.5},
    Eradication: {"date": D, "country": "PER", "area_ha": 3.5, "method": "manual"},
    Operation: {"date": D, "country": "PER", "organisations_disbanded": 2},
    TrainingOutcome: {
        "date": D,
        "institution": "SUNAT Aduanas",
        "course": "Risk profiling",
        "participants": 20,
        "completed": 18,
        "pre_scores": (40.0, 55.0),
        "post_scores": (70.0, 80.0),
        "max_score": 100.0,
        "followed_up": 15,
        "applying": 12,
        "verification": "independent",
    },
}

# (record type, changes to the good keywords, field the message must name)
BAD: list[tuple[type[Any], dict[str, Any], str]] = [
    (Seizure, {"mass_kg": 0.0}, "mass_kg"),
    (Seizure, {"mass_kg": -1.0}, "mass_kg"),
    (Seizure, {"mass_kg": float("nan")}, "mass_kg"),
    (Seizure, {"mass_kg": float("inf")}, "mass_kg"),
    (Seizure, {"mass_kg": "12.5"}, "mass_kg"),
    (Seizure, {"mass_kg": True}, "mass_kg"),
    (Seizure, {"purity": 0.0}, "purity"),
    (Seizure, {"purity": 1.2}, "purity"),
    (Seizure, {"purity": float("nan")}, "purity"),
    (Seizure, {"substance": "sugar"}, "substance"),
    (Seizure, {"substance": "cocaine-hcl"}, "substance"),
    (Seizure, {"substance": "cocaıne_hcl"}, "substance"),  # dotless i: not ASCII
    (Seizure, {"mass_kg": 10**400}, "mass_kg"),
    (Seizure, {"country": "XXX"}, "country"),
    (Seizure, {"country": "ßa"}, "country"),
    (Seizure, {"country": "ſwe"}, "country"),
    (Seizure, {"country": "ıdn"}, "country"),
    (Seizure, {"country": " PER"}, "country"),
    (Seizure, {"country": "PER\n"}, "country"),
    (Seizure, {"country": "PE"}, "country"),
    (Seizure, {"country": "P3R"}, "country"),
    (Seizure, {"country": 604}, "country"),
    (Seizure, {"date": "2017-06-30"}, "date"),
    (Seizure, {"date": dt.datetime(2017, 6, 30, 12)}, "date"),
    (Seizure, {"region": ""}, "region"),
    (Seizure, {"agency": "   "}, "agency"),
    (Eradication, {"area_ha": 0}, "area_ha"),
    (Eradication, {"area_ha": -2.0}, "area_ha"),
    (Eradication, {"area_ha": float("-inf")}, "area_ha"),
    (Eradication, {"method": "chemical"}, "method"),
    (Eradication, {"method": None}, "method"),
    (Eradication, {"zone": 3}, "zone"),
    (Operation, {"organisations_disbanded": -1}, "organisations_disbanded"),
    (Operation, {"airstrips_destroyed": 1.0}, "airstrips_destroyed"),
    (Operation, {"laboratories_destroyed": True}, "laboratories_destroyed"),
    (Operation, {"arrests": "3"}, "arrests"),
    (Operation, {"arrests": 2**63}, "arrests"),
    (Operation, {"arrests": -(2**63) - 1}, "arrests"),
    (Operation, {"country": "peru"}, "country"),
    (TrainingOutcome, {"participants": 0}, "participants"),
    (TrainingOutcome, {"participants": False}, "participants"),
    (TrainingOutcome, {"completed": 21}, "completed"),
    (TrainingOutcome, {"followed_up": 21}, "followed_up"),
    (TrainingOutcome, {"applying": 16}, "applying"),
    (TrainingOutcome, {"followed_up": None}, "applying"),
    (TrainingOutcome, {"verification": None}, "verification"),
    (TrainingOutcome, {"verification": "peer_reviewed"}, "verification"),
    (TrainingOutcome, {"post_scores": (70.0,)}, "post_scores"),
    (TrainingOutcome, {"pre_scores": (40.0, 101.0)}, "pre_scores[1]"),
    (TrainingOutcome, {"post_scores": (-1.0, 80.0)}, "post_scores[0]"),
    (TrainingOutcome, {"pre_scores": (40.0, float("nan"))}, "pre_scores[1]"),
    (TrainingOutcome, {"max_score": None}, "pre_scores"),
    (TrainingOutcome, {"max_score": 0.0}, "max_score"),
    (TrainingOutcome, {"institution": ""}, "institution"),
    (TrainingOutcome, {"course": None}, "course"),
    (TrainingOutcome, {"follow_up_days": -5}, "follow_up_days"),
    (
        TrainingOutcome,
        {"participants": 1, "completed": None, "followed_up": 1, "applying": 1},
        "pre_scores",
    ),
    (TrainingOutcome, {"participant_ids": ("a", "b")}, "participant_ids"),
]


def test_bad_input_table_is_large_and_distinct() -> None:
    assert len(BAD) >= 30
    keys = {(cls.__name__, repr(sorted(change.items()))) for cls, change, _ in BAD}
    assert len(keys) == len(BAD)


@pytest.mark.parametrize(("cls", "change", "field"), BAD, ids=lambda x: str(x)[:40])
def test_bad_input_raises_validation_error_naming_the_field(
    cls: type[Any], change: dict[str, Any], field: str
) -> None:
    kwargs = {**GOOD[cls], **change}
    with pytest.raises(ValidationError) as info:
        cls(**kwargs)
    message = str(info.value)
    assert f"{cls.__name__}.{field}" in message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("cls", list(GOOD))
def test_good_records_build(cls: type[Any]) -> None:
    record = cls(**GOOD[cls])
    assert hash(record) == hash(cls(**GOOD[cls]))


def test_value_is_shown_in_the_message() -> None:
    with pytest.raises(ValidationError, match=r"Seizure\.mass_kg: must be > 0 \(-3\.5\)"):
        Seizure(**{**GOOD[Seizure], "mass_kg": -3.5})


def test_unknown_substance_lists_the_valid_values() -> None:
    with pytest.raises(ValidationError, match="cocaine_hcl, crack, cannabis"):
        Seizure(**{**GOOD[Seizure], "substance": "sugar"})


def test_country_is_normalised_to_upper_case() -> None:
    assert Seizure(**{**GOOD[Seizure], "country": "per"}).country == "PER"


def test_enum_values_and_members_are_accepted() -> None:
    s = Seizure(**{**GOOD[Seizure], "substance": Substance.CRACK})
    assert s.substance is Substance.CRACK
    assert Substance.COCAINE_HCL == "cocaine_hcl"
    e = Eradication(**GOOD[Eradication])
    assert e.method is EradicationMethod.MANUAL
    t = TrainingOutcome(**GOOD[TrainingOutcome])
    assert t.verification is Verification.INDEPENDENT


def test_numbers_are_normalised_without_loss() -> None:
    s = Seizure(**{**GOOD[Seizure], "mass_kg": 3})
    assert type(s.mass_kg) is float
    assert s.mass_kg == 3.0
    t = TrainingOutcome(**{**GOOD[TrainingOutcome], "pre_scores": [40, 55]})
    assert t.pre_scores == (40.0, 55.0)


def test_records_are_frozen_slotted_and_keyword_only() -> None:
    s = Seizure(**GOOD[Seizure])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        s.mass_kg = 1.0  # type: ignore[misc]
    assert not hasattr(s, "__dict__")
    with pytest.raises(TypeError):
        Seizure(D, "PER", "crack", 1.0)  # type: ignore[misc]


def test_evolve_validates_again() -> None:
    s = Seizure(**GOOD[Seizure])
    with pytest.raises(ValidationError, match="mass_kg"):
        attrs.evolve(s, mass_kg=-1.0)


@given(st.one_of(nst.seizures(), nst.eradications(), nst.operations(), nst.training_outcomes()))
def test_every_generated_record_validates(record: Any) -> None:
    # attrs.validate re-runs the field validators; rebuilding re-runs the cross-field rules.
    attrs.validate(record)
    rebuilt = type(record)(**attrs.asdict(record, recurse=False))
    assert rebuilt == record


@given(st.from_type(Seizure), st.from_type(TrainingOutcome))
def test_from_type_yields_valid_records_through_the_entry_point(
    seizure: Seizure, outcome: TrainingOutcome
) -> None:
    assert isinstance(seizure, Seizure)
    attrs.validate(seizure)
    assert isinstance(outcome, TrainingOutcome)
    attrs.validate(outcome)


@given(nst.seizures(countries=["per"], substances=[Substance.COCA_PASTE], max_mass_kg=5.0))
def test_strategies_narrow_by_keyword(seizure: Seizure) -> None:
    assert seizure.country == "PER"
    assert seizure.substance is Substance.COCA_PASTE
    assert 0 < seizure.mass_kg <= 5.0


def test_strategies_import_first_without_a_circular_import() -> None:
    # Hypothesis runs the entry point while it is first imported, which may be in the
    # middle of importing the strategies module itself.
    import subprocess
    import sys

    code = "from narcometrics.testing import strategies; print(strategies.seizures())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_the_iso_codes_read_from_the_database_are_pycountrys_codes() -> None:
    import pycountry

    from narcometrics._checks import iso_alpha3

    assert iso_alpha3() == frozenset(c.alpha_3 for c in pycountry.countries)
    assert {"PER", "COL", "BOL", "ECU"} <= iso_alpha3()
    assert "XXX" not in iso_alpha3()
