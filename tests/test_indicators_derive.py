"""Actuals derived from record tables.

Expected values come from the programme's published 2017 results (FIIAPP, "Peru: successful
cooperation", 1 February 2018: 111 organisations, 78 airstrips, 324 laboratories, 22,165 ha,
"up to 204.8 tonnes"; via reference/estimation-sources.md, F4 and the note on the 2017
operational results), from independent computations over the records (pandas group-bys,
Python sets of participant ids, ``narcometrics.training.transfer_rate``) or from properties
stated in the test names.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

import attrs
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import (
    Eradication,
    EradicationTable,
    Operation,
    OperationTable,
    SeizureTable,
    TrainingOutcome,
    TrainingTable,
    ValidationError,
    __version__,
)
from narcometrics.datasets import peru_2017_example
from narcometrics.errors import UnknownNameError
from narcometrics.estimate import avoided_production as flat_estimate
from narcometrics.indicators import (
    Actual,
    Indicator,
    ReportingPeriod,
    airstrips_destroyed,
    check_disaggregation,
    combine,
    derive_framework,
    hectares_eradicated,
    laboratories_destroyed,
    organisations_disbanded,
    people_trained,
    production_avoided_adjusted,
    production_avoided_up_to,
    seizures_by_substance,
    share_verified_applying,
    standard_indicators,
)
from narcometrics.testing import strategies as nst
from narcometrics.training import transfer_rate

EXAMPLE = peru_2017_example()
STANDARD = standard_indicators()
COUNTS = {
    "organisations_disbanded": (organisations_disbanded, "OUT-1", 111),
    "airstrips_destroyed": (airstrips_destroyed, "OUT-2", 78),
    "laboratories_destroyed": (laboratories_destroyed, "OUT-3", 324),
}
YEARS = {"min_date": dt.date(2016, 1, 1), "max_date": dt.date(2018, 12, 31)}
#: Enrolments are a flow: summed over periods and units.
ENROLMENTS = Indicator(
    code="X-1",
    title="Enrolments",
    level="output",
    measure="unit",
    unit="enrolments",
    ascending=True,
    time_rule="sum",
    unit_rule="sum",
)


def in_year(actuals: list[Actual], year: int) -> list[Actual]:
    return [a for a in actuals if a.period.calendar_year == year]


# ------------------------------------------------------------------ the published totals


@pytest.mark.parametrize("measure", list(COUNTS))
def test_derived_operation_counts_equal_the_published_2017_totals(measure: str) -> None:
    function, _, published = COUNTS[measure]
    [actual] = function(EXAMPLE.operations)
    assert actual.period == ReportingPeriod.year(2017)
    assert actual.value == published
    assert actual.unit is None
    assert actual.location is None
    assert actual.dimensions == ()


def test_derived_hectares_equal_the_published_22_165_ha() -> None:
    [actual] = hectares_eradicated(EXAMPLE.eradications)
    assert actual.value == pytest.approx(22_165, rel=1e-12)
    assert actual.unit == "ha"


def test_avoided_production_with_pe_gov_2017_is_the_published_204_8_t() -> None:
    [actual] = production_avoided_up_to(EXAMPLE.eradications, "pe-gov-2017")
    assert round(actual.value, 1) == 204.8
    assert actual.unit == "t"
    assert actual.estimate is not None
    assert actual.estimate.central == actual.value
    assert actual.estimate.provenance.factor_set == "pe-gov-2017"
    assert actual.estimate.low <= actual.value <= actual.estimate.high
    assert actual.source is not None
    assert "pe-gov-2017" in actual.source
    assert "upper bound" in actual.source


def test_adjusted_avoided_production_never_exceeds_the_flat_upper_bound() -> None:
    [flat] = production_avoided_up_to(EXAMPLE.eradications, "pe-gov-2017")
    [adjusted] = production_avoided_adjusted(EXAMPLE.eradications, "pe-gov-2017")
    assert adjusted.estimate is not None
    assert adjusted.estimate.high <= flat.value
    assert adjusted.source is not None
    assert "avoided_production_adjusted" in adjusted.source


def test_derived_framework_gives_the_published_totals_and_pooled_share() -> None:
    framework = derive_framework(
        operations=EXAMPLE.operations,
        eradications=EXAMPLE.eradications,
        seizures=EXAMPLE.seizures,
        training=EXAMPLE.training,
        factors="pe-gov-2017",
    )
    assert framework.codes == ("OUT-1", "OUT-2", "OUT-3", "OUT-4", "OUT-5", "OUT-6", "OC-1", "OC-2")
    for _, code, published in COUNTS.values():
        assert framework[code].actual_total().value == published
    assert framework["OUT-4"].actual_total().value == pytest.approx(22_165, rel=1e-12)
    assert round(framework["OC-1"].actual_total().value, 1) == 204.8
    transfer = transfer_rate(EXAMPLE.training)
    share = framework["OC-2"].actual_total()
    assert (share.numerator, share.denominator) == (transfer.k, transfer.n)
    assert share.value == pytest.approx(100 * transfer.k / transfer.n, rel=1e-12)
    people = {pid for record in EXAMPLE.training for pid in record.participant_ids or ()}
    assert framework["OUT-6"].actual_total().value == len(people)
    with pytest.raises(ValidationError, match="no headline value"):
        framework["OUT-5"].actual_total()  # masses of different substances are never added


def test_quarterly_framework_aggregates_to_the_yearly_framework() -> None:
    tables: dict[str, Any] = {
        "operations": EXAMPLE.operations,
        "eradications": EXAMPLE.eradications,
        "training": EXAMPLE.training,
        "factors": "pe-gov-2017",
    }
    yearly = derive_framework(**tables)
    quarterly = derive_framework(**tables, period="quarter")
    assert all(len(entry.actuals) > 1 for entry in quarterly)
    for entry in yearly:
        assert quarterly[entry.code].actual_total().value == pytest.approx(
            entry.actual_total().value, rel=1e-12
        )


# ------------------------------------------------------------------ sources and breakdowns


def test_every_derived_actual_names_its_source_and_is_unverified_by_default() -> None:
    actuals = laboratories_destroyed(EXAMPLE.operations, period="quarter")
    n = len(EXAMPLE.operations)
    assert sum(int(a.source.split("(")[1].split(" of ")[0]) for a in actuals if a.source) == n
    for actual in actuals:
        assert actual.source is not None
        assert actual.source.startswith(
            f"derived by narcometrics {__version__} from OperationTable ("
        )
        assert f" of {n} records): sum of laboratories_destroyed" in actual.source
        assert actual.verification == "unverified"


def test_the_caller_names_where_the_records_come_from_and_their_verification() -> None:
    [actual] = organisations_disbanded(
        EXAMPLE.operations, source="PNP-DIRANDRO register", verification="internal"
    )
    assert actual.source is not None
    assert "; PNP-DIRANDRO register)" in actual.source
    assert actual.verification == "internal"


def test_quarterly_values_equal_a_pandas_group_by() -> None:
    frame = EXAMPLE.operations.to_frame("pandas")
    dates = pd.to_datetime(frame["date"])
    expected = frame.groupby([dates.dt.year, dates.dt.quarter])["laboratories_destroyed"].sum()
    derived = laboratories_destroyed(EXAMPLE.operations, period="quarter")
    assert [a.value for a in derived] == [float(v) for v in expected.to_list()]
    assert [a.period for a in derived] == [ReportingPeriod.quarter(y, q) for y, q in expected.index]


def test_seizures_are_one_actual_per_substance_equal_to_a_pandas_group_by() -> None:
    frame = EXAMPLE.seizures.to_frame("pandas")
    expected = frame.groupby("substance", observed=True)["mass_kg"].sum()
    derived = seizures_by_substance(EXAMPLE.seizures)
    assert {dict(a.dimensions)["substance"]: a.value for a in derived} == pytest.approx(
        {str(k): v for k, v in expected.items()}, rel=1e-12
    )
    assert {a.unit for a in derived} == {"kg"}


def test_seizures_keep_the_substance_first_among_other_breakdowns() -> None:
    derived = seizures_by_substance(EXAMPLE.seizures, dimensions=["agency", "substance"])
    assert all({name for name, _ in a.dimensions} == {"agency", "substance"} for a in derived)


def test_breakdowns_add_up_to_the_headline_and_carry_the_location() -> None:
    indicator = STANDARD["OUT-3"]
    headline = laboratories_destroyed(EXAMPLE.operations, location="country")
    parts = laboratories_destroyed(
        EXAMPLE.operations, location="country", dimensions=["agency", "region"]
    )
    assert {a.location for a in headline + parts} == {"PER"}
    assert len(parts) > 1
    assert check_disaggregation(indicator, headline + parts).mismatches == ()


def test_derived_hectares_are_refused_by_an_indicator_in_another_unit() -> None:
    in_hectares = attrs.evolve(STANDARD["OUT-4"], unit="hectares")
    with pytest.raises(ValidationError, match="units are never mixed"):
        combine(in_hectares, hectares_eradicated(EXAMPLE.eradications))


# ------------------------------------------------------------------ people and shares


def test_people_are_counted_once_and_enrolments_once_per_course() -> None:
    records = list(EXAMPLE.training)
    people = {pid for record in records for pid in record.participant_ids or ()}
    [unique] = people_trained(EXAMPLE.training)
    [enrolments] = people_trained(EXAMPLE.training, unique=False)
    assert unique.value == len(people)
    assert enrolments.value == sum(r.participants for r in records)
    assert unique.value < enrolments.value
    assert unique.source is not None
    assert "each counted once" in unique.source
    assert enrolments.source is not None
    assert "enrolments" in enrolments.source


def training_record(day: int, participants: int, ids: tuple[str, ...] | None = None) -> Any:
    return TrainingOutcome(
        date=dt.date(2017, 1, day),
        institution="DIRANDRO",
        course=f"C{day}",
        participants=participants,
        participant_ids=ids,
    )


def test_without_ids_people_trained_counts_enrolments_and_says_so() -> None:
    table = TrainingTable.from_records(
        [training_record(1, 2, ("a", "b")), training_record(2, 3), training_record(3, 1)]
    )
    [actual] = people_trained(table)
    assert actual.value == 6
    assert actual.source is not None
    assert "participant_ids missing in 2 of 3 records" in actual.source
    with pytest.raises(ValidationError, match="missing in 2 of 3 records") as error:
        people_trained(table, unique=True)
    assert error.value.field == "participant_ids"
    assert error.value.problems[0].row == 1


def test_share_verified_applying_keeps_k_and_n_of_transfer_rate_per_institution() -> None:
    derived = share_verified_applying(EXAMPLE.training, dimensions="institution")
    expected = transfer_rate(EXAMPLE.training, by="institution")
    assert {dict(a.dimensions)["institution"]: (a.numerator, a.denominator) for a in derived} == {
        key[0]: (rate.k, rate.n) for key, rate in expected.items()
    }
    reported = [a for a in derived if a.source and "self-reported in" in a.source]
    assert len(reported) == 2  # DIRANDRO and Ministerio Público each have one such record


def test_a_period_without_follow_up_gives_an_undefined_share_never_zero() -> None:
    table = TrainingTable.from_records([training_record(1, 5), training_record(2, 3)])
    [actual] = share_verified_applying(table)
    assert (actual.numerator, actual.denominator) == (0, 0)
    assert math.isnan(STANDARD["OC-2"].value_of(actual))
    assert math.isnan(combine(STANDARD["OC-2"], [actual]).value)


def test_an_empty_table_gives_no_actuals() -> None:
    assert organisations_disbanded(OperationTable.from_records([])) == []
    assert production_avoided_up_to(EradicationTable.from_records([]), "pe-gov-2017") == []
    assert people_trained(TrainingTable.from_records([])) == []
    assert share_verified_applying(TrainingTable.from_records([])) == []


# ------------------------------------------------------------------ bad inputs


def operation(region: str | None) -> Operation:
    return Operation(date=dt.date(2017, 5, 1), country="PER", region=region, arrests=1)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: organisations_disbanded(EXAMPLE.seizures), TypeError, "OperationTable"),
        (
            lambda: hectares_eradicated(EXAMPLE.eradications, period="week"),
            UnknownNameError,
            "period",
        ),
        (
            lambda: airstrips_destroyed(EXAMPLE.operations, location="city"),
            UnknownNameError,
            "city",
        ),
        (
            lambda: airstrips_destroyed(EXAMPLE.operations, dimensions=["agency", "agency"]),
            ValidationError,
            "must not repeat",
        ),
        (
            lambda: airstrips_destroyed(EXAMPLE.operations, location="region", dimensions="region"),
            ValidationError,
            "must not repeat",
        ),
        (lambda: airstrips_destroyed(EXAMPLE.operations, dimensions=3), TypeError, "field"),
        (
            lambda: airstrips_destroyed(EXAMPLE.operations, verification="audited"),
            UnknownNameError,
            "verification",
        ),
        (lambda: airstrips_destroyed(EXAMPLE.operations, source=" "), ValidationError, "source"),
        (
            lambda: production_avoided_up_to(EXAMPLE.eradications, "pe-gov-1999"),
            UnknownNameError,
            "pe-gov-1999",
        ),
        (
            lambda: production_avoided_up_to(EradicationTable.from_records([]), "pe-unodc-2008"),
            ValidationError,
            "flat_per_hectare",
        ),
        (lambda: people_trained(EXAMPLE.training, unique=1), TypeError, "unique"),
        (lambda: people_trained(EXAMPLE.training, cumulative=None), TypeError, "cumulative"),
        (lambda: derive_framework(), ValidationError, "at least one"),
        (
            lambda: derive_framework(eradications=EXAMPLE.eradications),
            ValidationError,
            "factors",
        ),
    ],
)
def test_bad_arguments_raise_naming_the_parameter(call: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()


def test_a_breakdown_field_missing_in_a_record_raises_naming_the_row() -> None:
    table = OperationTable.from_records([operation("Cusco"), operation(None)])
    with pytest.raises(ValidationError, match="missing in 1 of 2 records") as error:
        airstrips_destroyed(table, dimensions="region")
    assert (error.value.field, error.value.problems[0].row) == ("region", 1)


def test_an_estimate_must_be_the_value_it_reports() -> None:
    estimate = flat_estimate(22_165, "pe-gov-2017")
    with pytest.raises(ValidationError, match="central value"):
        Actual(period=2017, value=204.8, estimate=estimate)
    with pytest.raises(ValidationError, match="estimate's unit"):
        Actual(period=2017, value=estimate.central, unit="kg", estimate=estimate)
    with pytest.raises(ValidationError, match="one value"):
        Actual(period=2017, value=1.0, estimate=flat_estimate([1.0, 2.0], "pe-gov-2017"))
    with pytest.raises(ValidationError, match="must be an Estimate"):
        Actual(period=2017, value=1.0, estimate=1.0)


# ------------------------------------------------------------------ properties

BY = st.sampled_from(["quarter", "month"])


def per_year(actuals: list[Actual], indicator: Indicator) -> dict[tuple[int | None, Any], float]:
    """The fine-period actuals aggregated by the indicator's rules, per year and unit."""
    groups: dict[tuple[int | None, Any], list[Actual]] = defaultdict(list)
    for actual in actuals:
        groups[(actual.period.calendar_year, actual.dimensions)].append(actual)
    return {key: combine(indicator, group).value for key, group in groups.items()}


