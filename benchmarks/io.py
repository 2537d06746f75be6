"""Benchmark: reading a seizure CSV with full validation against pandas.read_csv.

Target (issue 7), measured in one run on the same file (default 1 million seizure rows,
seeded synthetic data): ``narcometrics.io.read_csv(path, Seizure)`` (which validates every
cell and builds a SeizureTable) takes at most 1.5x the time of ``pandas.read_csv(path)``
(which only parses). Peak memory (growth of the peak resident set of a fresh process over
its size after imports) is reported for both. The python engine is timed too, for reference.

    uv run python benchmarks/io.py            # 1,000,000 rows
    uv run python benchmarks/io.py --smoke    # 20,000 rows, seconds (CI)

Timing targets are reported at every size and enforced (exit status 1) only at full size.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from narcometrics import Seizure, Substance
from narcometrics.io import read_csv

FULL_ROWS = 1_000_000
SMOKE_ROWS = 20_000
TARGET = 1.5


def write_file(path: Path, rows: int, seed: int) -> None:
    """A seeded synthetic seizure CSV (not real data), written with pandas."""
    rng = np.random.default_rng(seed)
    first = np.datetime64("2015-01-01", "D").astype(np.int64)
    days = rng.integers(first, first + 3650, rows).astype("datetime64[D]")
    purity = np.round(rng.uniform(0.05, 1.0, rows), 3)
    purity_text = np.where(rng.random(rows) < 0.7, "", purity.astype(str))
    frame = pd.DataFrame(
        {
            "date": np.datetime_as_string(days, unit="D"),
            "country": rng.choice(["PER", "COL", "BOL", "ECU"], rows),
            "substance": rng.choice([s.value for s in Substance], rows),
            "mass_kg": np.round(rng.lognormal(1.0, 1.5, rows), 3) + 0.001,
            "purity": purity_text,
            "region": rng.choice([f"Region {i:02d}" for i in range(25)], rows),
            "agency": rng.choice(["DIRANDRO", "SUNAT Aduanas", "Police", "Navy"], rows),
        }
    )
    frame.to_csv(path, index=False)


def best_time(fn: Callable[[], Any], repeat: int) -> float:
    """Best wall time [s] of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _hwm_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _peak_child(which: str, path: str, queue: Any) -> None:
    import pandas as pd_child
    import pyarrow.csv  # noqa: F401  (imports are not part of the measurement)

    from narcometrics.io import read_csv as read_child

    # Warm up lazy imports on a small file, so that neither reader's big allocations are
    # already resident (memory pools keep freed pages) when the peak is measured.
    small = Path(path).with_name("small.csv")
    with open(path, encoding="utf-8") as fh:
        small.write_text("".join(next(fh) for _ in range(50)), encoding="utf-8")
    read_child(small, Seizure, engine="pyarrow", progress=False)
    pd_child.read_csv(small)
    before = _rss_mib()
    with open("/proc/self/clear_refs", "w") as fh:  # reset the peak (VmHWM) to now
        fh.write("5")
    if which == "narcometrics":
        result = read_child(path, Seizure, engine="pyarrow", progress=False)
    else:
        result = pd_child.read_csv(path)
    queue.put(_hwm_mib() - before)
    del result


def peak_memory(which: str, path: Path) -> float:
    """Peak resident memory [MiB] one read adds, measured in a fresh process."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_peak_child, args=(which, str(path), queue))
    proc.start()
    value = float(queue.get(timeout=600))
    proc.join()
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small size for CI")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = args.rows or (SMOKE_ROWS if args.smoke else FULL_ROWS)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "seizures.csv"
        write_file(path, rows, seed=7)
        size = path.stat().st_size / 2**20
        print(f"file: {rows:,} seizure rows, {size:.1f} MiB")
        # The pyarrow engine, which the default "auto" engine picks for files of 2 MiB or
        # more (the full-size file); named here so the smoke size measures the same path.
        ours = best_time(
            lambda: read_csv(path, Seizure, engine="pyarrow", progress=False), args.repeat
        )
        base = best_time(lambda: pd.read_csv(path), args.repeat)
        python = best_time(lambda: read_csv(path, Seizure, engine="python", progress=False), 1)
        ours_mem = peak_memory("narcometrics", path)
        base_mem = peak_memory("pandas", path)
        table = read_csv(path, Seizure, progress=False)
        assert len(table) == rows
    ratio = ours / base
    ok = ratio <= TARGET
    print(f"read_csv (pyarrow engine, validated){ours * 1e3:9.1f} ms   peak +{ours_mem:7.1f} MiB")
    print(f"pandas.read_csv (parse only)         {base * 1e3:9.1f} ms   peak +{base_mem:7.1f} MiB")
    print(f"read_csv (python engine)             {python * 1e3:9.1f} ms   (reference)")
    print(
        f"ratio read_csv / pandas.read_csv = {ratio:.2f} (target <= {TARGET}): "
        f"{'met' if ok else 'NOT met'}"
    )
    print(f"table nbytes: {table.nbytes / 2**20:.1f} MiB")
    if args.smoke or args.rows:
        return 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
