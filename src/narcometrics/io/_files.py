"""File plumbing shared by the readers and writers: text decoding, CSV cells and atomic writes.

Nothing here knows about records; it turns files into rows of strings (and back) safely.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import stat
import sys
import time
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from narcometrics import _paths
from narcometrics.errors import ValidationError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "FORMULA_PREFIXES",
    "TEMP_SUFFIX",
    "PathLike",
    "atomic_file",
    "atomic_writer",
    "check_regular",
    "csv_rows",
    "display_name",
    "escape_cell",
    "escape_name",
    "open_text",
    "unescape_cell",
]

PathLike = str | os.PathLike[str]

#: Leading characters that make a spreadsheet evaluate a cell as a formula (OWASP CSV
#: injection guidance): such text cells are written with a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
#: What may follow the apostrophe this library's writer adds: a formula character, or another
#: apostrophe (the writer escapes a text that would otherwise look escaped).
_ESCAPED = (*FORMULA_PREFIXES, _QUOTE)

#: The end of the names of this library's temporary files (``.NAME.PID-RANDOM.narcometrics-tmp``
#: beside the target), so that stale ones left by a killed writer can be told apart and removed.
TEMP_SUFFIX = ".narcometrics-tmp"
#: A temporary file of a writer that is not running on this machine, or older than this
#: [s], is stale and removed by the next write to the same target.
STALE_SECONDS = 24 * 3600

# A CSV cell may be as long as the file: never refuse (or cut) a cell this library wrote.
try:
    csv.field_size_limit(sys.maxsize)
except OverflowError:  # pragma: no cover - platforms whose C long is 32 bits
    csv.field_size_limit(2**31 - 1)


def _require_text(text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")


def escape_cell(text: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe. So does a cell starting with an apostrophe followed by one of those characters
    or by another apostrophe (which [`unescape_cell`][narcometrics.io.unescape_cell] would
    otherwise shorten), so that every text reads back exactly.

    Raises
    ------
    TypeError
        If ``text`` is not a str.
    """
    _require_text(text)
    if text.startswith(FORMULA_PREFIXES) or (
        text.startswith(_QUOTE) and text[1:2] and text[1:].startswith(_ESCAPED)
    ):
        return _QUOTE + text
    return text


def unescape_cell(text: str) -> str:
    """Reverse [`escape_cell`][narcometrics.io.escape_cell].

    One leading apostrophe is dropped only where the writer adds one: before ``=``, ``+``,
    ``-``, ``@``, a tab, a carriage return or another apostrophe. Any other apostrophe is
    data and kept (``'s-Hertogenbosch`` reads as written).

    Raises
    ------
    TypeError
        If ``text`` is not a str.
    """
    _require_text(text)
    if text.startswith(_QUOTE) and text[1:2] and text[1:].startswith(_ESCAPED):
        return text[1:]
    return text


