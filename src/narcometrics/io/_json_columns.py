"""The fast JSON path: records written from a table's columns and read into columns.

Writing formats each column once (the labels of a categorical, ``repr`` of the floats, ISO
dates) and fills one row template per record, giving the same text, byte for byte, as
``json.dumps`` of the records' dicts. Reading decodes with msgspec straight into one small
struct per row of the table's own field types (strict: no coercion, unknown keys refused),
then builds the table from columns, which validates every value. A file the fast path cannot
take as it is (anything msgspec refuses, a repeated key, a date not written ``YYYY-MM-DD``, a
value the table refuses, a field kind it does not handle) is read again by the exact path,
so that errors name the same JSON paths (``$[3].mass_kg``) as before; the fast path never
accepts what the exact path refuses.
"""

from __future__ import annotations

import gc
import json
import operator
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from narcometrics.errors import ValidationError
from narcometrics.tables import Categorical, Table
from narcometrics.tables._schema import FieldSpec

__all__ = ["dumps", "loads"]

_WRITERS: dict[type[Any], Any] = {}
_READERS: dict[type[Any], Any] = {}

#: Field kinds the fast path handles (the others, lists, take the exact path).
_KINDS = frozenset({"date", "country", "text", "enum", "float", "count"})


def _supported(table: type[Table[Any]]) -> bool:
    return all(spec.kind in _KINDS for spec in table.schema)


def _day_texts(days: Any) -> tuple[Any, Any, Any]:
    """Each day's ISO text (object array), its code and the distinct days' texts: each
    distinct day is formatted once (a table over the range of days when it is not much
    longer than the column, else a sort)."""
    number = days.view(np.int64)
    first = int(number.min())
    span = int(number.max()) - first + 1
    if span <= 4 * len(number) + 1024:
        present = np.zeros(span, dtype=np.bool_)
        present[number - first] = True
        unique = np.flatnonzero(present)
        position = np.cumsum(present) - 1
        codes = position[number - first]
        text = np.datetime_as_string((unique + first).astype("datetime64[D]"), unit="D")
    else:
        unique, codes = np.unique(number, return_inverse=True)
        text = np.datetime_as_string(unique.astype("datetime64[D]"), unit="D")
    text = text.astype(object)
    codes = codes.reshape(-1).astype(np.int64)
    return text[codes], codes, text


def _coded(spec: FieldSpec, column: Any) -> tuple[Any, list[str]] | None:
    """A field with few distinct values as codes (int64, one per row) into the JSON text of
    each value, or None when the field is not coded (floats, counts, other kinds)."""
    if spec.kind == "date":
        days = np.asarray(column)
        if days.dtype != np.dtype("datetime64[D]") or np.isnat(days).any():
            return None
        _, codes, text = _day_texts(days)
        return codes, ['"' + t + '"' for t in text.tolist()]
    if isinstance(column, Categorical):
        labels = _strings(column.labels.tolist())
        codes = column.codes.astype(np.int64)
        codes[codes < 0] = len(labels)  # missing: the last text, null
        return codes, [*labels, "null"]
    return None


def _values(spec: FieldSpec, column: Any) -> tuple[str, list[Any]] | None:
    """The ``%`` conversion of an uncoded field in the row template and each row's value,
    or None when the column is not of a handled kind."""
    if spec.kind == "float":
        numbers = np.asarray(column, dtype=np.float64)
        floats: list[Any] = numbers.tolist()  # %s of a float is float.__repr__, as json's
        for i in np.flatnonzero(np.isnan(numbers)).tolist():
            floats[i] = "null"
        return "%s", floats
    if spec.kind == "count":
        mask = np.ma.getmaskarray(column)
        counts: list[Any] = np.ma.getdata(column).astype(np.int64).tolist()
        for i in np.flatnonzero(mask).tolist():
            counts[i] = "null"
        return "%s", counts
    return None


#: Characters ``json.dumps(..., ensure_ascii=False)`` escapes in a string.
_ESCAPED = re.compile(r'[\x00-\x1f"\\]')


def _strings(labels: list[str]) -> list[str]:
    """``json.dumps(label, ensure_ascii=False)`` of each label (quoted as is when nothing
    needs escaping)."""
    if _ESCAPED.search("".join(labels)) is None:
        return ['"' + label + '"' for label in labels]
    return [json.dumps(label, ensure_ascii=False) for label in labels]


def _key(name: str) -> str:
    return json.dumps(name, ensure_ascii=False) + ": "


def dumps(table: Table[Any], indent: int | None) -> bytes | None:
    """The records of ``table`` as UTF-8 JSON equal to ``serialize.dumps(list(table),
    indent=indent)``, or None when a column is of a kind this path does not write."""
    if not _supported(type(table)):
        return None
    if not len(table):
        return b"[]"
    if indent is None or indent > 0:
        encoded = _encode(table, indent)
        if encoded is not None:
            return encoded
    text = _text(table, indent)
    return None if text is None else text.encode("utf-8")


