"""The browser helper (tests/browser.py) sees what a reader would: text, errors, requests.

A page that logs a console error, throws, loads a missing local file and asks a CDN for a
script must report each of them; a clean page must report none. This is what the docs and
report browser tests rely on.
"""

from __future__ import annotations

from pathlib import Path

from browser import chromium_or_skip, open_pages, serve

BROKEN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>broken</title>
<script src="https://cdn.example.org/lib.js"></script></head>
<body><h1>Ñandú &amp; 204.8 t</h1><img src="missing.png" alt="gone">
<script>console.error("boom"); throw new Error("uncaught");</script></body></html>
"""
CLEAN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>clean</title></head>
<body><h1>All local</h1><p id="n"></p>
<script>document.getElementById("n").textContent = (22165).toLocaleString("en");</script>
</body></html>
"""


def test_the_browser_helper_reports_errors_failed_and_foreign_requests(tmp_path: Path) -> None:
    browser = chromium_or_skip()
    (tmp_path / "broken.html").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "clean.html").write_text(CLEAN, encoding="utf-8")
    with serve(tmp_path) as base:
        broken, clean = open_pages(
            [base + "broken.html", (tmp_path / "clean.html").as_uri()],
            browser=browser,
            name="helper",
            evaluate="document.title",
        )
    assert "Ñandú & 204.8 t" in broken.text
    assert any("boom" in e for e in broken.console_errors)
    assert any("uncaught" in e for e in broken.console_errors)
    assert any(f.startswith(base + "missing.png") and "404" in f for f in broken.failed_requests)
    assert any(f.startswith("https://cdn.example.org/lib.js") for f in broken.failed_requests)
    assert broken.foreign_requests(base) == ["https://cdn.example.org/lib.js"]
    assert broken.value == "broken"

    assert clean.text.split() == ["All", "local", "22,165"]
    assert clean.console_errors == []
    assert clean.failed_requests == []
    assert clean.foreign_requests("file://") == []
    for page in (broken, clean):
        assert page.screenshot is not None
        assert page.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_notebook_html_of_results_renders_in_a_browser_with_citations_folded(
    tmp_path: Path,
) -> None:
    from narcometrics import estimate
    from narcometrics.aggregate import total
    from narcometrics.datasets import peru_2017_example

    browser = chromium_or_skip()
    example = peru_2017_example()
    up_to = estimate.avoided_production(22_165, "pe-gov-2017")
    parts = [
        example.seizures._repr_html_(),
        total(example.eradications, "area_ha", by="region")._repr_html_(),
        up_to._repr_html_(),
    ]
    page = tmp_path / "display.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>display</title>'
        "</head><body>" + "".join(parts) + "</body></html>",
        encoding="utf-8",
    )
    (shown,) = open_pages(
        [page.as_uri()],
        browser=browser,
        name="display",
        evaluate="Array.from(document.querySelectorAll('details')).map(d => d.open)",
    )
    assert shown.console_errors == []
    assert shown.failed_requests == []
    assert "SZ-2017-001" in shown.text  # the first seizure of the example
    assert "22,165" in shown.text  # eradicated in 2017 (FIIAPP, 1 February 2018)
    assert "204.8 t" in shown.text
    assert shown.value  # provenance, assumptions and citations ...
    assert not any(shown.value)  # ... start folded
    assert "PNP-DIRANDRO" not in shown.text  # a citation's publisher, hidden while folded