def escape_name(text: str) -> str:
    """A file name safe to print: control characters (newlines, terminal escape codes) and
    undecodable bytes as backslash escapes; other characters, non-ASCII too, as they are."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
        for c in text
    )


def display_name(path: PathLike | IO[Any]) -> str:
    """The name of a path or stream, as error messages show it (escaped, see `escape_name`)."""
    if isinstance(path, (str, os.PathLike)):
        return escape_name(os.fspath(path))
    return escape_name(str(getattr(path, "name", "<stream>")))


def check_regular(path: PathLike, name: str | None = None) -> os.stat_result:
    """The status of ``path`` if it is a regular file (symbolic links followed).

    Raises [`ValidationError`][narcometrics.errors.ValidationError] for a missing file, a
    directory, and anything else (a FIFO, socket or device, which would block or never end).
    """
    return _paths.check_regular(path, display_name(path) if name is None else name)


def _codec(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise ValidationError("encoding", "unknown text encoding", encoding) from None
    # The UTF-8 readers accept a byte-order mark.
    return "utf-8-sig" if name == "utf-8" else name


@contextlib.contextmanager
def open_text(
    source: PathLike | IO[Any], *, encoding: str = "utf-8"
) -> Iterator[tuple[IO[str], str]]:
    """Open a file (path, binary or text stream) as text, UTF-8 by default (with or without a
    byte-order mark).

    Yields the text stream and the name to show in error messages. A missing file, a
    directory, a FIFO or device, an unreadable file and an unknown encoding raise
    [`ValidationError`][narcometrics.errors.ValidationError].
    """
    name = display_name(source)
    codec = _codec(encoding)
    if isinstance(source, (str, os.PathLike)):
        check_regular(source, name)
        try:
            raw: IO[bytes] = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise _paths.path_error(exc, name) from None
        close = True
    elif isinstance(source, io.TextIOBase):
        yield source, name
        return
    else:
        raw = source
        close = False
    try:
        text = io.TextIOWrapper(raw, encoding=codec, errors="strict", newline="")
        yield text, name
        text.detach()
    finally:
        if close:
            raw.close()


def decode_error_line(source: PathLike, encoding: str = "utf-8") -> int | None:
    """The 1-based line of the first byte of ``source`` that is not text in ``encoding``
    (None when the file decodes, or cannot be read again)."""
    decoder = codecs.getincrementaldecoder(_codec(encoding))(errors="strict")
    newlines = 0
    try:
        with open(source, "rb") as fh:
            while True:
                block = fh.read(1 << 20)
                try:
                    text = decoder.decode(block, final=not block)
                except UnicodeDecodeError as exc:
                    before = exc.object[: exc.start]
                    return newlines + 1 + before.decode(_codec(encoding), "replace").count("\n")
                newlines += text.count("\n")
                if not block:
                    return None
    except OSError:
        return None


def csv_rows(
    stream: IO[str],
    *,
    path: str | None = None,
    source: PathLike | IO[Any] | None = None,
    encoding: str = "utf-8",
    sep: str = ",",
    first_line: int = 1,
    bad_line: int | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """Records of a CSV text stream (RFC 4180 quoting) with the line each starts on.

    Blank lines are not records and are skipped; line numbers stay those of the file, so
    an error points at the line a text editor shows (the stream's first line is line
    ``first_line`` of the file). Cells have no size limit. Errors name ``path`` and the
    line; for text that is not in ``encoding``, the line of the first bad byte (found by
    decoding ``source`` again, when it is a path; else ``bad_line``, when the caller knows
    it).
    """
    reader = csv.reader(stream, strict=True, delimiter=sep)
    before = first_line - 1  # lines of the file before the stream's first line
    line = first_line
    try:
        for row in reader:
            if row:
                yield line, row
            line = before + reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(
            "file", f"malformed CSV: {exc}", row=before + (reader.line_num or 1), path=path
        ) from None
    except UnicodeDecodeError as exc:
        where = bad_line
        if isinstance(source, (str, os.PathLike)):
            where = decode_error_line(source, encoding)
        shown = "UTF-8" if _codec(encoding) == "utf-8-sig" else encoding
        raise ValidationError(
            "file",
            f"not {shown} text ({exc.reason}); pass encoding= for another text encoding",
            row=where if where is not None else before + reader.line_num + 1,
            path=path,
        ) from None


# ------------------------------------------------------------------------- writing


def _named(exc: OSError, name: str) -> OSError:
    """``exc`` naming the user's target instead of a temporary file."""
    return type(exc)(exc.errno, f"{exc.strerror} (writing {name})", name)


def _alive(pid: int) -> bool:
    if os.name != "posix":  # pragma: no cover - no safe liveness probe: rely on the age
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _clean_stale(target: Path) -> None:
    """Remove this library's temporary files for ``target`` left by writers that died."""
    prefix = f".{target.name}."
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
        for entry in entries:
            if not (entry.name.startswith(prefix) and entry.name.endswith(TEMP_SUFFIX)):
                continue
            middle = entry.name[len(prefix) : -len(TEMP_SUFFIX)]
            pid_text, _, token = middle.partition("-")
            if not (pid_text.isdigit() and len(token) == 8):
                continue  # not of our naming
            pid = int(pid_text)
            with contextlib.suppress(OSError):
                age = now - entry.stat(follow_symlinks=False).st_mtime
                if pid != os.getpid() and (not _alive(pid) or age > STALE_SECONDS):
                    os.unlink(entry.path)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover - directories cannot be opened on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_file(path: PathLike) -> Iterator[IO[bytes]]:
    """A binary file to write, which replaces ``path`` all at once when the block succeeds.

    The data go to a temporary file beside the target, flushed to disk (``fsync``) and then
    renamed over it; the folder is synced after the rename. A symbolic link at ``path`` is
    followed: its target is replaced and the link kept. A replaced file keeps its
    permission bits; a new file gets those of the user's umask. On any error the temporary
    file is removed, an existing file is left as it was, and an `OSError` names ``path``.
    Temporary files of writers that died (see `TEMP_SUFFIX`) are removed.
    """
    from pathlib import Path  # on use: pathlib costs a reading command ~3.5 ms at start-up

    name = display_name(path)
    target = Path(os.path.realpath(path))
    mode: int | None = None
    try:
        status = os.stat(target)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise _named(exc, name) from None
    else:
        if not stat.S_ISREG(status.st_mode):
            raise ValidationError(
                "path", "exists and is not a regular file: not replaced", name, path=name
            )
        mode = stat.S_IMODE(status.st_mode)
    _clean_stale(target)
    tmp = target.parent / f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}{TEMP_SUFFIX}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(tmp, flags, 0o666)  # the umask applies, as for any new file
    except OSError as exc:
        raise _named(exc, name) from None
    try:
        with open(fd, "wb") as fh:
            if mode is not None:
                os.chmod(tmp, mode)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _named(exc, name) from exc
        raise


@contextlib.contextmanager
def atomic_writer(path: PathLike, *, newline: str | None = "") -> Iterator[IO[str]]:
    """Write a UTF-8 text file all at once, as `atomic_file` does for any file."""
    with atomic_file(path) as raw:
        stream = io.TextIOWrapper(raw, encoding="utf-8", newline=newline)
        yield stream
        stream.flush()
        stream.detach()
