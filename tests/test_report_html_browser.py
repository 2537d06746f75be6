"""The HTML report in a real browser (headless Chromium, through tests/browser.py).

The page written by ``narcometrics report --format html --output FILE`` is opened offline:
no console error, no failed request, no request but the file itself, the headline figures
in the rendered text, nothing wider than the window, every chart's text inside its chart,
and A4 pages when printed. The screenshots are written under ``build/screenshots/``.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from browser import chromium_or_skip, open_pages
from narcometrics.cli import main

ROOT = Path(__file__).resolve().parents[1]
TWO_ERADICATIONS = (
    "date,country,area_ha,method\n2023-03-14,PER,120.5,manual\n2023-06-10,COL,450,manual\n"
)
TWO_SEIZURES = (
    "date,country,substance,mass_kg\n2023-02-11,PER,cocaine_hcl,12.5\n"
    "2023-04-02,COL,cocaine_base,30\n2023-07-19,COL,cocaine_hcl,8\n"
)

#: Layout checks run in the page: the page's and each chart's overflow.
LAYOUT = """(() => {
  const out = {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
               charts: []};
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.viewBox.baseVal;
    const outside = [];
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < box.x - 0.5 || b.y < box.y - 0.5 || b.x + b.width > box.x + box.width + 0.5
          || b.y + b.height > box.y + box.height + 0.5) outside.push(t.textContent);
    }
    const shown = svg.getBoundingClientRect();
    out.charts.push({outside, width: shown.width,
                     font: 12 * shown.width / box.width});
  }
  return out;
})()"""

#: The figures the programme published for 2017 (FIIAPP, 1 February 2018).
HEADLINE = ("111", "78", "324", "22,165 ha", "204.8 t")


def _write(tmp_path: Path, argv: list[str], name: str) -> Path:
    out = tmp_path / name
    assert main(["report", *argv, "--format", "html", "--output", str(out)]) == 0
    return out


def test_the_html_report_renders_offline_with_the_headline_figures(tmp_path: Path) -> None:
    browser = chromium_or_skip()
    bundled = _write(tmp_path, [], "report.html")
    (tmp_path / "two-countries.csv").write_text(TWO_ERADICATIONS, encoding="utf-8")
    (tmp_path / "seizures-two.csv").write_text(TWO_SEIZURES, encoding="utf-8")
    data = [str(tmp_path / "two-countries.csv"), str(tmp_path / "seizures-two.csv")]
    two = _write(tmp_path, ["--data", *data], "two.html")
    pages = open_pages(
        [bundled.as_uri(), two.as_uri()], browser=browser, name="report-html", evaluate=LAYOUT
    )
    for page, path in zip(pages, (bundled, two), strict=True):
        assert page.console_errors == []
        assert page.failed_requests == []
        assert page.requests == [path.as_uri()]  # nothing but the file itself
        assert page.screenshot is not None
        assert page.screenshot.stat().st_size > 10_000
        layout = page.value
        assert layout["scroll"] <= layout["inner"], "the page is wider than the window"
        for chart in layout["charts"]:
            assert chart["outside"] == [], "chart text drawn outside its chart"
            assert chart["font"] >= 10, "chart text too small to read"
    first, second = pages
    for figure in HEADLINE:
        assert re.search(rf"(?<![\d,.]){re.escape(figure)}(?![\d,])", first.text), figure
    assert "98.9 t\trange 52.7 to 140.8 t" in first.text  # the adjusted estimate's range
    assert "47 of 69 followed up = 68.1% (95% CI 56.4% to 77.9%, wilson)" in first.text
    assert "Country: COL" in second.text
    assert "Country: PER" in second.text
    assert len(first.value["charts"]) == 3
    assert len(second.value["charts"]) == 2


def test_the_html_report_is_readable_on_a_narrow_window(tmp_path: Path) -> None:
    browser = chromium_or_skip()
    bundled = _write(tmp_path, [], "report.html")
    (page,) = open_pages(
        [bundled.as_uri()], browser=browser, name="report-html-narrow", width=420, evaluate=LAYOUT
    )
    assert page.console_errors == []
    assert page.value["scroll"] <= page.value["inner"], "the page is wider than the window"


def test_the_html_report_prints_on_a4_pages(tmp_path: Path) -> None:
    browser = chromium_or_skip()
    bundled = _write(tmp_path, [], "report.html")
    pdf = tmp_path / "report.pdf"
    with tempfile.TemporaryDirectory(prefix="narcometrics-print-") as profile:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", bundled.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert boxes, "no page in the PDF"
    for width, height in boxes:  # A4 is 595.28 x 841.89 pt
        assert float(width) == pytest.approx(595.28, abs=1.0)
        assert float(height) == pytest.approx(841.89, abs=1.0)
    assert len(boxes) <= 8


def test_the_docs_screenshot_script_writes_a_small_png(tmp_path: Path) -> None:
    chromium_or_skip()
    pytest.importorskip("PIL", reason="Pillow comes with matplotlib (dev dependencies)")
    spec = importlib.util.spec_from_file_location(
        "report_screenshot", ROOT / "scripts" / "report_screenshot.py"
    )
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    target = script.main(tmp_path / "report-html.png")
    from PIL import Image

    with Image.open(target) as image:
        assert image.size == (script.WIDTH, 900)
    assert target.stat().st_size < 150_000
    committed = ROOT / "docs" / "assets" / "report-html.png"
    assert committed.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert committed.stat().st_size < 150_000
    page = (ROOT / "docs" / "reference" / "command-line.md").read_text(encoding="utf-8")
    assert "../assets/report-html.png" in page
