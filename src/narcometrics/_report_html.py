"""The HTML report: one self-contained page from a [`Report`][narcometrics.report.Report].

Only formatting, like the text renderer whose wording it shares: every number comes from the
report as it is, shown at the text report's precision and kept at full precision in a
``<data value="...">`` element (``data-figure`` names it, e.g. ``PER/eradicated_ha``). The
page is written by the Jinja2 template ``templates/report.html.j2`` with autoescaping on, so
every value from the data is escaped. Styles and charts (SVG, drawn from the geometry
computed here) are inline: the page requests nothing from any host and prints on A4.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from narcometrics._report_data import COUNTS
from narcometrics._report_render import (
    UNDEFINED_SHARE,
    assumption_lines,
    dates_caveat,
    not_a_record,
    record_claim,
    sources,
    years_text,
)
from narcometrics._version import __version__

if TYPE_CHECKING:
    import jinja2

    from narcometrics._report_data import Report, Row, Section
    from narcometrics.estimate import Estimate
    from narcometrics.training import TransferRate

#: Chart width [SVG user units]; charts scale down to the page width.
WIDTH = 720
_FONT = 12


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("narcometrics", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def html(report: Report) -> str:
    """The report as one self-contained HTML page (UTF-8, ``lang="en"``)."""
    return _environment().get_template("report.html.j2").render(**context(report))


# ---------------------------------------------------------------------------- figures


def _machine(value: Any) -> str | None:
    """The full-precision value of a ``<data>`` element; None when absent or not finite."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    number = float(value)
    return repr(number) if math.isfinite(number) else None


def figure(key: str, value: Any, shown: str) -> dict[str, Any]:
    """A number as shown (``shown``) and at full precision (``value``), named ``key``."""
    return {"key": key, "value": _machine(value), "shown": shown}


def _tonnes(key: str, value: Any) -> dict[str, Any]:
    value = float(value)  # an estimate of one figure is a scalar
    return figure(key, value, f"{value:,.1f}")


def _share(key: str, value: float) -> dict[str, Any]:
    return figure(key, value, f"{value:.1%}")


# ---------------------------------------------------------------------------- sections


def _operations(section: Section) -> list[dict[str, Any]]:
    rows = []
    for name, label in COUNTS.items():
        value = section.counts[name]
        shown = "not in the data" if value is None else f"{value:,}"
        rows.append(
            {
                "label": label,
                "figure": figure(f"{section.country}/operations/{name}", value, shown),
                "status": section.status[name],
                "source": section.sources[name],
            }
        )
    return rows


def _estimate(key: str, label: str, estimate: Estimate, ranged: bool) -> dict[str, Any]:
    return {
        "label": label,
        "central": _tonnes(f"{key}/central", estimate.central),
        "low": _tonnes(f"{key}/low", estimate.low) if ranged else None,
        "high": _tonnes(f"{key}/high", estimate.high) if ranged else None,
    }


def _eradication(report: Report, section: Section, index: int) -> dict[str, Any] | None:
    if section.eradicated_ha is None:
        return None
    c = section.country
    out: dict[str, Any] = {
        "eradicated": figure(
            f"{c}/eradicated_ha", section.eradicated_ha, f"{section.eradicated_ha:,.0f}"
        ),
        "status": section.status["eradicated_ha"],
        "source": section.sources["eradicated_ha"],
        "missing": list(section.missing),
        "up_to": None,
        "adjusted": None,
        "undated": None,
        "chart": None,
    }
    up, adj, undated = (
        section.avoided_up_to,
        section.avoided_adjusted,
        section.adjusted_without_dates,
    )
    if up is None:
        return out
    out["up_to"] = {
        **_estimate(f"{c}/avoided_production_up_to", "Avoided production, up to", up, False),
        "status": section.status["avoided_production_up_to"],
        "source": section.sources["avoided_production_up_to"],
        "method": f"flat method, factor set {up.provenance.factor_set}: {up.provenance.cited()}",
    }
    if adj is not None:
        out["adjusted"] = {
            **_estimate(f"{c}/avoided_production_adjusted", "Adjusted estimate", adj, True),
            "status": section.status["avoided_production_adjusted"],
            "source": section.sources["avoided_production_adjusted"],
            "caveat": dates_caveat(report),
            "assumptions": assumption_lines(adj),
        }
    if undated is not None:
        out["undated"] = _estimate(
            f"{c}/avoided_production_adjusted/without_dates",
            "Without dates (harvested share at its default)",
            undated,
            True,
        )
    out["chart"] = estimate_chart(f"c{index}-estimates", c, up, adj, undated)
    return out


def _seizures(section: Section) -> list[dict[str, Any]]:
    c = section.country
    return [
        {
            "substance": substance,
            "count": figure(f"{c}/seizures/{substance}/seizures", section.seizure_counts[substance],
                            f"{section.seizure_counts[substance]:,}"),
            "mass": figure(f"{c}/seizures/{substance}/mass_kg", mass, f"{mass:,.1f}"),
        }
        for substance, mass in section.seizures_kg.items()
    ]  # fmt: skip


