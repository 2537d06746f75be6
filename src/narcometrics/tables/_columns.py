"""Column types of the tables: categorical codes with labels, and ragged arrays.

A [`Categorical`][narcometrics.tables.Categorical] stores one small signed integer code per row and
the few distinct labels once; ``-1`` marks a missing value. A [`Ragged`][narcometrics.tables.Ragged]
stores variable-length rows (scores, participant ids) as one flat array plus ``offsets``: row ``i``
is ``values[offsets[i]:offsets[i + 1]]``. Neither holds a Python object per row.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any, TypeAlias, TypeGuard, overload

import numpy as np
from numpy.typing import NDArray

__all__ = ["MISSING_CODE", "Categorical", "Ragged", "code_dtype"]

#: The code of a missing categorical value.
MISSING_CODE = -1

Codes: TypeAlias = NDArray[np.signedinteger[Any]]
Labels: TypeAlias = NDArray[np.object_]
Index: TypeAlias = slice | NDArray[np.bool_] | NDArray[np.integer[Any]] | Sequence[int]

_INT8 = np.iinfo(np.int8).max
_INT16 = np.iinfo(np.int16).max
_INT32 = np.iinfo(np.int32).max


def code_dtype(n_labels: int) -> np.dtype[np.signedinteger[Any]]:
    """The smallest signed integer type that codes ``n_labels`` labels (and ``-1``)."""
    if n_labels <= _INT8:
        return np.dtype(np.int8)
    if n_labels <= _INT16:
        return np.dtype(np.int16)
    if n_labels <= _INT32:
        return np.dtype(np.int32)
    return np.dtype(np.int64)


def object_array(values: Iterable[object]) -> Labels:
    """A 1-D object array of ``values`` (never a 2-D array of sequences)."""
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def readonly(array: NDArray[Any]) -> NDArray[Any]:
    """Mark ``array`` read-only (tables are immutable) and return it."""
    array.flags.writeable = False
    return array


def _remap(codes: Codes, mapping: NDArray[np.integer[Any]], n_labels: int) -> Codes:
    """``mapping[codes]`` with ``-1`` kept as ``-1``, in the narrowest code type."""
    table = np.append(mapping, MISSING_CODE).astype(code_dtype(n_labels))
    return table[codes]


def is_row_number(index: object) -> TypeGuard[int | np.integer[Any]]:
    """Whether ``index`` selects one row: an int or numpy integer, never a bool.

    ``True`` and ``False`` are ints in Python, so ``table[False]`` would otherwise be
    ``table[0]``: a bool (Python or numpy, or a 0-d boolean array) is a `TypeError`.
    """
    if isinstance(index, (bool, np.bool_)) or (
        isinstance(index, np.ndarray) and index.ndim == 0 and index.dtype == np.bool_
    ):
        raise TypeError(
            "a bool is not a row number: select rows with a boolean mask of one value per "
            "row (e.g. table[table.substance == 'cocaine_hcl'])"
        )
    return isinstance(index, (int, np.integer))


def normalise_index(index: Any, n: int) -> slice | NDArray[np.intp]:
    """A slice, or an integer array of rows, for selecting rows of a column of length n."""
    if isinstance(index, slice):
        return index
    array = np.asarray(index)
    if array.ndim != 1:
        raise IndexError(
            "rows are selected by an int, a slice, a boolean mask or int array, "
            f"not an array of shape {array.shape}"
        )
    if array.dtype == np.bool_:
        if array.shape != (n,):
            raise IndexError(f"boolean index of shape {array.shape} for {n} rows")
        return np.flatnonzero(array)
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
        raise IndexError("rows are selected by an int, a slice, a boolean mask or int array")
    rows = array.astype(np.intp)
    if rows.size and (rows.min() < -n or rows.max() >= n):
        raise IndexError(f"row index out of range for {n} rows")
    return np.where(rows < 0, rows + n, rows)


class Categorical:
    """Categorical column: integer ``codes`` into unique string ``labels``.

    Parameters
    ----------
    codes : array_like of int
        One code per row, ``0 <= code < len(labels)``, or ``-1`` for a missing value.
    labels : sequence of str
        The distinct labels (no repeats).

    Examples
    --------
    >>> from narcometrics.tables import Categorical
    >>> regions = Categorical.encode(["Cusco", "Puno", None, "Cusco"])
    >>> regions.codes.tolist(), regions.labels.tolist()
    ([0, 1, -1, 0], ['Cusco', 'Puno'])
    >>> regions[3], regions.to_list()
    ('Cusco', ['Cusco', 'Puno', None, 'Cusco'])
    """

    __slots__ = ("_codes", "_has_missing", "_labels")

    def __init__(self, codes: Any, labels: Iterable[object]) -> None:
        label_array = object_array(labels)
        code_array = np.asarray(codes)
        if code_array.ndim != 1 or (code_array.size and code_array.dtype.kind not in "iu"):
            raise TypeError("Categorical codes must be a 1-D array of integers")
        if code_array.size and (
            code_array.min() < MISSING_CODE or code_array.max() >= len(label_array)
        ):
            raise ValueError(f"Categorical codes must be in [-1, {len(label_array)})")
        if len(set(label_array.tolist())) != len(label_array):
            raise ValueError("Categorical labels must not repeat")
        self._set(code_array.astype(code_dtype(len(label_array))), label_array)

    def _set(self, codes: Codes, labels: Labels) -> None:
        self._codes = readonly(codes)
        self._labels = readonly(labels)
        self._has_missing: bool | None = None

    @classmethod
    def trusted(cls, codes: Codes, labels: Labels) -> Categorical:
        """Wrap arrays that are known to be valid (no checks, no copies)."""
        self = cls.__new__(cls)
        self._set(codes, labels)
        return self

    @classmethod
    def encode(cls, values: Iterable[Hashable | None]) -> Categorical:
        """Encode Python values: each distinct value becomes a label, ``None`` is missing.

        Labels are kept in order of first appearance. No validation of the labels here:
        the tables validate them for their field.
        """
        index: dict[Hashable, int] = {}
        codes = [
            MISSING_CODE if value is None else index.setdefault(value, len(index))
            for value in values
        ]
        labels = object_array(index)
        return cls.trusted(np.asarray(codes, dtype=code_dtype(len(labels))), labels)

    @property
    def codes(self) -> Codes:
        """One code per row (read-only), ``-1`` for a missing value."""
        return self._codes

    @property
    def labels(self) -> Labels:
        """The distinct labels (read-only object array of str)."""
        return self._labels

    @property
    def has_missing(self) -> bool:
        """Whether any row is missing (computed once)."""
        if self._has_missing is None:
            self._has_missing = bool(self._codes.size) and bool(self._codes.min() < 0)
        return self._has_missing

    @property
    def nbytes(self) -> int:
        """Bytes held: the codes, plus the label array and its strings."""
        strings = sum(len(str(label)) for label in self._labels.tolist())
        return int(self._codes.nbytes + self._labels.nbytes + strings)

    def __len__(self) -> int:
        return len(self._codes)

    @overload
    def __getitem__(self, index: int) -> str | None: ...
    @overload
    def __getitem__(self, index: Index) -> Categorical: ...
    def __getitem__(self, index: int | Index) -> str | Categorical | None:
        if is_row_number(index):
            code = int(self._codes[index])
            return None if code < 0 else str(self._labels[code])
        return self.take(normalise_index(index, len(self)))

    def take(self, rows: slice | NDArray[np.intp]) -> Categorical:
        """The rows ``rows`` (same labels)."""
        return Categorical.trusted(self._codes[rows], self._labels)

    def to_numpy(self) -> Labels:
        """Decoded values: an object array of str, ``None`` where missing."""
        decoded: Labels = np.append(self._labels, object_array([None]))[self._codes]
        return decoded

    def to_list(self) -> list[str | None]:
        """Decoded values as a list."""
        return self.to_numpy().tolist()  # type: ignore[no-any-return]

    def recode(self, labels: Labels) -> Categorical:
        """The same values coded against ``labels``, which must contain every used label."""
        position = {label: i for i, label in enumerate(labels.tolist())}
        mapping = np.array([position.get(label, -2) for label in self._labels.tolist()])
        result = _remap(self._codes, mapping, len(labels))
        if result.size and result.min() < MISSING_CODE:
            raise ValueError("recode: a used label is not among the new labels")
        return Categorical.trusted(result, labels)

    def __eq__(self, other: object) -> NDArray[np.bool_]:  # type: ignore[override]
        """Element-wise comparison: a boolean mask with one value per row.

        ``other`` is a label (a str, or a StrEnum member such as
        ``Substance.COCAINE_HCL``), another column of the same length (a Categorical, a
        sequence or an array of labels). A missing value equals nothing. Use `equals` to
        compare two whole columns.
        """
        return self._compare(other)

    def __ne__(self, other: object) -> NDArray[np.bool_]:  # type: ignore[override]
        """Element-wise ``!=``: the negation of ``==`` (a missing value differs from any
        label)."""
        return ~self._compare(other)

    def _compare(self, other: object) -> NDArray[np.bool_]:
        if isinstance(other, str):
            position = {label: i for i, label in enumerate(self._labels.tolist())}
            code = position.get(str(other), -2)
            return np.asarray(self._codes == code)
        if isinstance(other, Categorical):
            self._check_length(len(other))
            labels, (mine, theirs) = union_labels([self._labels, other._labels])
            left = _remap(self._codes, mine, len(labels))
            right = _remap(other._codes, theirs, len(labels))
            return np.asarray((left == right) & (left != MISSING_CODE))
        if isinstance(other, (list, tuple, np.ndarray)):
            values = object_array(other) if not isinstance(other, np.ndarray) else other
            if values.ndim != 1:
                raise TypeError(
                    f"cannot compare a Categorical with an array of shape {values.shape}"
                )
            self._check_length(len(values))
            decoded = self.to_numpy()
            result = np.array(
                [
                    a is not None and a == b
                    for a, b in zip(decoded.tolist(), values.tolist(), strict=True)
                ],
                dtype=np.bool_,
            )
            return result
        raise TypeError(
            f"cannot compare a Categorical column with {type(other).__name__}: compare with a "
            "label (str), another column or a sequence of labels"
        )

    def _check_length(self, n: int) -> None:
        if n != len(self):
            raise ValueError(f"cannot compare columns of {len(self)} and {n} rows")

    def equals(self, other: object) -> bool:
        """Whether ``other`` is a Categorical with the same values in every row (labels
        may differ in order)."""
        if not isinstance(other, Categorical):
            return False
        if len(self) != len(other):
            return False
        if np.array_equal(self._labels, other._labels):
            return bool(np.array_equal(self._codes, other._codes))
        labels, (mine, theirs) = union_labels([self._labels, other._labels])
        return bool(
            np.array_equal(
                _remap(self._codes, mine, len(labels)), _remap(other._codes, theirs, len(labels))
            )
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Categorical(n={len(self)}, labels={self._labels.tolist()!r:.200})"


def union_labels(
    label_arrays: Sequence[Labels],
) -> tuple[Labels, list[NDArray[np.intp]]]:
    """Union of label arrays (first-seen order) and, per input, the map old code -> new."""
    position: dict[object, int] = {}
    mappings = [
        np.array(
            [position.setdefault(label, len(position)) for label in labels.tolist()],
            dtype=np.intp,
        )
        for labels in label_arrays
    ]
    return object_array(position), mappings


def concat_categoricals(parts: Sequence[Categorical]) -> Categorical:
    """Concatenate categorical columns, recoding to the union of their labels."""
    if all(np.array_equal(p.labels, parts[0].labels) for p in parts[1:]):
        dtype = code_dtype(len(parts[0].labels))
        return Categorical.trusted(
            np.concatenate([p.codes.astype(dtype, copy=False) for p in parts]), parts[0].labels
        )
    labels, mappings = union_labels([p.labels for p in parts])
    codes = [_remap(p.codes, m, len(labels)) for p, m in zip(parts, mappings, strict=True)]
    return Categorical.trusted(np.concatenate(codes), labels)


RaggedValues: TypeAlias = NDArray[np.float64] | Categorical


class Ragged:
    """Variable-length rows: row ``i`` is ``values[offsets[i]:offsets[i + 1]]``.

    Parameters
    ----------
    values : numpy.ndarray or Categorical
        The rows' items, one after the other (floats, or codes of strings).
    offsets : array_like of int
        ``len(rows) + 1`` non-decreasing positions, starting at 0 and ending at
        ``len(values)``.

    Examples
    --------
    >>> import numpy as np
    >>> from narcometrics.tables import Ragged
    >>> scores = Ragged(np.array([40.0, 55.0, 70.0]), [0, 2, 2, 3])
    >>> len(scores), scores[0], scores[1], scores.lengths.tolist()
    (3, (40.0, 55.0), (), [2, 0, 1])
    """

    __slots__ = ("_offsets", "_values")

    def __init__(self, values: RaggedValues, offsets: Any) -> None:
        offset_array = np.asarray(offsets)
        if offset_array.ndim != 1 or offset_array.size == 0 or offset_array.dtype.kind not in "iu":
            raise TypeError("Ragged offsets must be a non-empty 1-D array of integers")
        if offset_array[0] != 0 or offset_array[-1] != len(values):
            raise ValueError("Ragged offsets must start at 0 and end at len(values)")
        if np.any(np.diff(offset_array) < 0):
            raise ValueError("Ragged offsets must not decrease")
        if not isinstance(values, Categorical):
            values = readonly(np.array(values, dtype=np.float64))
        self._values = values
        self._offsets = readonly(offset_array.astype(np.int64))

    @classmethod
    def trusted(cls, values: RaggedValues, offsets: NDArray[np.int64]) -> Ragged:
        """Wrap arrays that are known to be valid (no checks, no copies)."""
        self = cls.__new__(cls)
        self._values = values
        self._offsets = readonly(offsets)
        return self

    @property
    def values(self) -> RaggedValues:
        """All items, row after row."""
        return self._values

    @property
    def offsets(self) -> NDArray[np.int64]:
        """Row boundaries (length ``len(self) + 1``)."""
        return self._offsets

    @property
    def lengths(self) -> NDArray[np.int64]:
        """Items per row."""
        return np.diff(self._offsets)

    @property
    def nbytes(self) -> int:
        """Bytes held by the values and offsets."""
        return int(self._values.nbytes + self._offsets.nbytes)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def row(self, i: int) -> tuple[Any, ...]:
        """Row ``i`` as a tuple of floats or str."""
        start, stop = int(self._offsets[i]), int(self._offsets[i + 1])
        if isinstance(self._values, Categorical):
            return tuple(self._values.take(slice(start, stop)).to_list())
        return tuple(self._values[start:stop].tolist())

    @overload
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...
    @overload
    def __getitem__(self, index: Index) -> Ragged: ...
    def __getitem__(self, index: int | Index) -> tuple[Any, ...] | Ragged:
        if is_row_number(index):
            n = len(self)
            if not -n <= index < n:
                raise IndexError(f"row {index} out of range for {n} rows")
            return self.row(int(index) % n)
        return self.take(normalise_index(index, len(self)))

    def take(self, rows: slice | NDArray[np.intp]) -> Ragged:
        """The rows ``rows``, with their items."""
        starts = self._offsets[:-1][rows]
        lengths = self.lengths[rows]
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        items = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        if isinstance(self._values, Categorical):
            return Ragged.trusted(self._values.take(items), offsets)
        return Ragged.trusted(readonly(self._values[items]), offsets)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ragged):
            return NotImplemented
        if not np.array_equal(self._offsets, other._offsets):
            return False
        if isinstance(self._values, Categorical) or isinstance(other._values, Categorical):
            return isinstance(self._values, Categorical) and self._values.equals(other._values)
        return bool(np.array_equal(self._values, other._values, equal_nan=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Ragged(rows={len(self)}, items={len(self._values)})"


def concat_ragged(parts: Sequence[Ragged]) -> Ragged:
    """Concatenate ragged columns."""
    lengths = np.concatenate([p.lengths for p in parts])
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    first = parts[0].values
    if isinstance(first, Categorical):
        values: RaggedValues = concat_categoricals(
            [p.values for p in parts if isinstance(p.values, Categorical)]
        )
    else:
        values = readonly(np.concatenate([np.asarray(p.values) for p in parts]))
    return Ragged.trusted(values, offsets)
