"""Figures of the library's results (matplotlib, the ``plot`` extra).

Each function draws one kind of result on a matplotlib `Axes` (a new figure when ``ax`` is
not given) and returns the Axes, so figures compose and can be restyled:

- [`national_series`][narcometrics.plot.national_series]: a published national series, one
  line per column, years without a published value as gaps (never zeros), the sources in
  the caption;
- [`totals`][narcometrics.plot.totals]: [`Totals`][narcometrics.aggregate.Totals] by period and
  category, one bar per group (absent groups draw no bar);
- [`estimates`][narcometrics.plot.estimates]: estimates side by side, each a bar at its central
  value with its range as an error bar (the flat "up to" figure beside an adjusted
  estimate);
- [`progress`][narcometrics.plot.progress]: progress of indicators from baseline (0) to target
  (1), with the band counted as on track, the status written beside each bar;
- [`transfer_rate`][narcometrics.plot.transfer_rate]: shares applying with their confidence
  intervals and the ``k of n`` they rest on.

Colour never carries meaning alone: every bar and point is also labelled in text.
``import narcometrics`` does not import matplotlib; this module does.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from narcometrics._display import fmt_share, fmt_sig, fmt_sum
from narcometrics.errors import ValidationError

if TYPE_CHECKING:
    from narcometrics.aggregate import Totals
    from narcometrics.estimate import Estimate
    from narcometrics.indicators import Progress
    from narcometrics.training import TransferRate

__all__ = ["estimates", "national_series", "progress", "totals", "transfer_rate"]

#: Units read from a column name's suffix (``net_area_ha`` is in ha).
_UNITS = (("_kg_per_ha", "kg/ha"), ("_ha", "ha"), ("_t", "t"), ("_kg", "kg"))
_STATUS_COLOURS = {
    "achieved": "#1b7837",
    "on_track": "#5aae61",
    "off_track": "#c2410c",
    "undefined": "#9ca3af",
}


def _axes(ax: Axes | None, size: tuple[float, float] = (7.5, 4.2)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, not {type(ax).__name__}")
    return ax


def _thousands(ax: Axes, axis: str = "y") -> None:
    formatter = FuncFormatter(lambda x, _pos: f"{x:,.0f}" if x == int(x) else f"{x:,g}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def unit_of(column: str) -> str:
    """The unit of a series column from its name's suffix (``""`` when none is known)."""
    for suffix, unit in _UNITS:
        if column.endswith(suffix):
            return unit
    return ""


def _label(column: str) -> str:
    unit = unit_of(column)
    suffix = next((s for s, u in _UNITS if u == unit and column.endswith(s)), "")
    return column[: len(column) - len(suffix)].replace("_", " ") if suffix else column


