"""The pyarrow engine gives the memory its ranges free back to the system every few ranges
and before it joins the columns (issue 18: peak memory at most 2x the table): the C
allocator keeps freed blocks per thread, and pyarrow's own ``release_unused`` does not
return them for the system pool."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

import pytest

import narcometrics.io._csv_arrow as arrow_engine
import narcometrics.io._csv_arrow_ranges as arrow
from narcometrics import Seizure
from narcometrics.io import read_csv

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


def _resident_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's (elsewhere the call does nothing)")
def test_memory_freed_in_the_middle_of_the_heap_goes_back_to_the_system() -> None:
    arrow.release_freed()  # its first call imports pyarrow: not part of what is measured
    # 64 KiB blocks come from the heap (below glibc's mmap threshold); freeing every other
    # one leaves holes that only a trim of the whole heap returns.
    blocks = [bytes(64 << 10) for _ in range(1024)]
    del blocks[::2]
    before = _resident_mib()
    arrow.release_freed()
    assert before - _resident_mib() > 16  # of the 32 MiB freed
    del blocks


def test_release_freed_does_nothing_where_there_is_no_malloc_trim(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arrow._malloc_trim.cache_clear()
    monkeypatch.setattr(sys, "platform", "darwin")
    try:
        assert arrow._malloc_trim() is None
        arrow.release_freed()  # no error
    finally:
        arrow._malloc_trim.cache_clear()


@pytest.mark.parametrize(("every", "releases"), [(1, "each range and the end"), (1000, "the end")])
def test_the_reader_releases_freed_memory_every_few_ranges_and_before_joining_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, every: int, releases: str
) -> None:
    path = tmp_path / "seizures.csv"
    row = "2017-01-01,PER,crack,1.5\n"
    path.write_text("date,country,substance,mass_kg\n" + row * 20_000, encoding="utf-8")
    calls: list[int] = []
    monkeypatch.setattr(arrow, "RANGE_BYTES", 100_000)  # 500 KiB: 5 or 6 ranges
    monkeypatch.setattr(arrow_engine, "RELEASE_RANGES", every)
    monkeypatch.setattr(arrow_engine, "release_freed", lambda: calls.append(1))
    table = read_csv(path, Seizure, engine="pyarrow", progress=False)
    assert len(table) == 20_000
    ranges = len([part for part in arrow.line_ranges(path) if not isinstance(part, int)])
    assert ranges >= 5
    assert len(calls) == (ranges + 1 if releases == "each range and the end" else 1)
