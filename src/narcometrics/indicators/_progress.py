"""Progress from baseline to target, on-track status and change between years."""

from __future__ import annotations

import datetime as _dt
import math
from enum import StrEnum

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from narcometrics import _checks as c
from narcometrics._checks import FloatOrArray, check_broadcast, check_real_array, is_scalar
from narcometrics.errors import MAX_PROBLEMS, Problem, ValidationError
from narcometrics.indicators._enums import Measure
from narcometrics.indicators._indicator import Indicator
from narcometrics.units import PERCENT


class ProgressStatus(StrEnum):
    """Where an actual stands against its target.

    ``achieved``: at or beyond the target in the indicator's good direction. ``on_track``:
    progress at least ``expected - band``. ``off_track``: less than that. ``undefined``:
    the actual is undefined (NaN, e.g. a zero denominator).
    """

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    UNDEFINED = "undefined"


@attrs.frozen(kw_only=True)
class Progress:
    """Progress of an actual from the baseline towards the target, with its inputs.

    Attributes
    ----------
    progress : float [fraction]
        $(a - b) / (t - b)$: 0 at the baseline, 1 at the target, negative when the
        indicator moved away from the target, above 1 beyond it; NaN when the target equals
        the baseline or the actual is undefined.
    status : ProgressStatus
        ``achieved``, ``on_track``, ``off_track`` or ``undefined``.
    actual, baseline, target : float [indicator unit]
        The inputs.
    ascending : bool
        Whether larger is better.
    expected : float [fraction]
        The progress expected by now (1 when judged against the target itself).
    band : float [fraction]
        The tolerance below ``expected`` still counted as on track.
    """

    progress: float
    status: ProgressStatus
    actual: float
    baseline: float
    target: float
    ascending: bool
    expected: float
    band: float

    @property
    def change(self) -> float:
        """Actual minus baseline, in the indicator's unit (percentage points for a
        percentage)."""
        return self.actual - self.baseline

    def __str__(self) -> str:
        if math.isnan(self.progress):
            return f"progress undefined ({self.status})"
        return f"{self.progress:.0%} of the way from baseline to target ({self.status})"

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.progress(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.progress(self).html()


def _check_sides(
    baseline: NDArray[np.float64], target: NDArray[np.float64], ascending: bool
) -> None:
    wrong = target < baseline if ascending else target > baseline
    if wrong.any():
        direction, relation = ("ascending", ">=") if ascending else ("descending", "<=")
        problems = []
        for index in np.argwhere(wrong)[:MAX_PROBLEMS]:
            label = "target" if target.ndim == 0 else f"target[{','.join(map(str, index))}]"
            where = tuple(index)
            problems.append(
                Problem(
                    field=label,
                    problem=f"must be {relation} the baseline ({float(baseline[where]):g}) for "
                    f"an {direction} indicator: progress runs from the baseline towards an "
                    "improvement",
                    value=float(target[where]),
                )
            )
        raise ValidationError.from_problems(problems, truncated=int(wrong.sum()) > MAX_PROBLEMS)


def progress_ratio(
    actual: ArrayLike, baseline: ArrayLike, target: ArrayLike, *, ascending: bool
) -> FloatOrArray:
    """Fraction of the way from baseline to target: $(a - b) / (t - b)$.

    Parameters
    ----------
    actual : float or array_like [indicator unit]
        NaN is allowed (an undefined actual) and gives NaN.
    baseline, target : float or array_like [indicator unit]
        Finite. The target must lie on the improving side of the baseline: at or above it
        when ``ascending``, at or below it otherwise.
    ascending : bool
        Whether larger is better. For a descending indicator (homicide rate) a reduction is
        progress: with $t < b$, a falling actual gives a rising ratio.

    Returns
    -------
    float or numpy.ndarray [fraction]
        NaN where the target equals the baseline (never 0).

    Raises
    ------
    ValidationError
        For a target on the wrong side of its baseline, or non-finite baseline or target.

    Notes
    -----
    $$
    p = \\frac{a - b}{t - b}
    $$

    A target on the wrong side of the baseline would make the ratio grow as the indicator
    worsens, which is why it is refused.

    References
    ----------
    IATI Standard 2.03 (result, indicator, baseline and target); progress and
    ``ascending`` as summarised in the documentation page "Aggregation semantics of indicators".

    Examples
    --------
    >>> progress_ratio(75.0, 50.0, 100.0, ascending=True)
    0.5
    >>> progress_ratio(8.0, 10.0, 6.0, ascending=False)  # a fall from 10 towards 6
    0.5
    """
    if not isinstance(ascending, bool):
        raise ValidationError("ascending", "must be True or False", ascending)
    a = check_real_array("actual", actual, non_negative=False, allow_nan=True)
    b = check_real_array("baseline", baseline, non_negative=False)
    t = check_real_array("target", target, non_negative=False)
    a, b, t = check_broadcast(("actual", a), ("baseline", b), ("target", t))
    _check_sides(b, t, ascending)
    span = t - b
    out = np.full(a.shape, np.nan)
    with np.errstate(over="ignore"):  # a tiny span gives inf, as it should
        np.divide(a - b, span, out=out, where=span != 0)
    return float(out) if is_scalar(actual, baseline, target) else out


def progress(
    actual: float,
    baseline: float,
    target: float,
    *,
    ascending: bool,
    band: float = 0.1,
    expected: float | None = None,
) -> Progress:
    """Progress of one actual towards its target, and whether it is on track.

    Parameters
    ----------
    actual : float [indicator unit]
        The actual for the period judged (NaN allowed: the status is then ``undefined``).
    baseline, target : float [indicator unit]
        Finite; the target on the improving side of the baseline (see
        [`progress_ratio`][narcometrics.indicators.progress_ratio]). Compare like with like: the
        baseline, target and actual of a flow indicator must cover periods of the same length.
    ascending : bool
        Whether larger is better.
    band : float, default 0.1 [fraction]
        Tolerance: on track when progress is at least ``expected - band``; >= 0.
    expected : float or None [fraction]
        The progress expected by now, in [0, 1] (e.g. from
        [`expected_progress`][narcometrics.indicators.expected_progress]). ``None`` judges against
        the target itself (expected = 1): on track within ``band`` of it.

    Returns
    -------
    Progress

    Raises
    ------
    ValidationError
        For non-finite inputs, a negative band, an expected progress outside [0, 1] or a
        target on the wrong side of the baseline.

    Notes
    -----
    With $p = (a - b)/(t - b)$ and $e$ the expected progress:

    - ``achieved`` when the actual is at or beyond the target in the good direction
      ($a \\ge t$ when ascending, $a \\le t$ otherwise);
    - ``on_track`` when $p \\ge e - \\text{band}$;
    - ``off_track`` otherwise (also when $t = b$ and the target is not reached);
    - ``undefined`` when the actual is NaN.

    References
    ----------
    IATI Standard 2.03 (result, indicator, baseline and target); progress and
    ``ascending`` as summarised in the documentation page "Aggregation semantics of indicators".

    Examples
    --------
    >>> print(progress(90.0, 50.0, 100.0, ascending=True, band=0.25))
    80% of the way from baseline to target (on_track)
    """
    value = c.check_real("actual", actual, allow_nan=True)
    base, goal = c.check_real("baseline", baseline), c.check_real("target", target)
    ratio = float(progress_ratio(value, base, goal, ascending=ascending))
    tolerance = c.check_non_negative("band", band)
    wanted = 1.0 if expected is None else c.check_fraction("expected", expected)
    if math.isnan(value):
        status = ProgressStatus.UNDEFINED
    elif (value >= goal) if ascending else (value <= goal):
        status = ProgressStatus.ACHIEVED
    elif not math.isnan(ratio) and ratio >= wanted - tolerance:
        status = ProgressStatus.ON_TRACK
    else:
        status = ProgressStatus.OFF_TRACK
    return Progress(
        progress=ratio,
        status=status,
        actual=value,
        baseline=base,
        target=goal,
        ascending=ascending,
        expected=wanted,
        band=tolerance,
    )


def expected_progress(at: _dt.date, *, start: _dt.date, end: _dt.date) -> float:
    """Share of the time from ``start`` to ``end`` elapsed at ``at`` (linear trajectory).

    Parameters
    ----------
    at, start, end : datetime.date
        ``start < end`` and ``start <= at <= end``.

    Returns
    -------
    float [fraction]
        $(at - start) / (end - start)$ in days.

    Raises
    ------
    ValidationError
        For dates out of order (never clipped).

    References
    ----------
    Linear expected progress between a baseline and a target date, as in EU logframe
    milestone reporting; see the documentation page "Aggregation semantics of indicators".

    Examples
    --------
    >>> import datetime as dt
    >>> expected_progress(dt.date(2017, 7, 2), start=dt.date(2017, 1, 1),
    ...                   end=dt.date(2017, 12, 31))
    0.5
    """
    for name, day in (("at", at), ("start", start), ("end", end)):
        c.check_date(name, day)
    if not start < end:
        raise ValidationError("end", f"must be after start ({start.isoformat()})", end)
    if not start <= at <= end:
        raise ValidationError(
            "at", f"must be within {start.isoformat()}..{end.isoformat()}", at.isoformat()
        )
    return (at - start).days / (end - start).days


@attrs.frozen(kw_only=True, eq=False)
class Change:
    """Change of an indicator between two years.

    Attributes
    ----------
    value : float or numpy.ndarray
        The change; NaN where undefined.
    unit : str
        ``"percentage points"`` for percentage indicators, ``"%"`` (relative change)
        otherwise.
    """

    value: FloatOrArray
    unit: str

    def __str__(self) -> str:
        if isinstance(self.value, float):
            return f"{self.value:+.6g} {self.unit}"
        return f"{self.value} {self.unit}"

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.change(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.change(self).html()


def change_over_time(indicator: Indicator, current: ArrayLike, previous: ArrayLike) -> Change:
    """Change of an indicator's value from the previous year to the current one.

    Parameters
    ----------
    indicator : Indicator
        A ``unit``, ``percentage`` or ``rate`` indicator.
    current, previous : float or array_like [indicator unit]
        Values of consecutive years; NaN (undefined) values give NaN.

    Returns
    -------
    Change
        For a percentage indicator the difference in percentage points; otherwise the
        relative change in percent, NaN when the previous value is 0.

    Raises
    ------
    ValidationError
        For nominal, ordinal and qualitative indicators, and infinite values.

    Notes
    -----
    Percentages: $x_t - x_{t-1}$ [percentage points]. Otherwise:

    $$
    \\Delta = \\frac{x_t - x_{t-1}}{|x_{t-1}|} \\times 100
    $$

    undefined when $x_{t-1} = 0$.

    References
    ----------
    the documentation page "Aggregation semantics of indicators" ("Change and records").
    """
    if not isinstance(indicator, Indicator):
        raise TypeError(f"indicator must be an Indicator, not {type(indicator).__name__}")
    if indicator.measure not in (Measure.UNIT, Measure.PERCENTAGE, Measure.RATE):
        raise ValidationError(
            "indicator.measure",
            f"has no year-over-year change for a {indicator.measure} indicator",
            str(indicator.measure),
        )
    now = check_real_array("current", current, non_negative=False, allow_nan=True)
    before = check_real_array("previous", previous, non_negative=False, allow_nan=True)
    now, before = check_broadcast(("current", now), ("previous", before))
    scalar = is_scalar(current, previous)
    if indicator.measure is Measure.PERCENTAGE:
        points = now - before
        return Change(value=float(points) if scalar else points, unit="percentage points")
    out = np.full(now.shape, np.nan)
    with np.errstate(over="ignore"):  # a tiny previous value gives inf, as it should
        np.divide((now - before) * PERCENT, np.abs(before), out=out, where=before != 0)
    return Change(value=float(out) if scalar else out, unit="%")
