"""The display of each public result type, built from the primitives of ``_display``.

One function per type returns a [`View`][narcometrics._display.View]; the types' ``__repr__``
and ``_repr_html_`` call ``view.text()`` and ``view.html()``. The views of the indicator types
live in ``_views_indicators`` and are re-exported here. Nothing here computes a
result: every number shown is an attribute of the object, or a method of it the library
already has; only its display is rounded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from narcometrics._display import (
    ABSENT,
    Section,
    View,
    fmt,
    fmt_array,
    fmt_cell,
    fmt_share,
    fmt_sig,
    fmt_sum,
    fmt_value,
    section,
    with_unit,
)
from narcometrics._views_indicators import (
    aggregate,
    change,
    disaggregation,
    indicator,
    indicator_values,
    progress,
    results_framework,
)
from narcometrics.errors import ValidationError

if TYPE_CHECKING:
    from narcometrics.aggregate._series import BestEver
    from narcometrics.aggregate._totals import Totals
    from narcometrics.datasets import ExampleData, NationalSeries
    from narcometrics.estimate.result import Estimate, Provenance
    from narcometrics.factors import Citation, FactorSet
    from narcometrics.rates import CostPerResult, Money
    from narcometrics.tables._base import Table
    from narcometrics.training import (
        EffectSize,
        GainResult,
        ScorePairs,
        TrainingSummary,
        TransferRate,
    )

__all__ = [
    "MAX_GROUPS",
    "MAX_SERIES_ROWS",
    "PREVIEW_ROWS",
    "aggregate",
    "best_ever",
    "change",
    "citations",
    "cost_per_result",
    "dask_estimate",
    "disaggregation",
    "effect_size",
    "estimate",
    "example_data",
    "factor_set",
    "gain",
    "indicator",
    "indicator_values",
    "money",
    "national_series",
    "progress",
    "provenance",
    "results_framework",
    "score_pairs",
    "table",
    "totals",
    "training_summary",
    "transfer_rate",
]

#: Rows of a table shown by default in its repr and HTML preview.
PREVIEW_ROWS = 5
#: Groups of a Totals shown in its HTML table before the rest is summarised.
MAX_GROUPS = 30
#: Rows of a national series shown in its HTML table.
MAX_SERIES_ROWS = 40


# ---------------------------------------------------------------------------- tables


def table(t: Table[Any], rows: int = PREVIEW_ROWS) -> View:
    """A record table: rows, columns and a preview of its first rows."""
    names = t.field_names()
    head = t[: max(int(rows), 0)]
    cells = [[fmt_cell(getattr(record, n)) for n in names] for record in head.to_records()]
    shown = len(cells)
    note = f"first {shown} of {len(t):,} rows" if shown < len(t) else None
    return View(
        title=type(t).__name__,
        fields=(("rows", f"{len(t):,}"), ("columns", str(len(names)))),
        short=2,
        preview=section("Preview", names, cells, note=note),
    )


def totals(t: Totals) -> View:
    """Totals: measure, grouping, grand total, and one row per group."""
    counts = t.counts
    try:
        grand = fmt_sum(t.grand_total, int(counts.sum()) if len(counts) else 1)
    except ValidationError:  # a grand total beyond the float range: the groups still show
        grand = "overflow"
    keys = t.keys()
    values = t.values
    rows = [
        [*(fmt(label) for label in key), fmt_sum(float(v), int(n)), f"{int(n):,}"]
        for key, v, n in zip(keys[:MAX_GROUPS], values, counts, strict=False)
    ]
    note = None
    if len(keys) > MAX_GROUPS:
        note = f"first {MAX_GROUPS} of {len(keys):,} groups"
    header = [*t.by, t.measure, "records"]
    return View(
        title="Totals",
        fields=(
            ("measure", t.measure),
            ("by", "(" + ", ".join(t.by) + ")"),
            ("groups", f"{len(t):,}"),
            ("grand_total", grand),
            ("table", t.table),
        ),
        short=4,
        sections=(section("Groups", header, rows, note=note),) if len(t) else (),
    )


def best_ever(b: BestEver) -> View:
    """Records (best ever so far) in a series."""
    labels = [str(x) for x in b.label.tolist() if x is not None]
    return View(
        title="BestEver",
        fields=(("values", f"{len(b):,}"), ("records", f"{int(b.is_record.sum()):,}")),
        sections=(section("Records", ("label",), [[x] for x in labels]),) if labels else (),
    )


# ------------------------------------------------------------------------- estimates


def citations(cites: Sequence[Citation], *, folded: bool = True) -> Section:
    """A folded table of citations: publisher, year, title, where, note."""
    rows = [
        [c.publisher, ABSENT if c.year is None else str(c.year), c.title, c.where, c.note or ""]
        for c in cites
    ]
    return section(
        f"Citations ({len(rows)})",
        ("publisher", "year", "title", "where", "note"),
        rows,
        folded=folded,
    )


def _digest(value: str | None) -> str:
    return ABSENT if value is None else value[:12] + "…"


def provenance(p: Provenance) -> View:
    """Method, factor set, versions, draws and seed; assumptions and citations folded."""
    fields = [
        ("method", _method(p.method)),
        ("factor_set", p.factor_set or ABSENT),
        ("citations", str(len(p.citations))),
        ("library_version", p.library_version),
        ("cited", p.cited() or ABSENT),
        ("numpy_version", p.numpy_version),
        ("factor_set_digest", _digest(p.factor_set_digest)),
    ]
    if p.draws is not None:
        fields.append(("draws", f"{p.draws:,}"))
        fields.append(("seed", ABSENT if p.seed is None else str(p.seed)))
    assumptions = [
        [a.name, fmt(a.value), fmt(a.low), fmt(a.high), a.unit, a.source] for a in p.assumptions
    ]
    sections = []
    if assumptions:
        sections.append(
            section(
                f"Assumptions ({len(assumptions)})",
                ("name", "value", "low", "high", "unit", "source"),
                assumptions,
                folded=True,
            )
        )
    if p.citations:
        sections.append(citations(p.citations))
    return View(
        title="Provenance",
        fields=tuple(fields),
        short=4,
        sections=tuple(sections),
        note=p.note,
    )


def _method(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def estimate(e: Estimate) -> View:
    """Central value, range, unit, method and factor set; provenance folded."""
    unit = e.unit
    fields = [
        ("central", with_unit(fmt_value(e.central), unit)),
        ("range", with_unit(f"{fmt_value(e.low)} to {fmt_value(e.high)}", unit)),
        ("method", _method(e.provenance.method)),
        ("factor_set", e.provenance.factor_set or ABSENT),
        ("quantity", e.quantity),
    ]
    if e.mean is not None:
        fields.append(("mean", with_unit(fmt_value(e.mean), unit)))
    if e.percentiles:
        fields.extend((f"p{k:g}", with_unit(fmt_value(v), unit)) for k, v in e.percentiles.items())
    prov = provenance(e.provenance)
    folded = section("Provenance", None, prov.fields, folded=True, note=e.provenance.note)
    return View(title="Estimate", fields=tuple(fields), short=4, sections=(folded, *prov.sections))


def dask_estimate(e: Any) -> View:
    """A lazy estimate: what it holds, without computing anything."""
    value = e.central
    shape = getattr(value, "shape", None)
    kind = f"{type(value).__module__.split('.')[0]} {type(value).__name__}"
    size = "" if shape is None else " (" + "×".join(str(n) for n in shape) + ")"
    prov = provenance(e.provenance)
    return View(
        title="DaskEstimate",
        fields=(
            ("values", f"lazy {kind}{size}".replace("nan", "?")),
            ("unit", e.unit),
            ("method", _method(e.provenance.method)),
            ("factor_set", e.provenance.factor_set or ABSENT),
            ("quantity", e.quantity),
            ("monte_carlo", "yes" if e.percentiles else "no"),
        ),
        short=4,
        sections=(section("Provenance", None, prov.fields, folded=True), *prov.sections),
        note="call compute() for the numbers",
    )


# -------------------------------------------------------------------------- training


def gain(g: GainResult) -> View:
    """Pre/post learning gains with attrition."""
    return View(
        title="GainResult",
        fields=(
            ("raw_gain", with_unit(fmt_sig(g.raw_gain), "points")),
            ("hake_gain", fmt_sig(g.hake_gain, 3)),
            ("mean_individual_gain", fmt_sig(g.mean_individual_gain, 3)),
            ("n_paired", f"{g.n_paired:,}"),
            ("attrition", fmt_share(g.attrition)),
            ("pre_mean", fmt_sig(g.pre_mean)),
            ("post_mean", fmt_sig(g.post_mean)),
            ("max_score", fmt(g.max_score)),
            ("n_participants", fmt(g.n_participants)),
        ),
        short=5,
        note=g.note or None,
    )


def effect_size(e: EffectSize) -> View:
    """A paired effect size with its interval."""
    return View(
        title="EffectSize",
        fields=(
            ("variant", e.variant),
            ("estimate", fmt_sig(e.estimate, 3)),
            (f"{e.confidence:.0%} CI", f"{fmt_sig(e.low, 3)} to {fmt_sig(e.high, 3)}"),
            ("n", f"{e.n:,}"),
            ("se", fmt_sig(e.se, 3)),
            ("correction", fmt_sig(e.correction, 4)),
        ),
        short=4,
        note=e.note or None,
    )


def _group(group: tuple[Any, ...]) -> str:
    return " / ".join(str(v) for v in group) or "all"


def transfer_rate(r: TransferRate) -> View:
    """k of n applying, share and interval, follow-up and verification."""
    ci = f"{fmt_share(r.low)} to {fmt_share(r.high)}"
    return View(
        title="TransferRate",
        fields=(
            ("group", _group(r.group)),
            ("applying", f"{r.k:,} of {r.n:,}"),
            ("share", fmt_share(r.share)),
            (f"{r.confidence:.0%} CI", f"{ci} ({r.method})"),
            ("trained", f"{r.trained:,}"),
            ("follow_up_rate", fmt_share(r.follow_up_rate)),
            ("verification", r.verification or ABSENT),
            ("unique_people", fmt(r.unique_people)),
            ("records", f"{r.records:,}"),
        ),
        short=4,
        note=r.note or None,
    )


def training_summary(s: TrainingSummary) -> View:
    """What the records of a group say, with the transfer rate and gain folded in."""
    t = s.transfer
    fields = [
        ("group", _group(s.group)),
        ("trained", f"{s.trained:,}"),
        ("applying", f"{s.applying:,} of {t.n:,} followed up"),
        ("kirkpatrick_level", str(s.kirkpatrick_level)),
        ("share applying", f"{fmt_share(t.share)} ({fmt_share(t.low)} to {fmt_share(t.high)})"),
        ("records", f"{s.records:,}"),
        ("unique_people", fmt(s.unique_people)),
        ("completed", fmt(s.completed)),
        ("attrition", fmt_share(s.attrition)),
    ]
    sections = []
    if s.gain is not None:
        sections.append(section("Learning gain", None, gain(s.gain).fields))
    return View(
        title="TrainingSummary",
        fields=tuple(fields),
        short=4,
        sections=tuple(sections),
        note=s.note or None,
    )


def score_pairs(p: ScorePairs) -> View:
    """Pooled pre/post score pairs."""
    return View(
        title="ScorePairs",
        fields=(
            ("pairs", f"{len(p.pre):,}"),
            ("max_score", fmt(p.max_score)),
            ("n_participants", f"{p.n_participants:,}"),
            ("records", f"{p.records:,}"),
            ("records_without_scores", f"{p.records_without_scores:,}"),
        ),
    )


# --------------------------------------------------------------------- factors, data


def factor_set(s: FactorSet) -> View:
    """A factor set: one row per value with unit, range and status; citations folded."""
    years = (
        ABSENT
        if s.first_year is None and s.last_year is None
        else f"{s.first_year or ABSENT} to {s.last_year or ABSENT}"
    )
    rows = [
        [
            f.name,
            ABSENT if f.year is None else str(f.year),
            fmt(f.value),
            ABSENT if f.low is None else f"{fmt(f.low)} to {fmt(f.high)}",
            f.unit,
            str(f.status),
        ]
        for f in s.values
    ]
    return View(
        title="FactorSet",
        fields=(
            ("id", s.id),
            ("method", str(s.method)),
            ("years", years),
            ("values", str(len(s.values))),
            ("title", s.title),
        ),
        sections=(
            section("Values", ("name", "year", "value", "range", "unit", "status"), rows),
            citations(s.citations),
        ),
        note=s.note,
    )


def national_series(s: NationalSeries) -> View:
    """A national series: years, a table of values with their source."""
    columns = s.columns() if callable(s.columns) else s.columns
    names = [n for n in columns if n not in ("source", "note")]
    rows = [
        [str(int(year)) if n == "year" else fmt_cell(columns[n][r].item()) for n in names]
        + [str(columns["source"][r])]
        for r, year in enumerate(s.year.tolist()[:MAX_SERIES_ROWS])
    ]
    span = f"{int(s.year.min())} to {int(s.year.max())}" if len(s) else ABSENT
    note = None if len(s) <= MAX_SERIES_ROWS else f"first {MAX_SERIES_ROWS} of {len(s)} years"
    return View(
        title="NationalSeries",
        fields=(("country", s.country), ("years", span), ("rows", str(len(s))), ("title", s.title)),
        short=3,
        sections=(section("Values", [*names, "source"], rows, note=note),),
    )


def example_data(e: ExampleData) -> View:
    """An example dataset: its tables and metadata."""
    meta = e.metadata
    rows = [
        [name, type(t).__name__, f"{len(t):,}"]
        for name in ("operations", "seizures", "eradications", "training")
        if (t := getattr(e, name)) is not None
    ]
    return View(
        title="ExampleData",
        fields=(
            ("title", str(meta.get("title", ABSENT))),
            ("synthetic", str(meta.get("synthetic", ABSENT))),
            ("country", str(meta.get("country", ABSENT))),
            ("year", str(meta.get("year", ABSENT))),
        ),
        sections=(section("Tables", ("name", "type", "rows"), rows),),
        note=meta.get("description"),
    )


def money(m: Money) -> View:
    """An amount with its currency and price year."""
    fields = [("amount", f"{m.amount:,.2f}"), ("currency", m.currency)]
    fields.append(("price_year", str(m.price_year)))
    if m.provenance:
        fields.append(("provenance", "; ".join(m.provenance)))
    return View(title="Money", fields=tuple(fields), short=3)


def cost_per_result(r: CostPerResult) -> View:
    """Cost per unit of outcome."""
    value = r.value
    text = fmt_array(value, 4) if isinstance(value, np.ndarray) else f"{value:,.2f}"
    if isinstance(value, float) and math.isnan(value):
        text = "NaN"
    fields = [("value", text), ("unit", r.unit)]
    if r.provenance:
        fields.append(("provenance", "; ".join(r.provenance)))
    return View(title="CostPerResult", fields=tuple(fields), short=2)
