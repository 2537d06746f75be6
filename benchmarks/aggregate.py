"""Benchmark: columnar seizure tables and total() against pandas and hand-written numpy.

Targets (issue 4), measured in one run on the same synthetic data (default 10 million
seizure rows: 10 years, 4 countries, 25 regions, 7 substances; seeded):

- total(table, "mass_kg", by=("year", "region", "substance")) takes at most 0.25x a pandas
  groupby-sum (categorical region/substance, precomputed int year column) and at most 1.5x
  a hand-written numpy bincount over precomputed integer codes;
- SeizureTable.from_frame(df, extra="ignore") (the frame also holds the
  precomputed year column pandas is given) takes at most 1.5x pandas.factorize on the frame's
  categorical columns plus copying its numeric and date columns;
- the table holds at most 1.2x the bytes of the raw arrays it stores (the frame's
  categorical codes, dates and float values).

Each timing is the best of --repeat runs. ``--smoke`` runs 100,000 rows in seconds (CI);
timing targets are reported but only enforced (exit status 1) at full size.

    uv run python benchmarks/aggregate.py            # 10 million rows
    uv run python benchmarks/aggregate.py --smoke    # 100,000 rows
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from narcometrics import Substance
from narcometrics.aggregate import total
from narcometrics.tables import SeizureTable

FULL_ROWS = 10_000_000
SMOKE_ROWS = 100_000


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    """Best wall time of ``repeat`` calls [s]."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic_frame(rows: int, seed: int) -> pd.DataFrame:
    """Seeded synthetic seizures (not real data) as a pandas frame."""
    rng = np.random.default_rng(seed)
    first = np.datetime64("2015-01-01", "D").astype(np.int64)
    last = np.datetime64("2024-12-31", "D").astype(np.int64)
    days = rng.integers(first, last + 1, rows)
    regions = [f"Region {i:02d}" for i in range(1, 26)]
    substances = [s.value for s in Substance]
    purity = rng.uniform(0.05, 1.0, rows)
    purity[rng.random(rows) < 0.7] = np.nan  # purity is usually unknown
    dates = days.astype("datetime64[D]")
    return pd.DataFrame(
        {
            "date": dates.astype("datetime64[s]"),
            "country": pd.Categorical.from_codes(
                rng.integers(0, 4, rows), ["BOL", "COL", "ECU", "PER"]
            ),
            "region": pd.Categorical.from_codes(rng.integers(0, len(regions), rows), regions),
            "substance": pd.Categorical.from_codes(
                rng.integers(0, len(substances), rows), substances
            ),
            "mass_kg": rng.lognormal(2.0, 1.5, rows),
            "purity": purity,
            "year": dates.astype("datetime64[Y]").astype(np.int64) + 1970,
        }
    )


def line(name: str, ours: float, base_name: str, base: float, target: float) -> bool:
    ratio = ours / base
    met = ratio <= target
    print(
        f"{name:<44} {ours * 1e3:9.1f} ms | {base_name:<44} {base * 1e3:9.1f} ms | "
        f"ratio {ratio:5.2f} (target <= {target}) {'met' if met else 'NOT MET'}"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_ROWS:,} rows")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20170630)
    args = parser.parse_args()
    rows = args.rows or (SMOKE_ROWS if args.smoke else FULL_ROWS)
    enforce = not args.smoke and rows >= FULL_ROWS
    print(f"narcometrics aggregate benchmark: {rows:,} seizure rows, best of {args.repeat}")
    df = synthetic_frame(rows, args.seed)
    categorical = ["country", "region", "substance"]
    numeric = ["date", "mass_kg", "purity"]
    results = []

    # --- from_frame vs factorize + copy
    def baseline_read() -> None:
        for name in categorical:
            pd.factorize(df[name])
        for name in numeric:
            df[name].to_numpy().copy()

    t_read = best_of(args.repeat, lambda: SeizureTable.from_frame(df, extra="ignore"))
    b_read = best_of(args.repeat, baseline_read)
    results.append(
        line(
            "SeizureTable.from_frame(df)", t_read, "pd.factorize(cats) + copy(numeric)", b_read, 1.5
        )
    )

    # --- total vs pandas groupby and numpy bincount
    table = SeizureTable.from_frame(df, extra="ignore")
    fresh_bytes = table.nbytes
    by = ("year", "region", "substance")
    start = time.perf_counter()
    result = total(table, "mass_kg", by=by)
    cold = time.perf_counter() - start
    t_total = best_of(args.repeat, lambda: total(table, "mass_kg", by=by))

    def pandas_groupby() -> Any:
        return df.groupby(["year", "region", "substance"], observed=True)["mass_kg"].sum()

    b_pandas = best_of(args.repeat, pandas_groupby)
    year0 = int(df["year"].min())
    n_years = int(df["year"].max()) - year0 + 1
    y = (df["year"].to_numpy() - year0).astype(np.intp)
    r = df["region"].cat.codes.to_numpy().astype(np.intp)
    s = df["substance"].cat.codes.to_numpy().astype(np.intp)
    mass = df["mass_kg"].to_numpy()
    n_r, n_s = len(df["region"].cat.categories), len(df["substance"].cat.categories)

    def numpy_bincount() -> Any:
        key = (y * n_r + r) * n_s + s
        return np.bincount(key, weights=mass, minlength=n_years * n_r * n_s)

    b_numpy = best_of(args.repeat, numpy_bincount)
    print(f"{'  (first call, deriving year codes from dates)':<44} {cold * 1e3:9.1f} ms")
    results.append(
        line(
            "total(mass_kg, by=year,region,substance)",
            t_total,
            "pandas groupby-sum (categoricals, int year)",
            b_pandas,
            0.25,
        )
    )
    results.append(
        line(
            "total(mass_kg, by=year,region,substance)",
            t_total,
            "numpy bincount over precomputed intp codes",
            b_numpy,
            1.5,
        )
    )

    # --- correctness against pandas
    expected = {(int(k[0]), str(k[1]), str(k[2])): float(v) for k, v in pandas_groupby().items()}
    got = result.to_dict()
    assert got.keys() == expected.keys(), "groups differ from pandas"
    assert np.allclose([got[k] for k in expected], list(expected.values()), rtol=1e-9)
    print(f"{'totals equal pandas (rtol 1e-9)':<44} {len(got)} groups")

    # --- memory
    raw = sum(df[name].cat.codes.to_numpy().nbytes for name in categorical) + sum(
        df[name].to_numpy().nbytes for name in numeric
    )
    ratio = table.nbytes / raw
    met = ratio <= 1.2
    results.append(met)
    print(
        f"{'table.nbytes (with cached year codes)':<44} {table.nbytes / 1e6:9.1f} MB | "
        f"{'raw arrays: frame codes + dates + floats':<44} {raw / 1e6:9.1f} MB | "
        f"ratio {ratio:5.2f} (target <= 1.2) {'met' if met else 'NOT MET'}"
    )
    print(f"{'  (table.nbytes before total(): no cache)':<44} {fresh_bytes / 1e6:9.1f} MB")
    frame_bytes = int(df[categorical + numeric].memory_usage(deep=True, index=False).sum())
    print(f"{'  (the pandas frame, same columns, deep)':<44} {frame_bytes / 1e6:9.1f} MB")
    if not all(results):
        print("some targets NOT MET" + ("" if enforce else " (not enforced at this size)"))
        return 1 if enforce else 0
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
