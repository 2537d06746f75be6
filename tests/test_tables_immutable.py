"""Tables are immutable: a table never changes when the arrays it was built from change, and
its columns cannot be written, whichever way it was built (arrays, series, files).

The pyarrow CSV engine hands its own date array to the table without the copy made of any
other (`Raw.owned`); these tests check that no caller's array is ever kept instead.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import Operation, Seizure, SeizureTable
from narcometrics.io import read_csv, write_csv

DAYS = st.lists(st.integers(0, 20_000), min_size=1, max_size=30)


def _columns(days: list[int], unit: str) -> dict[str, np.ndarray]:
    n = len(days)
    dates = (np.asarray(days, dtype=np.int64) * (86_400 if unit == "s" else 1)).astype(
        f"datetime64[{unit}]"
    )
    return {
        "date": dates,
        "country": np.array(["PER"] * n),
        "substance": np.array(["crack"] * n),
        "mass_kg": np.arange(1, n + 1, dtype=np.float64),
    }


@pytest.mark.parametrize("unit", ["D", "s"])
@given(days=DAYS)
def test_a_table_never_changes_when_the_arrays_it_was_built_from_change(
    unit: str, days: list[int]
) -> None:
    columns = _columns(days, unit)
    table = SeizureTable.from_columns(**columns)
    before = {name: np.array(table.column(name), copy=True) for name in ("date", "mass_kg")}
    columns["date"][:] = np.datetime64("1999-01-01", unit)
    columns["mass_kg"][:] = 999.0
    for name, values in before.items():
        assert np.array_equal(np.asarray(table.column(name)), values), name


@given(days=DAYS)
def test_a_table_from_a_series_never_changes_when_the_series_changes(days: list[int]) -> None:
    frame = pd.DataFrame(_columns(days, "D"))
    table = SeizureTable.from_frame(frame)
    dates = np.array(table.column("date"), copy=True)
    frame.loc[:, "date"] = np.datetime64("1999-01-01", "D")
    assert np.array_equal(np.asarray(table.column("date")), dates)


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_the_columns_of_a_table_read_from_a_file_cannot_be_written(
    tmp_path: Path, engine: str
) -> None:
    path = tmp_path / "seizures.csv"
    write_csv(
        path,
        [
            Seizure(date=d, country="PER", substance="crack", mass_kg=float(i + 1))
            for i, d in enumerate(pd.date_range("2017-01-01", periods=50).date)
        ],
    )
    table = read_csv(path, Seizure, engine=engine)  # type: ignore[arg-type]
    for name in ("date", "mass_kg"):
        column = np.asarray(table.column(name))
        assert not column.flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            column[0] = column[1]
    assert str(table.date[0]) == "2017-01-01"


def test_operation_dates_read_by_both_engines_are_equal_and_read_only(tmp_path: Path) -> None:
    path = tmp_path / "operations.csv"
    path.write_text(
        "date,country,arrests\n" + "".join(f"2017-02-{d:02d},PER,{d}\n" for d in range(1, 29)),
        encoding="utf-8",
    )
    tables = [read_csv(path, Operation, engine=e) for e in ("python", "pyarrow")]  # type: ignore[arg-type]
    assert np.array_equal(tables[0].date, tables[1].date)
    assert not any(np.asarray(t.date).flags.writeable for t in tables)
