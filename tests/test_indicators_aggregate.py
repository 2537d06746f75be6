"""Aggregation of actuals and targets by the indicator's declared rules.

Expected values come from the sources cited (the Peru national eradication series in
``reference/estimation-sources.md``), from hand formulas or from pandas; the properties
are stated in the test names.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import ValidationError
from narcometrics.errors import UnknownNameError
from narcometrics.indicators import (
    Actual,
    Indicator,
    MixedPeriodsWarning,
    ReportingPeriod,
    Target,
    aggregate_across_units,
    aggregate_over_time,
    combine,
)


def indicator(**changes: Any) -> Indicator:
    base: dict[str, Any] = {
        "code": "X-1",
        "title": "Test indicator",
        "level": "output",
        "measure": "unit",
        "unit": "ha",
        "ascending": True,
        "time_rule": "sum",
        "unit_rule": "sum",
    }
    return Indicator(**{**base, **changes})


FLOW = indicator()
PERCENT = indicator(measure="percentage", unit=None, unit_rule="pooled_ratio")
RATE = indicator(measure="rate", unit="per 100,000", per=100_000, unit_rule="pooled_ratio")
LIFETIME = indicator(time_rule="last", cumulative="lifetime")
YEARLY = indicator(cumulative="yearly")

#: Peru, hectares of coca eradicated (UNODC/DEVIDA fact sheets 2015 and 2016, via
#: reference/estimation-sources.md, "Published Peru national series").
ERADICATED_HA = {2015: 35_868, 2016: 30_151}


def year_values(values: dict[int, float], cls: Any = Actual, **kw: Any) -> list[Any]:
    return [
        cls(period=ReportingPeriod.year(year), value=value, **kw) for year, value in values.items()
    ]


# ------------------------------------------------------------------ the field's known bugs


def test_cumulative_indicator_over_periods_gives_the_last_value_not_the_sum() -> None:
    # A programme reporting "hectares eradicated since 2015" reports running totals.
    running = {2015: ERADICATED_HA[2015], 2016: ERADICATED_HA[2015] + ERADICATED_HA[2016]}
    total = combine(LIFETIME, year_values(running))
    assert total.value == 35_868 + 30_151
    assert total.value != sum(running.values())  # the bug: 101,887 ha


def test_lifetime_cumulative_indicator_cannot_declare_a_sum_over_time() -> None:
    with pytest.raises(ValidationError, match="counts the same results again"):
        indicator(cumulative="lifetime", time_rule="sum")


def test_programme_percentage_is_pooled_not_the_mean_of_percentages() -> None:
    # k verified applying among n followed up, per institution (test data)
    follow_up = pd.DataFrame({"unit": ["A", "B", "C"], "k": [9, 10, 1], "n": [10, 40, 2]})
    actuals = [
        Actual(period=2017, numerator=r.k, denominator=r.n, location=r.unit)
        for r in follow_up.itertuples()
    ]
    total = combine(PERCENT, actuals)
    pooled = follow_up.k.sum() / follow_up.n.sum() * 100
    mean_of_percentages = (follow_up.k / follow_up.n * 100).mean()
    assert total.value == pytest.approx(pooled)  # 20 / 52
    assert total.numerator == 20
    assert total.denominator == 52
    assert abs(total.value - mean_of_percentages) > 15  # the bug: 55 % instead of 38.5 %


def test_percentage_reported_without_numerator_and_denominator_is_not_averaged() -> None:
    actuals = [
        Actual(period=2017, value=90.0, location="A"),
        Actual(period=2017, value=25.0, location="B"),
    ]
    with pytest.raises(ValidationError, match="averaging percentages is the known bug"):
        combine(PERCENT, actuals)
    # one value alone is its own aggregate
    assert combine(PERCENT, actuals[:1]).value == 90.0


@pytest.mark.parametrize(
    ("ind", "expected"),
    [
        (FLOW, 100 + 120 + 150),  # flow: the sum of the period targets
        (indicator(time_rule="last"), 150),  # stock: the last target
        (LIFETIME, 150),
    ],
)
def test_period_targets_follow_the_same_rule_as_actuals(ind: Indicator, expected: float) -> None:
    plan = {2017: 100.0, 2018: 120.0, 2019: 150.0}
    targets = year_values(plan, Target)
    actuals = year_values(plan, Actual)
    assert combine(ind, targets).value == expected
    assert combine(ind, targets).value == combine(ind, actuals).value


def test_pooled_percentage_targets_pool_like_actuals() -> None:
    targets = [
        Target(period=2017, numerator=8, denominator=10, location="A"),
        Target(period=2017, numerator=30, denominator=40, location="B"),
    ]
    assert combine(PERCENT, targets).value == pytest.approx(38 / 50 * 100)


def test_milestone_and_final_target_over_an_enclosing_period_are_not_summed() -> None:
    targets = [
        Target(period=2017, value=100.0, milestone=True),
        Target(period=(dt.date(2017, 1, 1), dt.date(2019, 12, 31)), value=370.0),
    ]
    with pytest.raises(ValidationError, match="overlaps"):
        combine(FLOW, targets)
    # for a stock, the last target is the final one
    assert combine(indicator(time_rule="last"), targets).value == 370.0


def test_zero_pooled_denominator_gives_nan_never_zero() -> None:
    actuals = [
        Actual(period=2017, numerator=0, denominator=0, location="A"),
        Actual(period=2017, numerator=0, denominator=0, location="B"),
    ]
    total = combine(PERCENT, actuals)
    assert math.isnan(total.value)
    assert total.denominator == 0


def test_two_sources_for_one_figure_are_not_added() -> None:
    # 2017 laboratories: in-year figure (seed) and police year-end balance (309), both from
    # reference/estimation-sources.md.
    actuals = [
        Actual(period=2017, value=324, source="FIIAPP blog, 1 Feb 2018"),
        Actual(period=2017, value=309, source="PNP-DIRANDRO 2017 year-end balance"),
    ]
    with pytest.raises(ValidationError, match=r"values\[1\].*second value for period 2017"):
        combine(FLOW, actuals)


def test_headline_and_breakdown_are_not_added() -> None:
    with_breakdown = indicator(dimensions=["agency"])
    actuals = [
        Actual(period=2017, value=10),
        Actual(period=2017, value=4, dimensions={"agency": "DIRANDRO"}),
        Actual(period=2017, value=6, dimensions={"agency": "SUNAT"}),
    ]
    with pytest.raises(ValidationError, match="counts the same results twice"):
        combine(with_breakdown, actuals)
    assert combine(with_breakdown, actuals[1:]).value == 10


# ------------------------------------------------------------------ rules over time


def test_yearly_cumulative_resets_at_the_year_boundary() -> None:
    # running totals within each year (test data): 2016 ends at 12, 2017 at 9
    reports = [(2016, 6, 5.0), (2016, 12, 12.0), (2017, 3, 4.0), (2017, 9, 9.0)]
    actuals = [Actual(period=(dt.date(y, 1, 1), dt.date(y, m, 28)), value=v) for y, m, v in reports]
    assert combine(YEARLY, actuals).value == 12 + 9
    assert combine(indicator(cumulative="yearly", time_rule="last"), actuals).value == 9
    assert combine(indicator(cumulative="yearly", time_rule="max"), actuals).value == 12
    assert combine(indicator(cumulative="yearly", time_rule="mean"), actuals).value == 10.5


def test_yearly_cumulative_refuses_a_period_across_a_year_end() -> None:
    actuals = [Actual(period=(dt.date(2016, 7, 1), dt.date(2017, 6, 30)), value=3.0)]
    with pytest.raises(ValidationError, match="crosses a year end"):
        combine(YEARLY, actuals)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("sum", 35_868 + 30_151), ("last", 30_151), ("max", 35_868), ("min", 30_151)],
)
def test_time_rules_on_the_peru_eradication_series(rule: str, expected: float) -> None:
    assert combine(indicator(time_rule=rule), year_values(ERADICATED_HA)).value == expected


def test_mean_over_time() -> None:
    total = combine(indicator(time_rule="mean"), year_values(ERADICATED_HA))
    assert total.value == pytest.approx((35_868 + 30_151) / 2)


def test_last_takes_the_latest_end_whatever_the_order_given() -> None:
    actuals = year_values({2017: 3.0, 2015: 1.0, 2016: 2.0})
    assert combine(indicator(time_rule="last"), actuals).value == 3.0


def test_last_refuses_two_values_ending_on_the_same_day() -> None:
    actuals = [
        Actual(period=2017, value=3.0),
        Actual(period=ReportingPeriod.quarter(2017, 4), value=1.0),
    ]
    with pytest.raises(ValidationError, match="ambiguous"):
        combine(indicator(time_rule="last"), actuals)


def test_percentage_over_time_pools_numerators_and_denominators() -> None:
    actuals = [
        Actual(period=ReportingPeriod.quarter(2017, q), numerator=k, denominator=n)
        for q, k, n in [(1, 1, 4), (2, 9, 12)]
    ]
    assert combine(PERCENT, actuals).value == pytest.approx(10 / 16 * 100)
    last = indicator(measure="percentage", unit=None, unit_rule="pooled_ratio", time_rule="last")
    assert combine(last, actuals).value == pytest.approx(9 / 12 * 100)


def test_rate_over_units_pools_counts_and_populations() -> None:
    # illustrative counts and populations, not published figures
    actuals = [
        Actual(period=2017, numerator=30, denominator=1_000_000, location="A"),
        Actual(period=2017, numerator=10, denominator=3_000_000, location="B"),
    ]
    total = combine(RATE, actuals)
    assert total.value == pytest.approx(40 / 4_000_000 * 100_000)
    assert total.unit == "per 100,000"


# ------------------------------------------------------------------ rules across units


def test_unit_rule_none_refuses_several_units_and_accepts_one() -> None:
    ordinal = indicator(measure="ordinal", time_rule="max", unit_rule="none")
    actuals = [
        Actual(period=2017, value=3.0, location="A"),
        Actual(period=2017, value=2.0, location="B"),
    ]
    with pytest.raises(ValidationError, match="declares no rule across units"):
        combine(ordinal, actuals)
    assert combine(ordinal, [*actuals[:1], Actual(period=2018, value=4.0, location="A")]).value == 4


def test_stock_per_unit_is_last_of_each_unit_then_summed() -> None:
    stock = indicator(time_rule="last")
    actuals = [
        Actual(period=2016, value=5.0, location="A"),
        Actual(period=2017, value=7.0, location="A"),
        Actual(period=2016, value=2.0, location="B"),  # B did not report in 2017
    ]
    with pytest.warns(MixedPeriodsWarning, match="end on different dates"):
        total = combine(stock, actuals, mixed_periods="warn")
    assert total.value == 7 + 2
    assert total.n_units == 2
    assert total.n_values == 3
    assert total.period == ReportingPeriod(start=dt.date(2016, 1, 1), end=dt.date(2017, 12, 31))


def test_aggregate_over_time_takes_one_unit() -> None:
    actuals = [Actual(period=2017, value=1.0, location=loc) for loc in ("A", "B")]
    with pytest.raises(ValidationError, match="takes one unit"):
        aggregate_over_time(FLOW, actuals)
    assert aggregate_over_time(FLOW, year_values(ERADICATED_HA)).value == 66_019


def test_aggregate_across_units_takes_one_period() -> None:
    with pytest.raises(ValidationError, match="takes one period"):
        aggregate_across_units(FLOW, year_values(ERADICATED_HA))
    actuals = [Actual(period=2017, value=v, location=loc) for loc, v in (("A", 1.0), ("B", 2.0))]
    assert aggregate_across_units(FLOW, actuals).value == 3.0


# ------------------------------------------------------------------ refusals


def test_qualitative_indicators_are_never_aggregated() -> None:
    qualitative = indicator(measure="qualitative", unit=None, time_rule=None, unit_rule=None)
    with pytest.raises(ValidationError, match="never aggregated"):
        combine(qualitative, [Actual(period=2017, narrative="First IT system (SIIETID)")])


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ([], "is empty"),
        (Actual(period=2017, value=1.0), "must be a sequence"),
        (3.0, "must be a sequence"),
        ([Actual(period=2017, value=1.0), Target(period=2018, value=1.0)], "mixes actuals"),
        ([Actual(period=2017, value=1.0, unit="km2")], "units are never mixed"),
        ([Actual(period=2017, narrative="many")], "needs a number"),
    ],
)
def test_bad_values_raise(values: Any, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        combine(FLOW, values)


def test_indicator_must_be_an_indicator() -> None:
    with pytest.raises(TypeError, match="must be an Indicator"):
        combine("X-1", [Actual(period=2017, value=1.0)])  # type: ignore[arg-type]


def test_aggregate_str_shows_value_and_unit() -> None:
    assert str(combine(FLOW, year_values(ERADICATED_HA))) == "66,019 ha"


# ------------------------------------------------------------------ properties

counts = st.integers(min_value=0, max_value=10_000)
ratio_pairs = st.tuples(counts, counts).map(lambda kn: (min(kn), max(kn)))


@given(
    atoms=st.lists(ratio_pairs, min_size=1, max_size=30),
    first=st.lists(st.integers(0, 5), min_size=30, max_size=30),
    second=st.lists(st.integers(0, 5), min_size=30, max_size=30),
)
def test_pooled_ratios_are_invariant_to_how_units_are_partitioned(
    atoms: list[tuple[int, int]], first: list[int], second: list[int]
) -> None:
    def by_units(assignment: list[int]) -> float:
        units: dict[int, list[int]] = {}
        for (k, n), unit in zip(atoms, assignment, strict=False):
            units.setdefault(unit, [0, 0])
            units[unit][0] += k
            units[unit][1] += n
        actuals = [
            Actual(period=2017, numerator=k, denominator=n, location=f"u{u}")
            for u, (k, n) in units.items()
        ]
        return combine(PERCENT, actuals).value

    a, b = by_units(first), by_units(second)
    total_n = sum(n for _, n in atoms)
    if total_n == 0:
        assert math.isnan(a)
        assert math.isnan(b)
    else:
        exact = float(Fraction(sum(k for k, _ in atoms), total_n) * 100)
        assert a == pytest.approx(exact, rel=1e-12)
        assert b == pytest.approx(exact, rel=1e-12)


@given(
    units=st.lists(ratio_pairs, min_size=1, max_size=20),
    groups=st.lists(st.integers(0, 3), min_size=20, max_size=20),
)
def test_pooling_group_aggregates_equals_pooling_all_units(
    units: list[tuple[int, int]], groups: list[int]
) -> None:
    actuals = [
        Actual(period=2017, numerator=k, denominator=n, location=f"u{i}")
        for i, (k, n) in enumerate(units)
    ]
    overall = combine(PERCENT, actuals)
    by_group: dict[int, list[Actual]] = {}
    for actual, group in zip(actuals, groups, strict=False):
        by_group.setdefault(group, []).append(actual)
    parts = [combine(PERCENT, members) for members in by_group.values()]
    merged = [
        Actual(period=2017, numerator=p.numerator, denominator=p.denominator, location=f"g{i}")
        for i, p in enumerate(parts)
    ]
    again = combine(PERCENT, merged)
    assert again.numerator == overall.numerator
    assert again.denominator == overall.denominator
    assert (math.isnan(again.value) and math.isnan(overall.value)) or again.value == overall.value


cells = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D"]),
        st.integers(2014, 2018),
        st.integers(1, 4),
        st.integers(0, 10**6),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda cell: cell[:3],
)


@given(cells=cells)
def test_sum_rule_totals_are_conserved_under_any_grouping(
    cells: list[tuple[str, int, int, int]],
) -> None:
    actuals = [
        Actual(period=ReportingPeriod.quarter(year, q), value=v, location=loc)
        for loc, year, q, v in cells
    ]
    grand = combine(FLOW, actuals).value
    frame = pd.DataFrame(cells, columns=["location", "year", "quarter", "value"])
    assert grand == frame.value.sum()
    for key in ("location", "year", "quarter"):
        groups = frame.groupby(key).groups
        partial = [combine(FLOW, [actuals[i] for i in rows]).value for rows in groups.values()]
        assert math.fsum(partial) == grand


@given(cells=cells, rule=st.sampled_from(["sum", "last", "max", "min", "mean"]))
def test_targets_aggregate_exactly_like_actuals_with_the_same_figures(
    cells: list[tuple[str, int, int, int]], rule: str
) -> None:
    ind = indicator(time_rule=rule)
    actuals = [
        Actual(period=ReportingPeriod.quarter(y, q), value=v, location=loc)
        for loc, y, q, v in cells
    ]
    targets = [Target(period=a.period, value=a.value, location=a.location) for a in actuals]
    assert _outcome(ind, targets) == _outcome(ind, actuals)


def _outcome(ind: Indicator, values: list[Any]) -> object:
    """The aggregate, or the message of its refusal (stocks of different dates)."""
    try:
        return combine(ind, values)
    except ValidationError as error:
        return str(error)


@given(
    increments=st.dictionaries(
        st.tuples(st.integers(2015, 2018), st.integers(1, 12)),
        st.integers(0, 5_000),
        min_size=1,
    )
)
def test_yearly_cumulative_total_equals_the_sum_of_the_increments(
    increments: dict[tuple[int, int], int],
) -> None:
    running: dict[int, int] = {}
    actuals = []
    for year, month in sorted(increments):
        running[year] = running.get(year, 0) + increments[(year, month)]
        actuals.append(Actual(period=ReportingPeriod.month(year, month), value=running[year]))
    flows = [
        Actual(period=ReportingPeriod.month(y, m), value=v) for (y, m), v in increments.items()
    ]
    assert combine(YEARLY, actuals).value == sum(increments.values())
    assert combine(FLOW, flows).value == sum(increments.values())


def test_stocks_of_units_ending_on_different_dates_are_never_summed_silently() -> None:
    stock = indicator(time_rule="last")
    q3 = ReportingPeriod(start=dt.date(2017, 7, 1), end=dt.date(2017, 9, 30))
    q4 = ReportingPeriod(start=dt.date(2017, 10, 1), end=dt.date(2017, 12, 31))
    actuals = [
        Actual(period=q3, value=5.0, location="A"),
        Actual(period=q4, value=7.0, location="A"),
        Actual(period=q3, value=2.0, location="B"),  # B's last value is Q3
    ]
    with pytest.raises(ValidationError, match=r"location='A': 2017-12-31; location='B': 2017-09"):
        combine(stock, actuals)
    same = [*actuals, Actual(period=q4, value=3.0, location="B")]
    assert combine(stock, same).value == 7 + 3
    with pytest.raises(UnknownNameError, match="mixed_periods"):
        combine(stock, same, mixed_periods="ignore")


def test_yearly_cumulative_units_must_end_each_year_on_the_same_date() -> None:
    running = indicator(time_rule="sum", cumulative="yearly")
    h1 = ReportingPeriod(start=dt.date(2017, 1, 1), end=dt.date(2017, 6, 30))
    year = ReportingPeriod(start=dt.date(2017, 1, 1), end=dt.date(2017, 12, 31))
    actuals = [
        Actual(period=year, value=10.0, location="A"),
        Actual(period=h1, value=4.0, location="B"),
    ]
    with pytest.raises(ValidationError, match="end on different dates"):
        combine(running, actuals)
