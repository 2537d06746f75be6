"""Grouped totals: labels, sums and record counts per group, mergeable across partitions."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from narcometrics.aggregate._exact import (
    FLOAT_SCALE,
    INT_SCALE,
    MAX_EXACT_INT,
    LevelSums,
    to_floats,
)
from narcometrics.aggregate._order import Levels, ranked, sort_levels, sorting_order
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.tables._base import DUPLICATES, PERIODS, Duplicates, repeated_ids
from narcometrics.tables._columns import Categorical, code_dtype, object_array, readonly

Key: TypeAlias = tuple[int | str | None, ...]
#: The ids of the records behind a Totals: the table's id column, or the ids themselves.
Ids: TypeAlias = Categorical | NDArray[np.object_] | None
GroupCodes: TypeAlias = NDArray[np.intp]

#: Largest number of possible groups counted in a dense array (beyond: sort-based grouping).
DENSE_GROUPS = 1 << 25
BACKENDS = ("pandas", "polars", "pyarrow")


#: Largest number of possible groups numbered with a bitmap of seen keys (1 byte each,
#: plus 4 bytes each for the map to group numbers); beyond, sort-based grouping.
BITMAP_GROUPS = 1 << 29


def compact(key: NDArray[np.integer[Any]], size: int) -> tuple[NDArray[Any], NDArray[np.intp]]:
    """Number the keys that occur (``0 <= key < size``) in increasing order: per row the
    group number (int32 or narrower), and per group its key.

    A bitmap of the keys seen and a map from key to group number: two passes over the rows,
    linear in their number (``np.unique`` sorts them).
    """
    seen = np.zeros(size, dtype=np.bool_)
    seen[key] = True
    present = np.flatnonzero(seen)
    del seen
    lookup = np.empty(size, dtype=code_dtype(len(present)))  # only the present keys are read
    lookup[present] = np.arange(len(present))
    return lookup[key], present


def group(
    codes: Sequence[NDArray[np.integer[Any]]], radices: Sequence[int]
) -> tuple[NDArray[np.intp], list[GroupCodes]]:
    """Group rows by their codes: per row the group number; per group the field codes.

    Groups are numbered in lexicographic order of their codes.
    """
    total = math.prod(radices)
    if len(codes[0]) and total <= min(BITMAP_GROUPS, 16 * len(codes[0]) + (1 << 20)):
        key = np.ravel_multi_index(tuple(np.asarray(c, dtype=np.intp) for c in codes), radices)
        inverse, present = compact(key, total)
        return inverse.astype(np.intp), [np.asarray(c) for c in np.unravel_index(present, radices)]
    if total < 2**62:
        key = np.ravel_multi_index(tuple(np.asarray(c, dtype=np.intp) for c in codes), radices)
        unique, inverse = np.unique(key, return_inverse=True)
        return inverse, [np.asarray(c) for c in np.unravel_index(unique, radices)]
    stacked = np.stack([np.asarray(c, dtype=np.intp) for c in codes], axis=1)
    rows, inverse = np.unique(stacked, axis=0, return_inverse=True)
    return inverse.reshape(-1), [rows[:, i] for i in range(rows.shape[1])]


class Totals:
    """Sums of a measure, and record counts, per group of labels.

    Built by [`total`][narcometrics.aggregate.total]. Groups are the label combinations that
    occur in the data, in sorted order (calendar fields numerically, categorical labels
    alphabetically with missing, ``None``, last). A Totals is its own mergeable partial:
    ``a.merge(b)`` (or ``a + b``) gives the totals of both partitions. It keeps each group's
    exact sum (a Python integer per group), so merged partials give the same totals, to the
    last bit, as the total of all rows at once.

    Attributes
    ----------
    by : tuple of str
        The grouping fields.
    measure : str
        The summed field, or ``"count"``.
    table : str
        The table type it came from (e.g. ``"SeizureTable"``); only equal ones merge.
    values : numpy.ndarray
        The sum per group, in the measure's unit: the exact sum correctly rounded to float64
        (NaN for a group with no known value under ``missing="skip"``); int64 record counts
        for the measure ``"count"``.
    counts : numpy.ndarray of int64
        Records per group (with ``missing="skip"``: records with a known value).
    """

    __slots__ = (
        "_codes",
        "_counts",
        "_exact",
        "_ids",
        "_levels",
        "_scale",
        "_unused",
        "_values",
        "by",
        "measure",
        "table",
    )

    def __init__(
        self,
        *,
        by: tuple[str, ...],
        measure: str,
        table: str,
        levels: Sequence[Levels],
        codes: Sequence[GroupCodes],
        values: NDArray[Any],
        counts: NDArray[np.int64],
        exact: NDArray[np.object_] | LevelSums | None = None,
        scale: int = FLOAT_SCALE,
        ids: Ids = None,
    ) -> None:
        self.by = by
        self.measure = measure
        self.table = table
        self._levels = tuple(levels)
        self._codes = tuple(codes)
        self._unused = False  # the levels may hold labels no group has (see _drop_unused)
        dtype = np.int64 if measure == "count" else np.float64
        self._values = readonly(np.asarray(values, dtype=dtype))
        self._counts = readonly(np.asarray(counts, dtype=np.int64))
        if exact is None and measure != "count":  # built from values: exact as given
            exact, scale = exact_from_values(measure, self._values), FLOAT_SCALE
        self._exact = exact
        self._scale = exact.scale if isinstance(exact, LevelSums) else scale
        self._ids = ids

    def _exact_sums(self) -> NDArray[np.object_] | None:
        """The exact sum per group (Python integers in units of ``2**-_scale``; None for
        the measure "count"), made from level sums on first use."""
        if isinstance(self._exact, LevelSums):
            self._exact = self._exact.integers()
        return self._exact

    @classmethod
    def empty(cls, *, by: tuple[str, ...], measure: str, table: str, ids: Ids = None) -> Totals:
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
            exact=None if measure == "count" else np.zeros(0, dtype=object),
            ids=ids,
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
        values: NDArray[Any],
        counts: NDArray[np.int64],
        exact: NDArray[np.object_] | LevelSums | None = None,
        scale: int = FLOAT_SCALE,
        ids: Ids = None,
    ) -> Totals:
        """Totals from unique groups in any order: sort levels and groups (labels no group
        has are dropped when levels or codes are first asked for, see `_drop_unused`)."""
        new_levels, new_codes = [], []
        for level, code in zip(levels, codes, strict=True):
            ranks, ordered = ranked(level)  # every label, sorted (cached per categorical)
            new_levels.append(ordered)
            new_codes.append(ranks[np.asarray(code, dtype=np.intp)])
        radices = [len(lv) for lv in new_levels]
        if not new_codes or not len(values):
            order = np.arange(len(values))
        elif math.prod(radices) < 2**62:  # one integer key (distinct: the groups are unique)
            key = np.ravel_multi_index(tuple(new_codes), radices)
            order = sorting_order(key, math.prod(radices))
        else:
            order = np.lexsort(tuple(reversed(new_codes)))
        result = cls(
            by=by,
            measure=measure,
            table=table,
            levels=new_levels,
            codes=[c[order] for c in new_codes],
            values=values[order],
            counts=counts[order],
            exact=None if exact is None else exact.take(order),
            scale=scale,
            ids=ids,
        )
        result._unused = True
        return result

    def _drop_unused(self) -> Totals:
        """Keep only the labels some group has (renumbering the codes), once: `canonical`
        leaves every label of a categorical, so that grouping by a million labels neither
        copies them nor looks for the unused ones until asked."""
        if self._unused:
            levels, codes = [], []
            for level, code in zip(self._levels, self._codes, strict=True):
                seen = np.zeros(len(level), dtype=np.bool_)
                seen[code] = True
                if bool(seen.all()):
                    levels.append(level)
                    codes.append(code)
                else:
                    levels.append(level[seen])
                    codes.append((np.cumsum(seen) - 1)[code])
            self._levels, self._codes, self._unused = tuple(levels), tuple(codes), False
        return self

    # ---------------------------------------------------------------------- access

    @property
    def values(self) -> NDArray[Any]:
        """The sum per group (read-only): float64, or int64 for the measure ``"count"``."""
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
        return self._drop_unused()._levels[self.by.index(field)]

    def codes(self, field: str) -> GroupCodes:
        """Per group, the index of its label in `levels`."""
        if field not in self.by:
            raise UnknownNameError("field", field, self.by)
        return self._drop_unused()._codes[self.by.index(field)]

    @property
    def grand_total(self) -> float:
        """The sum over all groups: the exact sum correctly rounded (an int for the measure
        ``"count"``; 0 for no groups; NaN when no group has a known value).

        Raises
        ------
        ValidationError
            When the sum is too large for a float64 (or, for an integer measure, beyond
            2**53, where float64 no longer holds every integer).
        """
        sums = self._exact_sums()
        if sums is None:
            return int(self._counts.sum())
        known = self._counts > 0
        if len(self) and not known.any():
            return math.nan
        exact = np.array([sum(sums[known].tolist())], dtype=object)
        return float(exact_values(self.measure, self._scale, exact, lambda i: "(grand total)")[0])

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[Key]:
        """Per group, the tuple of its labels (plain int, str or None)."""
        columns = [self.labels[f].tolist() for f in self.by]
        return list(zip(*columns, strict=True)) if columns else [()] * len(self)

    def to_dict(self) -> dict[Key, float]:
        """Map each group's label tuple (plain int/str, None for missing) to its total (an
        int for the measure ``"count"``)."""
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

    def merge(self, *others: Totals, duplicates: Duplicates = "error") -> Totals:
        """The totals of this partition and ``others`` together (see
        [`merge`][narcometrics.aggregate.merge])."""
        return merge(self, *others, duplicates=duplicates)

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
            and bool(np.array_equal(self._values, other._values, equal_nan=self._floats))
            and bool(np.array_equal(self._counts, other._counts))
        )

    @property
    def _floats(self) -> bool:
        return self._values.dtype.kind == "f"

    __hash__ = None  # type: ignore[assignment]

    def allclose(self, other: Totals, *, rtol: float = 1e-12, atol: float = 0.0) -> bool:
        """Same groups and counts, values equal within ``rtol``/``atol`` (NaN equals NaN)."""
        return (
            self._same_shape(other)
            and len(self) == len(other)
            and self.keys() == other.keys()
            and bool(np.array_equal(self._counts, other._counts))
            and bool(np.allclose(self._values, other._values, rtol=rtol, atol=atol, equal_nan=True))
        )

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.totals(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: one row per group, totals at the precision of the sums."""
        from narcometrics import _views

        return _views.totals(self).html()


