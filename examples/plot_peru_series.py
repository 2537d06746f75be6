"""Plot the published Peru coca series: net cultivated area and area eradicated, 2004-2024.

Every value comes from the bundled national series (`narcometrics.datasets.peru_national_series`),
which carries its source per year: UNODC/DEVIDA coca monitoring to 2017, DEVIDA from 2018,
eradication for 2017 from the police (PNP-DIRANDRO) year-end balance and for 2019 and 2024
from the Andina agency. Years without a published value are gaps, never zeros.

Usage (writes the figure the documentation shows):

    uv run python examples/plot_peru_series.py docs/assets/peru-series.png

Needs matplotlib (the ``plot`` extra).
"""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")  # no display needed

import matplotlib.pyplot as plt
import numpy as np

from narcometrics.datasets import peru_national_series


def main(out: str = "peru-series.png") -> None:
    series = peru_national_series()
    # One slot per calendar year, NaN where nothing was published, so lines break at gaps.
    years = np.arange(series.year.min(), series.year.max() + 1)
    at = np.searchsorted(years, series.year)
    net = np.full(years.size, np.nan)
    eradicated = np.full(years.size, np.nan)
    net[at] = series.net_area_ha
    eradicated[at] = series.eradicated_ha

    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    ax.plot(years, net / 1000, marker="o", color="tab:green", label="net coca area (31 Dec)")
    ax.plot(years, eradicated / 1000, marker="s", color="tab:red", label="area eradicated")
    in_2017 = series.value("eradicated_ha", 2017)
    higher = [str(y) for y, v in zip(years, eradicated, strict=True) if y < 2017 and v > in_2017]
    ax.annotate(
        f"2017: {in_2017:,.0f} ha eradicated,\nless than in {' and '.join(higher)}",
        xy=(2017, in_2017 / 1000),
        xytext=(2017.6, 12),
        arrowprops={"arrowstyle": "->", "color": "0.3"},
        fontsize=9,
    )
    ax.set_xlabel("year")
    ax.set_ylabel("area [thousand ha]")
    ax.set_xticks(years[::2])
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    ax.set_title("Peru: coca cultivation and eradication (published figures)")
    fig.text(
        0.01,
        -0.02,
        "Sources: UNODC/DEVIDA coca monitoring (to 2017), DEVIDA (2018-2024); eradication 2017 "
        "PNP-DIRANDRO year-end balance,\n2019 and 2024 Andina. Gaps: not published. "
        "Data: narcometrics.datasets.peru_national_series().",
        fontsize=7.5,
        color="0.3",
        va="top",
    )
    fig.savefig(out, dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
