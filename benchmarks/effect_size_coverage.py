"""Coverage simulation: how often the paired effect-size intervals hold the true effect.

Not a timing benchmark: a seeded simulation whose output the documentation page "Training
statistics" quotes. For each number of pairs ``n`` and pre/post correlation ``r`` it draws
``--reps`` samples of ``n`` bivariate-normal (pre, post) pairs with unit variances and a mean
difference of 0.5 (so the population ``delta_av = 0.5`` and
``delta_z = 0.5 / sqrt(2 (1 - r))``), computes
``narcometrics.training.paired_effect_size`` for each variant and interval method, and prints
the share of 95 % intervals that hold the true effect, and the bias of the point estimate.

    uv run python benchmarks/effect_size_coverage.py            # 2,000 samples a cell
    uv run python benchmarks/effect_size_coverage.py --smoke    # 100 samples a cell (CI)
"""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np

from narcometrics.training import paired_effect_size

FULL = 2_000
SMOKE = 100
SIZES = (3, 5, 10, 30)
CORRELATIONS = (0.0, 0.5, 0.8)
MEAN_DIFFERENCE = 0.5
METHODS = (
    ("d_z", "noncentral_t"),
    ("g_z", "noncentral_t"),
    ("d_av", "noncentral_t"),
    ("g_av", "noncentral_t"),
    ("d_z", "normal"),
    ("d_av", "normal"),
    ("g_av", "normal"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE:,} samples a cell")
    parser.add_argument("--reps", type=int, default=None, help="samples per cell")
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args()
    reps = args.reps or (SMOKE if args.smoke else FULL)
    rng = np.random.default_rng(args.seed)
    print(
        f"{reps:,} samples a cell, mean difference {MEAN_DIFFERENCE}, unit variances, "
        f"95 % intervals, seed {args.seed}"
    )
    header = f"{'variant':<8}{'interval':<14}{'n':>4}{'r':>5}{'coverage':>10}{'bias':>9}"
    print(header)
    for r in CORRELATIONS:
        cov = np.array([[1.0, r], [r, 1.0]])
        delta = {"z": MEAN_DIFFERENCE / math.sqrt(2 * (1 - r)), "av": MEAN_DIFFERENCE}
        for n in SIZES:
            samples = rng.multivariate_normal([0.0, MEAN_DIFFERENCE], cov, size=(reps, n))
            for variant, interval in METHODS:
                true = delta[variant.split("_")[1]]
                hits = 0
                total = 0
                estimates = []
                for sample in samples:
                    e = paired_effect_size(
                        sample[:, 0], sample[:, 1], variant=variant, interval=interval
                    )
                    if math.isnan(e.low):
                        continue
                    total += 1
                    hits += e.low <= true <= e.high
                    estimates.append(e.estimate)
                coverage = hits / total if total else math.nan
                bias = float(np.mean(estimates)) - true if estimates else math.nan
                print(f"{variant:<8}{interval:<14}{n:>4}{r:>5.1f}{coverage:>10.3f}{bias:>9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