def yearly(actuals: list[Actual]) -> dict[tuple[int | None, Any], float]:
    return {(a.period.calendar_year, a.dimensions): a.value or 0.0 for a in actuals}


@given(nst.record_lists(nst.operations(max_count=50, unreported=False, **YEARS), max_size=30), BY)
def test_operation_counts_are_conserved_from_quarters_or_months_to_years(
    records: list[Operation], by: Any
) -> None:
    table = OperationTable.from_records(records)
    for measure, (function, code, _) in COUNTS.items():
        fine = function(table, period=by)
        assert per_year(fine, STANDARD[code]) == yearly(function(table))
        assert sum(a.value or 0 for a in fine) == sum(getattr(r, measure) for r in records)


@given(nst.record_lists(nst.seizures(**YEARS), min_size=1, max_size=30), BY)
def test_seizure_masses_are_conserved_per_substance_across_periods(records: Any, by: Any) -> None:
    table = SeizureTable.from_records(records)
    fine = per_year(seizures_by_substance(table, period=by), STANDARD["OUT-5"])
    assert fine == pytest.approx(yearly(seizures_by_substance(table)), rel=1e-12)


@given(nst.record_lists(nst.eradications(**YEARS), min_size=1, max_size=30), BY, st.booleans())
def test_hectares_and_avoided_production_are_conserved_across_periods(
    records: list[Eradication], by: Any, adjusted: bool
) -> None:
    table = EradicationTable.from_records(records)
    fine = per_year(hectares_eradicated(table, period=by), STANDARD["OUT-4"])
    assert fine == pytest.approx(yearly(hectares_eradicated(table)), rel=1e-12)
    # generated dates are days of eradication, whatever day of the month they fall on
    kind = "event"
    if adjusted:
        fine_t = production_avoided_adjusted(table, "pe-gov-2017", period=by, date_kind=kind)
        year_t = production_avoided_adjusted(table, "pe-gov-2017", date_kind=kind)
    else:
        fine_t = production_avoided_up_to(table, "pe-gov-2017", period=by)
        year_t = production_avoided_up_to(table, "pe-gov-2017")
    assert per_year(fine_t, STANDARD["OC-1"]) == pytest.approx(yearly(year_t), rel=1e-9, abs=1e-9)
    for year_actual in year_t:
        parts = in_year(fine_t, year_actual.period.start.year)
        assert year_actual.estimate is not None
        for bound in ("low", "high"):
            total = math.fsum(getattr(a.estimate, bound) for a in parts if a.estimate)
            assert total == pytest.approx(getattr(year_actual.estimate, bound), rel=1e-9, abs=1e-9)


