"""The pyarrow engine of the CSV readers: the grammar of `narcometrics.io._csv`, columnar.

A whole file (`read_csv`) without quotes is parsed in ranges of whole lines of about 2 MiB
(`narcometrics.io._csv_arrow_ranges`: no value can hold a line break, so every byte 0x0A
ends a row), each by pyarrow's threads, while the range before is converted on another
thread; from the first quote on, the rest of the file is parsed at once with
``newlines_in_values``. A stream (`iter_csv`) is read block by block. Numbers and dates are
read as text and cast (pyarrow's CSV converters accept spaces and tabs around a value and
hexadecimal integers, which the grammar refuses, while its casts from text accept exactly
the grammar, and nan/inf, refused here as non-finite). Dates, reals and categorical codes
are written range by range into one growing array per column (room for the file's rows is
made after the first range, at its bytes per row; labels are recoded to the file's first-
seen order in the smallest integer type), so a column never exists twice and the text of the
file is never held whole: the peak memory of a read is about the table plus two ranges. The
Arrow buffers of a read come from the C library's allocator, which gives them back when
freed. The table validates the columns once (the labels of a categorical column are checked
once each, not once per row).

Whenever pyarrow cannot give the exact answer (a cell outside the grammar, a cell the table
refuses, an escaped list item), [`Fallback`][narcometrics.io._csv_arrow.Fallback] is raised
and the python engine reads the file again to name every problem's line and column.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from narcometrics.errors import ValidationError
from narcometrics.io._csv import Dialect, Header, check_header
from narcometrics.io._csv_arrow_ranges import (
    RELEASE_RANGES,
    line_ranges,
    release_freed,
    splittable,
)
from narcometrics.io._csv_arrow_ranges import arrow_pool as _pool
from narcometrics.io._files import PathLike, csv_rows, open_text, unescape_cell
from narcometrics.io._kinds import LIST_SEPARATOR
from narcometrics.tables import MISSING_CODE, Categorical, FieldSpec, Ragged, Table
from narcometrics.tables._columns import code_dtype, object_array
from narcometrics.tables._read import Raw
from narcometrics.tables._validate import Problems

__all__ = ["WHOLE_BLOCK_BYTES", "Fallback", "arrow_chunks"]

#: Bytes per block when a whole file is read (None: pyarrow's default, 1 MiB); its threads
#: parse the blocks in parallel.
WHOLE_BLOCK_BYTES: int | None = None
#: Rows from which the columns of a whole file are converted on several threads.
_PARALLEL_ROWS = 100_000


class Fallback(Exception):
    """pyarrow cannot give a precise answer: let the python engine locate the problems."""


# ---------------------------------------------------------------------- pieces of columns


def _cast(column: Any, target: Any, decimal: str) -> Any:
    """Text cast to numbers or dates with the grammar of the python engine (else `Fallback`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if (
        pa.types.is_integer(target)
        and pc.any(pc.match_substring(column, "x", ignore_case=True)).as_py()
    ):
        raise Fallback()  # a hexadecimal integer, which the cast would accept
    if decimal == "," and pa.types.is_floating(target):
        if pc.any(pc.match_substring(column, ".")).as_py():
            raise Fallback()
        column = pc.replace_substring(column, ",", ".")
    try:
        return pc.cast(column, target, memory_pool=_pool())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise Fallback() from None


def _finite(column: Any, decimal: str) -> Any:
    """Real numbers as float64 (NaN where the cell is empty); a non-finite number falls back."""
    import pyarrow as pa

    values = _cast(column, pa.float64(), decimal)
    data = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    if np.count_nonzero(~np.isfinite(data)) != values.null_count:
        raise Fallback()  # nan or inf written in the file
    return data


def _date_piece(column: Any, spec: FieldSpec, decimal: str) -> Any:
    """Days since 1970 (int32): each distinct date text (the column is read dictionary
    encoded) is cast once."""
    import pyarrow as pa

    codes, texts = _coded(column)
    if (codes < 0).any():
        raise Fallback()  # a required date is missing
    days = _cast(texts, pa.date32(), decimal)
    return np.asarray(days.cast(pa.int32()).to_numpy(zero_copy_only=False))[codes]


def _float_piece(column: Any, spec: FieldSpec, decimal: str) -> Any:
    return _finite(column, decimal)


def _count_piece(column: Any, spec: FieldSpec, decimal: str) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    counts = _cast(column, pa.int64(), decimal)
    null = np.asarray(counts.is_null().to_numpy(zero_copy_only=False), dtype=np.bool_)
    data = np.asarray(pc.fill_null(counts, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    return data, null


def _coded(column: Any) -> tuple[Any, Any]:
    """Dictionary codes (-1 where empty) and the dictionary of a text column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    if isinstance(column, pa.ChunkedArray):  # a whole file: one dictionary for all chunks
        if column.num_chunks == 0:
            column = pa.array([], column.type)
        else:
            column = column.unify_dictionaries(_pool()).combine_chunks(_pool())
    indices = column.indices
    if indices.null_count:
        indices = pc.coalesce(indices, MISSING_CODE, memory_pool=_pool())
    return np.asarray(indices.to_numpy(zero_copy_only=False)), column.dictionary


def _label_piece(column: Any, spec: FieldSpec, decimal: str) -> Any:
    """Dictionary codes (-1 where empty) and the labels, unescaped."""
    codes, dictionary = _coded(column)
    labels = dictionary.to_pylist()
    if any(label.startswith("'") for label in labels):
        labels = [unescape_cell(label) for label in labels]
    return codes, labels


def _list_piece(column: Any, spec: FieldSpec, decimal: str) -> Any:
    """Row lengths and the items of a list cell split at `LIST_SEPARATOR`: an empty cell is
    no score (floats) or a missing list (texts)."""
    import pyarrow.compute as pc

    parts = pc.split_pattern(column, LIST_SEPARATOR)
    lengths = np.asarray(
        pc.fill_null(pc.list_value_length(parts), 0).to_numpy(zero_copy_only=False),
        dtype=np.int64,
    )
    flat = pc.list_flatten(parts)
    if len(flat) != int(lengths.sum()):
        raise Fallback()  # pragma: no cover - a null list holding items
    if spec.kind == "floats":
        return lengths, _finite(flat, decimal)
    if len(flat) and pc.any(pc.starts_with(flat, "'")).as_py():
        raise Fallback()  # an escaped item: the python engine unescapes it
    return lengths, _label_piece(flat, spec, decimal)


_PIECES: dict[str, Callable[[Any, FieldSpec, str], Any]] = {
    "date": _date_piece,
    "float": _float_piece,
    "count": _count_piece,
    "floats": _list_piece,
    "texts": _list_piece,
}


# ----------------------------------------------------------------- pieces joined, columns


def _labels(pieces: list[Any]) -> Categorical:
    """Coded pieces recoded to the labels of all of them, in first-seen order."""
    position: dict[str, int] = {}
    maps = [
        np.array([position.setdefault(label, len(position)) for label in labels], dtype=np.int64)
        for _, labels in pieces
    ]
    dtype = code_dtype(len(position))
    codes = np.empty(sum(len(codes) for codes, _ in pieces), dtype=dtype)
    start = 0
    for (piece, _), mapping in zip(pieces, maps, strict=True):
        # Code -1 (empty) takes the last entry, -1; Arrow codes are never out of range.
        table = np.append(mapping, MISSING_CODE).astype(dtype)
        np.take(table, piece, out=codes[start : start + len(piece)], mode="wrap")
        start += len(piece)
    pieces.clear()
    return Categorical.trusted(codes, object_array(position))


def _joined(pieces: list[Any], empty: Any) -> Any:
    """One array of the pieces (the piece itself when there is one: no copy)."""
    data = pieces[0] if len(pieces) == 1 else np.concatenate(pieces) if pieces else empty
    pieces.clear()
    return data


def _floats(pieces: list[Any]) -> Any:
    return _joined(pieces, np.zeros(0))


def _counts(pieces: list[Any]) -> tuple[Any, Any]:
    """Counts (0 where empty, an owned array) and the empty rows (None when none is)."""
    data = _owned(_joined([d for d, _ in pieces], np.zeros(0, np.int64)))
    null = _joined([n for _, n in pieces], np.zeros(0, np.bool_))
    pieces.clear()
    return data, (null if null.any() else None)


def _lists(pieces: list[Any], kind: str) -> Ragged:
    lengths = [n for n, _ in pieces]
    items = [i for _, i in pieces]
    pieces.clear()
    offsets = np.zeros(sum(len(n) for n in lengths) + 1, dtype=np.int64)
    if lengths:
        np.cumsum(np.concatenate(lengths), out=offsets[1:])
    values: Any = _floats(items) if kind == "floats" else _labels(items)
    return Ragged.trusted(values, offsets)


def _column(spec: FieldSpec, pieces: list[Any]) -> Any:
    """The pieces of a count or list column joined (and freed as they are)."""
    if spec.kind == "count":
        return _counts(pieces)
    return _lists(pieces, spec.kind)  # "floats" or "texts" (labels are built by `_Codes`)


class _Growing:
    """A column written piece by piece into one numpy array, which grows in place (numpy's
    ``resize``, a ``realloc``: large arrays are remapped, not copied) and is cut to its rows
    at the end: no list of pieces to join, so a column never exists twice."""

    def __init__(self, dtype: Any) -> None:
        self.data: Any = np.empty(0, dtype)
        self.size = 0

    def reserve(self, capacity: int) -> None:
        if capacity <= len(self.data):
            return
        if self.size:
            self.data.resize(capacity, refcheck=False)  # zero-fills the new rows
        else:  # nothing to keep: rows never written stay out of the resident memory
            self.data = np.empty(capacity, self.data.dtype)

    def astype(self, dtype: Any) -> None:
        if dtype != self.data.dtype:
            self.data = self.data.astype(dtype)

    def extend(self, piece: Any) -> None:
        end = self.size + len(piece)
        if end > len(self.data):
            self.reserve(max(end, len(self.data) + len(self.data) // 4))
        self.data[self.size : end] = piece
        self.size = end

    def finish(self) -> Any:
        data = self.data
        data.resize(self.size, refcheck=False)
        self.data = np.empty(0, data.dtype)
        self.size = 0
        return data


class _Codes(_Growing):
    """The codes of a categorical column, piece by piece: each piece is recoded at once to the
    labels of all pieces so far, in first-seen order, in the smallest integer type (so that
    a whole file's codes take the bytes of the final column, not Arrow's 4 per row)."""

    def __init__(self) -> None:
        super().__init__(code_dtype(0))
        self.position: dict[str, int] = {}

    def add(self, piece: tuple[Any, list[str]]) -> None:
        codes, labels = piece
        mapping = [self.position.setdefault(label, len(self.position)) for label in labels]
        dtype = code_dtype(len(self.position))
        self.astype(dtype)
        # Code -1 (empty) takes the last entry, -1; Arrow codes are never out of range.
        self.extend(np.take(np.array([*mapping, MISSING_CODE], dtype=dtype), codes, mode="wrap"))

    def build(self) -> Categorical:
        return Categorical.trusted(self.finish(), object_array(self.position))


#: The columns written into one growing array (the others are joined from their pieces),
#: and the type of that array.
_GROWING = {"date": np.int64, "float": np.float64}


class _Columns:
    """The columns of a file (or of one block) being built from Arrow columns."""

    def __init__(self, table: type[Table[Any]], header: Header, decimal: str) -> None:
        self.table = table
        self.decimal = decimal
        self.specs = [spec for spec in table.schema if spec.name in header.positions]
        self.pieces: dict[str, list[Any]] = {spec.name: [] for spec in self.specs}
        self.codes = {spec.name: _Codes() for spec in self.specs if spec.kind not in _PIECES}
        self.growing = {
            spec.name: _Growing(_GROWING[spec.kind]) for spec in self.specs if spec.kind in _GROWING
        }

    def reserve(self, rows: int) -> None:
        """Make room for about ``rows`` rows in the growing columns (rows never touched are
        never resident)."""
        for store in [*self.codes.values(), *self.growing.values()]:
            store.reserve(rows)

    def add(self, columns: dict[str, Any], rows: int) -> None:
        """Convert the Arrow columns of a block, or of the whole file (then column by column
        on a few threads: Arrow's casts and numpy release the GIL). Each Arrow column is
        dropped from ``columns`` once converted, so that its text can be freed."""

        def convert(spec: FieldSpec) -> None:
            column = columns.pop(spec.name)
            if spec.name in self.codes:
                self.codes[spec.name].add(_label_piece(column, spec, self.decimal))
            elif spec.name in self.growing:
                self.growing[spec.name].extend(_PIECES[spec.kind](column, spec, self.decimal))
            else:
                self.pieces[spec.name].append(_PIECES[spec.kind](column, spec, self.decimal))

        if rows < _PARALLEL_ROWS or len(self.specs) < 2:
            for spec in self.specs:
                convert(spec)
        else:
            with ThreadPoolExecutor(min(len(self.specs), os.cpu_count() or 1)) as pool:
                list(pool.map(convert, self.specs))

    def _joined(self, spec: FieldSpec) -> Any:
        if spec.name in self.growing:
            data = self.growing[spec.name].finish()
            return data.view("datetime64[D]") if spec.kind == "date" else data
        return _owned(_column(spec, self.pieces[spec.name]))

    def build(self) -> Table[Any]:
        """The validated table (`Fallback` when the table refuses a cell).

        The joined columns go to the table's checks as they are (what `from_columns` does
        after copying its arguments: these arrays are the reader's own, so no copy is made,
        which would add a float column's bytes to the peak memory of a read).
        """
        raws: dict[str, Raw] = {}
        for spec in self.specs:
            if spec.name in self.codes:
                raws[spec.name] = Raw(self.codes[spec.name].build())
            elif spec.kind == "count":
                data, null = _column(spec, self.pieces[spec.name])
                raws[spec.name] = Raw(data, null)
            else:  # dates in days, floats: arrays of this reader's own (not copied)
                raws[spec.name] = Raw(self._joined(spec), owned=spec.kind == "date")
        try:
            return self.table._validated(raws, Problems())
        except ValidationError:
            # pyarrow skipped blank lines and joined quoted line breaks, so only the
            # python engine knows the file lines: it reports the problems.
            raise Fallback() from None


def _owned(data: Any) -> Any:
    """``data``, copied if it is a read-only view (of an Arrow buffer)."""
    if isinstance(data, np.ndarray) and not data.flags.writeable:
        return data.copy()
    return data


# ------------------------------------------------------------------------------ reading


def _options(
    table: type[Table[Any]],
    header: Header,
    dialect: Dialect,
    *,
    block: int | None,
    names: list[str] | None = None,
    newlines_in_values: bool = True,
) -> tuple[Any, Any, Any]:
    """pyarrow's read, parse and convert options for the columns of ``table`` (``names``:
    the column names of a part of a file after its header)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    codec = codecs.lookup(dialect.encoding).name
    types: dict[str, Any] = {}
    for spec in table.schema:
        if spec.name in header.positions:
            text = spec.kind in ("float", "count", "floats", "texts")
            types[spec.name] = pa.string() if text else pa.dictionary(pa.int32(), pa.string())
    read_options = pacsv.ReadOptions(
        block_size=block,
        column_names=names or [],
        **({} if codec == "utf-8" else {"encoding": codec}),
    )
    parse_options = pacsv.ParseOptions(newlines_in_values=newlines_in_values, delimiter=dialect.sep)
    convert_options = pacsv.ConvertOptions(
        column_types=types,
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        null_values=[""],
        true_values=[],
        false_values=[],
    )
    return read_options, parse_options, convert_options


def _header(source: PathLike, table: type[Table[Any]], path: str, dialect: Dialect) -> Header:
    with open_text(source, encoding=dialect.encoding) as (stream, _):
        first = next(
            csv_rows(stream, path=path, source=source, encoding=dialect.encoding, sep=dialect.sep),
            None,
        )
    if first is None:
        raise ValidationError("file", "is empty: a header row is required", path=path)
    return check_header(first[1], table, path, dialect.sep)


def _read_whole(
    source: PathLike,
    table: type[Table[Any]],
    header: Header,
    dialect: Dialect,
    columns: _Columns,
) -> Iterator[int]:
    """Read a whole file into ``columns``, yielding the rows of each part read.

    Without quotes (and in an encoding that `splittable` allows) the file is parsed in
    ranges of whole lines of about `RANGE_BYTES` bytes, each by pyarrow's threads; a range
    is converted on another thread while the next is parsed, and freed: the memory held is
    the columns being built plus two ranges, not the text of the whole file. From the
    first quote on (a value may hold a line break), the rest of the file is parsed at once,
    with ``newlines_in_values``.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names: list[str] = []
    start: int | None = 0
    size = os.path.getsize(source)
    pool = _pool()
    if splittable(codecs.lookup(dialect.encoding).name, dialect.sep):
        options = _options(
            table, header, dialect, block=WHOLE_BLOCK_BYTES, newlines_in_values=False
        )
        start = None  # no quote (yet)
        with ThreadPoolExecutor(1) as worker:
            pending = None
            unreleased = 0  # ranges parsed since freed memory was last released
            for part in line_ranges(source):
                if isinstance(part, int):
                    start = part
                    break
                frame = pacsv.read_csv(pa.BufferReader(part), *options, memory_pool=pool)
                if not names:
                    # Room for the rows of the file at the first range's bytes per row (the
                    # columns grow if it is short, and are cut to their rows at the end).
                    columns.reserve(frame.num_rows * (size // max(part.size, 1) + 1) + 1024)
                    names = frame.column_names
                    options = _options(
                        table,
                        header,
                        dialect,
                        block=WHOLE_BLOCK_BYTES,
                        names=names,
                        newlines_in_values=False,
                    )
                if pending is not None:
                    yield pending.result()
                pending = worker.submit(_add, columns, frame)
                unreleased += 1
                del frame, part
                if unreleased >= RELEASE_RANGES:
                    release_freed()  # the texts and temporaries of the last ranges
                    unreleased = 0
            if pending is not None:
                yield pending.result()
            release_freed()  # before the columns are joined and checked
        if start is None:
            return
    options = _options(table, header, dialect, block=WHOLE_BLOCK_BYTES, names=names)
    with pa.OSFile(os.fspath(source), memory_pool=pool) as rest:
        rest.seek(start)
        frame = pacsv.read_csv(rest, *options, memory_pool=pool)
    yield _add(columns, frame)


def _add(columns: _Columns, frame: Any) -> int:
    """Convert a pyarrow table into ``columns``, freeing its text; its rows."""
    arrays = {name: frame.column(name) for name in frame.column_names}
    rows: int = frame.num_rows
    del frame
    columns.add(arrays, rows)
    return rows


def arrow_chunks(
    source: PathLike,
    table: type[Table[Any]],
    path: str,
    *,
    block_bytes: int,
    dialect: Dialect,
    whole: bool = False,
    on_rows: Callable[[int], None] | None = None,
) -> Iterator[Table[Any]]:
    """Tables from a CSV file read by pyarrow in blocks of about ``block_bytes`` bytes (or one
    table of the whole file, with ``whole``).

    Raises [`Fallback`][narcometrics.io._csv_arrow.Fallback] (after yielding what was read
    correctly) when pyarrow refuses the file; the caller then locates the problems with the
    python engine.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = _header(source, table, path, dialect)
    errors = (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, UnicodeError)
    columns = _Columns(table, header, dialect.decimal)
    if whole:
        try:
            for rows in _read_whole(source, table, header, dialect, columns):
                if on_rows is not None:
                    on_rows(rows)
        except errors:
            raise Fallback() from None
        yield columns.build()
        return
    options = _options(table, header, dialect, block=block_bytes)
    try:
        reader = pacsv.open_csv(os.fspath(source), *options)
    except errors:
        raise Fallback() from None
    while True:
        try:
            batch = next(reader)
        except StopIteration:
            break
        except errors:
            raise Fallback() from None
        columns.add({name: batch.column(name) for name in batch.schema.names}, batch.num_rows)
        del batch  # the Arrow text of the block: free it before the next is parsed
        chunk = columns.build()
        columns = _Columns(table, header, dialect.decimal)
        if on_rows is not None:
            on_rows(len(chunk))
        yield chunk
