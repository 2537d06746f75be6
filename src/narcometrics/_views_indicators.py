"""The display of the indicator types (indicators, their values, frameworks, aggregates,
progress, changes and disaggregation checks), built from the primitives of ``_display``.

Split from [`_views`][narcometrics._views], which re-exports every function here so that each
type's ``__repr__`` and ``_repr_html_`` call ``_views.<type>(...)`` as for the other types.
Nothing here computes a result: every number shown is an attribute of the object, or a method
of it the library already has; only its display is rounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from narcometrics._display import (
    ABSENT,
    View,
    fmt,
    fmt_share,
    fmt_sig,
    fmt_sum,
    fmt_value,
    section,
    with_unit,
)

if TYPE_CHECKING:
    from narcometrics.indicators import (
        Aggregate,
        Change,
        DisaggregationReport,
        Indicator,
        IndicatorValues,
        Progress,
        ResultsFramework,
    )

__all__ = [
    "aggregate",
    "change",
    "disaggregation",
    "indicator",
    "indicator_values",
    "progress",
    "results_framework",
]


def indicator(i: Indicator) -> View:
    """An indicator's definition and rules."""
    fields = [
        ("code", i.code),
        ("title", i.title),
        ("level", str(i.level)),
        ("measure", str(i.measure)),
        ("unit", i.unit_label or ABSENT),
        ("ascending", fmt(i.ascending)),
        ("time_rule", fmt(i.time_rule)),
        ("unit_rule", fmt(i.unit_rule)),
        ("cumulative", str(i.cumulative)),
    ]
    if i.per is not None:
        fields.append(("per", fmt(i.per)))
    if i.dimensions:
        fields.append(("dimensions", ", ".join(i.dimensions)))
    if i.references:
        fields.append(("references", "; ".join(str(r) for r in i.references)))
    return View(title="Indicator", fields=tuple(fields), short=4)


def _value(i: Indicator, value: Any) -> str:
    if value.value is None and value.numerator is None:
        return value.narrative or ABSENT
    return with_unit(fmt(i.value_of(value)), i.unit_label)


def _headline(values: Sequence[Any]) -> list[Any]:
    return [v for v in values if not getattr(v, "dimensions", ())]


def indicator_values(v: IndicatorValues) -> View:
    """An indicator with its baseline, targets and actuals (one row per value)."""
    i = v.indicator
    rows: list[list[str]] = []
    if v.baseline is not None:
        rows.append(["baseline", str(v.baseline.year), "", _value(i, v.baseline), ""])
    for t in v.targets:
        kind = "milestone" if t.milestone else "target"
        rows.append([kind, str(t.period), _dims(t), _value(i, t), ""])
    for a in v.actuals:
        rows.append(["actual", str(a.period), _dims(a), _value(i, a), str(a.verification)])
    headline = _headline(v.actuals)
    return View(
        title="IndicatorValues",
        fields=(
            ("code", i.code),
            ("title", i.title),
            ("baseline", ABSENT if v.baseline is None else _value(i, v.baseline)),
            ("targets", str(len(v.targets))),
            ("actuals", str(len(v.actuals))),
            ("latest", _value(i, headline[-1]) if headline else ABSENT),
        ),
        short=3,
        sections=(
            section("Values", ("kind", "period", "breakdown", "value", "verification"), rows),
        ),
    )


def _dims(value: Any) -> str:
    parts = [f"{k}={c}" for k, c in value.dimensions]
    if value.location:
        parts.insert(0, value.location)
    return ", ".join(parts)


def results_framework(f: ResultsFramework) -> View:
    """One row per indicator: level, unit, baseline, latest target and headline actual."""
    rows = []
    for v in f.indicators:
        i = v.indicator
        targets, actuals = _headline(v.targets), _headline(v.actuals)
        broken = len(v.actuals) - len(actuals)
        actual = f"{_value(i, actuals[-1])} ({actuals[-1].period})" if actuals else ABSENT
        if broken:
            actual += f"; {broken} by breakdown"
        rows.append(
            [
                i.code,
                i.title,
                str(i.level),
                ABSENT if v.baseline is None else _value(i, v.baseline),
                f"{_value(i, targets[-1])} ({targets[-1].period})" if targets else ABSENT,
                actual,
            ]
        )
    return View(
        title="ResultsFramework",
        fields=(("title", f.title), ("indicators", str(len(f))), ("codes", " ".join(f.codes))),
        short=3,
        sections=(
            section(
                "Indicators",
                ("code", "title", "level", "baseline", "target", "latest actual"),
                rows,
            ),
        ),
    )


def aggregate(a: Aggregate) -> View:
    """An indicator aggregate and the rules that made it."""
    fields = [
        ("indicator", a.indicator),
        ("value", with_unit(fmt_sum(a.value, a.n_values), a.unit)),
        ("period", str(a.period)),
        ("n_values", str(a.n_values)),
        ("n_units", str(a.n_units)),
        ("time_rule", str(a.time_rule)),
        ("unit_rule", str(a.unit_rule)),
    ]
    if a.numerator is not None or a.denominator is not None:
        fields.append(("numerator", fmt(a.numerator)))
        fields.append(("denominator", fmt(a.denominator)))
    return View(title="Aggregate", fields=tuple(fields), short=3)


def progress(p: Progress) -> View:
    """Progress from baseline to target and its status."""
    return View(
        title="Progress",
        fields=(
            ("progress", fmt_share(p.progress, 0)),
            ("status", str(p.status)),
            ("actual", fmt(p.actual)),
            ("baseline", fmt(p.baseline)),
            ("target", fmt(p.target)),
            ("expected", fmt_share(p.expected, 0)),
            ("band", fmt_share(p.band, 0)),
            ("ascending", str(p.ascending)),
        ),
        short=5,
    )


def change(c: Change) -> View:
    """A year-over-year change."""
    value = c.value
    text = fmt_value(value) if isinstance(value, np.ndarray) else fmt_sig(value)
    return View(title="Change", fields=(("value", text), ("unit", c.unit)), short=2)


def disaggregation(r: DisaggregationReport) -> View:
    """Breakdowns checked and every mismatch."""
    rows = [
        [
            str(m.period),
            m.location or "",
            ", ".join(m.dimensions),
            m.quantity,
            fmt(m.headline),
            fmt(m.parts_total),
            fmt(m.difference),
        ]
        for m in r.mismatches
    ]
    header = ("period", "location", "breakdown", "quantity", "headline", "parts", "difference")
    return View(
        title="DisaggregationReport",
        fields=(
            ("indicator", r.indicator),
            ("checked", str(r.checked)),
            ("mismatches", str(len(r.mismatches))),
            ("ok", str(r.ok)),
        ),
        sections=(section("Mismatches", header, rows),) if rows else (),
    )
