"""Draw one figure with each function of `narcometrics.plot`, as the API reference shows them.

- the published Peru national series (UNODC/DEVIDA coca monitoring to 2017, DEVIDA from
  2018, police and Andina figures for some eradication years), gaps where nothing was
  published;
- seizures of the bundled 2017 example (SYNTHETIC records) by quarter and substance;
- the flat "up to 204.8 tonnes" avoided production (FIIAPP, 1 February 2018, factor set
  pe-gov-2017) beside the adjusted estimate with its range;
- progress of four 2017 outputs: published actuals (FIIAPP 2018) and 2016 eradication
  (UNODC/DEVIDA fact sheet 2016) against ILLUSTRATIVE targets (the programme's targets are
  not published);
- the share of trainees verified applying what they learned (synthetic example records),
  by institution, with Wilson intervals.

Usage (writes the figures the documentation shows):

    uv run python examples/plot_results.py docs/assets

Needs matplotlib (the ``plot`` extra).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed

import matplotlib.pyplot as plt

from narcometrics import estimate, indicators, plot, training
from narcometrics.aggregate import total
from narcometrics.datasets import national_series, peru_2017_example


def save(ax: object, folder: Path, name: str) -> None:
    figure = ax.figure  # type: ignore[attr-defined]
    path = folder / name
    figure.savefig(path, dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    print(f"wrote {path.name}")


def main(out: str = ".") -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    example = peru_2017_example()

    series = national_series("PER")
    save(plot.national_series(series), folder, "plot-national-series.png")

    seizures = total(example.seizures, "mass_kg", by=("year", "quarter", "substance"))
    save(
        plot.totals(seizures, title="Seizures by quarter and substance, 2017 (synthetic records)"),
        folder,
        "plot-totals.png",
    )

    hectares = total(example.eradications, "area_ha").grand_total
    up_to = estimate.avoided_production(hectares, "pe-gov-2017")
    adjusted = estimate.avoided_production_adjusted(
        example.eradications.area_ha,
        "pe-gov-2017",
        eradication_date=example.eradications.date,
        zone_axis=0,
    )
    both = {"up to (flat factor)": up_to, "adjusted (harvests, replanting, licit use)": adjusted}
    save(plot.estimates(both), folder, "plot-estimates.png")

    # Actuals: FIIAPP, 1 Feb 2018; eradication baseline: UNODC/DEVIDA fact sheet 2016.
    # Targets: ILLUSTRATIVE inputs (the programme's targets are not published).
    progress = {
        "OUT-1 organisations": indicators.progress(111, 0, 100, ascending=True),
        "OUT-2 airstrips": indicators.progress(78, 0, 100, ascending=True),
        "OUT-3 laboratories": indicators.progress(324, 0, 350, ascending=True),
        "OUT-4 eradicated ha": indicators.progress(22_165, 30_151, 32_000, ascending=True),
    }
    save(
        plot.progress(progress, title="2017 outputs against illustrative targets"),
        folder,
        "plot-progress.png",
    )

    rates = training.transfer_rate(example.training, by="institution")
    pooled = training.transfer_rate(example.training)
    save(
        plot.transfer_rate([*rates.values(), pooled], title="Transfer of training (synthetic)"),
        folder,
        "plot-transfer-rate.png",
    )


if __name__ == "__main__":
    main(*sys.argv[1:2])
