"""year_over_year, records and cumulative: on arrays and within each series of a Totals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import Seizure, SeizureTable, ValidationError
from narcometrics.aggregate import best_ever, cumulative, total, year_over_year
from narcometrics.datasets import national_series
from narcometrics.testing import strategies as nst

# Peru, coca eradicated [ha]: UNODC/DEVIDA Peru coca monitoring fact sheets 2005, 2015 and
# 2016; PNP-DIRANDRO 2017 year-end balance; Andina 2019 and 2024 (reference/peru-series.csv).
YEARS = [2004, 2005, 2015, 2016, 2017, 2019, 2024]
ERADICATED_HA = [10257.0, 12232.0, 35868.0, 30151.0, 22885.0, 25526.0, 26475.0]
# Peru, net coca area [ha] 2004-2017, same sources (reference/peru-series.csv).
AREA_YEARS = [2004, 2005, 2013, 2014, 2015, 2016, 2017]
NET_AREA_HA = [50300.0, 48200.0, 49800.0, 42900.0, 40300.0, 43900.0, 49900.0]


def test_year_over_year_follows_the_reference_formula_and_skips_missing_years() -> None:
    change = year_over_year(YEARS, ERADICATED_HA)

    def pct(new: float, old: float) -> float:  # (x_t - x_{t-1}) / |x_{t-1}| * 100
        return (new - old) / abs(old) * 100

    expected = [
        np.nan,
        pct(12232, 10257),
        np.nan,  # 2014 not published: not zero, so no change
        pct(30151, 35868),
        pct(22885, 30151),
        np.nan,  # 2018 not published
        np.nan,
    ]
    np.testing.assert_allclose(change, expected, rtol=1e-12)
    assert change[1] == pytest.approx(19.255143, abs=1e-6)


def test_year_over_year_is_aligned_with_unsorted_input() -> None:
    shuffled = [4, 0, 3, 1, 2]
    years = [YEARS[i] for i in shuffled]
    values = [ERADICATED_HA[i] for i in shuffled]
    np.testing.assert_allclose(
        year_over_year(years, values), year_over_year(YEARS, ERADICATED_HA)[shuffled]
    )


def test_year_over_year_is_undefined_after_zero_and_uses_the_absolute_previous_value() -> None:
    change = year_over_year([2000, 2001, 2002, 2003], [0.0, 4.0, -8.0, -6.0])
    np.testing.assert_allclose(change, [np.nan, np.nan, -300.0, 25.0])


def test_year_over_year_in_percentage_points_for_percentages() -> None:
    change = year_over_year([2016, 2017, 2018], [40.0, 45.5, np.nan], percentage_points=True)
    np.testing.assert_allclose(change, [np.nan, 5.5, np.nan])


def test_records_show_2015_eradication_as_a_record_and_2017_not() -> None:
    best = best_ever(YEARS, ERADICATED_HA)
    assert best.is_record.tolist() == [False, False, True, False, False, False, False]
    assert best.label.tolist() == [None, None, "highest since 2004", None, None, None, None]
    assert best_ever(YEARS, ERADICATED_HA, min_history=1).is_record.tolist()[:3] == [
        False,
        True,
        True,
    ]


def test_records_in_the_bundled_peru_series_skip_unpublished_years() -> None:
    series = national_series("PER")
    best = best_ever(series.year, series.eradicated_ha)
    # 2001, 2006-2008, 2010, 2018, 2021 and 2023 have no published eradication figure.
    assert series.year[best.is_record].tolist() == [2005, 2012, 2013, 2014, 2015]
    assert set(best.label[best.is_record]) == {"highest since 2002"}
    assert not best.is_record[series.year == 2017][0]


def test_records_respect_the_direction_of_improvement() -> None:
    best = best_ever(AREA_YEARS, NET_AREA_HA, ascending=False)
    assert [y for y, r in zip(AREA_YEARS, best.is_record, strict=True) if r] == [2014, 2015]
    assert set(best.label[best.is_record]) == {"lowest since 2004"}


def test_a_tie_with_the_best_so_far_is_not_a_record() -> None:
    assert best_ever([1, 2, 3], [5.0, 7.0, 7.0], min_history=1).is_record.tolist() == [
        False,
        True,
        False,
    ]


def test_cumulative_sums_in_year_order_and_propagates_unknowns() -> None:
    np.testing.assert_allclose(
        cumulative([2016, 2015, 2017], [30151.0, 35868.0, 22885.0]),
        [35868.0 + 30151.0, 35868.0, 35868.0 + 30151.0 + 22885.0],
    )
    np.testing.assert_allclose(
        cumulative([2013, 2014, 2015], [1.0, np.nan, 2.0]), [1.0, np.nan, np.nan]
    )


def seizures_by_region_and_year(pairs: list[tuple[str, int, float]]) -> Any:
    table = SeizureTable.from_records(
        [
            Seizure(date=dt.date(y, 6, 1), country="PER", substance="crack", mass_kg=m, region=r)
            for r, y, m in pairs
        ]
    )
    return total(table, "mass_kg", by=("region", "year"))


region_year_mass = st.lists(
    st.tuples(
        st.sampled_from(["Cusco", "Puno"]),
        st.integers(2010, 2016),
        st.sampled_from([0.5, 1.0, 2.0, 4.0]),
    ),
    max_size=25,
)


@given(region_year_mass, st.booleans(), st.integers(1, 3))
def test_series_functions_on_totals_work_within_each_series(
    pairs: list[tuple[str, int, float]], ascending: bool, min_history: int
) -> None:
    totals = seizures_by_region_and_year(pairs)
    yoy = year_over_year(totals)
    best = best_ever(totals, ascending=ascending, min_history=min_history)
    running = cumulative(totals)
    regions = totals.labels["region"]
    for region in set(regions.tolist()):
        rows = regions == region
        years, values = totals.labels["year"][rows], totals.values[rows]
        np.testing.assert_allclose(yoy[rows], year_over_year(years, values))
        alone = best_ever(years, values, ascending=ascending, min_history=min_history)
        assert best.is_record[rows].tolist() == alone.is_record.tolist()
        assert best.label[rows].tolist() == alone.label.tolist()
        np.testing.assert_allclose(running[rows], cumulative(years, values))


@given(st.lists(nst.dates(min_date=dt.date(2015, 1, 1), max_date=dt.date(2017, 12, 31))))
def test_year_to_date_restarts_every_year(dates: list[dt.date]) -> None:
    table = SeizureTable.from_records(
        [Seizure(date=d, country="PER", substance="crack", mass_kg=1.0) for d in dates]
    )
    totals = total(table, "count", by=("year", "month"))
    ytd = cumulative(totals, year_to_date=True)
    for (year, month), value in zip(totals.keys(), ytd, strict=True):
        assert value == sum(1 for d in dates if d.year == year and d.month <= month)
    overall = cumulative(totals)
    for (year, month), value in zip(totals.keys(), overall, strict=True):
        assert value == sum(1 for d in dates if (d.year, d.month) <= (year, month))


def test_series_functions_give_empty_results_for_empty_totals() -> None:
    empty = total(SeizureTable.from_records([]), "mass_kg", by="year")
    assert len(year_over_year(empty)) == len(best_ever(empty)) == len(cumulative(empty)) == 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: year_over_year([2015, 2015], [1.0, 2.0]), "must not repeat a year"),
        (lambda: year_over_year([2015.0, 2016.0], [1.0, 2.0]), "integer years"),
        (lambda: year_over_year([2015, 2016], [1.0]), "has 1 values for 2 years"),
        (lambda: year_over_year([2015, 2016], ["1", "2"]), "real numbers"),
        (lambda: best_ever([2015, 2016], [1.0, np.inf]), "must be finite"),
        (lambda: best_ever([2015], [1.0], min_history=0), "min_history: must be >= 1"),
        (lambda: best_ever([2015], [1.0], min_history=True), "integer count, not bool"),
        (
            lambda: year_over_year(total(SeizureTable.from_records([]), "count", by="region")),
            "needs totals grouped by 'year'",
        ),
        (
            lambda: cumulative(total(SeizureTable.from_records([]), "count", by="region")),
            "needs totals grouped by a calendar field",
        ),
    ],
    ids=[
        "repeat",
        "float-years",
        "lengths",
        "strings",
        "inf",
        "history-0",
        "bool",
        "no-year",
        "no-time",
    ],
)
def test_bad_series_input_raises_validation_error(call: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        call()


def test_years_without_values_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="both years and values"):
        year_over_year([2015, 2016])  # type: ignore[call-overload]
