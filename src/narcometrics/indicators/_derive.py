"""Actuals derived from record tables: operations, eradication, avoided production, seizures.

Each function takes a table and returns one [`Actual`][narcometrics.indicators.Actual] per period
(``period=``: calendar ``year``, ``quarter`` or ``month``) and, optionally, per location and
breakdown category, named after table fields. Every actual says where it comes from (library
version, table, records used, what was computed) and is ``unverified`` unless stated otherwise.
The grouping helpers here serve the training actuals too (``_derive_training``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from narcometrics import _checks as c
from narcometrics._renamed import renamed_keyword
from narcometrics._version import __version__
from narcometrics.aggregate import grouping_fields, total
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.indicators._enums import VerificationStatus
from narcometrics.indicators._fields import ReportingPeriod
from narcometrics.indicators._values import Actual
from narcometrics.tables import (
    Categorical,
    EradicationTable,
    OperationTable,
    SeizureTable,
    Table,
)

__all__ = [
    "PERIODS",
    "airstrips_destroyed",
    "hectares_eradicated",
    "laboratories_destroyed",
    "organisations_disbanded",
    "seizures_by_substance",
]

PeriodUnit = Literal["year", "quarter", "month"]
Fields = str | Sequence[str]
Key = tuple[Any, ...]

#: The periods ``period=`` accepts, with the calendar fields each groups by.
PERIODS: dict[str, tuple[str, ...]] = {
    "year": ("year",),
    "quarter": ("year", "quarter"),
    "month": ("year", "month"),
}
_CALENDAR = ("year", "quarter", "month")


# ------------------------------------------------------------------------------- period=

#: Accept the keyword ``by=`` of version 0.1 as ``period=`` until 0.3, with a warning: in
#: `narcometrics.aggregate` and `narcometrics.training`, ``by=`` names grouping fields; here
#: the argument is a calendar period.
period_keyword = renamed_keyword(
    "by", "period", "by= names grouping fields in aggregate and training; here it is a period"
)


# ----------------------------------------------------------------------------- grouping


@attrs.frozen
class Spec:
    """What to group a table by, and how each actual is labelled."""

    table: Table[Any]
    by: str
    location: str | None
    dimensions: tuple[str, ...]
    source: str | None
    verification: VerificationStatus

    @property
    def fields(self) -> tuple[str, ...]:
        location = () if self.location is None else (self.location,)
        return (*PERIODS[self.by], *location, *self.dimensions)

    def period(self, key: Key) -> ReportingPeriod:
        if self.by == "year":
            return ReportingPeriod.year(key[0])
        if self.by == "quarter":
            return ReportingPeriod.quarter(key[0], key[1])
        return ReportingPeriod.month(key[0], key[1])

    def actual(self, key: Key, records: int, what: str, **values: Any) -> Actual:
        """The actual of one group ``key`` (period labels, location, dimension labels)."""
        rest = key[len(PERIODS[self.by]) :]
        location = rest[0] if self.location is not None else None
        labels = rest[1:] if self.location is not None else rest
        table = self.table
        origin = f"; {self.source}" if self.source else ""
        return Actual(
            period=self.period(key),
            location=location,
            dimensions=tuple(zip(self.dimensions, labels, strict=True)),
            source=f"derived by narcometrics {__version__} from {type(table).__name__} "
            f"({records} of {len(table)} records{origin}): {what}",
            verification=self.verification,
            **values,
        )


def _known_name(name: str, value: object, valid: Sequence[str]) -> str:
    """``value`` if it is one of ``valid``, else an UnknownNameError naming ``name``."""
    if not isinstance(value, str) or value not in valid:
        raise UnknownNameError(name, value if isinstance(value, str) else repr(value), valid)
    return value


def _breakdown(
    dimensions: object, location: object, required: tuple[str, ...], valid: list[str]
) -> tuple[str, ...]:
    """The breakdown fields, ``required`` first, each a known field and none repeated."""
    names = (dimensions,) if isinstance(dimensions, str) else dimensions
    if not isinstance(names, (list, tuple)):
        raise TypeError(
            f"dimensions must be a field name or a sequence of them, not {type(names).__name__}"
        )
    for item in names:
        _known_name("dimensions", item, valid)
    fields = (*required, *(n for n in names if n not in required))
    if len(set(names)) != len(names) or location in fields:
        raise ValidationError("dimensions", "must not repeat a field nor the location", names)
    return fields


def _check_complete(table: Table[Any], fields: Sequence[str | None]) -> None:
    """Refuse a grouping field that a record leaves empty (its results would be lost)."""
    for field in fields:
        if field is None:
            continue
        column = table.column(field)
        assert isinstance(column, Categorical)
        missing = np.flatnonzero(column.codes < 0)
        if missing.size:
            raise ValidationError(
                field,
                f"is missing in {missing.size} of {len(table)} records (first: row "
                f"{missing[0]}): every record needs a category, or its results would be lost "
                "from the breakdown; fill it in or group by another field",
                None,
                row=int(missing[0]),
            )


def make_spec(
    name: str,
    table: object,
    kind: type[Table[Any]],
    *,
    period: object,
    location: object,
    dimensions: object,
    source: object,
    verification: object,
    required: tuple[str, ...] = (),
) -> Spec:
    """Check the common arguments; ``required`` dimensions always come first."""
    if not isinstance(table, kind):
        raise TypeError(f"{name} must be a {kind.__name__}, not {type(table).__name__}")
    unit = _known_name("period", period, list(PERIODS))
    valid = [f for f in grouping_fields(table) if f not in _CALENDAR]
    place = None if location is None else _known_name("location", location, valid)
    fields = _breakdown(dimensions, place, required, valid)
    origin = None if source is None else c.check_text("source", source)
    status = c.check_enum(
        "verification", c.to_enum(VerificationStatus, verification), VerificationStatus
    )
    _check_complete(table, (place, *fields))
    return Spec(
        table=table,
        by=unit,
        location=place,
        dimensions=fields,
        source=origin,
        verification=status,
    )


def row_groups(spec: Spec) -> tuple[NDArray[np.intp], list[Key]]:
    """Per row the index of its group, and per group its labels (periods first)."""
    if not len(spec.table):
        return np.zeros(0, dtype=np.intp), []
    codes: list[NDArray[np.int64]] = []
    levels: list[list[Any]] = []
    code: NDArray[Any]
    level: NDArray[Any]
    for field in spec.fields:
        if field in _CALENDAR:
            code, level = spec.table.period_codes(field)  # type: ignore[arg-type]
        else:
            column = spec.table.column(field)
            assert isinstance(column, Categorical)
            code, level = column.codes, column.labels
        codes.append(np.asarray(code, dtype=np.int64))
        levels.append(level.tolist())
    unique, inverse = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    keys = [tuple(levels[i][code] for i, code in enumerate(row)) for row in unique.tolist()]
    return inverse.reshape(-1).astype(np.intp), keys


def ordered(actuals: list[Actual]) -> list[Actual]:
    return sorted(
        actuals, key=lambda a: (a.period.start, a.period.end, a.location or "", a.dimensions)
    )


def _sums(spec: Spec, measure: str, what: str, unit: str | None) -> list[Actual]:
    totals = total(spec.table, measure, by=spec.fields)
    return ordered(
        [
            spec.actual(key, records, what, value=value, unit=unit)
            for key, value, records in zip(
                totals.keys(), totals.values.tolist(), totals.counts.tolist(), strict=True
            )
        ]
    )


# ----------------------------------------------------------------------------- operations


def _operation_count(measure: str, operations: object, **options: Any) -> list[Actual]:
    spec = make_spec("operations", operations, OperationTable, **options)
    return _sums(spec, measure, f"sum of {measure}", None)


@period_keyword
def organisations_disbanded(
    operations: OperationTable,
    *,
    period: PeriodUnit = "year",
    location: str | None = None,
    dimensions: Fields = (),
    source: str | None = None,
    verification: VerificationStatus | str = VerificationStatus.UNVERIFIED,
) -> list[Actual]:
    """Criminal organisations disbanded: the sum of ``organisations_disbanded`` per period.

    Parameters
    ----------
    operations : OperationTable
        The records.
    period : {"year", "quarter", "month"}
        The calendar period of each actual.
    location : str, optional
        A field of the table whose category becomes each actual's ``location`` (e.g.
        ``"country"``); None (default) for the programme as a whole.
    dimensions : str or sequence of str
        Fields of the table to break the actuals down by (e.g. ``"agency"``, ``"region"``);
        the indicator must declare them. Every record needs a category in each of them.
    source : str, optional
        Where the records come from (a register, a file); added to each actual's source.
    verification : VerificationStatus or str
        The status given to every actual: ``unverified`` by default, since deriving a
        figure does not verify the records.

    Returns
    -------
    list of Actual
        One per period and category that has records, ordered by period; counts carry no
        unit label. An empty table gives an empty list.

    Raises
    ------
    ValidationError
        For a table of another type, an unknown period, location or dimension field
        (an [`UnknownNameError`][narcometrics.errors.UnknownNameError] listing the valid ones), a
        repeated field, or a location or dimension field missing in a record (naming the
        first such row).

    Notes
    -----
    A sum per group of [`narcometrics.aggregate.total`][narcometrics.aggregate.total], so the
    actuals of the quarters add up to the actual of the year. Each actual's ``source`` names the
    library version, the table, the records used and the sum.

    Examples
    --------
    >>> from narcometrics.datasets import peru_2017_example
    >>> from narcometrics.indicators import organisations_disbanded
    >>> [a.value for a in organisations_disbanded(peru_2017_example().operations)]
    [111.0]
    """
    return _operation_count(
        "organisations_disbanded",
        operations,
        period=period,
        location=location,
        dimensions=dimensions,
        source=source,
        verification=verification,
    )


@period_keyword
def airstrips_destroyed(
    operations: OperationTable,
    *,
    period: PeriodUnit = "year",
    location: str | None = None,
    dimensions: Fields = (),
    source: str | None = None,
    verification: VerificationStatus | str = VerificationStatus.UNVERIFIED,
) -> list[Actual]:
    """Illegal airstrips destroyed: the sum of ``airstrips_destroyed`` per period.

    Parameters
    ----------
    operations : OperationTable
        The records.
    period, location, dimensions, source, verification
        As for [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded].

    Returns
    -------
    list of Actual
        One per period and category that has records, ordered by period.

    Raises
    ------
    ValidationError
        As [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded].
    """
    return _operation_count(
        "airstrips_destroyed",
        operations,
        period=period,
        location=location,
        dimensions=dimensions,
        source=source,
        verification=verification,
    )


@period_keyword
def laboratories_destroyed(
    operations: OperationTable,
    *,
    period: PeriodUnit = "year",
    location: str | None = None,
    dimensions: Fields = (),
    source: str | None = None,
    verification: VerificationStatus | str = VerificationStatus.UNVERIFIED,
) -> list[Actual]:
    """Drug laboratories destroyed: the sum of ``laboratories_destroyed`` per period.

    Parameters
    ----------
    operations : OperationTable
        The records.
    period, location, dimensions, source, verification
        As for [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded].

    Returns
    -------
    list of Actual
        One per period and category that has records, ordered by period.

    Raises
    ------
    ValidationError
        As [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded].
    """
    return _operation_count(
        "laboratories_destroyed",
        operations,
        period=period,
        location=location,
        dimensions=dimensions,
        source=source,
        verification=verification,
    )


# ----------------------------------------------------------------------------- eradication


@period_keyword
def hectares_eradicated(
    eradications: EradicationTable,
    *,
    period: PeriodUnit = "year",
    location: str | None = None,
    dimensions: Fields = (),
    source: str | None = None,
    verification: VerificationStatus | str = VerificationStatus.UNVERIFIED,
) -> list[Actual]:
    """Coca eradicated [ha]: the sum of ``area_ha`` per period, with unit ``"ha"``.

    Parameters
    ----------
    eradications : EradicationTable
        The records.
    period, location, dimensions, source, verification
        As for [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded].

    Returns
    -------
    list of Actual
        One per period and category that has records, ordered by period, in ``"ha"``.

    Raises
    ------
    ValidationError
        As [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded].
    """
    spec = make_spec(
        "eradications",
        eradications,
        EradicationTable,
        period=period,
        location=location,
        dimensions=dimensions,
        source=source,
        verification=verification,
    )
    return _sums(spec, "area_ha", "sum of area_ha", "ha")


# ----------------------------------------------------------------------------- seizures


@period_keyword
def seizures_by_substance(
    seizures: SeizureTable,
    *,
    period: PeriodUnit = "year",
    location: str | None = None,
    dimensions: Fields = (),
    source: str | None = None,
    verification: VerificationStatus | str = VerificationStatus.UNVERIFIED,
) -> list[Actual]:
    """Bulk mass seized [kg] per substance and period (no purity adjustment).

    Every actual has the dimension ``substance`` (then any others asked for): masses of different
    substances are never added up here. Bulk mass follows the UNODC convention; for pure equivalents
    see [`narcometrics.estimate.pure_equivalent`][narcometrics.estimate.pure_equivalent].

    Parameters
    ----------
    seizures : SeizureTable
        The records.
    period, location, dimensions, source, verification
        As for [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded].

    Returns
    -------
    list of Actual
        One per period, substance and category that has records, ordered by period, in
        ``"kg"``.

    Raises
    ------
    ValidationError
        As [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded].
    """
    spec = make_spec(
        "seizures",
        seizures,
        SeizureTable,
        period=period,
        location=location,
        dimensions=dimensions,
        source=source,
        verification=verification,
        required=("substance",),
    )
    return _sums(spec, "mass_kg", "sum of mass_kg (bulk, not purity-adjusted)", "kg")