def _plain(spec: FieldSpec, column: Any) -> list[Any] | None:
    """Each row's value as a plain Python value (None when missing), or None when msgspec
    would not write it as ``json.dumps`` does: a float whose ``repr`` has an exponent."""
    if spec.kind == "date":
        days = np.asarray(column)
        if days.dtype != np.dtype("datetime64[D]") or np.isnat(days).any():
            return None
        listed: list[Any] = _day_texts(days)[0].tolist()
        return listed
    if isinstance(column, Categorical):
        labels = np.array([*column.labels.tolist(), None], dtype=object)
        shown: list[Any] = labels[column.codes].tolist()  # code -1 (missing) is the last
        return shown
    if spec.kind == "float":
        numbers = np.asarray(column, dtype=np.float64)
        size = np.abs(numbers[np.isfinite(numbers)])
        if not np.all((size == 0) | ((size >= 1e-4) & (size < 1e16))):
            return None  # repr writes 1e-05 and 1e+16 where msgspec writes 0.00001 and 1e16
        floats: list[Any] = numbers.tolist()
        for i in np.flatnonzero(np.isnan(numbers)).tolist():
            floats[i] = None
        return floats
    if spec.kind == "count":
        counts: list[Any] = np.ma.getdata(column).astype(np.int64).tolist()
        for i in np.flatnonzero(np.ma.getmaskarray(column)).tolist():
            counts[i] = None
        return counts
    return None


def _writer(table: type[Table[Any]]) -> Any:
    """A msgspec struct of one row to write, fields in the records' order."""
    if table not in _WRITERS:
        import msgspec

        _WRITERS[table] = msgspec.defstruct(
            f"_{table.__name__}Out", [(spec.name, Any) for spec in table.schema], gc=False
        )
    return _WRITERS[table]


def _encode(table: Table[Any], indent: int | None) -> bytes | None:
    """The JSON through msgspec (its layout with ``indent`` is json's), or None."""
    import msgspec

    columns = []
    for spec in table.schema:
        values = _plain(spec, table.column(spec.name))
        if values is None:
            return None
        columns.append(values)
    collecting = gc.isenabled()
    gc.disable()
    try:
        rows = list(map(_writer(type(table)), *columns))
        encoded = msgspec.json.encode(rows)
    except (msgspec.EncodeError, UnicodeEncodeError, TypeError, ValueError):
        return None  # e.g. a lone surrogate: json's path gives the error
    finally:
        if collecting:
            gc.enable()
    return msgspec.json.format(encoded, indent=0 if indent is None else indent)


