"""The error rule, tried across the public functions (see Explanation: Architecture).

A wrong *type* raises `TypeError`; a bad *value* raises `ValidationError` (a `ValueError`);
an unknown *name* raises `UnknownNameError` (a `ValidationError` listing the valid names).
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable
from typing import Any

import pytest

import narcometrics
from narcometrics import (
    Seizure,
    SeizureTable,
    TrainingOutcome,
    aggregate,
    checks,
    citation,
    factors,
    indicators,
    io,
    normalise,
    rates,
    serialize,
    training,
)
from narcometrics import datasets as ds
from narcometrics import estimate as est
from narcometrics.errors import UnknownNameError, ValidationError, WrongTypeError

EXAMPLE = ds.peru_2017_example()
FLOW = next(iter(indicators.standard_indicators().values()))


def _dask_total(data: Any) -> Any:
    from narcometrics import dask as nd

    return nd.total(data, Seizure, "mass_kg")


WRONG_TYPE: dict[str, Callable[[], Any]] = {
    "aggregate.best_ever(years=['a'])": lambda: aggregate.best_ever(["a"], [1.0]),
    "aggregate.year_over_year(values=['x'])": lambda: aggregate.year_over_year([2016], ["x"]),
    "dask.total(data=[3])": lambda: _dask_total([3]),
    "training.wilson_interval(k='3')": lambda: training.wilson_interval("3", 10),  # type: ignore[arg-type]
    "training.proportion_interval(k=True)": lambda: training.proportion_interval(True, 10),
    "training.hedges_correction('9')": lambda: training.hedges_correction("9"),  # type: ignore[arg-type]
    "training.learning_gain(pre='ab')": lambda: training.learning_gain("ab", [1.0], 10),
    "training.training_summary(3)": lambda: training.training_summary(3),  # type: ignore[arg-type]
    "training.transfer_rate([1])": lambda: training.transfer_rate([1]),  # type: ignore[list-item]
    "factors.get(3)": lambda: factors.get(3),  # type: ignore[arg-type]
    "factors.default_factor_set('2017')": lambda: factors.default_factor_set("2017"),  # type: ignore[arg-type]
    "factors.flat_sets(3)": lambda: factors.flat_sets(3),  # type: ignore[arg-type]
    "factors.factor_set_country(3)": lambda: factors.factor_set_country(3),  # type: ignore[arg-type]
    "indicators.hectares_eradicated(3)": lambda: indicators.hectares_eradicated(3),  # type: ignore[arg-type]
    "indicators.hectares_eradicated(dimensions=3)": lambda: indicators.hectares_eradicated(
        EXAMPLE.eradications,
        dimensions=3,  # type: ignore[arg-type]
    ),
    "indicators.people_trained(unique=1)": lambda: indicators.people_trained(
        EXAMPLE.training,
        unique=1,  # type: ignore[arg-type]
    ),
    "indicators.derive_framework(operations=3)": lambda: indicators.derive_framework(
        operations=3  # type: ignore[arg-type]
    ),
    "indicators.aggregate_over_time(3)": lambda: indicators.aggregate_over_time(3, []),  # type: ignore[arg-type]
    "rates.convert(3, 3)": lambda: rates.convert(3, 3),  # type: ignore[arg-type]
    "rates.deflate(3)": lambda: rates.deflate(3, {}, to_year=2017),  # type: ignore[arg-type]
    "datasets.national_series(3)": lambda: ds.national_series(3),  # type: ignore[arg-type]
    "io.read(record_type=int)": lambda: io.read("x.csv", int),
    "io.escape_cell(3)": lambda: io.escape_cell(3),  # type: ignore[arg-type]
    "io.unescape_cell(3)": lambda: io.unescape_cell(3),  # type: ignore[arg-type]
    "normalise.unit(3)": lambda: normalise.unit(3),  # type: ignore[arg-type]
    "normalise.substance(3)": lambda: normalise.substance(3),  # type: ignore[arg-type]
    "normalise.country(3)": lambda: normalise.country(3),  # type: ignore[arg-type]
    "normalise.mass_kg('x')": lambda: normalise.mass_kg("x", "kg"),  # type: ignore[arg-type]
    "checks.run(3)": lambda: checks.run(3),  # type: ignore[arg-type]
    "checks.future_dates(today='2020')": lambda: checks.future_dates(
        EXAMPLE.seizures,
        today="2020",  # type: ignore[arg-type]
    ),
    "estimate.leaf_production(area_ha='a')": lambda: est.leaf_production("a", 1.0),  # type: ignore[arg-type]
    "rates.rate_per(count='x')": lambda: rates.rate_per("x", 10),  # type: ignore[arg-type]
    "indicators.expected_progress('2020-01-01')": lambda: indicators.expected_progress(
        "2020-01-01",  # type: ignore[arg-type]
        start=dt.date(2020, 1, 1),
        end=dt.date(2021, 1, 1),
    ),
    "rates.convert(rate=3)": lambda: rates.convert(
        rates.Money(amount=1.0, currency="USD", price_year=2017),
        3,  # type: ignore[arg-type]
    ),  # type: ignore[arg-type]
    "citation.release_reference(version=3)": lambda: citation.release_reference(3),  # type: ignore[arg-type]
    "tables.SeizureTable.from_records([3])": lambda: SeizureTable.from_records([3]),  # type: ignore[list-item]
    "tables.SeizureTable.from_frame(3)": lambda: SeizureTable.from_frame(3),
    "training.wilson_interval(k=['a'])": lambda: training.wilson_interval(["a"], 10),  # type: ignore[arg-type]
    "training.wilson_interval(k=[1, None])": lambda: training.wilson_interval([1, None], 10),  # type: ignore[list-item]
    "training.learning_gain(pre=[1.0, 'a'])": lambda: training.learning_gain(
        [1.0, "a"],  # type: ignore[list-item]
        [2.0, 3.0],
        10,
    ),
    "serialize.from_dict(Seizure, 3)": lambda: serialize.from_dict(Seizure, 3),  # type: ignore[arg-type]
    "indicators.combine(values=3)": lambda: indicators.combine(FLOW, 3),  # type: ignore[arg-type]
}

BAD_VALUE: dict[str, Callable[[], Any]] = {
    "training.wilson_interval(k > n)": lambda: training.wilson_interval(11, 10),
    "training.wilson_interval(confidence=1.5)": lambda: training.wilson_interval(3, 10, 1.5),
    "training.hedges_correction(0.5)": lambda: training.hedges_correction(0.5),
    "training.learning_gain(max_score=-1)": lambda: training.learning_gain([1.0], [2.0], -1),
    "training.pooled_scores([])": lambda: training.pooled_scores([]),
    "estimate.avoided_production(-1 ha)": lambda: est.avoided_production(-1.0, "pe-gov-2017"),
    "estimate.leaf_production(draws=-1)": lambda: est.leaf_production(1.0, 1.0, draws=-1),
    "estimate.pure_equivalent(purity=1.5)": lambda: est.pure_equivalent(1.0, 1.5),
    "factors.default_factor_set(1900)": lambda: factors.default_factor_set(1900),
    "indicators.expected_progress(end < start)": lambda: indicators.expected_progress(
        dt.date(2020, 1, 1), start=dt.date(2021, 1, 1), end=dt.date(2020, 1, 1)
    ),
    "indicators.derive_framework()": lambda: indicators.derive_framework(),
    "rates.rate_per(population=-10)": lambda: rates.rate_per(1, -10),
    "rates.rate_per(per=0)": lambda: rates.rate_per(1, 10, per=0),
    "io.read('x.foo')": lambda: io.read("x.foo", io.FileTable),
    "normalise.mass_kg(-1)": lambda: normalise.mass_kg(-1.0, "kg"),
    "checks.large_seizures(-1 kg)": lambda: checks.large_seizures(EXAMPLE.seizures, -1.0),
}

UNKNOWN_NAME: dict[str, Callable[[], Any]] = {
    "io.read_csv(engine)": lambda: io.read_csv("x.csv", Seizure, engine="spark"),  # type: ignore[arg-type]
    "training.proportion_interval(method)": lambda: training.proportion_interval(
        3, 10, method="agresti_coull"
    ),
    "training.paired_effect_size(variant)": lambda: training.paired_effect_size(
        [1, 2, 3], [2, 3, 5], variant="d_x"
    ),
    "training.training_summary(by)": lambda: training.training_summary(
        EXAMPLE.training,  # type: ignore[arg-type]
        by="country",
    ),
    "estimate.avoided_production(factors)": lambda: est.avoided_production(1.0, "pe-gov-1999"),
    "estimate.avoided_production_adjusted(horizon)": lambda: est.avoided_production_adjusted(
        1.0, "pe-gov-2017", horizon="decade"
    ),
    "factors.get(id)": lambda: factors.get("pe-gov-1999"),
    "indicators.hectares_eradicated(period)": lambda: indicators.hectares_eradicated(
        EXAMPLE.eradications, period="week"
    ),
    "indicators.hectares_eradicated(dimensions)": lambda: indicators.hectares_eradicated(
        EXAMPLE.eradications, dimensions=("colour",)
    ),
    "indicators.hectares_eradicated(verification)": lambda: indicators.hectares_eradicated(
        EXAMPLE.eradications, verification="audited"
    ),
    "indicators.combine(mixed_periods)": lambda: indicators.combine(
        FLOW, [], mixed_periods="maybe"
    ),
    "datasets.national_series(country)": lambda: ds.national_series("XXX"),
    "normalise.unit(name)": lambda: normalise.unit("furlong"),
    "normalise.substance(name)": lambda: normalise.substance("sugar"),
    "normalise.country(name)": lambda: normalise.country("Narnia"),
    "checks.large_seizures(threshold substance)": lambda: checks.large_seizures(
        EXAMPLE.seizures, {"sugar": 1.0}
    ),
    "checks.CheckReport.to_frame(backend)": lambda: checks.run(EXAMPLE.seizures).to_frame(
        "excel"  # type: ignore[arg-type]
    ),
}


@pytest.mark.parametrize("call", WRONG_TYPE.values(), ids=WRONG_TYPE.keys())
def test_a_wrong_type_raises_type_error(call: Callable[[], Any]) -> None:
    with pytest.raises(TypeError):
        call()


@pytest.mark.parametrize("call", BAD_VALUE.values(), ids=BAD_VALUE.keys())
def test_a_bad_value_raises_validation_error_not_unknown_name(call: Callable[[], Any]) -> None:
    with pytest.raises(ValidationError) as error:
        call()
    assert not isinstance(error.value, UnknownNameError)


@pytest.mark.parametrize("call", UNKNOWN_NAME.values(), ids=UNKNOWN_NAME.keys())
def test_an_unknown_name_raises_unknown_name_error(call: Callable[[], Any]) -> None:
    with pytest.raises(UnknownNameError):
        call()


# ----------------------------------------------------------- records and tables

#: A valid seizure's fields; each case below changes one.
SEIZURE = {
    "date": dt.date(2017, 3, 1),
    "country": "PER",
    "substance": "cocaine_hcl",
    "mass_kg": 1.0,
}

#: A record field of the wrong type: a TypeError that is also a ValidationError naming it.
RECORD_WRONG_TYPE = {
    "mass_kg='abc'": ("mass_kg", "abc"),
    "mass_kg=True": ("mass_kg", True),
    "mass_kg=None": ("mass_kg", None),
    "mass_kg=[1.0]": ("mass_kg", [1.0]),
    "date='2017-03-01'": ("date", "2017-03-01"),
    "date=datetime": ("date", dt.datetime(2017, 3, 1, 12, 0)),
    "country=3": ("country", 3),
    "substance=3": ("substance", 3),
    "region=b'Puno'": ("region", b"Puno"),
}

#: A record field of the right type and a bad value: a ValidationError, never a TypeError.
RECORD_BAD_VALUE = {
    "mass_kg=-1": ("mass_kg", -1.0),
    "mass_kg=0": ("mass_kg", 0),
    "mass_kg=nan": ("mass_kg", float("nan")),
    "mass_kg=10**400": ("mass_kg", 10**400),
    "country='XXX'": ("country", "XXX"),
    "region='  '": ("region", "  "),
}


@pytest.mark.parametrize(("field", "value"), RECORD_WRONG_TYPE.values(), ids=RECORD_WRONG_TYPE)
def test_a_record_field_of_the_wrong_type_is_a_type_error_naming_the_field(
    field: str, value: object
) -> None:
    with pytest.raises(TypeError) as error:
        Seizure(**{**SEIZURE, field: value})
    assert isinstance(error.value, WrongTypeError)
    assert isinstance(error.value, ValidationError)
    assert error.value.field == f"Seizure.{field}"
    assert error.value.problems[0].value is value
    assert f"Seizure.{field}" in str(error.value)


@pytest.mark.parametrize(("field", "value"), RECORD_BAD_VALUE.values(), ids=RECORD_BAD_VALUE)
def test_a_record_field_with_a_bad_value_is_a_validation_error_not_a_type_error(
    field: str, value: object
) -> None:
    with pytest.raises(ValidationError) as error:
        Seizure(**{**SEIZURE, field: value})
    assert not isinstance(error.value, TypeError)
    assert error.value.field == f"Seizure.{field}"


TRAINING = {
    "date": dt.date(2017, 3, 1),
    "institution": "SUNAT Aduanas",
    "course": "Risk profiling",
    "participants": 2,
    "completed": 2,
    "pre_scores": (40.0, 55.0),
    "post_scores": (70.0, 80.0),
    "max_score": 100.0,
}

#: Cross-field checks of a training outcome: a wrong type is a TypeError naming the field.
TRAINING_WRONG_TYPE = {
    "pre_scores='abc'": ("pre_scores", "abc", "TrainingOutcome.pre_scores"),
    "pre_scores=(40.0, 'x')": ("pre_scores", (40.0, "x"), "TrainingOutcome.pre_scores[1]"),
    "participant_ids=3": ("participant_ids", 3, "TrainingOutcome.participant_ids"),
    "participant_ids=('a', 2)": ("participant_ids", ("a", 2), "TrainingOutcome.participant_ids[1]"),
}


@pytest.mark.parametrize(
    ("field", "value", "named"), TRAINING_WRONG_TYPE.values(), ids=TRAINING_WRONG_TYPE
)
def test_a_training_outcome_field_of_the_wrong_type_is_a_type_error_naming_it(
    field: str, value: object, named: str
) -> None:
    with pytest.raises(TypeError) as error:
        TrainingOutcome(**{**TRAINING, field: value})
    assert isinstance(error.value, ValidationError)
    assert error.value.field == named


def test_a_training_score_out_of_range_is_a_validation_error_not_a_type_error() -> None:
    with pytest.raises(ValidationError) as error:
        TrainingOutcome(**{**TRAINING, "pre_scores": (40.0, 140.0)})
    assert not isinstance(error.value, TypeError)
    assert error.value.field == "TrainingOutcome.pre_scores[1]"


def test_an_unknown_substance_name_is_an_unknown_name_not_a_type_error() -> None:
    with pytest.raises(UnknownNameError) as error:
        Seizure(**{**SEIZURE, "substance": "sugar"})
    assert not isinstance(error.value, TypeError)


def test_a_wrong_type_error_survives_pickling_with_its_problems() -> None:
    with pytest.raises(WrongTypeError) as error:
        Seizure(**{**SEIZURE, "mass_kg": "abc"})
    copy = pickle.loads(pickle.dumps(error.value))
    assert type(copy) is WrongTypeError
    assert copy.problems == error.value.problems
    assert str(copy) == str(error.value)


def test_a_wrong_type_in_a_table_column_is_collected_with_its_row_as_a_validation_error() -> None:
    # The content of a table is a value: every bad cell is reported, with its row.
    with pytest.raises(ValidationError) as error:
        SeizureTable.from_columns(
            date=[dt.date(2017, 3, 1)] * 3,
            country=["PER"] * 3,
            substance=["cocaine_hcl"] * 3,
            mass_kg=[1.0, "abc", b"1"],
        )
    found = {(p.field, p.row) for p in error.value.problems}
    assert {("mass_kg", 1), ("mass_kg", 2)} <= found


def test_a_table_of_records_of_the_wrong_type_is_a_type_error_listing_each_row() -> None:
    seizure = Seizure(**SEIZURE)
    with pytest.raises(TypeError) as error:
        SeizureTable.from_records([seizure, 3, "x"])  # type: ignore[list-item]
    assert isinstance(error.value, ValidationError)
    assert [p.row for p in error.value.problems] == [1, 2]


def test_a_json_value_of_the_wrong_type_is_collected_with_its_path() -> None:
    # A parsed payload is a value: the error keeps its JSON path, as a ValidationError.
    text = '[{"date": "2017-03-01", "country": "PER", "substance": "cocaine_hcl", "mass_kg": "1"}]'
    with pytest.raises(ValidationError) as error:
        serialize.loads(Seizure, text)
    assert [p.field for p in error.value.problems] == ["$[0].mass_kg"]
    # An item of the payload that is not an object is collected the same way, with its path.
    with pytest.raises(ValidationError) as error:
        serialize.loads(Seizure, "[3]")
    assert not isinstance(error.value, TypeError)
    assert [p.field for p in error.value.problems] == ["$[0]"]


def test_wrong_type_error_is_exported_beside_validation_error() -> None:
    assert narcometrics.WrongTypeError is WrongTypeError
    assert "WrongTypeError" in narcometrics.__all__
    assert issubclass(WrongTypeError, TypeError)
    assert issubclass(WrongTypeError, ValidationError)
