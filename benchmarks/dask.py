"""Benchmark: narcometrics.dask.total over Parquet files, against a one-process loop.

Two targets, on seizure rows written as Parquet files of 2 million rows (generated one file
at a time, never all in memory), aggregated by (year, region, substance) with
narcometrics.dask.total on a distributed.LocalCluster of 2 worker processes:

- speed (issue 18): Dask at least as fast (rows/s) as a plain one-process loop over the same
  files, measured side by side in the same run: for each file ``pyarrow.parquet.read_table``,
  ``SeizureTable.from_frame``, ``aggregate.total``; then one ``aggregate.merge``. The two
  alternate (--repeat times, best of each), and their results must be equal bit for bit
  (exact partial sums merge exactly, in any order);
- memory (issue 9): at 100 million rows the peak memory of the driver process at most 2 GiB.

Throughput is also printed for the in-memory path on 10 million rows (for reference):

- in memory, total only: aggregate.total(table, ...) on a table already built;
- in memory, from a frame: SeizureTable.from_frame(frame) + total.

The Dask time is end to end: building the graph (each file's schema is read), reading
Parquet, building a validated table per file, partial totals and the merge tree (the
workers have imported narcometrics before the clock starts: a one-off start-up, not a cost
per row). The loop runs in a child process that has imported narcometrics first, with the
cluster idle. The driver process runs the client and the scheduler (LocalCluster keeps the
scheduler in the process that starts it); its peak resident memory is sampled with psutil
every 20 ms during the aggregation, and ru_maxrss (the peak over the driver's whole life: the
files are written and the baselines run in child processes, so it covers imports, the cluster
and the aggregation) is printed too, with each worker's ru_maxrss. The data are synthetic
(seeded; not real seizures). The result is checked: record count exact and grand total equal
(rtol 1e-12) to the sums kept while writing; at --smoke size also equal to the in-memory
totals of all rows.

Exit status 1 when a result is wrong, or (not at --smoke size) when Dask is slower than the
loop, or (at 100 million rows or more) when the driver's memory target is missed.

    uv run python benchmarks/dask.py            # 100 million rows (a few GB in a temp dir)
    uv run python benchmarks/dask.py --rows 20000000   # 20 million rows, speed only
    uv run python benchmarks/dask.py --smoke    # 1 million rows, seconds (CI)
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np


def _drop_script_folder() -> None:
    """Run as ``python benchmarks/dask.py``, this file's folder comes first on sys.path
    and this file would shadow the ``dask`` package: take the folder out (before any
    Dask import, here and in the processes that re-run this module)."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]


_drop_script_folder()

FULL_ROWS = 100_000_000
SMOKE_ROWS = 1_000_000
BASELINE_ROWS = 10_000_000
SMOKE_BASELINE_ROWS = 1_000_000
ROWS_PER_FILE = 2_000_000
TARGET_BYTES = 2 << 30
#: Dask rows/s over the one-process loop's rows/s, at least (issue 18).
SPEED_TARGET = 1.0
BY = ("year", "region", "substance")
REGIONS = [f"Region {i:02d}" for i in range(1, 26)]
COUNTRIES = ["BOL", "COL", "ECU", "PER"]
FIRST_DAY = int(np.datetime64("2015-01-01", "D").astype(np.int64))
DAYS = 3653  # 2015-01-01 .. 2024-12-31


def partition_columns(rows: int, seed: int) -> dict[str, Any]:
    """Seeded synthetic seizures (not real data): numpy columns of one partition."""
    from narcometrics import Substance

    rng = np.random.default_rng(seed)
    substances = [s.value for s in Substance]
    return {
        "date": (FIRST_DAY + rng.integers(0, DAYS, rows)).astype("datetime64[D]"),
        "country": (rng.integers(0, len(COUNTRIES), rows).astype(np.int8), COUNTRIES),
        "region": (rng.integers(0, len(REGIONS), rows).astype(np.int8), REGIONS),
        "substance": (rng.integers(0, len(substances), rows).astype(np.int8), substances),
        "mass_kg": rng.lognormal(2.0, 1.5, rows),
    }


