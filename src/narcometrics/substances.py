"""Seized substances by drug group: the group of each substance and totals by group.

Every [`Substance`][narcometrics.records.Substance] belongs to one
[`SubstanceGroup`][narcometrics.records.SubstanceGroup] (`SUBSTANCE_GROUPS`).
[`total_by_group`][narcometrics.substances.total_by_group] sums a seizure table by group (and
any other grouping), and [`by_group`][narcometrics.substances.by_group] folds totals already
taken by substance. Group totals conserve the grand total: they add up to the same sum as the
totals by substance.

Coca leaf is its own group (``coca_leaf``), apart from ``cocaine_type``, so that tonnes of
leaf are never added to kilograms of cocaine; chemical precursors are a group of their own
too. See the documentation page "Seized substances and their groups" for the sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from narcometrics.aggregate import Totals, merge, total
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.records import SUBSTANCE_GROUPS, Substance, SubstanceGroup
from narcometrics.tables import SeizureTable

__all__ = ["SUBSTANCE_GROUPS", "Substance", "SubstanceGroup", "by_group", "total_by_group"]

#: The name of the grouping field that totals by group carry instead of ``substance``.
GROUP_FIELD = "substance_group"


def _group_label(label: object) -> str | None:
    if label is None:
        return None
    try:
        return str(SUBSTANCE_GROUPS[Substance(str(label))])
    except ValueError:
        raise UnknownNameError("substance", str(label), [s.value for s in Substance]) from None


def by_group(totals: Totals) -> Totals:
    """Fold totals taken by ``substance`` into totals by ``substance_group``.

    Parameters
    ----------
    totals : Totals
        Totals whose ``by`` includes ``"substance"`` (from
        [`narcometrics.aggregate.total`][narcometrics.aggregate.total] on a seizure table).

    Returns
    -------
    Totals
        The same grouping with ``substance`` replaced by ``substance_group``: sums and record
        counts of the substances of each group added together. The grand total is unchanged.

    Raises
    ------
    ValidationError
        When the totals are not taken by substance.
    """
    if not isinstance(totals, Totals):
        raise TypeError(f"totals must be a Totals, not {type(totals).__name__}")
    if "substance" not in totals.by:
        raise ValidationError(
            "totals.by", "must include 'substance' to fold substances into groups", totals.by
        )
    position = totals.by.index("substance")
    by = tuple(GROUP_FIELD if f == "substance" else f for f in totals.by)
    group_of = [_group_label(label) for label in totals.levels("substance").tolist()]
    names = sorted({g for g in group_of if g is not None}) + ([None] if None in group_of else [])
    group_levels = np.empty(len(names), dtype=object)
    group_levels[:] = names
    index = {name: i for i, name in enumerate(names)}
    mapping = np.array([index[g] for g in group_of], dtype=np.intp)
    levels = [totals.levels(f) for f in totals.by]
    codes = [totals.codes(f) for f in totals.by]
    levels[position] = group_levels
    codes[position] = mapping[codes[position]]
    if len(totals) < 2:
        return Totals.canonical(
            by=by,
            measure=totals.measure,
            table=totals.table,
            levels=levels,
            codes=codes,
            values=np.array(totals.values),
            counts=np.array(totals.counts),
        )

    def part(rows: slice) -> Totals:
        return Totals(
            by=by,
            measure=totals.measure,
            table=totals.table,
            levels=levels,
            codes=[c[rows] for c in codes],
            values=totals.values[rows],
            counts=totals.counts[rows],
        )

    # merge() matches groups by label, so rows of one group in either part are added.
    return merge(part(slice(0, 1)), part(slice(1, None)))


def total_by_group(
    table: SeizureTable,
    measure: str = "mass_kg",
    by: str | Sequence[str] = (),
    **options: Any,
) -> Totals:
    """Total seizures by drug group (and optionally by year, country, ...).

    Parameters
    ----------
    table : SeizureTable
        The seizures.
    measure : str
        ``"mass_kg"`` [kg] (bulk mass, UNODC convention) or ``"count"`` (records).
    by : str or sequence of str
        Other grouping fields, as for
        [`narcometrics.aggregate.total`][narcometrics.aggregate.total]; the group comes last.
    **options
        Passed on to [`narcometrics.aggregate.total`][narcometrics.aggregate.total].

    Returns
    -------
    Totals
        Grouped by ``(*by, "substance_group")``.

    Examples
    --------
    >>> import datetime as dt
    >>> from narcometrics import Seizure, SeizureTable
    >>> from narcometrics.substances import total_by_group
    >>> day = dt.date(2017, 5, 1)
    >>> table = SeizureTable.from_records([
    ...     Seizure(date=day, country="PER", substance="heroin", mass_kg=2.0),
    ...     Seizure(date=day, country="PER", substance="opium", mass_kg=5.5),
    ...     Seizure(date=day, country="PER", substance="coca_paste", mass_kg=10.0),
    ... ])
    >>> total_by_group(table).to_dict()
    {('cocaine_type',): 10.0, ('opioids',): 7.5}
    """
    if not isinstance(table, SeizureTable):
        raise TypeError(f"table must be a SeizureTable, not {type(table).__name__}")
    fields = (by,) if isinstance(by, str) else tuple(by)
    if "substance" in fields:
        raise ValidationError("by", "must not include 'substance' when totalling by group", by)
    return by_group(total(table, measure, by=(*fields, "substance"), **options))