def _text(table: Table[Any], indent: int | None) -> str | None:
    """The JSON text formatted in Python, column by column."""
    pad = "" if indent is None else " " * indent
    sep = ", " if indent is None else ",\n" + pad * 2
    # Adjacent coded fields are joined while their distinct combinations stay few: the text
    # of each combination is made once, and the row template has fewer conversions.
    limit = max(1024, len(table) // 16)
    parts: list[tuple[str, list[Any]]] = []  # (template text, one value per row)
    current: tuple[Any, list[str], str] | None = None  # codes, texts, first field's name

    def close() -> None:
        if current is not None:
            codes, texts, name = current
            shown = np.array(texts, dtype=object)[codes]
            parts.append((_key(name).replace("%", "%%") + "%s", shown.tolist()))

    for spec in table.schema:
        column = table.column(spec.name)
        coded = _coded(spec, column)
        if coded is None:
            close()
            current = None
            values = _values(spec, column)
            if values is None:
                return None
            parts.append((_key(spec.name).replace("%", "%%") + values[0], values[1]))
            continue
        codes, texts = coded
        if current is not None:
            unique, inverse = np.unique(current[0] * len(texts) + codes, return_inverse=True)
            if len(unique) <= limit:
                first, second = np.divmod(unique, len(texts))
                glue = sep + _key(spec.name)
                left = np.array(current[1], dtype=object)[first].tolist()
                right = np.array(texts, dtype=object)[second].tolist()
                joined = [a + glue + b for a, b in zip(left, right, strict=True)]
                current = (inverse.reshape(-1), joined, current[2])
                continue
            close()
        current = (codes, texts, spec.name)
    close()
    fields = [template for template, _ in parts]
    if indent is None:
        row, between, opening, closing = "{" + ", ".join(fields) + "}", ", ", "[", "]"
    else:
        row = pad + "{\n" + pad * 2 + sep.join(fields) + "\n" + pad + "}"
        between, opening, closing = ",\n", "[\n", "\n]"
    columns = [values for _, values in parts]
    return opening + between.join(map(row.__mod__, zip(*columns, strict=True))) + closing


#: The first byte that is not JSON whitespace.
_FIRST = re.compile(rb"[^ \t\r\n]")


def _struct(table: type[Table[Any]]) -> Any:
    """A msgspec struct of one row of ``table``: absent optional keys are ``UNSET``."""
    if table not in _READERS:
        _READERS[table] = _make_struct(table)
    return _READERS[table]


def _make_struct(table: type[Table[Any]]) -> Any:
    import msgspec

    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for spec in table.schema:
        base: Any = {"float": float, "count": int}.get(spec.kind, str)
        kind = base | None if spec.optional else base
        if spec.default:
            fields.append((spec.name, kind | msgspec.UnsetType, msgspec.UNSET))
        else:
            fields.append((spec.name, kind))
    return msgspec.defstruct(
        f"_{table.__name__}Row", fields, forbid_unknown_fields=True, kw_only=True, gc=False
    )


def loads(data: bytes, table: type[Table[Any]]) -> Table[Any] | None:
    """The table of a JSON array of records, or None when the exact path must read it."""
    start = _FIRST.search(data, 0, 4096)
    if not _supported(table) or start is None or start.group() != b"[":
        return None
    row = _struct(table)
    collecting = gc.isenabled()
    gc.disable()  # a million small objects: no cycles to find, only time lost looking
    try:
        return _loads(data, table, row)
    finally:
        if collecting:
            gc.enable()


def _loads(data: bytes, table: type[Table[Any]], row: Any) -> Table[Any] | None:
    import msgspec

    try:
        rows = msgspec.json.decode(data, type=list[row])
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    columns: dict[str, Any] = {}
    keys = 0
    for spec, given in zip(table.schema, _by_field(rows, table), strict=True):
        present = _present(spec, given)
        if present is None:
            return None
        values, held = present
        keys += held
        column = _COLUMNS.get(spec.kind, _labels)(spec, values)
        if column is None:
            return None
        columns[spec.name] = column
    # Every key is followed by a colon outside strings: more such colons than the keys the
    # rows hold means a key repeated in some object (which msgspec keeps silently).
    if data.count(b":") > keys and _structural_colons(data) != keys:
        return None
    try:
        return table.from_columns(**columns)
    except (ValidationError, TypeError, ValueError):
        return None


def _by_field(rows: list[Any], table: type[Table[Any]]) -> list[list[Any]]:
    """The decoded rows as one list of values per field, in the schema's order."""
    if not rows:
        return [[] for _ in table.schema]
    names = [spec.name for spec in table.schema]
    return [list(values) for values in zip(*map(operator.attrgetter(*names), rows), strict=True)]


def _present(spec: FieldSpec, values: list[Any]) -> tuple[list[Any], int] | None:
    """The values of a field with absent keys as None, and how many keys the rows hold; None
    when a key is absent from a field whose record default (0, ()) the exact path gives."""
    if not spec.default:
        return values, len(values)
    import msgspec

    unset = msgspec.UNSET
    absent = values.count(unset)
    if not absent:
        return values, len(values)
    if not spec.optional:
        return None
    return [None if v is unset else v for v in values], len(values) - absent


def _floats(spec: FieldSpec, values: list[Any]) -> Any:
    column = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if spec.optional and None not in values and np.isnan(column).any():
        return None  # pragma: no cover - JSON has no NaN literal
    return column


def _labels(spec: FieldSpec, values: list[Any]) -> Any:
    """Labels encoded as the tables encode a list (validated by the table)."""
    return Categorical.encode(values)


#: How the values of each field kind become a column (None: the exact path reads the file);
#: other kinds are labels.
_COLUMNS: dict[str, Callable[[FieldSpec, list[Any]], Any]] = {
    "date": lambda spec, values: _dates(values),
    "float": _floats,
    "count": lambda spec, values: values,
}


def _structural_colons(data: bytes) -> int:
    """The colons of a JSON text that are outside strings (one per key)."""
    text = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(text == ord('"'))
    # a quote preceded by an odd run of backslashes is escaped (inside a string)
    run = np.zeros(len(quotes), dtype=np.int64)
    going = quotes > 0
    step = 1
    while going.any():
        where = quotes[going] - step
        hit = text[where] == ord("\\")
        run[np.flatnonzero(going)[hit]] += 1
        going[np.flatnonzero(going)[~hit]] = False
        going &= quotes - step - 1 >= 0
        step += 1
    bounds = quotes[run % 2 == 0]
    colons = np.flatnonzero(text == ord(":"))
    return int(np.count_nonzero(np.searchsorted(bounds, colons) % 2 == 0))


def _dates(values: list[Any]) -> Any:
    """ISO ``YYYY-MM-DD`` strings as datetime64[D], or None unless every one is exactly that
    (as ``datetime.date.fromisoformat`` and ``isoformat`` give back). Each distinct string is
    checked once."""
    labels = Categorical.encode(values)
    text = labels.labels.tolist()
    if any(len(v) != 10 for v in text):
        return None
    try:
        days = np.array(text, dtype="U10").astype("datetime64[D]")
    except ValueError:
        return None
    if np.isnat(days).any() or np.datetime_as_string(days, unit="D").tolist() != text:
        return None
    if days.size and (
        days.min() < np.datetime64("0001-01-01") or days.max() > np.datetime64("9999-12-31")
    ):
        return None
    return days[labels.codes]
