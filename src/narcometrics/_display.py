"""Display primitives shared by the result types: number formatting, text and HTML views.

Every result type builds a [`View`][narcometrics._display.View] (a title, a few labelled
values, optionally a table and folded sections) and shows it two ways: a short ``repr``
(one line, or a few lines for a table preview) and ``_repr_html_`` for notebooks (a compact
table; citations folded in ``<details>``). Every value is escaped with `html.escape`; the
underlying numbers are never changed, only their display is rounded.

Numbers display to the precision they deserve: a sum shows the decimals its terms had,
without the noise of floating-point addition (``238095.21999999997`` shows as
``238,095.22``); an estimate shows four significant digits; a share one decimal of a per
cent. Absent values (``None``, masked) show as an em dash, undefined values (NaN) as
``NaN``, never as 0.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

import attrs
import numpy as np

__all__ = [
    "ABSENT",
    "Section",
    "View",
    "fmt",
    "fmt_cell",
    "fmt_share",
    "fmt_sig",
    "fmt_sum",
    "fmt_value",
    "html_table",
    "shorten",
    "with_unit",
]

#: How an absent value (None, masked) displays.
ABSENT = "—"
_EPS = float(np.finfo(np.float64).eps)
#: Longest text shown in a repr cell before it is cut with an ellipsis.
CELL = 24
#: Longest value shown in a repr line before it is cut with an ellipsis.
FIELD = 60
#: Widest repr line (characters) of a table preview.
WIDTH = 100


def _float(value: object) -> float | None:
    if value is None or value is np.ma.masked:
        return None
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    return None


def _not_finite(value: float | None) -> str | None:
    """How an absent or non-finite number shows (None for a finite number)."""
    if value is None:
        return ABSENT
    x = float(value)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return None


def fmt_sum(value: float | None, terms: int = 1) -> str:
    """A sum of ``terms`` numbers at the precision of its terms, with thousands separators.

    The fewest decimals (up to 9) that reproduce the value within the rounding error of a
    sum of ``terms`` floats (``4 * terms * eps * |value|``); beyond that, 10 significant
    digits. NaN shows as ``NaN``, None as an em dash.
    """
    special = _not_finite(value)
    if special is not None:
        return special
    x = float(value)  # type: ignore[arg-type]
    tolerance = 4 * max(int(terms), 1) * _EPS * abs(x)
    for decimals in range(10):
        if abs(round(x, decimals) - x) <= tolerance:
            return f"{round(x, decimals):,.{decimals}f}"
    return f"{x:,.10g}"


def fmt_sig(value: float | None, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits (integer digits are never dropped)."""
    special = _not_finite(value)
    if special is not None:
        return special
    x = float(value)  # type: ignore[arg-type]
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    if decimals > 9:
        return f"{x:.{digits}g}"
    return f"{x:,.{decimals}f}"