def write_partition(path: str, rows: int, seed: int) -> tuple[int, float]:
    """Write one Parquet file (Arrow dates and dictionary columns, as narcometrics writes
    tables); return its row count and the exact sum of its masses."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = partition_columns(rows, seed)
    data = {}
    for name, value in columns.items():
        if isinstance(value, tuple):
            codes, labels = value
            data[name] = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(labels))
        else:
            data[name] = pa.array(value)
    pq.write_table(pa.table(data), path)
    return rows, math.fsum(columns["mass_kg"].tolist())


def write_files(
    folder: Path, rows: int, per_file: int, seed: int, workers: int
) -> tuple[list[str], int, float]:
    """Write ``rows`` rows as Parquet files of ``per_file`` rows, in child processes."""
    sizes = [min(per_file, rows - start) for start in range(0, rows, per_file)]
    seeds = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(len(sizes))]
    paths = [str(folder / f"part-{i:04d}.parquet") for i in range(len(sizes))]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = list(pool.map(write_partition, paths, sizes, seeds))
    return paths, sum(n for n, _ in done), math.fsum(s for _, s in done)


class PeakRSS:
    """Sample this process's resident memory in a thread; keep the largest value."""

    def __init__(self, interval: float = 0.02) -> None:
        import psutil

        self._process = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.peak = self._process.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(self._interval)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def max_rss_bytes() -> int:
    """Peak resident memory of this process over its life (ru_maxrss, KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def in_memory_baselines(rows: int, seed: int) -> dict[str, float]:
    """Seconds of the in-memory paths on ``rows`` rows (run in a child process)."""
    import pandas as pd

    from narcometrics.aggregate import total
    from narcometrics.tables import SeizureTable

    columns = partition_columns(rows, seed)
    frame = pd.DataFrame(
        {
            name: pd.Categorical.from_codes(*value) if isinstance(value, tuple) else value
            for name, value in columns.items()
        }
    )
    frame["date"] = frame["date"].astype("datetime64[s]")
    del columns
    start = time.perf_counter()
    table = SeizureTable.from_frame(frame)
    built = time.perf_counter()
    total(table, "mass_kg", by=BY)
    done = time.perf_counter()
    return {"total": done - built, "from_frame+total": done - start}


def warm_up(path: str) -> None:
    """Import and run once what a file's partial uses (a one-off start-up, not a cost per
    row), in the loop's process and in each Dask worker alike."""
    import narcometrics.dask  # noqa: F401

    one_process_loop([path])


