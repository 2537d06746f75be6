"""Benchmark: vectorised proportion intervals against statsmodels (scipy underneath).

Issue 6 sets no timing target; it requires agreement with scipy and statsmodels to 1e-9.
This script measures, in one run on the same seeded (k, n) arrays (default 1,000,000
pairs, n from 1 to 10,000, k from 0 to n), the time of
``narcometrics.training.proportion_interval`` (numpy only) and of
``statsmodels.stats.proportion.proportion_confint`` for each method, their ratio, and the
largest absolute difference between the two (which must stay <= 1e-9: exit status 1
otherwise). Each timing is the best of --repeat runs.

    uv run python benchmarks/training.py            # 1,000,000 pairs
    uv run python benchmarks/training.py --smoke    # 10,000 pairs, seconds (CI)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from statsmodels.stats.proportion import proportion_confint

from narcometrics.training import INTERVAL_METHODS, proportion_interval

FULL = 1_000_000
SMOKE = 10_000
STATSMODELS = {"wilson": "wilson", "clopper_pearson": "beta", "jeffreys": "jeffreys"}
TOLERANCE = 1e-9


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls [s] and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE:,} pairs")
    parser.add_argument("--size", type=int, default=None, help="number of (k, n) pairs")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--confidence", type=float, default=0.95)
    args = parser.parse_args()
    size = args.size or (SMOKE if args.smoke else FULL)
    rng = np.random.default_rng(2017)
    n = rng.integers(1, 10_001, size)
    k = rng.integers(0, n + 1)
    alpha = 1 - args.confidence
    print(f"{size:,} (k, n) pairs, n in [1, 10000], confidence {args.confidence}")
    print(f"{'method':<16}{'narcometrics':>14}{'statsmodels':>14}{'ratio':>8}{'max |diff|':>13}")
    ok = True
    for method in INTERVAL_METHODS:
        ours_s, ours = best_of(
            args.repeat, lambda m=method: proportion_interval(k, n, args.confidence, method=m)
        )
        ref_s, ref = best_of(
            args.repeat,
            lambda m=method: proportion_confint(k, n, alpha=alpha, method=STATSMODELS[m]),
        )
        diff = max(float(np.max(np.abs(ours[0] - ref[0]))), float(np.max(np.abs(ours[1] - ref[1]))))
        ok &= diff <= TOLERANCE
        print(f"{method:<16}{ours_s:>13.3f}s{ref_s:>13.3f}s{ours_s / ref_s:>8.2f}{diff:>13.1e}")
    print("timing target: none set by issue 6 (reported only)")
    print(f"agreement target |diff| <= {TOLERANCE:g}: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
