"""Indicator model: definitions, periods, values, and their validation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import UnknownNameError, ValidationError
from narcometrics.indicators import (
    TIME_RULES,
    UNIT_RULES,
    Actual,
    Baseline,
    CumulativeKind,
    Indicator,
    IndicatorValues,
    Level,
    Measure,
    Reference,
    ReportingPeriod,
    ResultsFramework,
    Target,
    TimeRule,
    UnitRule,
    VerificationStatus,
)

LABS: dict[str, Any] = {
    "code": "OUT-3",
    "title": "Cocaine laboratories destroyed",
    "level": "output",
    "measure": "unit",
    "unit": "laboratories",
    "ascending": True,
    "time_rule": "sum",
    "unit_rule": "sum",
}
APPLYING: dict[str, Any] = {
    "code": "OC-2",
    "title": "Trainees verified applying what they learned",
    "level": "outcome",
    "measure": "percentage",
    "ascending": True,
    "time_rule": "sum",
    "unit_rule": "pooled_ratio",
    "kirkpatrick_level": 3,
    "dimensions": ["institution"],
}
HOMICIDE: dict[str, Any] = {
    "code": "IM-1",
    "title": "Victims of intentional homicide per 100,000 population",
    "level": "impact",
    "measure": "rate",
    "unit": "victims per 100,000 population",
    "per": 100_000,
    "ascending": False,
    "time_rule": "last",
    "unit_rule": "pooled_ratio",
    "references": [("SDG", "16.1.1")],
}
QUALITATIVE: dict[str, Any] = {
    "code": "OC-9",
    "title": "Information system to manage intelligence on organised crime",
    "level": "outcome",
    "measure": "qualitative",
}


def test_enum_values_are_snake_case_strings() -> None:
    for enum in (Level, Measure, TimeRule, UnitRule, CumulativeKind, VerificationStatus):
        for member in enum:
            assert member.value == member.name.lower()


def test_indicator_normalises_strings_to_enums_and_pairs_to_references() -> None:
    homicide = Indicator(**HOMICIDE)
    assert homicide.level is Level.IMPACT
    assert homicide.unit_rule is UnitRule.POOLED_RATIO
    assert homicide.references == (Reference(vocabulary="SDG", code="16.1.1"),)
    assert str(homicide.references[0]) == "SDG 16.1.1"
    assert homicide.factor == 100_000
    assert homicide.is_ratio


def test_percentage_factor_is_100_and_default_unit_label_is_percent() -> None:
    applying = Indicator(**APPLYING)
    assert applying.factor == 100
    assert applying.unit_label == "%"
    assert applying.kirkpatrick_level == 3
    assert applying.dimensions == ("institution",)
    assert Indicator(**LABS).factor is None


def test_qualitative_indicator_needs_no_rules() -> None:
    indicator = Indicator(**QUALITATIVE)
    assert indicator.time_rule is None
    assert indicator.unit_rule is None


def test_every_allowed_rule_combination_builds() -> None:
    for measure in (Measure.UNIT, Measure.PERCENTAGE, Measure.RATE, Measure.ORDINAL):
        for time_rule in TIME_RULES[measure]:
            for unit_rule in UNIT_RULES[measure]:
                Indicator(
                    code="X",
                    title="x",
                    level="output",
                    measure=measure,
                    unit="u",
                    ascending=True,
                    time_rule=time_rule,
                    unit_rule=unit_rule,
                    per=10.0 if measure is Measure.RATE else None,
                )


# (base keywords, changes, field the message must name, words the message must contain)
BAD_INDICATORS: list[tuple[dict[str, Any], dict[str, Any], str, str]] = [
    (LABS, {"code": ""}, "Indicator.code", "empty"),
    (LABS, {"title": None}, "Indicator.title", "string"),
    (LABS, {"level": "activity"}, "Indicator.level", "output"),
    (LABS, {"measure": "count"}, "Indicator.measure", "unit"),
    (LABS, {"time_rule": None}, "Indicator.time_rule", "never inferred"),
    (LABS, {"unit_rule": None}, "Indicator.unit_rule", "never inferred"),
    (LABS, {"time_rule": "median"}, "Indicator.time_rule", "sum"),
    (LABS, {"unit_rule": "pooled_ratio"}, "Indicator.unit_rule", "must be one of"),
    (LABS, {"ascending": None}, "Indicator.ascending", "larger better"),
    (LABS, {"ascending": 1}, "Indicator.ascending", "True or False"),
    (LABS, {"unit": None}, "Indicator.unit", "required"),
    (LABS, {"per": 100.0}, "Indicator.per", "only for rates"),
    (LABS, {"cumulative": "lifetime"}, "Indicator.time_rule", "counts the same results"),
    (LABS, {"cumulative": "monthly"}, "Indicator.cumulative", "lifetime"),
    (LABS, {"kirkpatrick_level": 6}, "Indicator.kirkpatrick_level", "1..5"),
    (LABS, {"kirkpatrick_level": 0}, "Indicator.kirkpatrick_level", ">= 1"),
    (LABS, {"references": [("SDG",)]}, "Indicator.references", "pairs"),
    (LABS, {"references": [("SDG", "")]}, "Reference.code", "empty"),
    (LABS, {"dimensions": ["sex", "sex"]}, "Indicator.dimensions", "repeat"),
    (LABS, {"dimensions": [""]}, "Indicator.dimensions[0]", "empty"),
    (APPLYING, {"time_rule": "mean"}, "Indicator.time_rule", "averaging percentages"),
    (APPLYING, {"unit_rule": "sum"}, "Indicator.unit_rule", "pooled_ratio"),
    (APPLYING, {"time_rule": "max"}, "Indicator.time_rule", "last, sum"),
    (HOMICIDE, {"per": None}, "Indicator.per", "required"),
    (HOMICIDE, {"per": 0}, "Indicator.per", "> 0"),
    (HOMICIDE, {"unit": None}, "Indicator.unit", "required"),
    (QUALITATIVE, {"time_rule": "last"}, "Indicator.time_rule", "never aggregated"),
    (QUALITATIVE, {"unit_rule": "sum"}, "Indicator.unit_rule", "never aggregated"),
    (QUALITATIVE, {"cumulative": "yearly"}, "Indicator.cumulative", "none"),
    (
        {**QUALITATIVE, "measure": "ordinal", "ascending": True},
        {"time_rule": "last", "unit_rule": "sum"},
        "Indicator.unit_rule",
        "none",
    ),
    (
        {**QUALITATIVE, "measure": "nominal"},
        {"time_rule": "max", "unit_rule": "none"},
        "Indicator.time_rule",
        "last",
    ),
]


@pytest.mark.parametrize(
    ("base", "change", "field", "words"), BAD_INDICATORS, ids=lambda x: str(x)[:30]
)
def test_bad_indicator_raises_naming_the_field(
    base: dict[str, Any], change: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError, match=words) as info:
        Indicator(**{**base, **change})
    assert field in str(info.value)


def test_bad_indicator_table_is_distinct() -> None:
    keys = {(b["code"], b["measure"], repr(sorted(c.items()))) for b, c, _, _ in BAD_INDICATORS}
    assert len(keys) == len(BAD_INDICATORS)


# ----------------------------------------------------------------------------- periods


def test_calendar_periods_have_the_right_first_and_last_days() -> None:
    assert ReportingPeriod.year(2016) == ReportingPeriod(
        start=dt.date(2016, 1, 1), end=dt.date(2016, 12, 31)
    )
    assert ReportingPeriod.quarter(2016, 1).end == dt.date(2016, 3, 31)
    assert ReportingPeriod.quarter(2017, 4).start == dt.date(2017, 10, 1)
    assert ReportingPeriod.month(2016, 2).end == dt.date(2016, 2, 29)  # leap year
    assert ReportingPeriod.month(2017, 2).end == dt.date(2017, 2, 28)


def test_period_str_names_calendar_periods() -> None:
    assert str(ReportingPeriod.year(2017)) == "2017"
    assert str(ReportingPeriod.quarter(2017, 2)) == "2017-Q2"
    assert str(ReportingPeriod.month(2017, 11)) == "2017-11"
    odd = ReportingPeriod(start=dt.date(2017, 1, 15), end=dt.date(2017, 3, 31))
    assert str(odd) == "2017-01-15..2017-03-31"


@given(st.dates(), st.dates(), st.dates(), st.dates())
def test_overlap_is_symmetric_and_means_a_shared_day(
    a: dt.date, b: dt.date, c: dt.date, d: dt.date
) -> None:
    p = ReportingPeriod(start=min(a, b), end=max(a, b))
    q = ReportingPeriod(start=min(c, d), end=max(c, d))
    assert p.overlaps(q) == q.overlaps(p)
    shared = max(p.start, q.start) <= min(p.end, q.end)
    assert p.overlaps(q) == shared


def test_calendar_year_is_none_across_a_year_end() -> None:
    assert ReportingPeriod.quarter(2017, 3).calendar_year == 2017
    assert (
        ReportingPeriod(start=dt.date(2016, 7, 1), end=dt.date(2017, 6, 30)).calendar_year is None
    )


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda: ReportingPeriod(start=dt.date(2017, 2, 1), end=dt.date(2017, 1, 1)), "Period.end"),
        (lambda: ReportingPeriod(start="2017-01-01", end=dt.date(2017, 1, 1)), "Period.start"),
        (lambda: ReportingPeriod.quarter(2017, 5), "quarter"),
        (lambda: ReportingPeriod.month(2017, 0), "month"),
        (lambda: ReportingPeriod.year(0), "year"),
        (lambda: ReportingPeriod.year(2017.0), "year"),
        (lambda: Actual(period="2017", value=1.0), "Actual.period"),
    ],
)
def test_bad_periods_raise(build: Any, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        build()


# ----------------------------------------------------------------------------- values


def test_actual_accepts_a_year_or_a_pair_of_dates_as_period() -> None:
    by_year = Actual(period=2017, value=324)
    by_pair = Actual(period=(dt.date(2017, 1, 1), dt.date(2017, 12, 31)), value=324)
    assert by_year.period == by_pair.period == ReportingPeriod.year(2017)
    assert by_year.value == 324.0
    assert isinstance(by_year.value, float)
    assert by_year.verification is VerificationStatus.UNVERIFIED


def test_dimensions_are_stored_as_sorted_pairs() -> None:
    actual = Actual(period=2017, value=3, dimensions={"sex": "female", "agency": "DIRANDRO"})
    assert actual.dimensions == (("agency", "DIRANDRO"), ("sex", "female"))
    same = Actual(period=2017, value=3, dimensions=[("sex", "female"), ("agency", "DIRANDRO")])
    assert same == actual


BAD_VALUES: list[tuple[Any, dict[str, Any], str]] = [
    (Actual, {"value": float("nan")}, "Actual.value"),
    (Actual, {"value": float("inf")}, "Actual.value"),
    (Actual, {"value": "3"}, "Actual.value"),
    (Actual, {"value": None}, "Actual.value"),
    (Actual, {"value": None, "numerator": 3.0}, "Actual.denominator"),
    (Actual, {"value": None, "denominator": 3.0}, "Actual.numerator"),
    (Actual, {"numerator": 1.0, "denominator": 2.0}, "Actual.value"),
    (Actual, {"narrative": "done"}, "Actual.value"),
    (Actual, {"value": None, "numerator": -1.0, "denominator": 2.0}, "Actual.numerator"),
    (Actual, {"value": None, "numerator": 1.0, "denominator": -2.0}, "Actual.denominator"),
    (Actual, {"location": ""}, "Actual.location"),
    (Actual, {"source": "  "}, "Actual.source"),
    (Actual, {"verification": "audited"}, "Actual.verification"),
    (Actual, {"dimensions": {"sex": ""}}, "Actual.dimensions"),
    (Actual, {"dimensions": "sex"}, "Actual.dimensions"),
    (Actual, {"unit": ""}, "Actual.unit"),
    (Target, {"milestone": 1}, "milestone"),
    (Target, {"value": None}, "Target.value"),
    (Baseline, {"year": 2016.0}, "Baseline.year"),
    (Baseline, {"year": -1}, "Baseline.year"),
]


@pytest.mark.parametrize(("cls", "change", "field"), BAD_VALUES, ids=lambda x: str(x)[:30])
def test_bad_values_raise_naming_the_field(cls: Any, change: dict[str, Any], field: str) -> None:
    good: dict[str, Any] = {"value": 1.0}
    good.update({"year": 2016} if cls is Baseline else {"period": 2017})
    with pytest.raises(ValidationError) as info:
        cls(**{**good, **change})
    assert field in str(info.value)


def test_value_of_a_ratio_is_numerator_over_denominator_times_factor() -> None:
    applying = Indicator(**APPLYING)
    assert applying.value_of(Actual(period=2017, numerator=12, denominator=15)) == 80.0
    homicide = Indicator(**HOMICIDE)
    # 3 per 150,000 people is 2 per 100,000 (hand computation)
    assert homicide.value_of(Actual(period=2017, numerator=3, denominator=150_000)) == 2.0


def test_value_of_a_zero_denominator_is_nan_never_zero() -> None:
    applying = Indicator(**APPLYING)
    value = applying.value_of(Actual(period=2017, numerator=0, denominator=0))
    assert value != value  # NaN


def test_value_of_a_narrative_raises() -> None:
    with pytest.raises(ValidationError, match="qualitative"):
        Indicator(**QUALITATIVE).value_of(Actual(period=2017, narrative="SIIETID created"))


@pytest.mark.parametrize(
    ("indicator", "value", "words"),
    [
        (LABS, Actual(period=2017, narrative="many"), "needs a number"),
        (QUALITATIVE, Actual(period=2017, value=1.0), "needs a narrative"),
        (LABS, Actual(period=2017, numerator=1, denominator=2), "not a percentage"),
        (LABS, Actual(period=2017, value=1.0, unit="labs"), "units are never mixed"),
        (APPLYING, Actual(period=2017, value=80.0, unit="percent"), "units are never mixed"),
        (LABS, Actual(period=2017, value=1.0, dimensions={"sex": "f"}), "does not declare"),
        (LABS, "324", "must be a Baseline"),
    ],
)
def test_check_value_refuses_values_that_do_not_fit(
    indicator: dict[str, Any], value: Any, words: str
) -> None:
    with pytest.raises(ValidationError, match=words) as info:
        Indicator(**indicator).check_value(value, "actuals[0]")
    assert "actuals[0]" in str(info.value)


def test_matching_unit_label_is_accepted() -> None:
    Indicator(**LABS).check_value(Actual(period=2017, value=1.0, unit="laboratories"))
    Indicator(**APPLYING).check_value(Actual(period=2017, value=80.0, unit="%"))


# ----------------------------------------------------------------------------- framework


def test_indicator_values_check_every_value_against_the_indicator() -> None:
    with pytest.raises(ValidationError, match=r"IndicatorValues\.actuals\[1\]"):
        IndicatorValues(
            indicator=Indicator(**LABS),
            actuals=[Actual(period=2016, value=1.0), Actual(period=2017, narrative="x")],
        )
    with pytest.raises(ValidationError, match=r"IndicatorValues\.baseline"):
        IndicatorValues(indicator=Indicator(**QUALITATIVE), baseline=Baseline(year=2016, value=0.0))
    with pytest.raises(ValidationError, match=r"IndicatorValues\.targets\[0\]"):
        IndicatorValues(indicator=Indicator(**LABS), targets=[Actual(period=2017, value=1.0)])


def test_indicator_values_totals_use_the_headline_values() -> None:
    applying = Indicator(**APPLYING)
    values = IndicatorValues(
        indicator=applying,
        baseline=Baseline(year=2016, numerator=5, denominator=10),
        actuals=[
            Actual(period=2017, numerator=12, denominator=16),
            Actual(period=2017, numerator=3, denominator=4, dimensions={"institution": "A"}),
        ],
        targets=[Target(period=2017, value=80.0)],
    )
    assert values.baseline_value == 50.0
    assert values.actual_total().value == 75.0  # 12 / 16, the breakdown left out
    assert values.target_total().value == 80.0
    with pytest.raises(ValidationError, match="no headline"):
        IndicatorValues(indicator=applying).actual_total()


def test_results_framework_looks_up_by_code_and_refuses_repeated_codes() -> None:
    labs = IndicatorValues(indicator=Indicator(**LABS))
    homicide = IndicatorValues(indicator=Indicator(**HOMICIDE))
    framework = ResultsFramework(title="Peru programme", indicators=[labs, homicide])
    assert framework["IM-1"] is homicide
    assert framework.codes == ("OUT-3", "IM-1")
    assert list(framework) == [labs, homicide]
    assert len(framework) == 2
    with pytest.raises(UnknownNameError, match="OUT-3, IM-1"):
        framework["OUT-9"]
    with pytest.raises(ValidationError, match="repeats an indicator code"):
        ResultsFramework(title="x", indicators=[labs, labs])
    with pytest.raises(ValidationError, match=r"ResultsFramework\.indicators\[0\]"):
        ResultsFramework(title="x", indicators=[Indicator(**LABS)])


@pytest.mark.parametrize(
    ("dimensions", "field"),
    [
        ({1: "a", "sex": "f"}, "Actual.dimensions"),
        ([("sex", "f"), ("sex", "m")], "repeat a dimension"),
        ([("sex",)], "mapping of dimension name"),
    ],
)
def test_malformed_dimensions_raise(dimensions: Any, field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        Actual(period=2017, value=1.0, dimensions=dimensions)


def test_containers_refuse_the_wrong_types_with_a_validation_error() -> None:
    with pytest.raises(ValidationError, match=r"IndicatorValues\.indicator"):
        IndicatorValues(indicator="OUT-3")
    with pytest.raises(ValidationError, match=r"IndicatorValues\.baseline"):
        IndicatorValues(indicator=Indicator(**LABS), baseline=2016)
    with pytest.raises(ValidationError, match=r"ResultsFramework\.title"):
        ResultsFramework(title="", indicators=[])
    with pytest.raises(ValidationError, match=r"Target\.milestone"):
        Target(period=2017, value=1.0, milestone="yes")
