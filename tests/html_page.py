"""A strict reading of an HTML page for the report tests, and the inputs they share.

``Page`` parses a page with the standard library's ``HTMLParser`` and records every element,
its text, the ``<data>`` figures and the headings, with every problem of structure (an element
closed out of order, a repeated attribute, an end tag for a void element). Used by
``test_report_html.py``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
INLINE = {"a", "code", "data", "span", "strong", "em"}
HOSTILE = ('<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "' onload='x")

#: Two countries, as on the command-line reference page (illustrative values).
TWO_ERADICATIONS = (
    "date,country,area_ha,method\n2023-03-14,PER,120.5,manual\n2023-06-10,COL,450,manual\n"
)
TWO_SEIZURES = (
    "date,country,substance,mass_kg\n2023-02-11,PER,cocaine_hcl,12.5\n"
    "2023-04-02,COL,cocaine_base,30\n2023-07-19,COL,cocaine_hcl,8\n"
)


class Page(HTMLParser):
    """A strict reading of a page: every element closed in order, its text and elements."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.data: list[tuple[dict[str, str], str]] = []  # <data> elements and their text
        self.headings: list[tuple[int, str]] = []
        self._open_data: list[tuple[dict[str, str], list[str]]] = []
        self._heading: list[str] | None = None
        self.doctype = ""
        self.feed(source)
        self.close()
        if self.stack:
            self.problems.append(f"never closed: {self.stack}")

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if len(found) != len(attrs):
            self.problems.append(f"<{tag}> repeats an attribute: {attrs}")
        self.elements.append((tag, found))
        if tag == "data":
            self._open_data.append((found, []))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        if tag not in VOID:
            self.stack.append(tag)
        if tag not in INLINE:
            self.text.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))  # <rect/> and the like

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"end tag for the void element {tag}")
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag not in INLINE:
            self.text.append(" ")
        if tag == "data":
            found, parts = self._open_data.pop()
            self.data.append((found, "".join(parts)))
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((int(tag[1]), "".join(self._heading)))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for _, parts in self._open_data:
            parts.append(data)
        if self._heading is not None:
            self._heading.append(data)

    def all_text(self) -> str:
        return " ".join("".join(self.text).split())

    def figures(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for element, _ in self.data:
            key, value = element["data-figure"], element["value"]
            assert found.setdefault(key, value) == value, f"{key} shown with two values"
        return found

    def tags(self, name: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == name]


def norm(text: str) -> str:
    return " ".join(text.split())