@st.composite
def shared_people(draw: st.DrawFn) -> list[TrainingOutcome]:
    """Training records whose participants come from a pool of 8 people (ids on all or some)."""
    records = draw(
        nst.record_lists(nst.training_outcomes(max_participants=8, **YEARS), max_size=12)
    )
    all_ids = draw(st.booleans())
    out = []
    for record in records:
        ids = None
        if all_ids or draw(st.booleans()):
            pool = draw(st.permutations([f"P{i}" for i in range(8)]))
            ids = tuple(pool[: record.participants])
        out.append(attrs.evolve(record, participant_ids=ids))
    return out


@given(shared_people(), BY)
def test_people_are_at_most_the_enrolments_and_distinct_counts_do_not_add_up_over_periods(
    records: list[TrainingOutcome], by: Any
) -> None:
    table = TrainingTable.from_records(records)
    enrolments = people_trained(table, unique=False)
    assert per_year(people_trained(table, unique=False, period=by), ENROLMENTS) == yearly(
        enrolments
    )
    if any(r.participant_ids is None for r in records):
        assert [a.value for a in people_trained(table)] == [a.value for a in enrolments]
        return
    ids_per_year: dict[int, set[str]] = defaultdict(set)
    for record in records:
        ids_per_year[record.date.year].update(record.participant_ids or ())
    people = people_trained(table)
    assert {a.period.start.year: a.value for a in people} == {
        year: len(ids) for year, ids in ids_per_year.items()
    }
    fine = people_trained(table, period=by)
    for person_year, enrolled in zip(people, enrolments, strict=True):
        assert person_year.value is not None
        assert enrolled.value is not None
        parts = sum(a.value or 0 for a in in_year(fine, person_year.period.start.year))
        assert person_year.value <= parts <= enrolled.value


