"""Ranges of whole lines of a CSV file without quotes, for the pyarrow engine's whole-file
read (`narcometrics.io._csv_arrow`): each range is parsed, converted and freed before the
file's text is read much further, so the text is never held whole."""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from narcometrics.io._files import PathLike

__all__ = [
    "MAX_RANGE_BYTES",
    "RANGE_BYTES",
    "RELEASE_RANGES",
    "arrow_pool",
    "line_ranges",
    "release_freed",
    "splittable",
]

#: Bytes of a file without quotes parsed at once by a whole-file read (then converted and
#: freed while the next range is parsed), at least; a large file is read in ranges of a
#: 32nd of its size, up to `MAX_RANGE_BYTES` (fewer, larger ranges parse faster, while the
#: memory they hold stays small beside the table of a large file).
RANGE_BYTES = 2 << 20
#: The largest range (unless `RANGE_BYTES` is larger).
MAX_RANGE_BYTES = 8 << 20
#: Ranges parsed between two releases of freed memory (`release_freed`). Each release costs
#: the page faults of reusing the pages it gave back (CPU per 1M-row read: +16 % releasing
#: after every range, +5 % after every third); peak memory of 1M-row reads (2 MiB ranges),
#: over the table: 1.37-1.47x after every range, 1.52-1.65x after every third, 1.57-2.18x
#: never (measured under load); see the changelog for the figures on a quiet machine.
RELEASE_RANGES = 3
#: The byte of a quote.
_QUOTE = np.uint8(ord('"'))


def arrow_pool() -> Any:
    """The memory pool of the reader's Arrow buffers: the C library's allocator, whose freed
    memory `release_freed` gives back to the system. pyarrow's default pool (mimalloc)
    read 1M rows about 5 % faster but kept about 15 MiB more at the peak of any read
    (a 50,000-row file: +25-29 MiB against +11 MiB), and without releases it doubled the
    peak memory of a whole-file read."""
    import pyarrow as pa

    return pa.system_memory_pool()


def release_freed() -> None:
    """Give the memory freed by the reader's threads back to the system (glibc's
    ``malloc_trim``; nothing where there is none).

    The C allocator keeps freed blocks in one arena per thread, and pyarrow's parse, the
    conversion thread and the main thread each free a range's text, columns and numpy
    temporaries in their own: without this, a 1M-row read held 17 MiB of freed memory at
    its end, and its peak resident memory reached 2.2x the table under load (see
    `RELEASE_RANGES`). pyarrow's ``MemoryPool.release_unused`` does nothing for the system
    pool (pyarrow 26).
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the process's C library
    except (OSError, AttributeError):  # a C library without it (musl)
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def splittable(codec: str, sep: str) -> bool:
    """Whether a line break, a quote and ``sep`` are their ASCII bytes in ``codec`` and no
    byte of another character is (UTF-8 and single-byte encodings): then a file with no
    quote can be cut after any byte 0x0A."""
    if codec == "utf-8":
        return True
    chars = bytes(range(256)).decode(codec, "replace")
    return len(chars) == 256 and all(chars[ord(c)] == c for c in ("\n", '"', sep))


def line_ranges(source: PathLike) -> Iterator[Any]:
    """The file in ranges of whole lines of about `RANGE_BYTES` bytes (pyarrow buffers, read
    by pyarrow), as long as no quote is seen (then no value holds a line break and every
    byte 0x0A ends a row); at the first range holding a quote, its offset in the file (an
    int) ends them."""
    import pyarrow as pa

    with pa.OSFile(os.fspath(source), memory_pool=arrow_pool()) as fh:
        size = fh.size()
        start = 0
        want = range_bytes = _range_bytes(size)
        while start < size:
            fh.seek(start)
            part = fh.read_buffer(min(want, size - start))
            cut = len(part)
            if start + cut < size:
                cut = _last_line_end(part)
                if not cut:  # a line longer than the range: read a longer range
                    want *= 2
                    continue
                part = part.slice(0, cut)
            if np.frombuffer(part, np.uint8).__eq__(_QUOTE).any():
                yield start
                return
            yield part
            del part
            start += cut
            want = range_bytes


def _range_bytes(size: int) -> int:
    """The bytes of a range of a file of ``size`` bytes."""
    return max(RANGE_BYTES, min(size // 32, MAX_RANGE_BYTES))


def _last_line_end(part: Any) -> int:
    """The offset just past the last byte 0x0A of a buffer (0: there is none)."""
    with memoryview(part) as view:
        tail = 1 << 16
        while True:
            found = bytes(view[-tail:]).rfind(b"\n")
            if found >= 0:
                return len(view) - min(tail, len(view)) + found + 1
            if tail >= len(view):
                return 0
            tail *= 4