def cpu_seconds() -> float:
    """User and system CPU time [s] of this process so far (all its threads)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def one_process_loop(paths: list[str]) -> tuple[float, float, Any]:
    """Seconds, CPU seconds and Totals of the plain one-process loop over ``paths`` (run in
    a child process): for each file pyarrow read, from_frame and partial totals; one merge."""
    import pyarrow.parquet as pq

    from narcometrics.aggregate import merge, total
    from narcometrics.tables import SeizureTable

    start, cpu = time.perf_counter(), cpu_seconds()
    parts = [
        total(SeizureTable.from_frame(pq.read_table(path)), "mass_kg", by=BY) for path in paths
    ]
    totals = merge(*parts)
    return time.perf_counter() - start, cpu_seconds() - cpu, totals


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_ROWS:,} rows")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--repeat", type=int, default=None, help="alternating runs of Dask and the loop (best)"
    )
    parser.add_argument("--seed", type=int, default=20170630)
    parser.add_argument("--dir", default=None, help="folder for the Parquet files")
    return parser.parse_args()


def _race(paths: list[str], workers: int, repeat: int) -> dict[str, Any]:
    """Dask on a LocalCluster and the one-process loop, alternating ``repeat`` times."""
    from distributed import Client, LocalCluster

    from narcometrics import dask as nd
    from narcometrics.tables import SeizureTable

    got: dict[str, Any] = {"dask": [], "loop": [], "dask_cpu": [], "loop_cpu": [], "peak": 0}
    # The loop's process is forked (and imports) before the cluster starts its threads.
    with ProcessPoolExecutor(max_workers=1) as loop:
        loop.submit(warm_up, paths[0]).result()
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(warm_up, paths[0])
            for _ in range(repeat):
                before = sum(client.run(cpu_seconds).values()) + cpu_seconds()
                with PeakRSS() as sampled:
                    start = time.perf_counter()
                    got["totals"] = nd.total(
                        paths, SeizureTable, "mass_kg", by=BY, scheduler=client
                    )
                    got["dask"].append(time.perf_counter() - start)
                after = sum(client.run(cpu_seconds).values()) + cpu_seconds()
                got["dask_cpu"].append(after - before)
                got["peak"] = max(got["peak"], sampled.peak)
                seconds, cpu, got["loop_totals"] = loop.submit(one_process_loop, paths).result()
                got["loop"].append(seconds)
                got["loop_cpu"].append(cpu)
            got["workers"] = client.run(
                lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            )
    return got


def _bit_for_bit(a: Any, b: Any) -> bool:
    """Same groups, labels, counts and sums (the exact sums round to the same float)."""
    return bool(
        a.by == b.by
        and a.to_dict() == b.to_dict()
        and np.array_equal(a.counts, b.counts)
        and np.array_equal(a.values, b.values)
    )


def main() -> int:
    args = _arguments()
    rows = args.rows or (SMOKE_ROWS if args.smoke else FULL_ROWS)
    repeat = args.repeat or (1 if args.smoke else 2)
    baseline_rows = min(rows, SMOKE_BASELINE_ROWS if args.smoke else BASELINE_ROWS)
    enforce_memory = not args.smoke and rows >= FULL_ROWS

    folder = Path(tempfile.mkdtemp(prefix="narcometrics-dask-bench-", dir=args.dir))
    try:
        print(f"narcometrics dask benchmark: {rows:,} seizure rows in {folder}")
        free = shutil.disk_usage(folder).free
        print(f"free disk: {free / 2**30:.1f} GiB")
        start = time.perf_counter()
        per_file = min(ROWS_PER_FILE, max(1, rows // 4))
        paths, written, mass_sum = write_files(folder, rows, per_file, args.seed, args.workers)
        size = sum(os.path.getsize(p) for p in paths)
        print(
            f"wrote {written:,} rows in {len(paths)} Parquet files ({size / 2**30:.2f} GiB) "
            f"in {time.perf_counter() - start:.1f} s"
        )
        got = _race(paths, args.workers, repeat)
        driver_life = max_rss_bytes()
        totals = got["totals"]
        counted = int(totals.counts.sum())
        conserved = counted == written and math.isclose(totals.grand_total, mass_sum, rel_tol=1e-12)
        print(
            f"dask result: {len(totals):,} groups, {counted:,} records, grand total "
            f"{totals.grand_total:.6e} kg (written {mass_sum:.6e}): "
            f"{'conserved' if conserved else 'NOT CONSERVED'}"
        )
        same = _bit_for_bit(totals, got["loop_totals"])
        print(
            f"dask result against the one-process loop: {'equal bit for bit' if same else 'DIFFER'}"
        )
        with ProcessPoolExecutor(max_workers=1) as pool:
            base = pool.submit(in_memory_baselines, baseline_rows, args.seed).result()
        ok = conserved and same
        if args.smoke:
            ok = check_smoke(paths, totals) and ok
        fast = _print_speeds(rows, args.workers, got, base, baseline_rows, enforce=not args.smoke)
        met = _print_memory(got, driver_life, enforce_memory)
        if not ok:
            return 1
        return 0 if (fast or args.smoke) and (met or not enforce_memory) else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _print_speeds(
    rows: int,
    workers: int,
    got: dict[str, Any],
    base: dict[str, float],
    baseline_rows: int,
    *,
    enforce: bool,
) -> bool:
    """Print rows/s of each path and the Dask/loop ratio; whether the speed target is met."""
    dask_rate, loop_rate = rows / min(got["dask"]), rows / min(got["loop"])
    runs = f"best of {len(got['dask'])}"
    print(f"\n{'path (' + runs + ')':<58} {'rows':>13} {'seconds':>9} {'rows/s':>14}")
    print(
        f"{'dask.total, Parquet, ' + str(workers) + ' worker processes':<58} "
        f"{rows:>13,} {min(got['dask']):>9.2f} {dask_rate:>14,.0f}"
    )
    print(
        f"{'one-process loop: read, from_frame, total; merge':<58} "
        f"{rows:>13,} {min(got['loop']):>9.2f} {loop_rate:>14,.0f}"
    )
    for name, value in base.items():
        base_rate = baseline_rows / value
        print(
            f"{'in memory: ' + name:<58} {baseline_rows:>13,} {value:>9.2f} "
            f"{base_rate:>14,.0f}   dask/in-memory rows/s ratio {dask_rate / base_rate:5.2f}"
        )
    ratio = dask_rate / loop_rate
    met = ratio >= SPEED_TARGET
    print(
        f"\ndask/loop rows/s ratio {ratio:.2f} (each run: dask "
        + ", ".join(f"{rows / t:,.0f}" for t in got["dask"])
        + "; loop "
        + ", ".join(f"{rows / t:,.0f}" for t in got["loop"])
        + f"); target >= {SPEED_TARGET:.1f}: {'met' if met else 'NOT MET'}"
        + ("" if enforce else " (enforced outside --smoke only)")
    )
    # CPU time depends less on the other load of a shared machine than wall time does.
    print(
        f"CPU seconds, least of the runs: dask (driver and workers) {min(got['dask_cpu']):.2f}, "
        f"loop {min(got['loop_cpu']):.2f} (for reference)"
    )
    return met


def _print_memory(got: dict[str, Any], driver_life: int, enforce: bool) -> bool:
    """Print the driver's and workers' peak memory; whether the driver target is met."""
    peak = max(got["peak"], 0)
    met = peak <= TARGET_BYTES and driver_life <= TARGET_BYTES
    print(
        f"driver peak RSS during the aggregation (psutil, 20 ms): {peak / 2**20:,.0f} MiB; "
        f"over the driver's life (ru_maxrss): {driver_life / 2**20:,.0f} MiB; "
        f"target <= {TARGET_BYTES / 2**30:.0f} GiB: {'met' if met else 'NOT MET'}"
        f"{'' if enforce else ' (enforced at 100 million rows or more only)'}"
    )
    for address, value in sorted(got["workers"].items()):
        print(f"worker {address} peak RSS (ru_maxrss): {value / 2**20:,.0f} MiB")
    return met


def check_smoke(paths: list[str], totals: Any) -> bool:
    """At smoke size: the Dask totals equal the in-memory totals of all rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from narcometrics.aggregate import total
    from narcometrics.tables import SeizureTable

    frame = pa.concat_tables([pq.read_table(p) for p in paths]).to_pandas(date_as_object=False)
    expected = total(SeizureTable.from_frame(frame), "mass_kg", by=BY)
    same = totals.allclose(expected, rtol=1e-12)
    print(f"smoke check against the in-memory totals of all rows: {'equal' if same else 'DIFFER'}")
    return bool(same)


if __name__ == "__main__":
    sys.exit(main())
