"""Benchmark: `training_summary` over a TrainingTable, columnar (issue 15).

Measures, in one run on the same table (the bundled 2017 example's training records
repeated to --rows rows), the time of ``narcometrics.training.training_summary`` (pooled and
by institution, course and year) against the baseline of the columnar indicator
``narcometrics.indicators.share_verified_applying`` on the same table, and prints the ratios.
Before issue 15 the summary rebuilt one validated record per row: 0.73 s on 1,200 rows, about
70 times the baseline. Target: at most 50 times the baseline (exit status 1 if missed).

    uv run python benchmarks/training_summary.py            # 12,000 rows
    uv run python benchmarks/training_summary.py --smoke    # 1,200 rows (CI)
"""

from __future__ import annotations

import argparse
import sys

import attrs
from _timing import best_of  # the benchmarks folder is on sys.path when run as a script

from narcometrics.datasets import peru_2017_example
from narcometrics.indicators import share_verified_applying
from narcometrics.tables import TrainingTable
from narcometrics.training import training_summary

TARGET = 50.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=12_000)
    parser.add_argument("--smoke", action="store_true", help="1,200 rows")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = 1_200 if args.smoke else args.rows
    records = [attrs.evolve(r, id=None) for r in peru_2017_example().training]
    table = TrainingTable.from_records((records * (rows // len(records) + 1))[:rows])
    baseline = best_of(args.repeat, lambda: share_verified_applying(table))
    worst = 0.0
    for label, by in (("pooled", None), ("by institution, course, year", GROUPS)):
        seconds = best_of(args.repeat, lambda by=by: training_summary(table, by=by))
        ratio = seconds / baseline
        worst = max(worst, ratio)
        print(f"training_summary {label}: {seconds:.4f} s, {ratio:.1f} x the baseline")
    print(f"baseline share_verified_applying: {baseline:.4f} s on {rows:,} rows")
    print(f"target: at most {TARGET:g} x the baseline: {'met' if worst <= TARGET else 'MISSED'}")
    return 0 if worst <= TARGET else 1


GROUPS = ("institution", "course", "year")

if __name__ == "__main__":
    sys.exit(main())
