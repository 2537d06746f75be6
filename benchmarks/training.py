"""Benchmark: vectorised proportion intervals against statsmodels (scipy underneath).

This script measures, in one run on the same seeded (k, n) arrays (default 1,000,000
pairs, n from 1 to 10,000, k from 0 to n), the time of
``narcometrics.training.proportion_interval`` (scipy.special quantiles) and of
``statsmodels.stats.proportion.proportion_confint`` for each method, their ratio, and the
largest absolute difference between the two. Targets (issue 18): every method at most 1.1
times statsmodels' time and equal to statsmodels to 1e-12
(exit status 1 if a target is missed). Each timing is the best of --repeat runs.

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
TOLERANCE = 1e-12
#: Largest time ratio (narcometrics / statsmodels) allowed, by method (issue 18).
RATIO_TARGET = {"wilson": 1.1, "clopper_pearson": 1.1, "jeffreys": 1.1}


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
    timing_ok = True
    for method in INTERVAL_METHODS:
        ours_s, ours = best_of(
            args.repeat, lambda m=method: proportion_interval(k, n, args.confidence, method=m)
        )
        ref_s, ref = best_of(
            args.repeat,
            lambda m=method: proportion_confint(k, n, alpha=alpha, method=STATSMODELS[m]),
        )
        diff = max(float(np.max(np.abs(ours[0] - ref[0]))), float(np.max(np.abs(ours[1] - ref[1]))))
        ratio = ours_s / ref_s
        ok &= diff <= TOLERANCE
        target = RATIO_TARGET.get(method)
        fast = target is None or ratio <= target
        timing_ok &= fast or args.smoke
        verdict = "" if target is None else f"  target <= {target}: {'met' if fast else 'NOT met'}"
        print(f"{method:<16}{ours_s:>13.3f}s{ref_s:>13.3f}s{ratio:>8.2f}{diff:>13.1e}{verdict}")
    print(f"agreement target |diff| <= {TOLERANCE:g}: {'met' if ok else 'NOT met'}")
    if args.smoke:
        print("timing targets are reported only at the smoke size (too small to judge)")
    return 0 if ok and timing_ok else 1


if __name__ == "__main__":
    sys.exit(main())
