"""Every script in examples/ runs, in a temporary folder, and prints or writes what it should.

Expected values come from the sources the scripts cite (the programme's published 2017
results, the published national series) or from an independent computation (a hand formula,
statsmodels), never from the scripts' own output.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# Published 2017 results (FIIAPP, "Peru: successful cooperation", 1 February 2018; the seed
# text) and the police year-end eradication (PNP-DIRANDRO, reference/estimation-sources.md).
ORGANISATIONS, AIRSTRIPS, LABORATORIES, ERADICATED_HA, UP_TO_T = 111, 78, 324, 22_165, 204.8
YEAR_END_HA = 22_885
# pe-gov-2022: national yield 2,415 kg/ha/yr (UNODC/DEVIDA 2016, F9) over the police ratio
# 258.6 kg leaf per kg HCl (Diario Correo, F3).
NATIONAL_YIELD, POLICE_RATIO = 2_415.0, 258.6


def run(script: str, tmp_path: Path, *args: str) -> str:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONUTF8="1")
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def number(pattern: str, text: str) -> list[float]:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in:\n{text}"
    return [float(g.replace(",", "")) for g in match.groups()]


TESTED = {
    "reproduce_2017.py",
    "plot_peru_series.py",
    "plot_results.py",
    "read_records.py",
    "avoided_production.py",
}


def test_every_example_script_has_a_test() -> None:
    assert {p.name for p in EXAMPLES.glob("*.py")} == TESTED


@pytest.fixture(scope="module")
def reproduced(tmp_path_factory: pytest.TempPathFactory) -> str:
    return run("reproduce_2017.py", tmp_path_factory.mktemp("reproduce"))


def test_reproduce_2017_gives_the_published_headline_figures(reproduced: str) -> None:
    out = reproduced
    assert number(r"organisations_disbanded: ([\d,]+)", out) == [ORGANISATIONS]
    assert number(r"airstrips_destroyed: ([\d,]+)", out) == [AIRSTRIPS]
    assert number(r"laboratories_destroyed: ([\d,]+)", out) == [LABORATORIES]
    assert number(r"eradicated: ([\d,]+) ha", out) == [ERADICATED_HA]
    assert number(r"up to: ([\d.]+) t", out) == [UP_TO_T]
    central, low, high = number(r"adjusted: ([\d.]+) t \(range ([\d.]+) to ([\d.]+) t\)", out)
    assert low <= central <= high < UP_TO_T  # the adjusted figure is below the upper bound
    # "best ever": eradication in 2013-2016 was higher than in 2017 (UNODC press releases
    # 2014 and 2015, UNODC/DEVIDA fact sheets 2015 and 2016, reference/peru-series.csv), and
    # eight years of the series have no published eradication figure.
    assert "eradication records: [2005, 2012, 2013, 2014, 2015]" in out
    assert "earlier years with more eradication than 2017: [2013, 2014, 2015, 2016]" in out
    assert (
        "years without a published eradication figure: "
        "[2001, 2006, 2007, 2008, 2010, 2018, 2021, 2023]"
    ) in out


def test_reproduce_2017_training_interval_agrees_with_statsmodels(reproduced: str) -> None:
    from statsmodels.stats.proportion import proportion_confint

    out = reproduced
    k, n, share, low, high, trained = number(
        r"independent applying: (\d+) of (\d+) followed up \((\d+)%, 95 % CI (\d+)% to (\d+)%\); "
        r"(\d+) trained",
        out,
    )
    ref_low, ref_high = proportion_confint(int(k), int(n), alpha=0.05, method="wilson")
    assert share == round(100 * k / n)
    assert (low, high) == (round(100 * ref_low), round(100 * ref_high))
    assert n <= trained


def test_plot_peru_series_writes_a_png(tmp_path: Path) -> None:
    from matplotlib.image import imread

    out = run("plot_peru_series.py", tmp_path, "figure.png")
    figure = tmp_path / "figure.png"
    assert "wrote figure.png" in out
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = imread(figure).shape
    assert width > 400
    assert height > 250


def test_the_docs_show_the_committed_figure() -> None:
    figure = ROOT / "docs" / "assets" / "peru-series.png"
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    tutorial = (ROOT / "docs" / "tutorials" / "reproduce-2017.md").read_text(encoding="utf-8")
    assert "../assets/peru-series.png" in tutorial


PLOTS = (
    "plot-national-series.png",
    "plot-totals.png",
    "plot-estimates.png",
    "plot-progress.png",
    "plot-transfer-rate.png",
)


def test_plot_results_writes_one_figure_per_plot_function(tmp_path: Path) -> None:
    from matplotlib.image import imread

    from narcometrics import plot

    out = run("plot_results.py", tmp_path, "figures")
    for name in PLOTS:
        figure = tmp_path / "figures" / name
        assert f"wrote {name}" in out
        height, width, _ = imread(figure).shape
        assert width > 400
        assert height > 150
    assert len(PLOTS) == len(plot.__all__)


def test_the_plot_reference_shows_every_committed_figure() -> None:
    page = (ROOT / "docs" / "reference" / "plot.md").read_text(encoding="utf-8")
    for name in PLOTS:
        assert (ROOT / "docs" / "assets" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"../assets/{name}" in page


def test_read_records_totals_the_file_and_locates_bad_cells(tmp_path: Path) -> None:
    out = run("read_records.py", tmp_path)
    assert "read 3 Seizure records" in out
    # The file's rows, added by hand: 95.5 + 12.25 kg of paste, 410 kg of HCl.
    assert number(r"coca_paste: ([\d.]+) kg", out) == [95.5 + 12.25]
    assert number(r"cocaine_hcl: ([\d.]+) kg", out) == [410.0]
    assert "JSON round trip equal: True" in out
    assert "broken.csv:3:3: substance:" in out
    assert "broken.csv:3:4: mass_kg: must be > 0 (-95.5)" in out
    assert (tmp_path / "seizures.json").exists()


def test_avoided_production_example_matches_the_flat_formula(tmp_path: Path) -> None:
    out = run("avoided_production.py", tmp_path)
    flat = YEAR_END_HA * NATIONAL_YIELD / POLICE_RATIO / 1000
    assert number(r"flat: up to ([\d.]+) t", out) == [round(flat, 1)]
    central, low, high = number(r"adjusted: ([\d.]+) t \(([\d.]+) to ([\d.]+) t\)", out)
    p5, p95 = number(r"90 % of draws in ([\d.]+) to ([\d.]+) t", out)
    assert low <= p5 <= p95 <= high < flat
    assert low <= central <= high

    saved = json.loads((tmp_path / "avoided-production-2017.json").read_text(encoding="utf-8"))
    assert math.isclose(saved["flat"]["central"], flat, rel_tol=1e-12)
    assert saved["adjusted"]["provenance"]["factor_set"] == "pe-gov-2022"
    assert saved["monte_carlo"]["provenance"]["seed"] == 2017
    assert saved["monte_carlo"]["provenance"]["draws"] == 10_000


@pytest.mark.parametrize("script", sorted(TESTED))
def test_example_script_cites_its_sources_and_says_how_to_run_it(script: str) -> None:
    text = (EXAMPLES / script).read_text(encoding="utf-8")
    docstring = text.split('"""')[1]
    assert f"examples/{script}" in docstring