def _history_row(country: str, row: Row) -> dict[str, Any]:
    key = f"{country}/history/{row.year}"
    change = row.change_percent
    return {
        "year": row.year,
        "value": figure(f"{key}/eradicated_ha", row.eradicated_ha, f"{row.eradicated_ha:,.0f}"),
        "change": None if math.isnan(change) else figure(f"{key}/change_percent", change,
                                                         f"{change:+.1f} %"),
        "status": row.status,
        "source": row.source,
        "claim": record_claim(row),
    }  # fmt: skip


def _history(report: Report, section: Section, index: int) -> dict[str, Any] | None:
    if not section.history:
        return None
    return {
        "rows": [_history_row(section.country, r) for r in section.history],
        "not_a_record": not_a_record(report, section),
        "notes": [(r.year, r.note) for r in section.history if r.note],
        "chart": history_chart(f"c{index}-history", section.country, section.history),
    }


def _section(report: Report, section: Section, index: int) -> dict[str, Any]:
    return {
        "id": f"country-{index}",
        "country": section.country,
        "notes": list(section.notes),
        "operations": _operations(section) if section.counts else None,
        "eradication": _eradication(report, section, index),
        "seizures": _seizures(section),
        "seizures_status": section.status["seizures"],
        "seizures_source": section.sources["seizures"],
        "history": _history(report, section, index),
    }


def _rate(key: str, rate: TransferRate) -> dict[str, Any]:
    return {
        "k": figure(f"{key}/k", rate.k, str(rate.k)),
        "n": figure(f"{key}/n", rate.n, str(rate.n)),
        "share": _share(f"{key}/share", rate.share),
        "confidence": f"{rate.confidence:.0%}",
        "low": _share(f"{key}/low", rate.low),
        "high": _share(f"{key}/high", rate.high),
        "method": rate.method,
        "undefined": UNDEFINED_SHARE if rate.n == 0 else None,
    }


def _training(report: Report) -> dict[str, Any] | None:
    s = report.training
    if s is None:
        return None
    t = s.transfer
    rates = [
        (label, rate)
        for label, rate in (
            ("Verified independently", report.independent),
            ("Self-reported (not verification)", report.self_reported),
        )
        if rate is not None
    ]
    return {
        "status": report.training_status,
        "source": report.training_source,
        "trained": figure("training/trained", s.trained, f"{s.trained:,}"),
        "people": None if s.unique_people is None
        else figure("training/unique_people", s.unique_people, f"{s.unique_people:,}"),
        "courses": figure("training/records", s.records, f"{s.records:,}"),
        "independent": None if report.independent is None
        else _rate("training/independent", report.independent),
        "self_reported": None if report.self_reported is None
        else _rate("training/self_reported", report.self_reported),
        "followed": None if not t.n else {
            "n": figure("training/followed_up", t.n, str(t.n)),
            "trained": figure("training/transfer_trained", t.trained, str(t.trained)),
            "rate": _share("training/follow_up_rate", t.follow_up_rate),
        },
        "level": figure("training/kirkpatrick_level", s.kirkpatrick_level,
                        str(s.kirkpatrick_level)),
        "chart": rate_chart("training-rates", rates) if rates else None,
    }  # fmt: skip


def context(report: Report) -> dict[str, Any]:
    """Everything the template shows, as plain values and strings."""
    return {
        "title": f"narcometrics {__version__}: headline results for {report.year}",
        "version": __version__,
        "year": report.year,
        "data_label": report.data_label,
        "synthetic": report.synthetic,
        "notes": list(report.notes),
        "sections": [_section(report, s, i) for i, s in enumerate(report.sections, 1)],
        "training": _training(report),
        "sources": sources(report),
    }


# ----------------------------------------------------------------------------- charts


def ticks(top: float, count: int = 5) -> list[float]:
    """Round axis ticks from 0 to at least ``top`` (about ``count`` of them)."""
    if not math.isfinite(top) or top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _tick_text(value: float, unit: str = "") -> str:
    shown = f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"
    return shown + unit


