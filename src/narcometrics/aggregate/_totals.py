"""Grouped totals: labels, sums and record counts per group, mergeable across partitions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.tables._base import PERIODS
from narcometrics.tables._columns import object_array, readonly

Key: TypeAlias = tuple[int | str | None, ...]
Levels: TypeAlias = NDArray[Any]  # int64 (calendar fields) or object (str, then None)
GroupCodes: TypeAlias = NDArray[np.intp]

#: Largest number of possible groups counted in a dense array (beyond: sort-based grouping).
DENSE_GROUPS = 1 << 25
BACKENDS = ("pandas", "polars", "pyarrow")


def _sort_levels(levels: Levels) -> tuple[Levels, NDArray[np.intp]]:
    """Sorted levels (strings alphabetically, None last) and the map old index -> new."""
    if levels.dtype != object:
        order = np.argsort(levels, kind="stable")
    else:
        items = levels.tolist()
        order = np.array(
            sorted(range(len(items)), key=lambda i: (items[i] is None, items[i] or "")),
            dtype=np.intp,
        )
    mapping = np.empty(len(levels), dtype=np.intp)
    mapping[order] = np.arange(len(levels))
    return levels[order], mapping


def group(
    codes: Sequence[NDArray[np.integer[Any]]], radices: Sequence[int]
) -> tuple[NDArray[np.intp], list[GroupCodes]]:
    """Group rows by their codes: per row the group number; per group the field codes.

    Groups are numbered in lexicographic order of their codes.
    """
    total = math.prod(radices)
    if total < 2**62:
        key = np.ravel_multi_index(tuple(np.asarray(c, dtype=np.intp) for c in codes), radices)
        unique, inverse = np.unique(key, return_inverse=True)
        return inverse, [np.asarray(c) for c in np.unravel_index(unique, radices)]
    stacked = np.stack([np.asarray(c, dtype=np.intp) for c in codes], axis=1)
    rows, inverse = np.unique(stacked, axis=0, return_inverse=True)
    return inverse.reshape(-1), [rows[:, i] for i in range(rows.shape[1])]


class Totals:
    """Sums of a measure, and record counts, per group of labels.

    Built by [`total`][narcometrics.aggregate.total] (or
    [`partial`][narcometrics.aggregate.partial], the same thing). Groups are the label combinations
    that occur in the data, in sorted order (calendar fields numerically, categorical labels
    alphabetically with missing, ``None``, last). A Totals is its own mergeable partial:
    ``a.merge(b)`` (or ``a + b``) gives the totals of both partitions.

    Attributes
    ----------
    by : tuple of str
        The grouping fields.
    measure : str
        The summed field, or ``"count"``.
    table : str
        The table type it came from (e.g. ``"SeizureTable"``); only equal ones merge.
    values : numpy.ndarray of float64
        The sum per group, in the measure's unit.
    counts : numpy.ndarray of int64
        Records per group.
    """

    __slots__ = ("_codes", "_counts", "_levels", "_values", "by", "measure", "table")

    def __init__(
        self,
        *,
        by: tuple[str, ...],
        measure: str,
        table: str,
        levels: Sequence[Levels],
        codes: Sequence[GroupCodes],
        values: NDArray[np.float64],
        counts: NDArray[np.int64],
    ) -> None:
        self.by = by
        self.measure = measure
        self.table = table
        self._levels = tuple(levels)
        self._codes = tuple(codes)
        self._values = readonly(np.asarray(values, dtype=np.float64))
        self._counts = readonly(np.asarray(counts, dtype=np.int64))

    @classmethod
    def empty(cls, *, by: tuple[str, ...], measure: str, table: str) -> Totals:
        """No groups."""
        levels = [np.zeros(0, dtype=np.int64) if f in PERIODS else object_array([]) for f in by]
        none = np.zeros(0, dtype=np.intp)
        return cls(
            by=by,
            measure=measure,
            table=table,
            levels=levels,
            codes=[none] * len(by),
            values=np.zeros(0),
            counts=np.zeros(0, dtype=np.int64),
        )

    @classmethod
    def canonical(
        cls,
        *,
        by: tuple[str, ...],
        measure: str,
        table: str,
        levels: Sequence[Levels],
        codes: Sequence[NDArray[np.integer[Any]]],
        values: NDArray[np.float64],
        counts: NDArray[np.int64],
    ) -> Totals:
        """Totals from unique groups in any order: keep used levels, sort levels and groups."""
        new_levels, new_codes = [], []
        for level, code in zip(levels, codes, strict=True):
            used, inverse = np.unique(code, return_inverse=True)
            sorted_levels, mapping = _sort_levels(level[used])
            new_levels.append(sorted_levels)
            new_codes.append(mapping[inverse.reshape(-1)])
        order = np.lexsort(tuple(reversed(new_codes))) if new_codes else np.arange(len(values))
        return cls(
            by=by,
            measure=measure,
            table=table,
            levels=new_levels,
            codes=[c[order] for c in new_codes],
            values=values[order],
            counts=counts[order],
        )

    # ---------------------------------------------------------------------- access

    @property
    def values(self) -> NDArray[np.float64]:
        """The sum per group (read-only)."""
        return self._values

    @property
    def counts(self) -> NDArray[np.int64]:
        """Records per group (read-only)."""
        return self._counts

    @property
    def labels(self) -> dict[str, NDArray[Any]]:
        """Per grouping field, the label of each group: int64 for ``year``/``quarter``/
        ``month``, object (str, or None for missing) for categorical fields."""
        return {f: lv[c] for f, lv, c in zip(self.by, self._levels, self._codes, strict=True)}

    def levels(self, field: str) -> NDArray[Any]:
        """The distinct labels of one grouping field, sorted."""
        if field not in self.by:
            raise UnknownNameError("field", field, self.by)
        return self._levels[self.by.index(field)]

    def codes(self, field: str) -> GroupCodes:
        """Per group, the index of its label in `levels`."""
        if field not in self.by:
            raise UnknownNameError("field", field, self.by)
        return self._codes[self.by.index(field)]

    @property
    def grand_total(self) -> float:
        """The sum over all groups (``math.fsum``, correctly rounded)."""
        return math.fsum(self._values.tolist())

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[Key]:
        """Per group, the tuple of its labels (plain int, str or None)."""
        columns = [self.labels[f].tolist() for f in self.by]
        return list(zip(*columns, strict=True)) if columns else [()] * len(self)

    def to_dict(self) -> dict[Key, float]:
        """Map each group's label tuple (plain int/str, None for missing) to its total."""
        return dict(zip(self.keys(), self._values.tolist(), strict=True))

    def to_frame(self, backend: str = "pandas") -> Any:
        """A dataframe: one column per grouping field, the measure, and ``n_records``."""
        if backend not in BACKENDS:
            raise UnknownNameError("backend", backend, BACKENDS)
        data: dict[str, Any] = {f: self.labels[f].tolist() for f in self.by}
        data[self.measure] = self._values.tolist()
        data["n_records"] = self._counts.tolist()
        if backend == "pandas":
            import pandas as pd  # type: ignore[import-untyped]

            return pd.DataFrame(data, columns=list(data))
        if backend == "polars":
            import polars as pl

            return pl.DataFrame(data)
        import pyarrow as pa

        return pa.table(data)

    # ------------------------------------------------------------------- merging

    def merge(self, *others: Totals) -> Totals:
        """The totals of this partition and ``others`` together (see
        [`merge`][narcometrics.aggregate.merge])."""
        return merge(self, *others)

    def __add__(self, other: object) -> Totals:
        if not isinstance(other, Totals):
            return NotImplemented
        return merge(self, other)

    def _same_shape(self, other: Totals) -> bool:
        return (self.by, self.measure, self.table) == (other.by, other.measure, other.table)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Totals):
            return NotImplemented
        return (
            self._same_shape(other)
            and len(self) == len(other)
            and self.keys() == other.keys()
            and bool(np.array_equal(self._values, other._values))
            and bool(np.array_equal(self._counts, other._counts))
        )

    __hash__ = None  # type: ignore[assignment]

    def allclose(self, other: Totals, *, rtol: float = 1e-12, atol: float = 0.0) -> bool:
        """Same groups and counts, values equal within ``rtol``/``atol`` (float sums
        depend on the order of addition; counts are exact)."""
        return (
            self._same_shape(other)
            and len(self) == len(other)
            and self.keys() == other.keys()
            and bool(np.array_equal(self._counts, other._counts))
            and bool(np.allclose(self._values, other._values, rtol=rtol, atol=atol))
        )

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.totals(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: one row per group, totals at the precision of the sums."""
        from narcometrics import _views

        return _views.totals(self).html()


def _union(levels: Sequence[Levels]) -> tuple[Levels, list[NDArray[np.intp]]]:
    """Sorted union of level arrays and, per input, the map old index -> union index."""
    if levels[0].dtype != object:
        union = np.unique(np.concatenate(levels))
        return union, [np.searchsorted(union, lv).astype(np.intp) for lv in levels]
    items = {item for lv in levels for item in lv.tolist()}
    union, _ = _sort_levels(object_array(items))
    position = {item: i for i, item in enumerate(union.tolist())}
    return union, [np.array([position[i] for i in lv.tolist()], dtype=np.intp) for lv in levels]


def merge(*parts: Totals) -> Totals:
    """Combine totals of disjoint partitions into the totals of their union.

    Groups are matched by their labels, so partitions built from tables with different
    label sets (different files, chunks, workers) merge correctly.

    Notes
    -----
    Merging is associative and commutative: counts (and sums of integer measures, below
    $2^{53}$) exactly; float sums within rounding, since floating-point addition
    is not associative. Within one call, each group's contributions are added in order of
    value, so ``merge(*parts)`` does not depend on the order of ``parts``.

    Raises
    ------
    ValidationError
        When the parts differ in ``by``, ``measure`` or table type.

    Examples
    --------
    >>> import datetime as dt
    >>> from narcometrics import Seizure, SeizureTable
    >>> from narcometrics.aggregate import merge, partial
    >>> def table(*masses):
    ...     return SeizureTable.from_records([Seizure(date=dt.date(2017, 1, 1),
    ...         country="PER", substance="crack", mass_kg=m) for m in masses])
    >>> merge(partial(table(1.5, 2.0), "mass_kg", by="year"),
    ...       partial(table(4.0), "mass_kg", by="year")).to_dict()
    {(2017,): 7.5}
    """
    if not parts:
        raise ValueError("merge needs at least one Totals")
    first = parts[0]
    for part in parts[1:]:
        if not first._same_shape(part):
            raise ValidationError(
                "merge",
                f"parts must share by, measure and table: {first.by}/{first.measure}/"
                f"{first.table} and {part.by}/{part.measure}/{part.table}",
            )
    nonempty = [p for p in parts if len(p)]
    if len(nonempty) <= 1:
        return nonempty[0] if nonempty else first
    levels, codes = [], []
    for i in range(len(first.by)):
        union, mappings = _union([p._levels[i] for p in nonempty])
        levels.append(union)
        codes.append(
            np.concatenate([m[p._codes[i]] for p, m in zip(nonempty, mappings, strict=True)])
        )
    values = np.concatenate([p._values for p in nonempty])
    counts = np.concatenate([p._counts for p in nonempty])
    if codes:
        inverse, group_codes = group(codes, [len(lv) for lv in levels])
    else:
        inverse, group_codes = np.zeros(len(values), dtype=np.intp), []
    order = np.lexsort((values, inverse))  # add each group's parts in order of value
    n_groups = int(inverse.max()) + 1
    sums = np.bincount(inverse[order], weights=values[order], minlength=n_groups)
    merged_counts = np.zeros(n_groups, dtype=np.int64)
    np.add.at(merged_counts, inverse, counts)
    return Totals(
        by=first.by,
        measure=first.measure,
        table=first.table,
        levels=levels,
        codes=group_codes,
        values=np.asarray(sums, dtype=np.float64),
        counts=merged_counts,
    )
