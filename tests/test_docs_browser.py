"""The documentation site typesets its equations without a network, checked in a browser.

The site is built with mkdocs into a temporary folder, served on 127.0.0.1 and opened in
headless Chromium with every other host name failing to resolve (as on an office machine
without internet access). Each page with equations must load no resource from another host,
fail no request, log no console error, and show typeset maths: as many MathJax containers
as formulas, and no raw TeX delimiters left in the rendered text. Screenshots are written
under build/screenshots/.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from browser import chromium_or_skip, open_pages, serve

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
MATHJAX = DOCS / "javascripts" / "mathjax"

#: Counts, once MathJax has finished: formulas marked by arithmatex, typeset containers.
#: The first formula is scrolled into view for the screenshot.
COUNT = """
MathJax.startup.promise.then(() => (
  document.querySelector('.arithmatex')?.scrollIntoView({block: 'center'}), {
  formulas: document.querySelectorAll('.arithmatex').length,
  typeset: document.querySelectorAll('.arithmatex > mjx-container').length,
  errors: document.querySelectorAll('mjx-merror').length,
  font: getComputedStyle(document.querySelector('mjx-c') || document.body).fontFamily,
}))
"""
#: The theme's header asks GitHub for the repository's star and fork counts (repo_url in
#: mkdocs.yml); offline the request fails quietly and the link still works. Nothing else
#: may leave the machine.
KNOWN = ("https://api.github.com/repos/narcometrics/narcometrics",)
READY = "!!(window.MathJax && MathJax.startup && MathJax.startup.promise)"


def _pages_with_maths() -> list[str]:
    pages = []
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        if re.search(r"\$\$|(?<![\\\w])\$[^$\s`][^$`\n]*\$", text):
            pages.append(str(page.relative_to(DOCS).with_suffix("")) + "/")
    return pages


def test_mathjax_is_vendored_with_its_licence_and_loaded_from_the_site() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "javascripts/mathjax/tex-mml-chtml.js" in config
    assert "https://" not in config.split("extra_javascript:")[1].split("plugins:")[0]
    assert "Apache License" in (MATHJAX / "LICENSE").read_text(encoding="utf-8")
    assert "3.2.2" in (MATHJAX / "VENDORED.txt").read_text(encoding="utf-8")
    assert list((MATHJAX / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_the_docs_typeset_their_equations_offline(site: Path) -> None:
    browser = chromium_or_skip()
    pages = _pages_with_maths()
    assert "explanation/estimation/" in pages
    with serve(site) as base:
        rendered = open_pages(
            [base + page for page in pages],
            browser=browser,
            name="docs-maths",
            wait=READY,
            evaluate=COUNT,
            full_page=False,  # one screen around the first formula: whole pages cost seconds
        )
    for page in rendered:
        where = f"{page.url} (screenshot {page.screenshot})"
        assert page.foreign_requests(base, *KNOWN) == [], where
        assert [f for f in page.failed_requests if not f.startswith(KNOWN)] == [], where
        assert [e for e in page.console_errors if not any(k in e for k in KNOWN)] == [], where
        assert page.ready, f"{where}: MathJax never started"
        counts = page.value
        assert counts["formulas"] > 0, where
        assert counts["typeset"] == counts["formulas"], (where, counts)
        assert counts["errors"] == 0, (where, counts)
        assert "MJXZERO" in counts["font"] or "MJXTEX" in counts["font"], (where, counts)
        for raw in ("\\(", "\\)", "\\[", "\\]", "$$", "\\frac", "\\times"):
            assert raw not in page.text, (where, raw)
