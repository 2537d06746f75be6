"""Write the screenshot of the HTML report that the command-line reference page shows.

Renders ``narcometrics report --format html`` for the bundled example, opens it in headless
Chromium (the test helper ``tests/browser.py``), and saves the first screen, reduced to a
small palette PNG::

    uv run python scripts/report_screenshot.py docs/assets/report-html.png

Needs Chromium (Debian's ``chromium`` package) and Pillow (installed with matplotlib).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

#: Viewport of the screenshot [CSS px]: the report's header, notes and first tables.
WIDTH = 1000


def main(target: Path) -> Path:
    from PIL import Image

    from browser import find_chromium, open_pages
    from narcometrics.cli import main as narcometrics

    browser = find_chromium()
    if browser is None:
        raise SystemExit("no Chromium: install Debian's chromium package or set CHROMIUM")
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        if narcometrics(["report", "--format", "html", "--output", str(page)]) != 0:
            raise SystemExit("narcometrics report failed")
        (shown,) = open_pages(
            [page.as_uri()], browser=browser, name="report-docs", width=WIDTH, full_page=False
        )
    if shown.console_errors or shown.failed_requests:
        raise SystemExit(f"the page did not render cleanly: {shown}")
    assert shown.screenshot is not None
    with Image.open(shown.screenshot) as image:
        small = image.convert("RGB").quantize(colors=32, method=Image.Quantize.MEDIANCUT)
        target.parent.mkdir(parents=True, exist_ok=True)
        small.save(target, optimize=True)
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
    return target


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs/assets/report-html.png"))
