"""Benchmark: ``read(path, kind, errors="collect")`` on a file with scattered bad rows.

Measured in one run: the strict read of a clean seizure CSV (the baseline, with the default
engine and with the python engine) and the collecting read of the same file with some rows
made bad (scattered, seeded), as ratios of times. No target is enforced.
Synthetic data (not real records).

    uv run python benchmarks/collect.py            # 200,000 rows, 200 bad rows
    uv run python benchmarks/collect.py --smoke    # 5,000 rows, 20 bad rows (CI)
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from _timing import best_of  # the benchmarks folder is on sys.path when run as a script

from narcometrics import Seizure
from narcometrics.io import read, read_csv


def write_file(path: Path, rows: int, bad: set[int]) -> None:
    """A seeded synthetic seizure CSV; rows in ``bad`` have a mass of ``n/a``."""
    lines = ["date,country,substance,mass_kg,id"]
    for i in range(rows):
        mass = "n/a" if i in bad else f"{1 + i % 97}.5"
        lines.append(f"2017-{1 + i % 12:02d}-{1 + i % 28:02d},PER,cocaine_hcl,{mass},S-{i}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    rows, bad_rows = (5_000, 20) if args.smoke else (200_000, 200)
    rng = np.random.default_rng(7)
    bad = {int(i) for i in rng.choice(rows, bad_rows, replace=False)}
    with tempfile.TemporaryDirectory() as folder:
        clean, mixed = Path(folder, "clean.csv"), Path(folder, "mixed.csv")
        write_file(clean, rows, set())
        write_file(mixed, rows, bad)
        found = read(mixed, Seizure, errors="collect")
        if found.left_out != bad_rows or len(found.table) != rows - bad_rows:
            raise SystemExit(f"wrong result: {found!r}")
        strict = best_of(3, lambda: read(clean, Seizure))
        python = best_of(3, lambda: read_csv(clean, Seizure, engine="python"))
        collect = best_of(3, lambda: read(mixed, Seizure, errors="collect"))
    # The parts around bad rows are read again from memory with the python engine, so the
    # python engine's strict read is the fair baseline for that part of the work.
    print(f"rows {rows:,}, bad rows {bad_rows:,} (scattered)")
    print(f"strict read of the clean file (auto engine)    {strict:8.3f} s")
    print(f"strict read of the clean file (python engine)  {python:8.3f} s")
    print(
        f"collecting read of the file with bad rows      {collect:8.3f} s  "
        f"ratio {collect / strict:.1f}x (auto), {collect / python:.1f}x (python)"
    )


if __name__ == "__main__":
    main()
