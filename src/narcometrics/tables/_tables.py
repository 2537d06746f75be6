"""The four tables, one per record type, and the cross-field rules of training outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias, TypeVar

import numpy as np
from numpy.typing import NDArray

from narcometrics._fields import check_rules
from narcometrics.errors import Problem, ValidationError
from narcometrics.records import (
    TRAINING_RULES,
    Eradication,
    Operation,
    Seizure,
    TrainingOutcome,
)
from narcometrics.tables import _schema
from narcometrics.tables._base import Duplicates, Table, column
from narcometrics.tables._columns import Categorical, Ragged
from narcometrics.tables._rules import broken_rows
from narcometrics.tables._validate import Column, Problems, at

Dates: TypeAlias = NDArray[np.datetime64]
Floats: TypeAlias = NDArray[np.float64]
Counts: TypeAlias = NDArray[np.int64]
OptionalCounts: TypeAlias = "np.ma.MaskedArray[Any, np.dtype[np.int64]]"


class SeizureTable(Table[Seizure]):
    """Seizures, one numpy array per [`Seizure`][narcometrics.records.Seizure] field.

    The methods (building, indexing, dataframes) are those of
    [`Table`][narcometrics.tables.Table].

    Attributes
    ----------
    date : numpy.ndarray of datetime64[D]
    country, substance, region, agency, id, operation_id : Categorical
        Codes plus labels; ``substance`` labels are the
        [`Substance`][narcometrics.records.Substance] values in their order; a missing value has
        code -1.
    mass_kg : numpy.ndarray of float64 [kg]
        Bulk mass, > 0 and finite.
    purity : numpy.ndarray of float64 [fraction]
        In (0, 1]; NaN where not known.

    Examples
    --------
    >>> import datetime as dt
    >>> from narcometrics import Seizure, SeizureTable
    >>> table = SeizureTable.from_records([
    ...     Seizure(date=dt.date(2017, 3, 1), country="PER", substance="cocaine_hcl",
    ...             mass_kg=120.0),
    ...     Seizure(date=dt.date(2017, 5, 9), country="PER", substance="coca_paste",
    ...             mass_kg=35.5, purity=0.6),
    ... ])
    >>> len(table), float(table.mass_kg.sum()), table.substance.to_list()
    (2, 155.5, ['cocaine_hcl', 'coca_paste'])
    >>> table[1].purity
    0.6
    """

    record_type = Seizure
    schema = _schema.SEIZURE
    __slots__ = ()

    date = column[Dates]()
    country = column[Categorical]()
    substance = column[Categorical]()
    mass_kg = column[Floats]()
    purity = column[Floats]()
    region = column[Categorical]()
    agency = column[Categorical]()
    id = column[Categorical]()
    operation_id = column[Categorical]()


class EradicationTable(Table[Eradication]):
    """Eradications, one numpy array per [`Eradication`][narcometrics.records.Eradication] field.

    The methods (building, indexing, dataframes) are those of
    [`Table`][narcometrics.tables.Table].

    Attributes
    ----------
    date : numpy.ndarray of datetime64[D]
    country, method, region, zone, id : Categorical
        Codes plus labels; ``method`` labels are the
        [`EradicationMethod`][narcometrics.records.EradicationMethod] values.
    area_ha : numpy.ndarray of float64 [ha]
        Area eradicated, > 0 and finite.
    """

    record_type = Eradication
    schema = _schema.ERADICATION
    __slots__ = ()

    date = column[Dates]()
    country = column[Categorical]()
    area_ha = column[Floats]()
    method = column[Categorical]()
    region = column[Categorical]()
    zone = column[Categorical]()
    id = column[Categorical]()


class OperationTable(Table[Operation]):
    """Operations, one numpy array per [`Operation`][narcometrics.records.Operation] field.

    The methods (building, indexing, dataframes) are those of
    [`Table`][narcometrics.tables.Table].

    Attributes
    ----------
    date : numpy.ndarray of datetime64[D]
    country, agency, region, id : Categorical
    organisations_disbanded, airstrips_destroyed : numpy.ma.MaskedArray of int64 [count]
        Counts >= 0, masked where not reported (a None in the record, or every row when the
        column is left out): a count that is not in the data is never 0.
    laboratories_destroyed, arrests : numpy.ma.MaskedArray of int64 [count]
        Counts >= 0, masked where not reported.
    """

    record_type = Operation
    schema = _schema.OPERATION
    __slots__ = ()

    date = column[Dates]()
    country = column[Categorical]()
    agency = column[Categorical]()
    region = column[Categorical]()
    id = column[Categorical]()
    organisations_disbanded = column[OptionalCounts]()
    airstrips_destroyed = column[OptionalCounts]()
    laboratories_destroyed = column[OptionalCounts]()
    arrests = column[OptionalCounts]()


class TrainingTable(Table[TrainingOutcome]):
    """Training outcomes, one array per [`TrainingOutcome`][narcometrics.records.TrainingOutcome]
    field.

    The methods (building, indexing, dataframes) are those of
    [`Table`][narcometrics.tables.Table].

    The cross-field rules of the record hold for every row (completed and followed_up
    <= participants, applying <= followed_up and needs verification, paired scores
    within [0, max_score], one unique id per participant).

    Attributes
    ----------
    date : numpy.ndarray of datetime64[D]
    institution, course, verification, id : Categorical
    participants : numpy.ndarray of int64 [people]
    completed, followed_up, applying, follow_up_days : numpy.ma.MaskedArray of int64
        Masked where the record has None.
    pre_scores, post_scores : Ragged of float64 [score points]
        Per row, the paired scores (possibly none).
    max_score : numpy.ndarray of float64 [score points]
        NaN where not given.
    participant_ids : Ragged of Categorical
        Per row, the participants' ids; an empty row is a record with None.
    """

    record_type = TrainingOutcome
    schema = _schema.TRAINING
    __slots__ = ()

    date = column[Dates]()
    institution = column[Categorical]()
    course = column[Categorical]()
    participants = column[Counts]()
    completed = column[OptionalCounts]()
    pre_scores = column[Ragged]()
    post_scores = column[Ragged]()
    max_score = column[Floats]()
    followed_up = column[OptionalCounts]()
    applying = column[OptionalCounts]()
    verification = column[Categorical]()
    follow_up_days = column[OptionalCounts]()
    participant_ids = column[Ragged]()
    id = column[Categorical]()

    @classmethod
    def _check_rows(cls, columns: dict[str, Column], n: int, problems: Problems) -> None:
        bad = broken_rows(TRAINING_RULES, columns, n)
        if not bad.any():
            return
        table = cls._trusted(columns, n)

        def describe(row: int) -> Problem:
            values = table._row(row)
            try:
                check_rules(TRAINING_RULES, "", values.__getitem__)
            except ValidationError as error:
                return at(error.problems[0], row)
            raise AssertionError(f"row {row} was flagged but breaks no rule")

        problems.rows(np.flatnonzero(bad), describe)


T = TypeVar("T", bound=Table)  # type: ignore[type-arg]


def concat(tables: Sequence[T], *, duplicates: Duplicates = "error") -> T:
    """Concatenate tables of one type (at least one): the rows one after the other.

    Categorical labels are merged and codes remapped, so tables built from different
    files with different label sets combine correctly. The same record in two tables is
    counted twice: an id found in more than one row of the result is an error unless
    ``duplicates="allow"``.

    Raises
    ------
    ValidationError
        For no table at all (use ``Table.concat([])`` for an empty table of a type), and for
        ids repeated across the tables.

    Examples
    --------
    >>> import datetime as dt
    >>> from narcometrics import Seizure, SeizureTable
    >>> from narcometrics.tables import concat
    >>> a = SeizureTable.from_records([Seizure(date=dt.date(2017, 1, 5), country="PER",
    ...     substance="crack", mass_kg=2.0, region="Lima")])
    >>> b = SeizureTable.from_records([Seizure(date=dt.date(2017, 2, 5), country="PER",
    ...     substance="crack", mass_kg=3.0, region="Puno")])
    >>> concat([a, b]).region.to_list()
    ['Lima', 'Puno']
    """
    if not tables:
        raise ValidationError(
            "tables", "concat needs at least one table (use Table.concat([]) for none)"
        )
    return type(tables[0]).concat(tables, duplicates=duplicates)
