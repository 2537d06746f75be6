"""File plumbing shared by the readers and writers: text decoding, CSV cells and atomic writes.

Nothing here knows about records; it turns files into rows of strings (and back) safely.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from narcometrics.errors import ValidationError

__all__ = [
    "FORMULA_PREFIXES",
    "PathLike",
    "atomic_path",
    "atomic_writer",
    "display_name",
    "escape_cell",
    "open_text",
    "unescape_cell",
]

PathLike = str | os.PathLike[str]

#: Leading characters that make a spreadsheet evaluate a cell as a formula (OWASP CSV
#: injection guidance): such text cells are written with a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


def escape_cell(text: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe, and so does a cell that already starts with an apostrophe, so that
    [`unescape_cell`][narcometrics.io.unescape_cell] gives every text back exactly.
    """
    if text.startswith(FORMULA_PREFIXES) or text.startswith(_QUOTE):
        return _QUOTE + text
    return text


def unescape_cell(text: str) -> str:
    """Reverse [`escape_cell`][narcometrics.io.escape_cell]: drop one leading apostrophe."""
    return text[1:] if text.startswith(_QUOTE) else text


def display_name(path: PathLike | IO[Any]) -> str:
    """The name of a path or stream, as error messages show it."""
    if isinstance(path, (str, os.PathLike)):
        return os.fspath(path)
    return str(getattr(path, "name", "<stream>"))


@contextlib.contextmanager
def open_text(source: PathLike | IO[Any]) -> Iterator[tuple[IO[str], str]]:
    """Open a file (path, binary or text stream) as UTF-8 text, with or without a BOM.

    Yields the text stream and the name to show in error messages. A missing file or text
    that is not UTF-8 raises [`ValidationError`][narcometrics.errors.ValidationError].
    """
    name = display_name(source)
    if isinstance(source, (str, os.PathLike)):
        try:
            raw: IO[bytes] = open(source, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise ValidationError("path", "file not found", name, path=name) from None
        except IsADirectoryError:
            raise ValidationError("path", "is a directory, not a file", name, path=name) from None
        except PermissionError:
            raise ValidationError("path", "permission denied", name, path=name) from None
        close = True
    elif isinstance(source, io.TextIOBase):
        yield source, name
        return
    else:
        raw = source
        close = False
    try:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        yield text, name
        text.detach()
    finally:
        if close:
            raw.close()


def csv_rows(stream: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """Records of a CSV text stream (RFC 4180 quoting) with the line each starts on.

    Blank lines are not records and are skipped; line numbers stay those of the file, so
    an error points at the line a text editor shows.
    """
    reader = csv.reader(stream, strict=True)
    line = 1
    try:
        for row in reader:
            if row:
                yield line, row
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError("file", f"malformed CSV: {exc}", row=reader.line_num) from None
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "file", f"not UTF-8 text ({exc.reason}) after line {reader.line_num}"
        ) from None


@contextlib.contextmanager
def atomic_path(path: PathLike) -> Iterator[str]:
    """A temporary path beside ``path`` to write to; renamed to ``path`` on success.

    On any error the temporary file is removed and an existing file at ``path`` is left as
    it was, so an error never leaves a half-written output.
    """
    target = Path(path)
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_writer(path: PathLike, *, newline: str | None = "") -> Iterator[IO[str]]:
    """Write a UTF-8 text file all at once, as `atomic_path` does for any file."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline=newline) as stream:
        yield stream