def _years_text(years: Sequence[int]) -> str:
    """``2004-2005, 2013`` for runs of consecutive years."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def sources_caption(years: Sequence[int], sources: Sequence[str], width: int = 150) -> str:
    """``"Sources: <years>: <source>; ..."``, each distinct source once, wrapped."""
    by_source: dict[str, list[int]] = {}
    for year, source in zip(years, sources, strict=True):
        for part in (s.strip() for s in str(source).split(";")):
            if part:
                by_source.setdefault(part, []).append(int(year))
    items = [f"{_years_text(ys)}: {source}" for source, ys in by_source.items()]
    text = "Sources: " + "; ".join(items) + ". Gaps: no published value."
    return textwrap.fill(text, width=width)


def national_series(
    series: Any,
    columns: Sequence[str] = ("net_area_ha", "eradicated_ha"),
    *,
    ax: Axes | None = None,
    title: str | None = None,
    caption: bool = True,
) -> Axes:
    """Plot a national series: one line per column, gaps where nothing was published.

    Parameters
    ----------
    series : NationalSeries or similar
        An object with a ``year`` array, one array per column (NaN where unpublished) and
        a ``source`` array (one publication per row), such as
        [`national_series`][narcometrics.datasets.national_series] returns.
    columns : sequence of str
        The value columns to draw; they must share a unit (the suffix of their names:
        ``_ha``, ``_t``, ``_kg_per_ha``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    title : str, optional
        Defaults to the series' ``title``.
    caption : bool, default True
        Write the sources (each with its years) under the axes.

    Returns
    -------
    matplotlib.axes.Axes
        One line per column over every calendar year from the first to the last: a year
        absent from the series, or a NaN value, is a NaN point (a gap in the line, never a
        zero); markers show isolated values.

    Raises
    ------
    ValidationError
        For an unknown column, columns with different units, or an empty series.

    References
    ----------
    The series and its sources: the documentation page "How cocaine potential is estimated".
    """
    years = np.asarray(series.year, dtype=np.int64)
    if years.size == 0:
        raise ValidationError("series", "is empty: nothing to plot", len(years))
    columns = tuple(columns)
    for column in columns:
        if column == "year" or not hasattr(series, column):
            raise ValidationError("columns", f"{column!r} is not a column of the series", column)
    units = {unit_of(c) for c in columns}
    if len(units) > 1:
        raise ValidationError(
            "columns", f"mix units {sorted(units)}: plot them on separate axes", columns
        )
    ax = _axes(ax)
    every = np.arange(int(years.min()), int(years.max()) + 1)
    at = np.searchsorted(every, years)
    markers = "osD^v"
    for i, column in enumerate(columns):
        values = np.full(every.size, np.nan)
        values[at] = np.asarray(getattr(series, column), dtype=np.float64)
        ax.plot(every, values, marker=markers[i % len(markers)], label=_label(column))
    unit = units.pop() if units else ""
    ax.set_xlabel("year")
    ax.set_ylabel(f"[{unit}]" if unit else "value")
    ax.set_ylim(bottom=0)
    _thousands(ax)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    ax.set_title(title if title is not None else str(getattr(series, "title", "")))
    if caption:
        points = ax.get_window_extent().width * 72 / ax.figure.dpi
        text = sources_caption(
            years.tolist(), [str(s) for s in series.source], width=max(int(points / 3.9), 40)
        )
        ax.annotate(
            text,
            (0.0, 0.0),
            xycoords="axes fraction",
            xytext=(0, -34),
            textcoords="offset points",
            va="top",
            fontsize=7,
            color="0.3",
        )
    return ax


def _period_label(period: str, year: object, part: object) -> str:
    return f"{year}-Q{part}" if period == "quarter" else f"{year}-{int(str(part)):02d}"


def totals(result: Totals, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Plot totals as bars: by one field, one bar per label; by two, grouped bars.

    Parameters
    ----------
    result : Totals
        From [`total`][narcometrics.aggregate.total], grouped by one or two fields (e.g.
        ``by=("year", "substance")``): the first on the x axis, the second as bars side
        by side within each group. A calendar period with its year counts as one field:
        ``by=("year", "quarter", "substance")`` puts ``2017-Q1``... on the x axis.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    title : str, optional
        Defaults to the measure and the grouping.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per group of the totals, its height the group's total. A combination that
        is not a group of the totals draws no bar (NaN), never a zero bar; a NaN total (no
        known value) draws no bar either.

    Raises
    ------
    ValidationError
        For totals grouped by no field or by more than two.
    """
    by = tuple(result.by)
    keys = result.keys()
    if by[:2] in (("year", "quarter"), ("year", "month")):  # one period axis: 2017-Q1, 2017-03
        keys = [(_period_label(by[1], k[0], k[1]), *k[2:]) for k in keys]
        by = (by[1], *by[2:])
    if not 1 <= len(by) <= 2:
        raise ValidationError("by", "must group by one or two fields to plot", tuple(result.by))
    ax = _axes(ax)
    values = np.asarray(result.values, dtype=np.float64)
    outer = list(dict.fromkeys(k[0] for k in keys))
    inner = list(dict.fromkeys(k[1] for k in keys)) if len(by) == 2 else [None]
    lookup = {
        (k[0], k[1] if len(by) == 2 else None): float(v) for k, v in zip(keys, values, strict=True)
    }
    width = 0.8 / len(inner)
    x = np.arange(len(outer), dtype=np.float64)
    for j, category in enumerate(inner):
        heights = np.array([lookup.get((o, category), np.nan) for o in outer])
        offset = (j - (len(inner) - 1) / 2) * width
        label = "total" if len(by) == 1 else _tick(category)
        ax.bar(x + offset, heights, width=width, label=label)
    ax.set_xticks(x, [_tick(o) for o in outer])
    ax.set_xlabel(by[0])
    unit = unit_of(result.measure)
    ax.set_ylabel(f"{_label(result.measure)} [{unit}]" if unit else result.measure)
    _thousands(ax)
    ax.grid(axis="y", alpha=0.3)
    if len(by) == 2:
        ax.legend(title=by[1], fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    grand = fmt_sum(result.grand_total, int(np.sum(result.counts)) or 1)
    ax.set_title(
        title if title is not None else f"{result.measure} by {', '.join(by)} (total {grand})"
    )
    return ax


def _tick(label: object) -> str:
    """A group label; a missing categorical label (None) reads "not recorded"."""
    return "not recorded" if label is None else str(label)


def _method(estimate: Estimate) -> str:
    return estimate.provenance.method.rsplit(".", 1)[-1]


def _estimate_pairs(
    items: Estimate | Sequence[Estimate] | Mapping[str, Estimate],
) -> list[tuple[str | None, Estimate]]:
    """(label or None, estimate) for each item, each a scalar Estimate; at least one."""
    from narcometrics.estimate import Estimate

    pairs: list[tuple[str | None, Estimate]]
    if isinstance(items, Estimate):
        pairs = [(None, items)]
    elif isinstance(items, Mapping):
        pairs = [(str(k), v) for k, v in items.items()]
    else:
        pairs = [(None, v) for v in items]
    if not pairs:
        raise ValidationError("items", "holds no estimate", 0)
    for label, item in pairs:
        if not isinstance(item, Estimate):
            raise TypeError(f"items must hold Estimate, not {type(item).__name__}")
        if isinstance(item.central, np.ndarray):
            raise ValidationError(
                "items", "must hold scalar estimates (sum an array estimate first)", label
            )
    return pairs


def estimates(
    items: Estimate | Sequence[Estimate] | Mapping[str, Estimate],
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Plot estimates side by side: a bar at each central value, its range as an error bar.

    Use it to show the flat "up to" figure beside an adjusted estimate with its range.

    Parameters
    ----------
    items : Estimate, sequence of Estimate, or mapping of label to Estimate
        Scalar estimates in one unit. Without labels each bar is named by its method and
        factor set.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    title : str, optional
        Defaults to the quantity estimated.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per estimate (height ``central``) with an error bar from ``low`` to
        ``high``, and the central value and range written above it.

    Raises
    ------
    ValidationError
        For no estimates, array estimates, or estimates in different units.
    """
    pairs = _estimate_pairs(items)
    units = {item.unit for _, item in pairs}
    if len(units) > 1:
        raise ValidationError("items", f"mix units {sorted(units)}", sorted(units))
    unit = units.pop()
    ax = _axes(ax)
    central = np.array([float(e.central) for _, e in pairs])
    low = np.array([float(e.low) for _, e in pairs])
    high = np.array([float(e.high) for _, e in pairs])
    names = [
        label if label is not None else f"{_method(e)}\n({e.provenance.factor_set or 'no factors'})"
        for label, e in pairs
    ]
    x = np.arange(len(pairs), dtype=np.float64)
    bars = ax.bar(x, central, width=0.55, color="#9ecae1", edgecolor="#3182bd")
    ax.errorbar(
        x,
        central,
        yerr=np.vstack([central - low, high - central]),
        fmt="none",
        ecolor="black",
        capsize=6,
        label="range (low to high)",
    )
    for xi, c, lo, hi in zip(x, central, low, high, strict=True):
        text = f"{fmt_sig(c)} {unit}"
        if lo != hi:
            text += f"\n({fmt_sig(lo)} to {fmt_sig(hi)})"
        ax.annotate(
            text, (xi, hi), xytext=(0, 4), textcoords="offset points", ha="center", va="bottom"
        )
    ax.set_xticks(x, names)
    ax.set_ylabel(f"[{unit}]")
    ax.set_ylim(0, float(np.nanmax(high)) * 1.25 or 1.0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(handles=[bars, *ax.containers[1:]], labels=["central", "range (low to high)"])
    ax.set_title(title if title is not None else pairs[0][1].quantity)
    return ax


def progress(
    items: Mapping[str, Progress] | Sequence[tuple[str, Progress]],
    *,
    ax: Axes | None = None,
    title: str | None = "Progress from baseline (0 %) to target (100 %)",
) -> Axes:
    """Plot progress of indicators to their targets, with the band counted as on track.

    Parameters
    ----------
    items : mapping of label to Progress, or sequence of (label, Progress)
        Results of [`progress`][narcometrics.indicators.progress], e.g. keyed by indicator code.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        One horizontal bar per indicator, its length the progress (0 at the baseline, 1 at
        the target; negative when the indicator moved away); a shaded band from
        ``expected - band`` to ``expected`` per bar (on track inside and beyond it), a mark
        at the expected progress, and the progress and status written beside each bar.
        An undefined progress (NaN) draws no bar and says "undefined".

    Raises
    ------
    ValidationError
        For no items.
    """
    from narcometrics.indicators import Progress

    pairs = list(items.items()) if isinstance(items, Mapping) else list(items)
    if not pairs:
        raise ValidationError("items", "holds no progress", 0)
    for _, item in pairs:
        if not isinstance(item, Progress):
            raise TypeError(f"items must hold Progress, not {type(item).__name__}")
    ax = _axes(ax, size=(7.5, 1.2 + 0.55 * len(pairs)))
    y = np.arange(len(pairs), dtype=np.float64)
    values = np.array([p.progress for _, p in pairs], dtype=np.float64)
    colours = [_STATUS_COLOURS[str(p.status)] for _, p in pairs]
    for yi, (_, p) in zip(y, pairs, strict=True):
        ax.fill_betweenx(
            [yi - 0.4, yi + 0.4], p.expected - p.band, p.expected, color="#d9f0d3", zorder=0
        )
        ax.vlines(p.expected, yi - 0.4, yi + 0.4, colors="#1b7837", linestyles="dashed")
    # A non-finite progress (undefined, or infinite from a vanishing span) draws no bar.
    ax.barh(y, np.where(np.isfinite(values), values, np.nan), height=0.5, color=colours, zorder=2)
    finite = values[np.isfinite(values)]
    right = max(1.0, float(finite.max()) if finite.size else 1.0)
    left = min(0.0, float(finite.min()) if finite.size else 0.0)
    for yi, (_, p), v in zip(y, pairs, values, strict=True):
        status = str(p.status).replace("_", " ")
        text = "undefined" if math.isnan(v) else f"{fmt_share(v, 0)} {status}"
        ax.annotate(
            text,
            (1.0, yi),
            xycoords=("axes fraction", "data"),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    ax.axvline(0.0, color="0.3", linewidth=0.8)
    ax.axvline(1.0, color="0.3", linewidth=0.8)
    ax.set_yticks(y, [str(label) for label, _ in pairs])
    ax.invert_yaxis()
    margin = 0.05 * (right - left)
    ax.set_xlim(left - margin, right + margin)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("progress (0 % = baseline, 100 % = target; shaded: on-track band)")
    if title:
        ax.set_title(title)
    return ax


def transfer_rate(
    rates: TransferRate | Sequence[TransferRate] | Mapping[Any, TransferRate],
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Plot shares applying the training, each with its confidence interval and ``k of n``.

    Parameters
    ----------
    rates : TransferRate, sequence of TransferRate, or mapping of group to TransferRate
        From [`transfer_rate`][narcometrics.training.transfer_rate] (pooled or ``by=...``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        One point per rate at its share with an error bar from ``low`` to ``high``, and
        ``k of n followed up`` (and the follow-up rate) written beside it. A group nobody
        was followed up in draws no point and says so.

    Raises
    ------
    ValidationError
        For no rates.
    """
    from narcometrics.training import TransferRate

    if isinstance(rates, TransferRate):
        items = [rates]
    elif isinstance(rates, Mapping):
        items = list(rates.values())
    else:
        items = list(rates)
    if not items:
        raise ValidationError("rates", "holds no transfer rate", 0)
    for item in items:
        if not isinstance(item, TransferRate):
            raise TypeError(f"rates must hold TransferRate, not {type(item).__name__}")
    ax = _axes(ax, size=(7.5, 1.4 + 0.7 * len(items)))
    y = np.arange(len(items), dtype=np.float64)
    share = np.array([r.share for r in items], dtype=np.float64)
    low = np.array([r.low for r in items], dtype=np.float64)
    high = np.array([r.high for r in items], dtype=np.float64)
    ax.errorbar(
        share,
        y,
        xerr=np.vstack([share - low, high - share]),
        fmt="o",
        color="#3182bd",
        ecolor="black",
        capsize=5,
    )
    for yi, r in zip(y, items, strict=True):
        if r.n == 0:
            text = f"nobody followed up ({r.trained:,} trained)"
            at = 0.0
        else:
            text = (
                f"{r.k:,} of {r.n:,} followed up ({fmt_share(r.share)}); "
                f"followed up {fmt_share(r.follow_up_rate, 0)} of {r.trained:,} trained"
            )
            at = float(r.share)
        ax.annotate(
            text,
            (at, yi),
            xytext=(0, 7),
            textcoords="offset points",
            ha="left" if r.n == 0 else "center",
            va="bottom",
            fontsize=8,
        )
    labels = [" / ".join(str(v) for v in r.group) or "all" for r in items]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.set_xlim(0.0, 1.0)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    confidence = {f"{r.confidence:.0%}" for r in items}
    methods = {r.method.replace("_", "-") for r in items}
    ax.set_xlabel(
        f"share verified applying, with {'/'.join(sorted(confidence))} interval "
        f"({', '.join(sorted(methods))})"
    )
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title if title is not None else "Transfer of training")
    return ax
