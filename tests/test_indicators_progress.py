"""Progress from baseline to target, on-track status and year-over-year change."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from narcometrics import ValidationError
from narcometrics.indicators import (
    Indicator,
    ProgressStatus,
    change_over_time,
    expected_progress,
    progress,
    progress_ratio,
)


def indicator(measure: str, **changes: Any) -> Indicator:
    base: dict[str, Any] = {
        "code": "X-1",
        "title": "Test indicator",
        "level": "outcome",
        "measure": measure,
        "unit": None if measure == "percentage" else "u",
        "ascending": True,
        "time_rule": "last",
        "unit_rule": "pooled_ratio" if measure in ("percentage", "rate") else "sum",
        "per": 100_000 if measure == "rate" else None,
    }
    return Indicator(**{**base, **changes})


# ------------------------------------------------------------------ progress ratio


def test_progress_is_the_share_of_the_way_from_baseline_to_target() -> None:
    # hand computation: (75 - 50) / (100 - 50)
    assert progress_ratio(75.0, 50.0, 100.0, ascending=True) == 0.5
    assert progress_ratio(50.0, 50.0, 100.0, ascending=True) == 0.0
    assert progress_ratio(100.0, 50.0, 100.0, ascending=True) == 1.0
    assert progress_ratio(40.0, 50.0, 100.0, ascending=True) == -0.2


def test_a_reduction_is_progress_for_a_descending_indicator() -> None:
    # homicide rate from 10 towards 6 (illustrative values): 8 is half-way
    assert progress_ratio(8.0, 10.0, 6.0, ascending=False) == 0.5
    assert progress_ratio(12.0, 10.0, 6.0, ascending=False) == -0.5


def test_target_equal_to_baseline_gives_nan_never_zero() -> None:
    assert math.isnan(progress_ratio(5.0, 5.0, 5.0, ascending=True))


def test_progress_ratio_is_vectorised_and_broadcasts() -> None:
    out = progress_ratio(
        [50.0, 75.0, 100.0, np.nan], 50.0, [100.0, 100.0, 100.0, 60.0], ascending=True
    )
    assert isinstance(out, np.ndarray)
    assert_allclose(out, [0.0, 0.5, 1.0, np.nan])
    assert isinstance(progress_ratio(1.0, 0.0, 2.0, ascending=True), float)


def test_target_on_the_wrong_side_of_the_baseline_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"target: must be >= the baseline \(30151\)"):
        progress_ratio(22_165.0, 30_151.0, 25_000.0, ascending=True)
    with pytest.raises(ValidationError, match=r"target\[1\]: must be <= the baseline"):
        progress_ratio([1.0, 1.0], [10.0, 10.0], [6.0, 12.0], ascending=False)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"actual": np.inf}, "actual"),
        ({"baseline": np.nan}, "baseline"),
        ({"target": "100"}, "target"),
        ({"target": [1.0, np.inf]}, r"target\[1\]"),
        ({"ascending": 1}, "ascending"),
        ({"actual": [1.0, 2.0, 3.0], "target": [4.0, 5.0]}, "broadcast"),
    ],
)
def test_progress_ratio_bad_inputs_raise(kwargs: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"actual": 1.0, "baseline": 0.0, "target": 2.0, "ascending": True}
    with pytest.raises(ValidationError, match=field):
        progress_ratio(**{**arguments, **kwargs})


finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(baseline=finite, step=st.floats(1e-3, 1e6), fraction=st.floats(-2, 2))
def test_progress_is_the_same_for_mirrored_descending_indicators(
    baseline: float, step: float, fraction: float
) -> None:
    up = progress_ratio(baseline + fraction * step, baseline, baseline + step, ascending=True)
    down = progress_ratio(
        -(baseline + fraction * step), -baseline, -(baseline + step), ascending=False
    )
    assert up == pytest.approx(down, rel=1e-9, abs=1e-9)
    assert up == pytest.approx(fraction, rel=1e-6, abs=1e-6)


# ------------------------------------------------------------------ status


@pytest.mark.parametrize(
    ("actual", "band", "expected", "status"),
    [
        (100.0, 0.1, None, ProgressStatus.ACHIEVED),
        (120.0, 0.1, None, ProgressStatus.ACHIEVED),
        (95.0, 0.1, None, ProgressStatus.ON_TRACK),  # p = 0.9 >= 1 - 0.1
        (94.0, 0.1, None, ProgressStatus.OFF_TRACK),  # p = 0.88
        (70.0, 0.1, 0.5, ProgressStatus.ON_TRACK),  # p = 0.4 >= 0.5 - 0.1
        (69.0, 0.1, 0.5, ProgressStatus.OFF_TRACK),
        (45.0, 0.0, 0.0, ProgressStatus.OFF_TRACK),  # moved away from the target
        (math.nan, 0.1, None, ProgressStatus.UNDEFINED),
    ],
)
def test_status_within_a_band_of_the_expected_progress(
    actual: float, band: float, expected: float | None, status: ProgressStatus
) -> None:
    result = progress(actual, 50.0, 100.0, ascending=True, band=band, expected=expected)
    assert result.status is status
    assert result.expected == (1.0 if expected is None else expected)
    assert result.band == band


def test_status_respects_a_descending_indicator() -> None:
    assert progress(5.0, 10.0, 6.0, ascending=False).status is ProgressStatus.ACHIEVED
    assert progress(7.0, 10.0, 6.0, ascending=False).status is ProgressStatus.OFF_TRACK
    assert progress(6.2, 10.0, 6.0, ascending=False).status is ProgressStatus.ON_TRACK


def test_target_equal_to_baseline_is_achieved_only_when_held() -> None:
    kept = progress(10.0, 10.0, 10.0, ascending=True)
    assert math.isnan(kept.progress)
    assert kept.status is ProgressStatus.ACHIEVED
    assert progress(9.0, 10.0, 10.0, ascending=True).status is ProgressStatus.OFF_TRACK
    assert progress(9.0, 10.0, 10.0, ascending=False).status is ProgressStatus.ACHIEVED


def test_progress_result_carries_its_inputs_and_the_change() -> None:
    result = progress(62.0, 50.0, 80.0, ascending=True)
    assert (result.actual, result.baseline, result.target) == (62.0, 50.0, 80.0)
    assert result.change == 12.0  # percentage points when the indicator is a percentage
    assert result.progress == pytest.approx(12 / 30)
    assert str(result) == "40% of the way from baseline to target (off_track)"
    assert str(progress(math.nan, 0.0, 1.0, ascending=True)) == "progress undefined (undefined)"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"band": -0.1}, "band"),
        ({"band": math.nan}, "band"),
        ({"expected": 1.5}, "expected"),
        ({"actual": math.inf}, "actual"),
        ({"baseline": [1.0]}, "baseline"),
        ({"target": 40.0}, "target"),
    ],
)
def test_progress_bad_inputs_raise(kwargs: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"actual": 60.0, "baseline": 50.0, "target": 100.0}
    with pytest.raises(ValidationError, match=field):
        progress(**{**arguments, **kwargs}, ascending=True)


def test_expected_progress_is_the_elapsed_share_of_days() -> None:
    start, end = dt.date(2017, 1, 1), dt.date(2019, 12, 31)
    assert expected_progress(start, start=start, end=end) == 0.0
    assert expected_progress(end, start=start, end=end) == 1.0
    at = dt.date(2018, 7, 1)
    assert expected_progress(at, start=start, end=end) == (at - start).days / (end - start).days


@pytest.mark.parametrize(
    ("at", "start", "end", "field"),
    [
        (dt.date(2016, 12, 31), dt.date(2017, 1, 1), dt.date(2017, 12, 31), "at"),
        (dt.date(2018, 1, 1), dt.date(2017, 1, 1), dt.date(2017, 12, 31), "at"),
        (dt.date(2017, 1, 1), dt.date(2017, 1, 1), dt.date(2017, 1, 1), "end"),
        ("2017-06-30", dt.date(2017, 1, 1), dt.date(2017, 12, 31), "at"),
    ],
)
def test_expected_progress_refuses_dates_out_of_order(
    at: Any, start: dt.date, end: dt.date, field: str
) -> None:
    with pytest.raises(ValidationError, match=field):
        expected_progress(at, start=start, end=end)


# ------------------------------------------------------------------ year over year


def test_year_over_year_of_a_percentage_is_in_percentage_points() -> None:
    change = change_over_time(indicator("percentage"), 60.0, 50.0)
    assert change.value == 10.0
    assert change.unit == "percentage points"
    assert str(change) == "+10 percentage points"


def test_year_over_year_of_a_count_is_relative_percent() -> None:
    # Peru eradication 2015 -> 2016 (reference/estimation-sources.md): hand formula
    change = change_over_time(indicator("unit"), 30_151, 35_868)
    assert change.value == pytest.approx((30_151 - 35_868) / 35_868 * 100)
    assert change.unit == "%"


def test_year_over_year_from_zero_is_undefined_and_vectorised() -> None:
    change = change_over_time(indicator("rate"), [5.0, 5.0, np.nan], [0.0, -5.0, 1.0])
    assert isinstance(change.value, np.ndarray)
    assert_array_equal(np.isnan(change.value), [True, False, True])
    assert change.value[1] == pytest.approx(200.0)  # (5 - -5) / |-5| * 100


@given(previous=st.floats(-1e6, 1e6), current=st.floats(-1e6, 1e6))
def test_relative_change_recovers_the_current_value(previous: float, current: float) -> None:
    assume(abs(previous) >= 1e-6)
    change = change_over_time(indicator("unit"), current, previous).value
    assert previous + change / 100 * abs(previous) == pytest.approx(current, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize(
    "ind",
    [
        indicator("ordinal", unit_rule="none"),
        Indicator(code="Q", title="q", level="outcome", measure="qualitative"),
    ],
)
def test_year_over_year_refuses_ordinal_and_qualitative(ind: Indicator) -> None:
    with pytest.raises(ValidationError, match="no year-over-year"):
        change_over_time(ind, 2.0, 1.0)


def test_year_over_year_refuses_infinite_values() -> None:
    with pytest.raises(ValidationError, match="current"):
        change_over_time(indicator("unit"), math.inf, 1.0)
