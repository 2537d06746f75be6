"""Change over time: year-over-year change, best-ever records, cumulative sums.

Each function takes either a [`Totals`][narcometrics.aggregate.Totals] grouped by ``"year"``
(possibly with other fields: each combination of the other labels is its own series) or plain
``years`` and ``values`` arrays (one series). Results are aligned with the input: with a Totals, one
entry per group in the Totals' order; with arrays, one entry per input position.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, TypeAlias, overload

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from narcometrics import _checks as c
from narcometrics.aggregate._totals import Totals, group
from narcometrics.errors import ValidationError, WrongTypeError
from narcometrics.tables._base import PERIODS
from narcometrics.units import PERCENT

Floats: TypeAlias = NDArray[np.float64]


@attrs.frozen(eq=False)
class BestEver:
    """Which values are records (best ever so far in their series).

    Attributes
    ----------
    is_record : numpy.ndarray of bool
        True where the value is strictly better than every earlier value of its series
        and at least ``min_history`` earlier values exist.
    label : numpy.ndarray of object
        ``"highest since <first year>"`` (or ``"lowest since ..."``) where a record,
        else None.
    """

    is_record: NDArray[np.bool_]
    label: NDArray[np.object_]

    def __len__(self) -> int:
        return len(self.is_record)

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.best_ever(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.best_ever(self).html()


def _arrays(years: ArrayLike, values: ArrayLike | None) -> tuple[NDArray[np.int64], Floats]:
    if values is None:
        raise TypeError("pass a Totals, or both years and values")
    year_array = np.asarray(years)
    value_array = np.asarray(values)
    if year_array.size and year_array.dtype.kind not in "iu":
        raise WrongTypeError("years", "must be a 1-D array of integer years", years)
    if year_array.ndim != 1:
        raise ValidationError("years", "must be a 1-D array of integer years", years)
    if value_array.size and value_array.dtype.kind not in "iuf":
        raise WrongTypeError("values", "must be a 1-D array of real numbers", values)
    if value_array.ndim != 1:
        raise ValidationError("values", "must be a 1-D array of real numbers", values)
    if len(year_array) != len(value_array):
        raise ValidationError(
            "values", f"has {len(value_array)} values for {len(year_array)} years"
        )
    if len(np.unique(year_array)) != len(year_array):
        raise ValidationError("years", "must not repeat a year (one series)", years)
    if np.isinf(value_array.astype(np.float64)).any():
        raise ValidationError("values", "must be finite (NaN marks a missing year)", values)
    return year_array.astype(np.int64), value_array.astype(np.float64)


def _layout(
    totals: Totals, time_fields: tuple[str, ...], what: str
) -> tuple[NDArray[np.intp], NDArray[np.intp], list[NDArray[np.int64]]]:
    """Sorted order, series id per sorted group, and time labels per sorted group."""
    missing = [f for f in time_fields if f not in totals.by]
    if "year" in time_fields and missing:
        raise ValidationError("by", f"{what} needs totals grouped by 'year'", totals.by)
    present = [f for f in time_fields if f in totals.by]
    others = [f for f in totals.by if f not in present]
    if others:
        series, _ = group(
            [totals.codes(f) for f in others], [len(totals.levels(f)) for f in others]
        )
    else:
        series = np.zeros(len(totals), dtype=np.intp)
    times = [np.asarray(totals.labels[f], dtype=np.int64) for f in present]
    order = np.lexsort((*reversed(times), series))
    return order, series[order], [t[order] for t in times]


def _bounds(series: NDArray[np.intp]) -> list[int]:
    """Start of each run of equal series ids, then the end."""
    if not len(series):
        return [0]
    starts = np.flatnonzero(np.r_[True, series[1:] != series[:-1]])
    return [*starts.tolist(), len(series)]


def _unsort(order: NDArray[np.intp], sorted_values: NDArray[Any]) -> NDArray[Any]:
    out = np.empty_like(sorted_values)
    out[order] = sorted_values
    return out


def _change(
    values: Floats, years: NDArray[np.int64], series: NDArray[np.intp], points: bool
) -> Floats:
    """Change from the previous year of the same series (sorted input)."""
    change = np.full(len(values), np.nan)
    if len(values) < 2:
        return change
    has_previous = (series[1:] == series[:-1]) & (years[1:] == years[:-1] + 1)
    previous, current = values[:-1], values[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        if points:
            step = current - previous
        else:
            step = np.where(
                previous != 0, (current - previous) / np.abs(previous) * PERCENT, np.nan
            )
    change[1:] = np.where(has_previous, step, np.nan)
    return change


@overload
def year_over_year(data: Totals, *, percentage_points: bool = ...) -> Floats: ...
@overload
def year_over_year(
    data: ArrayLike, values: ArrayLike, *, percentage_points: bool = ...
) -> Floats: ...
def year_over_year(
    data: Totals | ArrayLike, values: ArrayLike | None = None, *, percentage_points: bool = False
) -> Floats:
    """Change from the previous year: percent, or percentage points.

    Parameters
    ----------
    data : Totals or array_like of int
        Totals grouped by ``"year"`` (other grouping fields define separate series;
        ``("year", "month")`` compares each month with the same month a year earlier),
        or the years of one series.
    values : array_like of float, optional
        With years: the value of each year; NaN marks a year without data.
    percentage_points : bool
        For indicators that are themselves percentages: report $x_t - x_{t-1}$.

    Returns
    -------
    numpy.ndarray of float64
        Aligned with ``data``: [%] (or [percentage points]); NaN where undefined: no
        value for the calendar year before (missing years are not zero), or a previous
        value of 0 (percent change only).

    Notes
    -----
    $$
    \\Delta_t = \\frac{x_t - x_{t-1}}{|x_{t-1}|} \\times 100
    $$

    References
    ----------
    Indicator semantics reference, "Change and records" (documentation page "Aggregation
    semantics of indicators").

    Examples
    --------
    >>> from narcometrics.aggregate import year_over_year
    >>> year_over_year([2004, 2005, 2015, 2016], [10257.0, 12232.0, 35868.0, 30151.0]).round(1)
    array([ nan, 19.3,  nan, -15.9])
    """
    if isinstance(data, Totals):
        order, series, (years,) = _layout(data, ("year",), "year_over_year")
        sorted_change = _change(data.values[order], years, series, percentage_points)
        return _unsort(order, sorted_change)
    years, numbers = _arrays(data, values)
    order = np.argsort(years)
    series = np.zeros(len(years), dtype=np.intp)
    return _unsort(order, _change(numbers[order], years[order], series, percentage_points))


def _best(
    values: Floats,
    years: NDArray[np.int64],
    series: NDArray[np.intp],
    ascending: bool,
    min_history: int,
) -> BestEver:
    """Records within each series (sorted input; NaN values never count)."""
    is_record = np.zeros(len(values), dtype=np.bool_)
    label = np.full(len(values), None, dtype=object)
    word = "highest" if ascending else "lowest"
    bounds = _bounds(series)
    for start, stop in itertools.pairwise(bounds):
        block = values[start:stop]
        known = ~np.isnan(block)
        if not known.any():
            continue
        signed = block if ascending else -block
        best = np.fmax.accumulate(np.where(known, signed, -np.inf))
        before = np.r_[-np.inf, best[:-1]]
        history = np.r_[0, np.cumsum(known)[:-1]]
        hit = known & (signed > before) & (history >= min_history)
        first = int(years[start:stop][known][0])
        is_record[start:stop] = hit
        label[start:stop][hit] = f"{word} since {first}"
    return BestEver(is_record=is_record, label=label)


@overload
def best_ever(data: Totals, *, ascending: bool = ..., min_history: int = ...) -> BestEver: ...
@overload
def best_ever(
    data: ArrayLike, values: ArrayLike, *, ascending: bool = ..., min_history: int = ...
) -> BestEver: ...
def best_ever(
    data: Totals | ArrayLike,
    values: ArrayLike | None = None,
    *,
    ascending: bool = True,
    min_history: int = 2,
) -> BestEver:
    """Best-ever values: strictly better than every earlier value of the same series.

    Parameters
    ----------
    data : Totals or array_like of int
        Totals grouped by ``"year"`` (other grouping fields define separate series), or
        the years of one series.
    values : array_like of float, optional
        With years: the value of each year; NaN marks a year without data (never a
        record, never part of the history).
    ascending : bool
        True when larger is better (records are the highest), False when smaller is
        better (records are the lowest).
    min_history : int
        How many earlier values a record needs (>= 1): with the default 2, the second
        value of a series is never called a record.

    Returns
    -------
    BestEver
        Per entry of ``data``: ``is_record``, and ``label`` such as
        ``"highest since 2004"`` (the first year of the series).

    Notes
    -----
    No standard defines a record; this is the convention of the project's indicator
    semantics reference: strictly better than every earlier value, respecting the
    direction, with a minimum history, labelled "highest since <first year>". Ties with
    the earlier best are not records. Years absent from the series are absent, not zero.

    Examples
    --------
    Peru, hectares of coca eradicated (UNODC/DEVIDA fact sheets 2005-2016; police
    year-end balance 2017; see the documentation page "How cocaine potential is estimated"): 2015
    is a record, 2017 is not (below 2015 and 2016).

    >>> from narcometrics.aggregate import best_ever
    >>> best = best_ever([2004, 2005, 2015, 2016, 2017], [10257, 12232, 35868, 30151, 22885])
    >>> best.is_record.tolist()
    [False, False, True, False, False]
    >>> best.label[2]
    'highest since 2004'
    """
    history = c.check_count("min_history", min_history, minimum=1)
    if isinstance(data, Totals):
        order, series, (years,) = _layout(data, ("year",), "best_ever")
        found = _best(data.values[order], years, series, ascending, history)
    else:
        year_array, numbers = _arrays(data, values)
        order = np.argsort(year_array)
        series = np.zeros(len(year_array), dtype=np.intp)
        found = _best(numbers[order], year_array[order], series, ascending, history)
    return BestEver(is_record=_unsort(order, found.is_record), label=_unsort(order, found.label))


_SCALE = 1 << 1074  # every float64 is an integer multiple of 2**-1074


def _exact_cumsum(values: NDArray[Any]) -> Floats:
    """Running totals, each the exact sum so far rounded once (NaN from the first NaN on).

    A left-to-right float sum drifts with every addition; the exact running sum is kept as
    an integer in units of 2**-1074 (one Python integer per value of a yearly or monthly
    series, never per record).
    """
    out = np.empty(len(values), dtype=np.float64)
    running = 0
    unknown = False
    for i, value in enumerate(values.tolist()):
        if unknown or math.isnan(value):
            unknown = True
            out[i] = math.nan
            continue
        numerator, denominator = float(value).as_integer_ratio()
        running += numerator * (_SCALE // denominator)
        try:
            out[i] = running / _SCALE
        except OverflowError:
            raise ValidationError(
                "values", "running total too large for a float64 (overflow)", value
            ) from None
    return out


def _running(values: NDArray[Any], series: NDArray[np.intp]) -> Floats:
    """Cumulative sum restarting at each new series (sorted input)."""
    out = np.empty(len(values), dtype=np.float64)
    bounds = _bounds(series)
    for start, stop in itertools.pairwise(bounds):
        out[start:stop] = _exact_cumsum(values[start:stop])
    return out


@overload
def cumulative(data: Totals, *, year_to_date: bool = ...) -> Floats: ...
@overload
def cumulative(data: ArrayLike, values: ArrayLike, *, year_to_date: bool = ...) -> Floats: ...
def cumulative(
    data: Totals | ArrayLike, values: ArrayLike | None = None, *, year_to_date: bool = False
) -> Floats:
    """Running total in time order, within each series.

    Parameters
    ----------
    data : Totals or array_like of int
        Totals grouped by at least one of ``"year"``, ``"quarter"``, ``"month"`` (the
        non-calendar fields define separate series), or the years of one series.
    values : array_like of float, optional
        With years: the value of each year. A NaN (no data) makes every later running
        total NaN: a sum over an unknown value is unknown. Each running total is the exact
        sum so far, rounded once (no drift from adding left to right).
    year_to_date : bool
        Restart at each year boundary (with Totals grouped by year and month or quarter).

    Returns
    -------
    numpy.ndarray of float64
        Aligned with ``data``, in the measure's unit.

    References
    ----------
    Cumulative-to-date and yearly cumulative indicators (reset at each year boundary),
    as in the documentation page "Aggregation semantics of indicators" ("Aggregation rules").

    Examples
    --------
    >>> from narcometrics.aggregate import cumulative
    >>> cumulative([2016, 2015, 2017], [30151.0, 35868.0, 22885.0])
    array([66019., 35868., 88904.])
    """
    if isinstance(data, Totals):
        calendar = tuple(f for f in PERIODS if f in data.by)
        if not calendar:
            raise ValidationError(
                "by", "cumulative needs totals grouped by a calendar field", data.by
            )
        if not len(data):
            return np.zeros(0)
        order, series, times = _layout(data, calendar, "cumulative")
        if year_to_date and "year" in calendar:
            year = times[0] - times[0].min()
            series, _ = group([series, year], [int(series.max()) + 1, int(year.max()) + 1])
        return _unsort(order, _running(data.values[order], series))
    year_array, numbers = _arrays(data, values)
    order = np.argsort(year_array)
    return _unsort(order, _exact_cumsum(numbers[order]))
