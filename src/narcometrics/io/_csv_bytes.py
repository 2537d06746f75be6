"""The python engine's byte path: blocks of whole lines read from a binary stream.

The text path (`csv.reader` over a decoded stream) makes a Python list per row and a string
per cell; this path finds the cells of a block of lines with numpy instead
(`narcometrics.io._csv_vector` converts them), for UTF-8 files whose cells are never quoted.
It only reads what it can judge exactly, and hands anything else to the text path:

- a block holding a quote (``"``), a NUL byte, a carriage return that does not end a line,
  or bytes that are not UTF-8 is *not clean*: the text path reads the rest of the file from
  the start of that block (`text_from`), as it would have read it from the start;
- in a clean block every line is one record and every separator ends a cell, exactly as
  `csv.reader` splits it; blank lines (``""`` or ``"\\r"`` before the line feed) are not
  records, as `narcometrics.io._files.csv_rows` skips them.
"""

from __future__ import annotations

import codecs
import io
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Block", "LineReader", "bad_byte_line", "binary_source", "text_from"]

_LF = 10
_CR = 13
_BOM = codecs.BOM_UTF8
#: Bytes read at least at once [bytes].
_MIN_READ = 1 << 20
#: Bytes read at most at once [bytes].
_MAX_READ = 64 << 20


def binary_source(stream: IO[str], source: object, encoding: str, sep: str) -> IO[bytes] | None:
    """The binary stream under ``stream`` when the byte path may read it: a UTF-8 text
    wrapper that `narcometrics.io._files.open_text` made over a path or binary stream (and
    has not read from), with a one-byte (ASCII) separator. None otherwise."""
    if not isinstance(stream, io.TextIOWrapper) or source is None:
        return None
    if isinstance(source, io.TextIOBase) or stream is source:
        return None
    if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        return None
    if codecs.lookup(stream.encoding).name != "utf-8-sig" or not sep.isascii():
        return None
    raw: IO[bytes] = stream.buffer
    return raw


class Block:
    """Whole lines of a file, with the positions of their records.

    Attributes
    ----------
    data : bytes
        The lines (the last one ended by ``"\\n"``, one added at the end of the file).
    first_line : int
        The file line of the first line of ``data`` (the header is line 1).
    starts, ends : array of int
        Where each record's text begins and ends in ``data`` (the line end excluded).
    clean : bool
        Whether the byte path may split it (see the module's description).
    """

    __slots__ = ("clean", "data", "ends", "first_line", "starts")

    def __init__(
        self,
        data: bytes,
        first_line: int,
        starts: NDArray[np.intp],
        ends: NDArray[np.intp],
        clean: bool,
    ) -> None:
        self.data = data
        self.first_line = first_line
        self.starts = starts
        self.ends = ends
        self.clean = clean

    def __len__(self) -> int:
        return len(self.starts)


def _clean(data: bytes, crlf: int) -> bool:
    """Whether ``data`` has no quote, no NUL, no carriage return but the ``crlf`` that end
    lines, and is UTF-8."""
    if b'"' in data or b"\0" in data:
        return False
    if (crlf or b"\r" in data) and data.count(b"\r") != crlf:
        return False
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _feeds(data: bytes, offset: int = 0) -> NDArray[np.intp]:
    """The positions of the line feeds of ``data``, plus ``offset``."""
    feeds = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == _LF)
    if offset:
        feeds += offset
    return feeds


