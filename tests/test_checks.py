"""Plausibility checks: every finding names its rows, and nothing is ever changed."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import (
    Eradication,
    EradicationTable,
    Operation,
    OperationTable,
    Seizure,
    SeizureTable,
    ValidationError,
    checks,
)
from narcometrics.testing.strategies import eradications

TODAY = dt.date(2024, 6, 30)


def _allowing_duplicates(cls: Any, records: list[Any]) -> Any:
    try:
        return cls.from_records(records, duplicates="allow")
    except TypeError:  # tables that do not refuse repeated ids take no option
        return cls.from_records(records)


def _seizure(day: dt.date, mass: float, substance: str = "cocaine_hcl", **kw: Any) -> Seizure:
    return Seizure(date=day, country="PER", substance=substance, mass_kg=mass, **kw)


def test_future_dates_are_found_with_their_rows() -> None:
    table = SeizureTable.from_records(
        [
            _seizure(dt.date(2024, 6, 30), 1.0),
            _seizure(dt.date(2024, 7, 1), 2.0),
            _seizure(dt.date(2031, 1, 1), 3.0),
            _seizure(dt.date(2024, 7, 1), 4.0),
        ]
    )
    report = checks.future_dates(table, today=TODAY)
    assert [(f.rows, f.value) for f in report.findings] == [
        ((1, 3), dt.date(2024, 7, 1)),
        ((2,), dt.date(2031, 1, 1)),
    ]
    assert report.rows == (1, 2, 3)
    assert not report.ok
    assert checks.future_dates(table, today=dt.date(2031, 1, 1)).ok
    with pytest.raises(TypeError):
        checks.future_dates(table, today=dt.datetime(2024, 1, 1))  # type: ignore[arg-type]


def test_a_seizure_over_the_threshold_is_found_and_thresholds_are_never_assumed() -> None:
    table = SeizureTable.from_records(
        [
            _seizure(TODAY, 999.0),
            _seizure(TODAY, 80_000.0),
            _seizure(TODAY, 60_000.0, substance="coca_leaf"),
            _seizure(TODAY, 5.0, substance="heroin"),
        ]
    )
    assert checks.large_seizures(table, 1000.0).rows == (1, 2)
    per_substance = checks.large_seizures(table, {"cocaine_hcl": 1000.0, "coca_leaf": 100_000})
    assert per_substance.rows == (1,)
    assert per_substance.not_checked == ("large_seizure: no threshold for heroin",)
    with pytest.raises(ValidationError):
        checks.large_seizures(table, -1.0)
    with pytest.raises(ValidationError):
        checks.large_seizures(table, {"crack": float("nan")})
    report = checks.run(table, today=TODAY)
    assert "large_seizure: no threshold_kg given" in report.not_checked


def test_an_eradication_larger_than_the_countrys_coca_area_is_found() -> None:
    # Peru's net coca area in 2017: 49,900 ha (UNODC press release 2018, bundled series).
    table = EradicationTable.from_records(
        [
            Eradication(date=dt.date(2017, 3, 1), country="PER", area_ha=49_900.0, method="manual"),
            Eradication(date=dt.date(2017, 3, 2), country="PER", area_ha=49_901.0, method="manual"),
            Eradication(date=dt.date(1995, 1, 1), country="PER", area_ha=1e9, method="manual"),
            Eradication(date=dt.date(2017, 5, 1), country="ECU", area_ha=10.0, method="manual"),
        ]
    )
    report = checks.eradication_over_coca_area(table)
    assert report.rows == (1,)
    assert "more than the net coca area of PER in 2017 (49900 ha)" in report.findings[0].message
    # Years and countries without a published area are listed, never passed silently.
    assert any("PER 1995" in n for n in report.not_checked)
    assert any("ECU 2017" in n for n in report.not_checked)


def test_the_coca_area_comes_from_the_series_given() -> None:
    class Series:
        year = np.array([2020])
        net_area_ha = np.array([100.0])

    table = EradicationTable.from_records(
        [
            Eradication(date=dt.date(2020, 3, 1), country="BOL", area_ha=150.0, method="manual"),
            Eradication(date=dt.date(2020, 3, 1), country="BOL", area_ha=50.0, method="manual"),
        ]
    )
    assert checks.eradication_over_coca_area(table, series={"BOL": Series()}).rows == (0,)


def test_repeated_ids_are_found_and_rows_without_ids_never_compared() -> None:
    table = _allowing_duplicates(
        OperationTable,
        [
            Operation(date=TODAY, country="PER", id="OP-1"),
            Operation(date=TODAY, country="PER", id="OP-2"),
            Operation(date=TODAY, country="PER", id="OP-1"),
            Operation(date=TODAY, country="PER"),
            Operation(date=TODAY, country="PER"),
        ],
    )
    report = checks.duplicate_ids(table)
    assert [(f.rows, f.value) for f in report.findings] == [((0, 2), "OP-1")]


def test_run_applies_every_check_and_warns_only_when_asked() -> None:
    table = _allowing_duplicates(
        SeizureTable,
        [
            _seizure(dt.date(2030, 1, 1), 5.0, id="S-1"),
            _seizure(TODAY, 5000.0, id="S-1"),
        ],
    )
    report = checks.run(table, today=TODAY, threshold_kg=1000.0)
    assert report.checked == ("future_date", "duplicate_id", "large_seizure")
    assert [f.check for f in report.findings] == ["future_date", "duplicate_id", "large_seizure"]
    frame = report.to_frame("pandas")
    assert frame["row"].tolist() == [0, 0, 1, 1]
    with pytest.warns(checks.PlausibilityWarning) as caught:
        report.warn()
    assert len(caught) == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        checks.run(table, today=TODAY, threshold_kg=1000.0)  # returning findings never warns
    assert "3 finding(s)" in str(report)


def test_checks_refuse_the_wrong_table_type() -> None:
    with pytest.raises(TypeError):
        checks.large_seizures(EradicationTable.from_records([]), 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        checks.run([_seizure(TODAY, 1.0)])  # type: ignore[arg-type]


@given(st.lists(eradications(), max_size=20), st.dates())
def test_checks_never_change_the_table(records: list[Eradication], today: dt.date) -> None:
    table = EradicationTable.from_records(records, duplicates="allow")  # the check finds them
    before = table.to_columns()
    report = checks.run(table, today=today)
    after = table.to_columns()
    assert np.array_equal(before["area_ha"], after["area_ha"])
    assert np.array_equal(before["date"], after["date"])
    assert len(table) == len(records)
    assert all(0 <= r < len(records) for r in report.rows)
    expected_future = {i for i, r in enumerate(records) if r.date > today}
    future = {r for f in report.findings if f.check == "future_date" for r in f.rows}
    assert future == expected_future
