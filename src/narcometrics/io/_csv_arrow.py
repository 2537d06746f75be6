"""The pyarrow engine of the CSV readers: the grammar of `narcometrics.io._csv`, columnar.

pyarrow parses the file from its path: a whole file (`read_csv`) in one multi-threaded read,
a stream (`iter_csv`) block by block. Numbers and dates are read as text and cast
(pyarrow's CSV converters accept spaces around a value and hexadecimal integers, which the
grammar refuses, while its casts from text accept exactly the grammar, and nan/inf, refused
here as non-finite). The Arrow columns become compact numpy pieces (days, floats, counts,
dictionary codes), each Arrow column dropped once converted; the pieces are joined column
by column and the table validates them once, as columns (`from_columns`, no dataframe
round trip): the labels of a categorical column are checked once each, not once per row.

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
from narcometrics.io._files import PathLike, csv_rows, open_text, unescape_cell
from narcometrics.io._kinds import LIST_SEPARATOR
from narcometrics.tables import MISSING_CODE, Categorical, FieldSpec, Ragged, Table
from narcometrics.tables._columns import code_dtype, object_array

__all__ = ["WHOLE_BLOCK_BYTES", "Fallback", "arrow_chunks"]

#: Bytes read at once when a file is searched for a quote.
_SCAN_BYTES = 1 << 20
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
        return column.cast(target)
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
            column = column.unify_dictionaries().combine_chunks()
    indices = column.indices
    if indices.null_count:
        indices = pc.fill_null(indices, MISSING_CODE)
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


def _dates(pieces: list[Any]) -> Any:
    days = np.concatenate(pieces, dtype=np.int64) if pieces else np.zeros(0, np.int64)
    pieces.clear()
    return days.view("datetime64[D]")


def _joined(pieces: list[Any], empty: Any) -> Any:
    """One array of the pieces (the piece itself when there is one: no copy)."""
    data = pieces[0] if len(pieces) == 1 else np.concatenate(pieces) if pieces else empty
    pieces.clear()
    return data


def _floats(pieces: list[Any]) -> Any:
    return _joined(pieces, np.zeros(0))


def _counts(pieces: list[Any]) -> Any:
    data = _joined([d for d, _ in pieces], np.zeros(0, np.int64))
    null = _joined([n for _, n in pieces], np.zeros(0, np.bool_))
    pieces.clear()
    return np.ma.MaskedArray(data, mask=null) if null.any() else data


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
    """The pieces of a column joined (and freed as they are), ready for `from_columns`."""
    if spec.kind == "date":
        return _dates(pieces)
    if spec.kind == "float":
        return _floats(pieces)
    if spec.kind == "count":
        return _counts(pieces)
    if spec.kind in ("floats", "texts"):
        return _lists(pieces, spec.kind)
    return _labels(pieces)


class _Columns:
    """The columns of a file (or of one block) being built from Arrow columns."""

    def __init__(self, table: type[Table[Any]], header: Header, decimal: str) -> None:
        self.table = table
        self.decimal = decimal
        self.specs = [spec for spec in table.schema if spec.name in header.positions]
        self.pieces: dict[str, list[Any]] = {spec.name: [] for spec in self.specs}

    def add(self, columns: dict[str, Any], rows: int) -> None:
        """Convert the Arrow columns of a block, or of the whole file (then column by column
        on a few threads: Arrow's casts and numpy release the GIL). Each Arrow column is
        dropped from ``columns`` once converted, so that its text can be freed."""

        def convert(spec: FieldSpec) -> Any:
            piece = _PIECES.get(spec.kind, _label_piece)
            return piece(columns.pop(spec.name), spec, self.decimal)

        if rows < _PARALLEL_ROWS or len(self.specs) < 2:
            pieces = [convert(spec) for spec in self.specs]
        else:
            with ThreadPoolExecutor(min(len(self.specs), os.cpu_count() or 1)) as pool:
                pieces = list(pool.map(convert, self.specs))
        for spec, piece in zip(self.specs, pieces, strict=True):
            self.pieces[spec.name].append(piece)

    def build(self) -> Table[Any]:
        """The validated table (`Fallback` when the table refuses a cell)."""
        columns = {spec.name: _column(spec, self.pieces[spec.name]) for spec in self.specs}
        try:
            return self.table.from_columns(**columns)
        except ValidationError:
            # pyarrow skipped blank lines and joined quoted line breaks, so only the
            # python engine knows the file lines: it reports the problems.
            raise Fallback() from None


# ------------------------------------------------------------------------------ reading


def _may_hold_quotes(source: PathLike, codec: str, whole: bool) -> bool:
    """Whether the file may hold a quote character (when it does not, no value can hold a
    line break, and pyarrow may split the file at any line). A file read in chunks (which
    may be larger than memory) is not searched: it may."""
    if not whole or '"'.encode(codec, "replace") != b'"':
        return True  # a quote is not the byte 0x22 in this encoding: assume one
    # Read in small blocks (a memory map would add the whole file to the resident set).
    block = bytearray(_SCAN_BYTES)
    with open(source, "rb", buffering=0) as fh:
        while True:
            size = fh.readinto(block)
            if not size:
                return False
            if block.find(b'"', 0, size) >= 0:
                return True


def _options(
    source: PathLike,
    table: type[Table[Any]],
    header: Header,
    dialect: Dialect,
    *,
    block: int | None,
    whole: bool,
) -> tuple[Any, Any, Any]:
    """pyarrow's read, parse and convert options for ``source`` and the columns of ``table``."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    codec = codecs.lookup(dialect.encoding).name
    types: dict[str, Any] = {}
    for spec in table.schema:
        if spec.name in header.positions:
            text = spec.kind in ("float", "count", "floats", "texts")
            types[spec.name] = pa.string() if text else pa.dictionary(pa.int32(), pa.string())
    read_options = pacsv.ReadOptions(
        block_size=block, **({} if codec == "utf-8" else {"encoding": codec})
    )
    parse_options = pacsv.ParseOptions(
        newlines_in_values=_may_hold_quotes(source, codec, whole), delimiter=dialect.sep
    )
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
        # One multi-threaded read of the file (pyarrow's small default blocks, parsed in
        # parallel), converted column by column.
        options = _options(source, table, header, dialect, block=WHOLE_BLOCK_BYTES, whole=True)
        try:
            frame = pacsv.read_csv(os.fspath(source), *options)
        except errors:
            raise Fallback() from None
        arrays = {name: frame.column(name) for name in frame.column_names}
        rows = frame.num_rows
        del frame
        columns.add(arrays, rows)
        pa.default_memory_pool().release_unused()  # the text, converted: give it back
        if on_rows is not None:
            on_rows(rows)
        yield columns.build()
        return
    options = _options(source, table, header, dialect, block=block_bytes, whole=False)
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
