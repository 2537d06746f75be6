"""Breakdowns against headline totals: every mismatch is reported."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import ValidationError
from narcometrics.indicators import (
    Actual,
    Indicator,
    ReportingPeriod,
    Target,
    check_disaggregation,
)


def indicator(**changes: Any) -> Indicator:
    base: dict[str, Any] = {
        "code": "OUT-3",
        "title": "Cocaine laboratories destroyed",
        "level": "output",
        "measure": "unit",
        "unit": "laboratories",
        "ascending": True,
        "time_rule": "sum",
        "unit_rule": "sum",
        "dimensions": ["agency", "region"],
    }
    return Indicator(**{**base, **changes})


LABS = indicator()
APPLYING = indicator(
    code="OC-2", measure="percentage", unit=None, unit_rule="pooled_ratio", dimensions=["sex"]
)


def test_parts_that_add_up_pass() -> None:
    actuals = [
        Actual(period=2017, value=10),
        Actual(period=2017, value=4, dimensions={"agency": "DIRANDRO"}),
        Actual(period=2017, value=6, dimensions={"agency": "FFAA"}),
        Actual(period=2017, value=7, dimensions={"region": "VRAEM"}),
        Actual(period=2017, value=3, dimensions={"region": "Huallaga"}),
    ]
    report = check_disaggregation(LABS, actuals)
    assert report.ok
    assert report.checked == 2
    assert str(report) == "OUT-3: 2 breakdown(s) add up"
    report.raise_for_mismatches()  # nothing to raise


def test_every_mismatch_is_reported() -> None:
    actuals = [
        Actual(period=2016, value=10),
        Actual(period=2016, value=4, dimensions={"agency": "DIRANDRO"}),
        Actual(period=2016, value=5, dimensions={"agency": "FFAA"}),  # 9, not 10
        Actual(period=2017, value=8),
        Actual(period=2017, value=5, dimensions={"region": "VRAEM"}),
        Actual(period=2017, value=5, dimensions={"region": "Huallaga"}),  # 10, not 8
        Actual(period=2017, value=8, dimensions={"agency": "DIRANDRO"}),  # adds up
    ]
    report = check_disaggregation(LABS, actuals)
    assert not report.ok
    assert report.checked == 3
    assert [(m.period, m.dimensions, m.headline, m.parts_total) for m in report.mismatches] == [
        (ReportingPeriod.year(2016), ("agency",), 10.0, 9.0),
        (ReportingPeriod.year(2017), ("region",), 8.0, 10.0),
    ]
    assert report.mismatches[0].difference == -1.0
    assert report.mismatches[0].n_parts == 2
    assert "2017: 2 parts by region sum to 10, headline value is 8 (difference +2)" in str(report)
    with pytest.raises(ValidationError) as info:
        report.raise_for_mismatches()
    assert len(info.value.problems) == 2


def test_parts_without_a_headline_are_a_mismatch() -> None:
    actuals = [Actual(period=2017, value=4, dimensions={"agency": "DIRANDRO"})]
    (mismatch,) = check_disaggregation(LABS, actuals).mismatches
    assert mismatch.headline is None
    assert math.isnan(mismatch.difference)
    assert "have no headline" in str(mismatch)


def test_cross_classified_cells_are_compared_as_one_breakdown() -> None:
    cells = {("DIRANDRO", "VRAEM"): 3, ("DIRANDRO", "Huallaga"): 1, ("FFAA", "VRAEM"): 6}
    actuals = [Actual(period=2017, value=10)] + [
        Actual(period=2017, value=v, dimensions={"agency": a, "region": r})
        for (a, r), v in cells.items()
    ]
    report = check_disaggregation(LABS, actuals)
    assert report.ok
    assert report.checked == 1


def test_locations_and_periods_are_checked_separately() -> None:
    actuals = [
        Actual(period=2017, value=3, location="PER"),
        Actual(period=2017, value=3, location="PER", dimensions={"agency": "DIRANDRO"}),
        Actual(period=2017, value=5, location="BOL"),
        Actual(period=2017, value=4, location="BOL", dimensions={"agency": "FELCN"}),
    ]
    (mismatch,) = check_disaggregation(LABS, actuals).mismatches
    assert mismatch.location == "BOL"
    assert "BOL" in str(mismatch)


def test_percentages_compare_numerators_and_denominators() -> None:
    actuals = [
        Actual(period=2017, numerator=12, denominator=20),
        Actual(period=2017, numerator=5, denominator=8, dimensions={"sex": "female"}),
        Actual(period=2017, numerator=7, denominator=13, dimensions={"sex": "male"}),
    ]
    (mismatch,) = check_disaggregation(APPLYING, actuals).mismatches
    assert mismatch.quantity == "denominator"
    assert (mismatch.headline, mismatch.parts_total) == (20.0, 21.0)


def test_percentage_parts_without_numerators_cannot_be_checked() -> None:
    actuals = [
        Actual(period=2017, numerator=12, denominator=20),
        Actual(period=2017, value=62.5, dimensions={"sex": "female"}),
    ]
    with pytest.raises(ValidationError, match=r"values\[1\].*report both"):
        check_disaggregation(APPLYING, actuals)


def test_targets_are_checked_like_actuals() -> None:
    targets = [
        Target(period=2018, value=10),
        Target(period=2018, value=4, dimensions={"agency": "DIRANDRO"}),
    ]
    assert not check_disaggregation(LABS, targets).ok


def test_tolerance_is_a_parameter() -> None:
    actuals = [
        Actual(period=2017, value=0.3),
        Actual(period=2017, value=0.1, dimensions={"agency": "A"}),
        Actual(period=2017, value=0.2, dimensions={"agency": "B"}),
    ]
    assert check_disaggregation(LABS, actuals).ok  # 0.1 + 0.2 is close to 0.3
    assert not check_disaggregation(LABS, actuals, rel_tol=0.0).ok
    with pytest.raises(ValidationError, match="rel_tol"):
        check_disaggregation(LABS, actuals, rel_tol=-1.0)


@pytest.mark.parametrize(
    ("ind", "values", "words"),
    [
        (
            LABS,
            [Actual(period=2017, value=1), Actual(period=2017, value=2)],
            "second headline",
        ),
        (
            LABS,
            [
                Actual(period=2017, value=1, dimensions={"agency": "A"}),
                Actual(period=2017, value=2, dimensions={"agency": "A"}),
            ],
            "repeats the part",
        ),
        (indicator(time_rule="last", unit_rule="none"), [Actual(period=2017, value=1)], "none"),
        (
            Indicator(code="Q", title="q", level="outcome", measure="qualitative"),
            [Actual(period=2017, narrative="x")],
            "never aggregated",
        ),
        (LABS, [Actual(period=2017, value=1, dimensions={"sex": "f"})], "does not declare"),
    ],
)
def test_bad_inputs_raise(ind: Indicator, values: list[Actual], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        check_disaggregation(ind, values)


@given(parts=st.lists(st.integers(0, 10**6), min_size=1, max_size=12), error=st.integers(-5, 5))
def test_a_breakdown_passes_exactly_when_its_parts_sum_to_the_headline(
    parts: list[int], error: int
) -> None:
    actuals = [Actual(period=2017, value=sum(parts) + error)] + [
        Actual(period=2017, value=v, dimensions={"agency": f"a{i}"}) for i, v in enumerate(parts)
    ]
    report = check_disaggregation(LABS, actuals)
    assert report.ok == (error == 0)
