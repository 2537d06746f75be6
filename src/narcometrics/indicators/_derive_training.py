"""Actuals derived from training records: people trained and the share verified applying."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from narcometrics.errors import ValidationError
from narcometrics.indicators._derive import (
    PERIODS,
    Fields,
    Key,
    PeriodUnit,
    Spec,
    make_spec,
    ordered,
    period_keyword,
    row_groups,
)
from narcometrics.indicators._enums import VerificationStatus
from narcometrics.indicators._values import Actual
from narcometrics.tables import Categorical, Ragged, TrainingTable

__all__ = ["people_trained", "share_verified_applying"]


def _grouped(
    training: object, **options: Any
) -> tuple[Spec, TrainingTable, NDArray[np.intp], list[Key]]:
    """The checked arguments, the table, and per row its group and per group its labels."""
    spec = make_spec("training", training, TrainingTable, **options)
    table = spec.table
    assert isinstance(table, TrainingTable)
    group, keys = row_groups(spec)
    return spec, table, group, keys


def _within(keys: list[Key], periods: int) -> list[list[int]]:
    """Group indices per series (location and categories), each in period order."""
    series: dict[Key, list[int]] = {}
    for index in sorted(range(len(keys)), key=lambda i: keys[i][:periods]):
        series.setdefault(keys[index][periods:], []).append(index)
    return list(series.values())


def _distinct(
    ids: Ragged, group: NDArray[np.intp], keys: list[Key], periods: int, cumulative: bool
) -> NDArray[np.int64]:
    """People per group: distinct ids, or (cumulative) distinct ids up to the group."""
    values = ids.values
    assert isinstance(values, Categorical)
    person = np.asarray(values.codes, dtype=np.int64)
    owner = group[np.repeat(np.arange(len(group)), ids.lengths)]
    n_groups, n_people = len(keys), max(len(values.labels), 1)
    if not cumulative:
        pairs = np.unique(owner.astype(np.int64) * n_people + person)
        return np.bincount(pairs // n_people, minlength=n_groups).astype(np.int64)
    series = np.zeros(n_groups, dtype=np.int64)
    rank = np.zeros(n_groups, dtype=np.int64)
    for s, members in enumerate(_within(keys, periods)):
        series[members] = s
        rank[members] = np.arange(len(members))
    # each person counts once per series, in the group of their first course in it
    order = np.lexsort((rank[owner], person, series[owner]))
    first = np.ones(len(order), dtype=np.bool_)
    same = (series[owner][order][1:] == series[owner][order][:-1]) & (
        person[order][1:] == person[order][:-1]
    )
    first[1:] = ~same
    new = np.bincount(owner[order][first], minlength=n_groups).astype(np.int64)
    return _running(new, keys, periods)


def _running(values: NDArray[np.int64], keys: list[Key], periods: int) -> NDArray[np.int64]:
    out = np.empty_like(values)
    for members in _within(keys, periods):
        out[members] = np.cumsum(values[members])
    return out


@period_keyword
def people_trained(
    training: TrainingTable,
    *,
    unique: bool | None = None,
    cumulative: bool = False,
    period: PeriodUnit = "year",
    location: str | None = None,
    dimensions: Fields = (),
    source: str | None = None,
    verification: VerificationStatus | str = VerificationStatus.UNVERIFIED,
) -> list[Actual]:
    """People trained per period, each person counted once across courses when ids allow.

    Parameters
    ----------
    training : TrainingTable
        The records.
    unique : bool, optional
        None (default): count each person once when every record lists its
        ``participant_ids``, else count enrolments (``participants``) and say so in each
        actual's source. True: count people, and raise when any record has no ids.
        False: count enrolments.
    cumulative : bool
        False (default): the people trained within each period. True: the people trained
        from the first record of the table to the end of each period (a running total,
        for an indicator with ``cumulative="lifetime"`` and ``time_rule="last"``).
    period, location, dimensions, source, verification
        As for [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded];
        training records have no country, so ``location`` is typically ``"institution"``.

    Returns
    -------
    list of Actual
        One per period and category that has records, ordered by period, with no unit
        label; an empty table gives an empty list.

    Raises
    ------
    ValidationError
        As [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded]; with
        ``unique=True``, naming the first record without ``participant_ids``.

    Notes
    -----
    Enrolments are a flow: the quarters' values add up to the year's. Distinct people are
    not: a person trained in two quarters is one person in the year, so the sum of the
    quarters' counts is at least the year's count and reaches it only when nobody is
    trained twice. Derive distinct counts at the period you report (``by="year"``), or as
    running totals (``cumulative=True``), whose last value is the distinct count over the
    whole table. Summing distinct counts over periods is the double counting the
    indicator-semantics reference warns against.

    Examples
    --------
    >>> from narcometrics.datasets import peru_2017_example
    >>> from narcometrics.indicators import people_trained
    >>> training = peru_2017_example().training
    >>> [a.value for a in people_trained(training)], [a.value for a in people_trained(
    ...     training, unique=False)]
    ([87.0], [132.0])
    """
    spec, table, group, keys = _grouped(
        training,
        period=period,
        location=location,
        dimensions=dimensions,
        source=source,
        verification=verification,
    )
    if unique is not None and not isinstance(unique, bool):
        raise TypeError(f"unique must be True, False or None, not {type(unique).__name__}")
    if not isinstance(cumulative, bool):
        raise TypeError(f"cumulative must be True or False, not {type(cumulative).__name__}")
    if not len(table):
        return []
    ids = table.participant_ids
    without = np.flatnonzero(ids.lengths == 0)
    if unique is True and without.size:
        raise ValidationError(
            "participant_ids",
            f"is missing in {without.size} of {len(table)} records (first: row {without[0]}): "
            "people can be counted once only when every record lists its participants; pass "
            "unique=False to count enrolments",
            None,
            row=int(without[0]),
        )
    periods = len(PERIODS[spec.by])
    records = np.bincount(group, minlength=len(keys))
    if unique is not False and not without.size:
        values = _distinct(ids, group, keys, periods, cumulative)
        what = "people, each counted once across courses (participant_ids)"
    else:
        enrolments = np.bincount(group, weights=table.participants, minlength=len(keys))
        values = enrolments.astype(np.int64)
        if cumulative:
            values = _running(values, keys, periods)
        what = "enrolments (sum of participants): a person in several courses counts once each"
        if unique is None:
            what += (
                f"; participant_ids missing in {without.size} of {len(table)} records, "
                "so people are not de-duplicated"
            )
    if cumulative:
        what += "; running total from the first record of the table"
    return ordered(
        [
            spec.actual(key, int(records[i]), what, value=float(values[i]))
            for i, key in enumerate(keys)
        ]
    )


@period_keyword
def share_verified_applying(
    training: TrainingTable,
    *,
    period: PeriodUnit = "year",
    location: str | None = None,
    dimensions: Fields = (),
    source: str | None = None,
    verification: VerificationStatus | str = VerificationStatus.UNVERIFIED,
) -> list[Actual]:
    """Share of the followed-up verified applying the training (Kirkpatrick level 3).

    Each actual keeps the counts: ``numerator`` = people verified applying (``k``), ``denominator``
    = people followed up (``n``), over the records that record ``applying``, as
    [`narcometrics.training.transfer_rate`][narcometrics.training.transfer_rate] counts them. A
    period whose records have no follow-up gives ``0`` of ``0``, an undefined (NaN) share, never 0
    %. Independent and self-reported application are pooled, and the source says how many records
    were self-reported; to keep independent verification only, select those records first
    (``training[training.verification.to_numpy() == "independent"]``).

    Parameters
    ----------
    training : TrainingTable
        The records.
    period, location, dimensions, source, verification
        As for [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded].

    Returns
    -------
    list of Actual
        One per period and category that has records, with numerator and denominator;
        an empty table gives an empty list.

    Raises
    ------
    ValidationError
        As [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded].

    Notes
    -----
    For a percentage indicator the value is $100 \\, k / n$; periods and units pool by summing $k$
    and $n$ (``time_rule="sum"``, ``unit_rule="pooled_ratio"``), never by averaging shares. The
    share speaks for the people followed up, not for all trained: report both
    ([`people_trained`][narcometrics.indicators.people_trained]).

    Examples
    --------
    >>> from narcometrics.datasets import peru_2017_example
    >>> from narcometrics.indicators import share_verified_applying
    >>> [a] = share_verified_applying(peru_2017_example().training)
    >>> a.numerator, a.denominator
    (78.0, 108.0)
    """
    spec, table, group, keys = _grouped(
        training,
        period=period,
        location=location,
        dimensions=dimensions,
        source=source,
        verification=verification,
    )
    if not len(table):
        return []
    given = ~np.ma.getmaskarray(table.applying)
    kinds = table.verification
    self_reported = given & np.isin(kinds.codes, np.flatnonzero(kinds.labels == "self_reported"))

    def per_group(weights: NDArray[Any]) -> list[int]:
        sums: list[int] = (
            np.bincount(group, weights=weights, minlength=len(keys)).astype(np.int64).tolist()
        )
        return sums

    k = per_group(np.where(given, np.ma.getdata(table.applying), 0))
    n = per_group(np.where(given, np.ma.getdata(table.followed_up), 0))
    recording = per_group(given.astype(np.int64))
    reported = per_group(self_reported.astype(np.int64))
    records = per_group(np.ones(len(table), dtype=np.int64))
    actuals = []
    for i, key in enumerate(keys):
        what = (
            f"k = sum of applying, n = sum of followed_up over the {recording[i]} record(s) "
            "that record applying"
        )
        if reported[i]:
            what += f"; application self-reported in {reported[i]} of them"
        actuals.append(
            spec.actual(key, records[i], what, numerator=float(k[i]), denominator=float(n[i]))
        )
    return ordered(actuals)