def history_chart(chart_id: str, country: str, rows: Sequence[Row]) -> dict[str, Any]:
    """Bars of hectares eradicated per year; a year without a figure has no bar."""
    left, right, top, bottom = 64, 12, 16, 40
    height = 250
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    first, last = rows[0].year, rows[-1].year
    slot = plot_w / (last - first + 1)
    shown = {r.year: r for r in rows if math.isfinite(r.eradicated_ha)}
    axis = ticks(max((r.eradicated_ha for r in shown.values()), default=0.0))
    scale = axis[-1]
    every = max(1, math.ceil(34 / slot))  # year labels at least 34 units apart
    bars, years = [], []
    for year in range(first, last + 1):
        x = left + (year - first) * slot
        row = shown.get(year)
        if (year - first) % every == 0 or year == last:
            years.append({"x": x + slot / 2, "text": str(year), "gap": row is None})
        if row is None:
            continue
        h = plot_h * row.eradicated_ha / scale
        bars.append(
            {
                "x": x + slot * 0.15, "y": top + plot_h - h, "w": slot * 0.7, "h": h,
                "published": row.status == "published",
                "title": f"{year}: {row.eradicated_ha:,.0f} ha ({row.status})",
            }
        )  # fmt: skip
    gaps = [y for y in range(first, last + 1) if y not in shown]
    values = "; ".join(f"{r.year} {r.eradicated_ha:,.0f} ha ({r.status})" for r in shown.values())
    missing = f" No figure for {years_text(gaps)}: no bar is drawn." if gaps else ""
    return {
        "id": chart_id,
        "width": WIDTH,
        "height": height,
        "title": f"{country}: coca eradicated per year [ha]",
        "desc": f"Hectares eradicated per year. {values}.{missing}",
        "bars": bars,
        "gaps": [{"x": left + (y - first) * slot + slot / 2, "year": y} for y in gaps],
        "years": years,
        "grid": [{"y": top + plot_h * (1 - v / scale), "text": _tick_text(v)} for v in axis],
        "left": left,
        "right": WIDTH - right,
        "base": top + plot_h,
        "hatched": sorted({r.status for r in shown.values()} - {"published"}),
    }


def _interval_axis(left: float, plot_w: float, axis: list[float]) -> Any:
    def x(value: float) -> float:
        return left + plot_w * max(0.0, value) / axis[-1]

    return x


def estimate_chart(
    chart_id: str,
    country: str,
    up_to: Estimate,
    adjusted: Estimate | None,
    undated: Estimate | None,
) -> dict[str, Any]:
    """The flat "up to" figure beside the adjusted estimate(s), each range a line."""
    items = [("Up to (flat method)", up_to, False)]
    items += [(label, e, True) for label, e in (("Adjusted", adjusted),
              ("Adjusted, without dates", undated)) if e is not None]  # fmt: skip
    left, right, top, row_h = 300, 16, 8, 46
    plot_w = WIDTH - left - right
    tops = [float(e.high if ranged else e.central) for _, e, ranged in items]
    axis = ticks(max((v for v in tops if math.isfinite(v)), default=0.0))
    x = _interval_axis(left, plot_w, axis)
    rows, said = [], []
    for i, (label, e, ranged) in enumerate(items):
        y = top + i * row_h
        value = f"{e.central:,.1f} t" + (
            f", range {e.low:,.1f} to {e.high:,.1f} t" if ranged else " (an upper bound)"
        )
        said.append(f"{label}: {value}")
        rows.append(
            {
                "y": y, "mid": y + row_h / 2 - 6, "label": label, "value": value,
                "bar": x(e.central) - left if math.isfinite(e.central) else 0.0,
                "flat": not ranged,
                "low": x(e.low) if ranged and math.isfinite(e.low) else None,
                "high": x(e.high) if ranged and math.isfinite(e.high) else None,
            }
        )  # fmt: skip
    base = top + len(items) * row_h
    return {
        "id": chart_id,
        "width": WIDTH,
        "height": base + 28,
        "title": f"{country}: avoided cocaine production [t]",
        "desc": "Avoided cocaine production. " + "; ".join(said) + ".",
        "rows": rows,
        "left": left,
        "top": top,
        "base": base,
        "grid": [{"x": x(v), "text": _tick_text(v, " t")} for v in axis],
    }


def rate_chart(chart_id: str, rates: Sequence[tuple[str, TransferRate]]) -> dict[str, Any]:
    """Shares applying with their confidence intervals, on a 0 to 100 % axis."""
    left, right, top, row_h = 300, 24, 8, 46
    plot_w = WIDTH - left - right
    axis = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    x = _interval_axis(left, plot_w, axis)
    rows, said = [], []
    for i, (label, rate) in enumerate(rates):
        y = top + i * row_h
        value = (
            f"{rate.k} of {rate.n}: {UNDEFINED_SHARE}"
            if rate.n == 0
            else f"{rate.k} of {rate.n} = {rate.share:.1%}, "
            f"{rate.confidence:.0%} CI {rate.low:.1%} to {rate.high:.1%}"
        )
        said.append(f"{label}: {value}")
        finite = all(math.isfinite(v) for v in (rate.share, rate.low, rate.high))
        rows.append(
            {
                "y": y, "mid": y + row_h / 2 - 6, "label": label, "value": value,
                "point": x(rate.share) if finite else None,
                "low": x(rate.low) if finite else None,
                "high": x(rate.high) if finite else None,
                "square": i > 0,
            }
        )  # fmt: skip
    base = top + len(rates) * row_h
    return {
        "id": chart_id,
        "width": WIDTH,
        "height": base + 28,
        "title": "Training: share of those followed up who apply what they learnt",
        "desc": "Share applying, with its confidence interval. " + "; ".join(said) + ".",
        "rows": rows,
        "left": left,
        "top": top,
        "base": base,
        "grid": [{"x": x(v), "text": f"{v:.0%}"} for v in axis],
    }