class LineReader:
    """Blocks of whole lines of a binary stream, each holding a given number of records.

    Each byte is searched for line feeds once, when it is read.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._data = b""  # read and not yet taken
        self._feeds = np.empty(0, dtype=np.intp)  # the line feeds of ``_data``
        self._pieces: list[bytes] = []  # read after ``_data``
        self._piece_feeds: list[NDArray[np.intp]] = []  # their line feeds
        self._size = 0  # bytes in ``_data`` and ``_pieces``
        self._lines = 0  # line feeds in ``_data`` and ``_pieces``
        self._eof = False
        self._added = False  # whether a line feed was added to end the last line
        self._started = False
        self.line = 1  # the file line of the first line not taken
        self._per_line = 64.0  # bytes per line, as seen so far

    def _append(self, piece: bytes) -> None:
        feeds = _feeds(piece, self._size)
        self._pieces.append(piece)
        self._piece_feeds.append(feeds)
        self._size += len(piece)
        self._lines += len(feeds)

    def _read(self, size: int) -> None:
        piece = self._raw.read(min(max(size, _MIN_READ), _MAX_READ))
        if not self._started:
            self._started = True
            while piece and len(piece) < len(_BOM) and _BOM.startswith(piece):
                more = self._raw.read(len(_BOM) - len(piece))  # a mark cut by a short read
                if not more:
                    break
                piece += more
            if piece.startswith(_BOM):  # utf-8-sig skips one byte-order mark
                piece = piece[len(_BOM) :]
                if not piece:
                    piece = self._raw.read(min(max(size, _MIN_READ), _MAX_READ))
        if not piece:
            self._eof = True
            last = self._pieces[-1] if self._pieces else self._data
            if last and not last.endswith(b"\n"):
                self._append(b"\n")
                self._added = True
            return
        self._append(piece)

    def take(self, records: int) -> Block:
        """The next lines holding ``records`` records (fewer at the end of the file)."""
        while True:
            if self._lines >= records or self._eof:
                if self._pieces:
                    self._data = b"".join([self._data, *self._pieces])
                    self._feeds = np.concatenate([self._feeds, *self._piece_feeds])
                    self._pieces, self._piece_feeds = [], []
                data, feeds = self._data, self._feeds
                starts = np.empty(len(feeds), dtype=np.intp)
                starts[:1] = 0
                starts[1:] = feeds[:-1] + 1
                ends = feeds.copy()
                crlf = np.zeros(len(feeds), dtype=np.bool_)
                if b"\r" in data:
                    buf = np.frombuffer(data, dtype=np.uint8)
                    inside = ends > starts
                    crlf[inside] = buf[ends[inside] - 1] == _CR
                    ends -= crlf
                given = np.flatnonzero(ends > starts)
                if len(given) >= records or self._eof:
                    break
                missing = records - len(given)  # blank lines: read on
            else:
                missing = records - self._lines
            if self._lines:
                self._per_line = self._size / self._lines
            self._read(int(missing * self._per_line * 1.05) + 1)
        if len(given) >= records:
            given = given[:records]
            n_lines = int(given[-1]) + 1
            cut = int(feeds[n_lines - 1]) + 1
        else:  # the end of the file
            n_lines = len(feeds)
            cut = len(data)
        block_data = data[:cut]
        self._data = data[cut:]
        self._feeds = feeds[n_lines:] - cut
        self._size = len(self._data)
        self._lines = len(self._feeds)
        first = self.line
        self.line += n_lines
        clean = _clean(block_data, int(crlf[:n_lines].sum()))
        return Block(block_data, first, starts[given], ends[given], clean)

    def smaller_than(self, size: int) -> bool:
        """Whether the stream ends before ``size`` bytes are buffered (reads up to them)."""
        while not self._eof and self._size < size:
            self._read(size - self._size)
        return self._eof and self._size < size

    def rest(self, block: Block) -> bytes:
        """The bytes of ``block`` and the unread bytes after it, as the file holds them."""
        data = b"".join([block.data, self._data, *self._pieces])
        if self._added:
            data = data[:-1]
        return data


def bad_byte_line(data: bytes, first_line: int) -> int | None:
    """The file line of the first byte of ``data`` that is not UTF-8 (``data`` begins on
    line ``first_line``; lines end with a line feed, as
    `narcometrics.io._files.decode_error_line` counts them), or None when it decodes."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return first_line + data.count(b"\n", 0, exc.start)
    return None


class _Chain(io.RawIOBase):
    """Some bytes, then the rest of a binary stream (which is left open)."""

    def __init__(self, head: bytes, raw: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head.nbytes:
            n = min(len(view), self._head.nbytes)
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        piece = self._raw.read(len(view))
        view[: len(piece)] = piece
        return len(piece)


def text_from(head: bytes, raw: IO[bytes]) -> IO[str]:
    """A text stream (UTF-8, newlines untranslated) of ``head`` and then the rest of ``raw``.

    The byte-order mark was skipped where the file begins, so the rest is plain UTF-8: a
    mark inside the file is a character of it, as the ``utf-8-sig`` decoder reads it.
    """
    return io.TextIOWrapper(
        io.BufferedReader(_Chain(head, raw)), encoding="utf-8", errors="strict", newline=""
    )
