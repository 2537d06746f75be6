"""One dataframe builder for results (narcometrics._frame, through narwhals)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from narcometrics import checks
from narcometrics._frame import BACKENDS, frame
from narcometrics.datasets import national_series, peru_2017_example
from narcometrics.errors import UnknownNameError

COLUMNS: dict[str, list[Any]] = {"check": ["a", "b"], "row": [3, 1], "value": ["x", None]}


def _absent(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _rows(native: Any) -> list[dict[str, Any]]:
    """Rows as dicts, an absent value (None, or NaN where pandas holds text) as None."""
    import narwhals as nw

    rows = nw.from_native(native, eager_only=True).rows(named=True)
    return [{k: None if _absent(v) else v for k, v in row.items()} for row in rows]


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_backend_holds_the_same_columns_in_order_with_absent_values_kept(
    backend: str,
) -> None:
    rows = _rows(frame(COLUMNS, backend))
    assert [list(r) for r in rows] == [list(COLUMNS)] * 2
    assert rows[0] == {"check": "a", "row": 3, "value": "x"}
    assert rows[1]["value"] is None  # absent stays absent, never "" nor "None"


def test_an_unknown_backend_is_an_unknown_name_and_a_non_str_a_type_error() -> None:
    with pytest.raises(UnknownNameError, match="pandas, polars, pyarrow"):
        frame(COLUMNS, "excel")
    with pytest.raises(TypeError, match="backend must be a str"):
        frame(COLUMNS, 3)


@pytest.mark.parametrize("backend", BACKENDS)
def test_results_outside_the_tables_give_the_same_rows_in_every_backend(backend: str) -> None:
    series = national_series("PER")
    assert _rows(series.to_frame(backend)) == _rows(series.to_frame("pandas"))
    report = checks.future_dates(peru_2017_example().seizures, today=dt.date(2017, 6, 30))
    assert report.findings  # the example's seizures after 30 June 2017 are "in the future"
    assert _rows(report.to_frame(backend)) == _rows(report.to_frame("pandas"))


def test_a_national_series_refuses_an_unknown_backend_with_the_valid_names() -> None:
    with pytest.raises(UnknownNameError, match="backend"):
        national_series("PER").to_frame("excel")  # type: ignore[arg-type]
