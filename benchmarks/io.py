"""Benchmark: reading a seizure CSV with full validation against the typed parsers.

Targets (issue 18), measured in one run on the same seeded synthetic file (not real data),
at 1 million and 5 million seizure rows:

- ``narcometrics.io.read_csv(path, Seizure)`` with the pyarrow engine (which the default
  "auto" engine picks for files of 2 MiB or more once pyarrow is imported, 32 MiB before
  that; it validates every cell and builds a
  SeizureTable) takes at most 1.2x ``pyarrow.csv.read_csv`` with the same column types
  (date32, float64, dictionary-encoded text) and at most 1.0x ``pandas.read_csv`` with
  dtypes (float64, category for the text columns, as the table stores them) and
  ``parse_dates``. Untyped ``pandas.read_csv`` is printed for reference.
- Peak memory of the read (growth of the peak resident set of a fresh process over its size
  after imports and a warm-up read) is at most 2x the bytes of the resulting table.
- The python engine (what reads when pyarrow is absent) takes at most 5x the pyarrow path;
  it is timed on at most ``--python-rows`` rows (1 million by default: 5 million take
  minutes), against the pyarrow path on the same file.

    uv run python benchmarks/io.py                 # 1,000,000 and 5,000,000 rows
    uv run python benchmarks/io.py --rows 1000000  # one size
    uv run python benchmarks/io.py --smoke         # 20,000 rows, seconds (CI)

Ratios are printed at every size; the exit status is 1 only at full size when a target is
missed.
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

FULL_ROWS = (1_000_000, 5_000_000)
SMOKE_ROWS = 20_000
PYTHON_ROWS = 1_000_000
TARGET_ARROW = 1.2
TARGET_PANDAS = 1.0
TARGET_MEMORY = 2.0
TARGET_PYTHON = 5.0
#: The column types of the table, as the typed parsers are told them.
PANDAS_DTYPES = {
    "country": "category",
    "substance": "category",
    "mass_kg": "float64",
    "purity": "float64",
    "region": "category",
    "agency": "category",
}


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


def _arrow_types() -> dict[str, Any]:
    import pyarrow as pa

    text = pa.dictionary(pa.int32(), pa.string())
    return {
        "date": pa.date32(),
        "country": text,
        "substance": text,
        "mass_kg": pa.float64(),
        "purity": pa.float64(),
        "region": text,
        "agency": text,
    }


def readers(path: Path) -> dict[str, Callable[[], Any]]:
    """The timed reads of ``path``, by name."""
    import pyarrow.csv as pacsv

    convert = pacsv.ConvertOptions(column_types=_arrow_types())
    return {
        "ours": lambda: read_csv(path, Seizure, engine="pyarrow", progress=False),
        "arrow": lambda: pacsv.read_csv(path, convert_options=convert),
        "pandas": lambda: pd.read_csv(path, dtype=PANDAS_DTYPES, parse_dates=["date"]),
        "untyped": lambda: pd.read_csv(path),
    }


def best_times(calls: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Best wall time [s] of each call over ``repeat`` rounds, the calls interleaved in each
    round (so that a busy moment of a shared machine slows every reader alike)."""
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(repeat):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _hwm_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _peak_child(path: str, queue: Any) -> None:
    import pyarrow.csv  # noqa: F401  (imports are not part of the measurement)

    from narcometrics.io import read_csv as read_child

    # Warm up lazy imports on a small file, so that the reader's big allocations are not
    # already resident (memory pools keep freed pages) when the peak is measured.
    small = Path(path).with_name("small.csv")
    with open(path, encoding="utf-8") as fh:
        small.write_text("".join(next(fh) for _ in range(50)), encoding="utf-8")
    read_child(small, Seizure, engine="pyarrow", progress=False)
    before = _rss_mib()
    with open("/proc/self/clear_refs", "w") as fh:  # reset the peak (VmHWM) to now
        fh.write("5")
    result = read_child(path, Seizure, engine="pyarrow", progress=False)
    queue.put((_hwm_mib() - before, result.nbytes / 2**20))
    del result


def peak_memory(path: Path) -> tuple[float, float]:
    """Peak resident memory [MiB] one read adds, measured in a fresh process, and the bytes
    [MiB] of the table it gives."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_peak_child, args=(str(path), queue))
    proc.start()
    peak, table = queue.get(timeout=600)
    proc.join()
    return float(peak), float(table)


def _verdict(ratio: float, target: float) -> str:
    return f"{ratio:5.2f} (target <= {target}): {'met' if ratio <= target else 'NOT met'}"


def measure(rows: int, repeat: int, python_rows: int, tmp: Path) -> bool:
    """Print the figures and ratios for a file of ``rows`` rows; whether every target is met."""
    path = tmp / f"seizures-{rows}.csv"
    write_file(path, rows, seed=7)
    print(f"\nfile: {rows:,} seizure rows, {path.stat().st_size / 2**20:.1f} MiB")
    times = best_times(readers(path), repeat)
    table = read_csv(path, Seizure, progress=False)  # the default engine: pyarrow at this size
    assert len(table) == rows
    peak, nbytes = peak_memory(path)
    path_for_python, arrow_time = path, times["ours"]
    if rows > python_rows:
        path_for_python = tmp / f"seizures-{python_rows}.csv"
        write_file(path_for_python, python_rows, seed=7)
        arrow_time = best_times({"ours": readers(path_for_python)["ours"]}, repeat)["ours"]
    python = best_times(
        {"python": lambda: read_csv(path_for_python, Seizure, engine="python", progress=False)},
        1,
    )["python"]
    shown = {
        "ours": "read_csv, pyarrow engine (validated)",
        "arrow": "pyarrow.csv.read_csv, same types",
        "pandas": "pandas.read_csv, dtypes + parse_dates",
        "untyped": "pandas.read_csv, untyped (reference)",
    }
    for name, label in shown.items():
        print(f"  {label:40s} {times[name] * 1e3:9.1f} ms")
    print(
        f"  {'read_csv, python engine':40s} {python * 1e3:9.1f} ms ({min(rows, python_rows):,} rows)"
    )
    print(f"  peak memory +{peak:.1f} MiB; table {nbytes:.1f} MiB")
    ratios = [
        ("read_csv / pyarrow typed", times["ours"] / times["arrow"], TARGET_ARROW),
        ("read_csv / pandas typed ", times["ours"] / times["pandas"], TARGET_PANDAS),
        ("peak memory / table     ", peak / nbytes, TARGET_MEMORY),
        ("python / pyarrow engine ", python / arrow_time, TARGET_PYTHON),
    ]
    for label, ratio, target in ratios:
        print(f"  ratio {label} = {_verdict(ratio, target)}")
    print(f"  (untyped pandas / pandas typed = {times['untyped'] / times['pandas']:.2f})")
    return all(ratio <= target for _, ratio, target in ratios)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small size for CI")
    parser.add_argument("--rows", type=int, default=None, help="one size instead of 1M and 5M")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--python-rows", type=int, default=PYTHON_ROWS)
    args = parser.parse_args(argv)
    sizes = (SMOKE_ROWS,) if args.smoke else (args.rows,) if args.rows else FULL_ROWS
    repeat = 2 if args.smoke else args.repeat
    with tempfile.TemporaryDirectory() as tmp:
        met = [measure(rows, repeat, args.python_rows, Path(tmp)) for rows in sizes]
    if args.smoke or args.rows:
        return 0
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
