"""Plot the published Andean coca series: net area and area eradicated in Peru, Colombia, Bolivia.

Every value comes from the bundled national series (`narcometrics.datasets.national_series`),
which carries a source and a note per year: UNODC coca monitoring surveys with DEVIDA (Peru),
SIMCI (Colombia) and the Government of Bolivia, DEVIDA from 2018, and police or government
figures where marked. Years without a published value are gaps, never zeros; nothing is
interpolated. Colombia publishes manual eradication and aerial spraying apart, for a few
years only.

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

from narcometrics.datasets import NationalSeries, national_series

FIRST, LAST = 2000, 2024
YEARS = np.arange(FIRST, LAST + 1)

# (column, label, colour, marker) per country; the columns differ by country.
LINES = {
    "PER": [
        ("net_area_ha", "net coca area (31 Dec)", "tab:green", "o"),
        ("eradicated_ha", "eradicated", "tab:red", "s"),
    ],
    "COL": [
        ("net_area_ha", "net coca area (31 Dec)", "tab:green", "o"),
        ("eradicated_manual_ha", "eradicated by hand", "tab:red", "s"),
        ("sprayed_ha", "sprayed from the air", "tab:purple", "^"),
    ],
    "BOL": [
        ("net_area_ha", "coca area", "tab:green", "o"),
        ("eradicated_ha", "eradicated or rationalised", "tab:red", "s"),
    ],
}
NAMES = {"PER": "Peru", "COL": "Colombia", "BOL": "Bolivia"}


def on_calendar(series: NationalSeries, column: str) -> np.ndarray:
    """One slot per calendar year, NaN where nothing was published (lines break at gaps)."""
    out = np.full(YEARS.size, np.nan)
    out[series.year - FIRST] = series.values[column]
    return out


def main(out: str = "peru-series.png") -> None:
    fig, axes = plt.subplots(3, 1, figsize=(8, 9.5), sharex=True, layout="constrained")
    for ax, (code, lines) in zip(axes, LINES.items(), strict=True):
        series = national_series(code)
        for column, label, colour, marker in lines:
            values = on_calendar(series, column) / 1000
            ax.plot(YEARS, values, marker=marker, markersize=4, color=colour, label=label)
        ax.set_title(f"{NAMES[code]} ({code})", loc="left", fontsize=10)
        ax.set_ylabel("thousand ha")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
    peru = national_series("PER")
    in_2017 = peru.value("eradicated_ha", 2017)
    years, values = peru.published("eradicated_ha", before=2017)
    higher = [str(y) for y, v in zip(years, values, strict=True) if v > in_2017]
    axes[0].annotate(
        f"2017: {in_2017:,.0f} ha eradicated,\nless than in {', '.join(higher)}",
        xy=(2017, in_2017 / 1000),
        xytext=(2017.4, 36),
        arrowprops={"arrowstyle": "->", "color": "0.3"},
        fontsize=8,
    )
    colombia = national_series("COL")
    axes[1].annotate(
        "2024: press report before\npublication (uncertain)",
        xy=(2024, colombia.value("net_area_ha", 2024) / 1000),
        xytext=(2015.5, 215),
        arrowprops={"arrowstyle": "->", "color": "0.3"},
        fontsize=8,
    )
    axes[-1].set_xticks(YEARS[::2])
    axes[-1].set_xlabel("year")
    fig.suptitle("Coca cultivation and eradication in the Andes (published figures)")
    fig.text(
        0.01,
        -0.01,
        "Sources: UNODC coca monitoring surveys with DEVIDA (Peru), SIMCI (Colombia) and the "
        "Government of Bolivia;\nDEVIDA from 2018; police and government figures where "
        "marked in the notes. Gaps: not published (never zero).\nPeru before 2004 and Colombia "
        "from 2023 are not comparable with the years around them; rounded figures are\nmarked "
        "in the notes. Data: narcometrics.datasets.national_series('PER' | 'COL' | 'BOL').",
        fontsize=7.5,
        color="0.3",
        va="top",
    )
    fig.savefig(out, dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