def exact_from_values(measure: str, values: NDArray[Any]) -> NDArray[np.object_]:
    """The exact sums (in units of 2**-1074) that float ``values`` stand for (0 for NaN)."""
    exact = np.zeros(len(values), dtype=object)
    for i, value in enumerate(values.tolist()):
        if math.isnan(value):
            continue
        if not math.isfinite(value):
            raise ValidationError(measure, "a total must be finite", value)
        numerator, denominator = float(value).as_integer_ratio()
        exact[i] = numerator * ((1 << FLOAT_SCALE) // denominator)
    return exact


def exact_values(
    measure: str, scale: int, exact: NDArray[np.object_], describe: Callable[[int], object]
) -> NDArray[np.float64]:
    """Correctly rounded float64 values of exact sums; overflow names measure and group
    (``describe(i)`` names group ``i``)."""
    values, overflow = to_floats(exact, scale)
    if overflow is not None:
        raise ValidationError(
            measure,
            f"the total of group {describe(overflow)} is too large for a float64 (overflow); "
            "check the values of this group for a unit or typing error",
        )
    if scale == INT_SCALE and len(exact):
        largest = max(abs(v) for v in exact.tolist())
        if largest > MAX_EXACT_INT:
            where = next(i for i, v in enumerate(exact.tolist()) if abs(v) == largest)
            raise ValidationError(
                measure,
                f"the total of group {describe(where)} exceeds 2**53 and cannot be represented "
                "exactly (a count this large is a data error)",
                largest,
            )
    return values


def _union(levels: Sequence[Levels]) -> tuple[Levels, list[NDArray[np.intp]]]:
    """Sorted union of level arrays and, per input, the map old index -> union index."""
    if levels[0].dtype != object:
        union = np.unique(np.concatenate(levels))
        return union, [np.searchsorted(union, lv).astype(np.intp) for lv in levels]
    items = {item for lv in levels for item in lv.tolist()}
    union, _ = sort_levels(object_array(items))
    position = {item: i for i, item in enumerate(union.tolist())}
    return union, [np.array([position[i] for i in lv.tolist()], dtype=np.intp) for lv in levels]


def used_ids(ids: Ids) -> list[object]:
    """The ids of a partial's records (the labels of its id column that rows use)."""
    if ids is None:
        return []
    if isinstance(ids, Categorical):
        if not len(ids.labels):
            return []
        codes = ids.codes[ids.codes >= 0] if ids.has_missing else ids.codes
        used = np.bincount(codes.astype(np.intp), minlength=len(ids.labels)) > 0
        return ids.labels[used].tolist()  # type: ignore[no-any-return]
    return ids.tolist()  # type: ignore[no-any-return]


def _merged_ids(parts: Sequence[Totals], duplicates: Duplicates) -> Ids:
    """The ids of all parts; repeated ids are an error unless allowed."""
    if duplicates not in DUPLICATES:
        raise UnknownNameError("duplicates", str(duplicates), DUPLICATES)
    seen: set[object] = set()
    collected: list[object] = []
    repeated: dict[object, None] = {}
    for part in parts:
        ids = used_ids(part._ids)
        if duplicates == "error":
            for item in seen.intersection(ids):
                repeated[item] = None
        seen.update(ids)
        collected.extend(ids)
    if repeated:
        order = {item: i for i, item in enumerate(collected)}
        raise repeated_ids(sorted(repeated, key=order.__getitem__))
    return object_array(collected) if collected else None


def merge(*parts: Totals, duplicates: Duplicates = "error") -> Totals:
    """Combine totals of disjoint partitions into the totals of their union.

    Groups are matched by their labels, so partitions built from tables with different
    label sets (different files, chunks, workers) merge correctly. The same record in two
    partitions would be counted twice: an ``id`` found in more than one part is an error
    (listing the first 10 repeated ids and their count) unless ``duplicates="allow"``.

    Notes
    -----
    Each part holds the exact sum of every group (a Python integer in units of
    $2^{-1074}$, or of 1 for integer measures); merging adds them exactly and rounds once.
    So ``merge(total(a), total(b))`` equals ``total(a + b)`` to the last bit, for any
    split, and merging is exactly associative and commutative.

    Raises
    ------
    ValidationError
        When the parts differ in ``by``, ``measure`` or table type, when they repeat ids,
        or when a merged total overflows.

    Examples
    --------
    >>> import datetime as dt
    >>> from narcometrics import Seizure, SeizureTable
    >>> from narcometrics.aggregate import merge, total
    >>> def table(*masses):
    ...     return SeizureTable.from_records([Seizure(date=dt.date(2017, 1, 1),
    ...         country="PER", substance="crack", mass_kg=m) for m in masses])
    >>> merge(total(table(1.5, 2.0), "mass_kg", by="year"),
    ...       total(table(4.0), "mass_kg", by="year")).to_dict()
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
    ids = _merged_ids(parts, duplicates)
    nonempty = [p._drop_unused() for p in parts if len(p)]
    if not nonempty:
        return Totals.empty(by=first.by, measure=first.measure, table=first.table, ids=ids)
    levels, codes = [], []
    for i in range(len(first.by)):
        union, mappings = _union([p._levels[i] for p in nonempty])
        levels.append(union)
        codes.append(
            np.concatenate([m[p._codes[i]] for p, m in zip(nonempty, mappings, strict=True)])
        )
    counts = np.concatenate([p._counts for p in nonempty])
    if codes:
        inverse, group_codes = group(codes, [len(lv) for lv in levels])
    else:
        inverse, group_codes = np.zeros(len(counts), dtype=np.intp), []
    n_groups = int(inverse.max()) + 1
    merged_counts = np.zeros(n_groups, dtype=np.int64)
    np.add.at(merged_counts, inverse, counts)
    result = Totals(
        by=first.by,
        measure=first.measure,
        table=first.table,
        levels=levels,
        codes=group_codes,
        values=merged_counts,
        counts=merged_counts,
        ids=ids,
    )
    if first.measure == "count":
        return result
    scales = {p._scale for p in nonempty}
    scale = scales.pop() if len(scales) == 1 else FLOAT_SCALE
    exact = np.zeros(n_groups, dtype=object)
    np.add.at(exact, inverse, np.concatenate([_exact_at(p, scale) for p in nonempty]))
    keys = result.keys()
    values = exact_values(
        first.measure, scale, exact, lambda i: dict(zip(first.by, keys[i], strict=True))
    )
    values[merged_counts == 0] = np.nan
    return Totals(
        by=first.by,
        measure=first.measure,
        table=first.table,
        levels=levels,
        codes=group_codes,
        values=values,
        counts=merged_counts,
        exact=exact,
        scale=scale,
        ids=ids,
    )


def _exact_at(part: Totals, scale: int) -> NDArray[np.object_]:
    """A part's exact sums in units of 2**-scale (integer sums to float units if needed)."""
    exact = part._exact_sums()
    assert exact is not None
    if part._scale == scale:
        return exact
    return exact * (1 << (scale - part._scale))  # type: ignore[no-any-return]