@given(shared_people(), BY)
def test_running_people_totals_end_at_the_people_of_the_whole_table(
    records: list[TrainingOutcome], by: Any
) -> None:
    table = TrainingTable.from_records(records)
    running = people_trained(table, period=by, cumulative=True)
    assert [a.value for a in running] == sorted(a.value for a in running)  # never falls
    if not records:
        return
    last = combine(STANDARD["OUT-6"], running).value
    if all(r.participant_ids is not None for r in records):
        assert last == len({pid for r in records for pid in r.participant_ids or ()})
    else:
        assert last == sum(r.participants for r in records)


@given(
    nst.record_lists(nst.training_outcomes(max_participants=50, **YEARS), min_size=1, max_size=12),
    BY,
)
def test_pooled_share_over_periods_equals_k_over_n_of_transfer_rate(
    records: list[TrainingOutcome], by: Any
) -> None:
    table = TrainingTable.from_records(records)
    fine = share_verified_applying(table, period=by)
    pooled = combine(STANDARD["OC-2"], fine)
    expected = transfer_rate(records)
    assert (pooled.numerator, pooled.denominator) == (expected.k, expected.n)
    if expected.n:
        assert pooled.value == pytest.approx(100 * expected.k / expected.n, rel=1e-12)
    else:
        assert math.isnan(pooled.value)
    by_year = transfer_rate(records, by="year")
    assert {
        a.period.start.year: (a.numerator, a.denominator) for a in share_verified_applying(table)
    } == {key[0]: (rate.k, rate.n) for key, rate in by_year.items()}
