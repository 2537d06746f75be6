"""Benchmark: SeizureTable.from_frame with about a million distinct labels.

Target (issue 18): ``SeizureTable.from_frame(df)`` on seizures whose ``operation_id`` holds
1 million distinct labels (default 10 million rows; year, country, region, agency and
substance few-valued; seeded, synthetic) takes at most 1.5x ``pandas.factorize`` on the
frame's label columns plus copying its numeric and date columns, measured in the same run.
The label columns are pandas categoricals; ``--strings`` also measures them as plain Python
strings (object columns, which both sides factorise; about 10x slower on both sides, so
measured at smoke size and on request).

Each timing is the best of --repeat runs. ``--smoke`` runs 100,000 rows and 10,000 labels in
seconds (CI); the target is reported at every size but only enforced (exit status 1) at
full size.

    uv run python benchmarks/tables.py            # 10 million rows, 1 million labels
    uv run python benchmarks/tables.py --smoke    # 100,000 rows, 10,000 labels
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np
import pandas as pd
from _timing import best_of  # the benchmarks folder is on sys.path when run as a script

from narcometrics import Substance
from narcometrics.tables import SeizureTable

FULL_ROWS, FULL_LABELS = 10_000_000, 1_000_000
SMOKE_ROWS, SMOKE_LABELS = 100_000, 10_000
TARGET = 1.5
LABELS = ("country", "substance", "region", "agency", "operation_id")
NUMERIC = ("date", "mass_kg", "purity")


def synthetic_frame(rows: int, labels: int, seed: int, *, categorical: bool) -> pd.DataFrame:
    """Seeded synthetic seizures (not real data): ``labels`` distinct operation ids, in
    random order, each with one country, region and agency."""
    rng = np.random.default_rng(seed)
    op = rng.integers(0, labels, rows)
    first = np.datetime64("2015-01-01", "D").astype(np.int64)
    dates = (first + rng.integers(0, 3650, rows)).astype("datetime64[D]")
    purity = rng.uniform(0.05, 1.0, rows)
    purity[rng.random(rows) < 0.7] = np.nan
    names = {
        "country": (rng.integers(0, 4, labels)[op], ["BOL", "COL", "ECU", "PER"]),
        "substance": (rng.integers(0, len(Substance), rows), [s.value for s in Substance]),
        "region": (rng.integers(0, 25, labels)[op], [f"Region {i:02d}" for i in range(25)]),
        "agency": (rng.integers(0, 5, labels)[op], ["DIRANDRO", "DEVIDA", "PNP", "FFAA", "SUNAT"]),
        "operation_id": (op, [f"OP-{i:07d}" for i in rng.permutation(labels)]),
    }
    columns: dict[str, Any] = {"date": dates.astype("datetime64[s]")}
    for name, (codes, values) in names.items():
        if categorical:
            columns[name] = pd.Categorical.from_codes(codes, values)
        else:
            strings = np.empty(len(values), dtype=object)
            strings[:] = values
            columns[name] = strings[codes]
    columns["mass_kg"] = rng.lognormal(2.0, 1.5, rows)
    columns["purity"] = purity
    return pd.DataFrame(columns)


def measure(df: pd.DataFrame, layout: str, repeat: int) -> bool:
    """Time from_frame against factorize + copy; print one line; True when the target is met."""

    def baseline() -> None:
        for name in LABELS:
            pd.factorize(df[name])
        for name in NUMERIC:
            df[name].to_numpy().copy()

    ours = best_of(repeat, lambda: SeizureTable.from_frame(df))
    base = best_of(repeat, baseline)
    ratio = ours / base
    met = ratio <= TARGET
    print(
        f"from_frame ({layout:<11}) {ours * 1e3:9.1f} ms | factorize + copy {base * 1e3:9.1f} ms"
        f" | ratio {ratio:5.2f} (target <= {TARGET}) {'met' if met else 'NOT MET'}"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_ROWS:,} rows")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--labels", type=int, default=None, help="distinct operation ids")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20170630)
    parser.add_argument("--strings", action="store_true", help="also object string columns")
    args = parser.parse_args()
    rows = args.rows or (SMOKE_ROWS if args.smoke else FULL_ROWS)
    labels = args.labels or (SMOKE_LABELS if args.smoke else FULL_LABELS)
    enforce = not args.smoke and rows >= FULL_ROWS and labels >= FULL_LABELS
    print(
        f"narcometrics from_frame benchmark: {rows:,} rows, {labels:,} distinct operation ids, "
        f"best of {args.repeat}"
    )
    results = []
    layouts = ["categorical"] + (["strings"] if args.strings or args.smoke else [])
    for layout in layouts:
        df = synthetic_frame(rows, labels, args.seed, categorical=layout == "categorical")
        table = SeizureTable.from_frame(df)  # a categorical keeps its unused categories
        assert len(table.operation_id.labels) >= df["operation_id"].nunique() > 0.9 * labels
        del table
        results.append(measure(df, layout, args.repeat))
        del df
    if not all(results):
        print("target NOT MET" + ("" if enforce else " (not enforced at this size)"))
        return 1 if enforce else 0
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