def fmt_share(value: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage with ``decimals`` decimals (``0.625`` is ``62.5%``)."""
    if value is None:
        return ABSENT
    x = float(value)
    if math.isnan(x):
        return "NaN"
    return f"{x:.{decimals}%}"


def fmt(value: object) -> str:
    """Any scalar value for display: numbers without float noise, enums by value.

    Integers in full with thousands separators; floats at 10 significant digits with the
    noise of float arithmetic removed (see [`fmt_sum`][narcometrics._display.fmt_sum]);
    dates in ISO format; arrays as ``array(n) min … max``.
    """
    if value is None or value is np.ma.masked:
        return ABSENT
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return fmt_sum(float(value))
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return fmt_array(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(fmt(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return str(value)


def fmt_array(array: np.ndarray[Any, Any], digits: int | None = None) -> str:
    """An array as its shape and range, ``array(3) 1.5 … 7.25`` (NaN ignored in the range)."""
    shape = "×".join(str(n) for n in array.shape)
    if array.size == 0:
        return f"array({shape})"
    if array.dtype.kind not in "iuf":
        return f"array({shape})"
    finite = array[np.isfinite(array)] if array.dtype.kind == "f" else array
    if finite.size == 0:
        return f"array({shape}) NaN"
    show = (lambda x: fmt_sig(x, digits)) if digits else fmt
    low, high = finite.min(), finite.max()
    if low == high:
        return f"array({shape}) {show(low.item())}"
    return f"array({shape}) {show(low.item())} … {show(high.item())}"


def fmt_value(value: Any, digits: int = 4) -> str:
    """A number in ``digits`` significant figures, or an array as its shape and range."""
    if isinstance(value, np.ndarray):
        return fmt_array(value, digits)
    return fmt_sig(value, digits)


def with_unit(text: str, unit: str) -> str:
    """A shown number and its unit (an absent or NaN value shows no unit)."""
    return f"{text} {unit}".rstrip() if text not in (ABSENT, "NaN") else text


def fmt_cell(value: object) -> str:
    """A table cell: like [`fmt`][narcometrics._display.fmt], sequences joined by spaces."""
    if isinstance(value, (tuple, list)):
        return " ".join(fmt(v) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return ABSENT  # a float column's missing value
    return fmt(value)


def shorten(text: str, width: int = CELL) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def one_line(text: str) -> str:
    """``text`` with line breaks and other unprintable characters shown as spaces (a repr
    line stays one line whatever the data hold)."""
    return text if text.isprintable() else "".join(c if c.isprintable() else " " for c in text)


# ------------------------------------------------------------------------------- HTML

_STYLE = "border-collapse:collapse;font-size:0.9em;margin:0.2em 0;font-variant-numeric:tabular-nums"
_CELL = "padding:0.15em 0.6em;border-bottom:1px solid #ddd;text-align:left"
_NUMERIC = "padding:0.15em 0.6em;border-bottom:1px solid #ddd;text-align:right"


def _is_number(text: str) -> bool:
    stripped = text.replace(",", "").replace("%", "").replace("−", "-").strip()
    try:
        float(stripped)
    except ValueError:
        return False
    return True


def html_table(
    header: Sequence[str] | None,
    rows: Iterable[Sequence[str]],
    *,
    caption: str | None = None,
    row_header: bool = False,
) -> str:
    """A compact HTML table; every header and cell is escaped.

    ``row_header=True`` makes the first cell of each row a header cell (a key-value table).
    Cells that read as numbers are right-aligned.
    """
    esc = html.escape
    parts = [f'<table style="{_STYLE}">']
    if caption:
        parts.append(f'<caption style="text-align:left;font-weight:bold">{esc(caption)}</caption>')
    if header:
        cells = "".join(f'<th scope="col" style="{_CELL}">{esc(h)}</th>' for h in header)
        parts.append(f"<thead><tr>{cells}</tr></thead>")
    parts.append("<tbody>")
    for row in rows:
        cells_html = []
        for i, cell in enumerate(row):
            text = esc(str(cell))
            if row_header and i == 0:
                cells_html.append(f'<th scope="row" style="{_CELL}">{text}</th>')
            else:
                style = _NUMERIC if _is_number(str(cell)) else _CELL
                cells_html.append(f'<td style="{style}">{text}</td>')
        parts.append("<tr>" + "".join(cells_html) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


@attrs.frozen(kw_only=True)
class Section:
    """A table of a view: header, rows of display strings, and a caption.

    ``folded=True`` shows it inside a closed ``<details>`` element (citations, assumptions).
    """

    title: str
    header: tuple[str, ...] | None
    rows: tuple[tuple[str, ...], ...]
    folded: bool = False
    note: str | None = None

    def html(self) -> str:
        table = html_table(self.header, self.rows)
        note = f"<p><small>{html.escape(self.note)}</small></p>" if self.note else ""
        if self.folded:
            return f"<details><summary>{html.escape(self.title)}</summary>{table}{note}</details>"
        return f"<p><strong>{html.escape(self.title)}</strong></p>{table}{note}"


def _rows(rows: Iterable[Sequence[object]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(cell) for cell in row) for row in rows)


def section(
    title: str,
    header: Sequence[str] | None,
    rows: Iterable[Sequence[object]],
    *,
    folded: bool = False,
    note: str | None = None,
) -> Section:
    """A [`Section`][narcometrics._display.Section] from any iterable of rows."""
    return Section(
        title=title,
        header=None if header is None else tuple(header),
        rows=_rows(rows),
        folded=folded,
        note=note,
    )


@attrs.frozen(kw_only=True)
class View:
    """What a result shows: a title, labelled values, sections and a preview.

    Attributes
    ----------
    title : str
        The type name, e.g. ``"Estimate"``.
    fields : tuple of (label, text)
        The key values; the first ``short`` of them make the one-line ``repr``.
    short : int
        How many fields the ``repr`` shows.
    sections : tuple of Section
        Tables shown under the values (folded ones closed).
    preview : Section or None
        A table preview, shown in the ``repr`` as aligned text lines.
    note : str or None
        A caveat shown under the values.
    """

    title: str
    fields: tuple[tuple[str, str], ...] = ()
    short: int = 4
    sections: tuple[Section, ...] = ()
    preview: Section | None = None
    note: str | None = None

    def text(self) -> str:
        """The ``repr``: one line, and for a preview a few aligned lines under it."""
        inner = ", ".join(
            f"{k}={shorten(one_line(v), FIELD)}" for k, v in self.fields[: self.short]
        )
        line = f"{self.title}({inner})"
        if self.preview is None:
            return line
        return line + "\n" + _text_table(self.preview)

    def html(self) -> str:
        """The ``_repr_html_``: a title, a key-value table, sections, a note."""
        esc = html.escape
        parts = ['<div class="narcometrics-view">', f"<strong>{esc(self.title)}</strong>"]
        if self.fields:
            parts.append(html_table(None, self.fields, row_header=True))
        if self.note:
            parts.append(f"<p><small>{esc(self.note)}</small></p>")
        if self.preview is not None:
            parts.append(self.preview.html())
        parts.extend(s.html() for s in self.sections)
        parts.append("</div>")
        return "".join(parts)


def _text_table(section: Section) -> str:
    """Aligned text lines of a preview, columns dropped (``…``) beyond the line width."""
    header = section.header or ()
    columns = [
        [shorten(one_line(h))] + [shorten(one_line(row[i])) for row in section.rows]
        for i, h in enumerate(header)
    ]
    widths = [max(len(cell) for cell in col) for col in columns]
    shown, used = 0, 0
    for width in widths:
        if used + width + 2 > WIDTH and shown:
            break
        used += width + 2
        shown += 1
    more = "  …" if shown < len(columns) else ""
    lines = []
    for r in range(len(section.rows) + 1):
        cells = []
        for i in range(shown):
            cell = columns[i][r]
            right = r > 0 and _is_number(cell)
            cells.append(cell.rjust(widths[i]) if right else cell.ljust(widths[i]))
        lines.append("  ".join(cells).rstrip() + more)
    if section.note:
        lines.append(section.note)
    return "\n".join(lines)
