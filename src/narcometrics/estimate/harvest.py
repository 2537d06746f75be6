"""Harvest timing for the adjusted avoided-production model: the share of a calendar year's
coca harvests already taken before an eradication, from its date or its period.

References
----------
.. [1] UNODC press releases; textbook figures: 3-4 coca harvests a year, up to 5 in the
   VRAEM.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from narcometrics import _checks as c
from narcometrics.errors import ValidationError
from narcometrics.estimate import _model as m
from narcometrics.estimate.result import FloatArray, Uncertain
from narcometrics.factors import Citation, FactorSet, MethodFamily

__all__ = ["DATE_KINDS", "MID_YEAR", "harvested_share_at"]

_ADJUSTMENTS = MethodFamily.ADJUSTMENTS.value

#: What eradication dates are, by the name the ``date_kind`` parameter takes.
DATE_KINDS = ("auto", "event")

_ONE_DAY = np.timedelta64(1, "D")


def _days(name: str, value: object) -> Any:
    """Dates as a datetime64[D] array (0-d for one date)."""
    if isinstance(value, np.ndarray):
        if value.dtype != np.dtype("datetime64[D]"):
            raise ValidationError(name, f"must be datetime64[D] dates, not {value.dtype}")
        days = value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            c.check_date(f"{name}[{i}]", item)
        days = np.asarray(value, dtype="datetime64[D]")
    else:
        days = np.asarray(c.check_date(name, value), "datetime64[D]")
    if np.any(np.isnat(days)):
        raise ValidationError(name, "must not be NaT")
    return days


def _fraction(days: Any, year_of: Any) -> FloatArray:
    """Fraction of the calendar year of ``year_of`` elapsed at the start of ``days``."""
    start = year_of.astype("datetime64[Y]")
    first = start.astype("datetime64[D]")
    length = (start + 1).astype("datetime64[D]") - first
    out: FloatArray = (days - first) / length
    return out


def _period(eradication_date: object, period_start: object) -> tuple[FloatArray, FloatArray]:
    """The fractions of the calendar year ``(t0, t1)`` a record covers: a dated event gives
    ``t0 == t1``; a period covers ``[period_start, eradication_date]``, both days included."""
    end = _days("eradication_date", eradication_date)
    if period_start is None:
        t = _fraction(end, end)
        return t, t
    start = _days("period_start", period_start)
    try:
        start, end = np.broadcast_arrays(start, end)
    except ValueError:
        raise ValidationError(
            "period_start", f"must pair with eradication_date: shape {start.shape}"
        ) from None
    late = start > end
    if np.any(late):
        raise ValidationError(
            "period_start", "must be on or before eradication_date", str(start[late].flat[0])
        )
    t0, t1 = _fraction(start, start), _fraction(end + _ONE_DAY, start)
    across = t1 > 1
    if np.any(across):
        raise ValidationError(
            "period_start",
            "a period must lie within one calendar year (the harvested share is a share of "
            "that year's harvests); split it at 31 December",
            str(start[across].flat[0]),
        )
    return t0, t1


def _looks_like_period_bounds(eradication_date: object) -> Any:
    """The first date, when every date is the first or last day of a month, else None."""
    days = _days("eradication_date", eradication_date)
    if not days.size:
        return None
    month = days.astype("datetime64[M]")
    bound = (days == month.astype("datetime64[D]")) | (
        days + _ONE_DAY == (month + 1).astype("datetime64[D]")
    )
    return str(days.flat[0]) if bool(np.all(bound)) else None


def _harvest_counts(adjustments: FactorSet) -> tuple[list[int], list[Citation]]:
    factor = m.need(adjustments, "harvests_per_year")
    low = factor.value if factor.low is None else factor.low
    high = factor.value if factor.high is None else factor.high
    if not (float(low).is_integer() and float(high).is_integer()):
        raise ValidationError(
            f"{adjustments.id}.harvests_per_year", "low and high must be whole numbers", low
        )
    return list(range(int(low), int(high) + 1)), list(factor.citations)


def _harvested(t0: FloatArray, t1: FloatArray, counts: Sequence[int], source: str) -> Uncertain:
    n = np.asarray(counts, dtype=np.float64).reshape((-1,) + (1,) * t0.ndim)
    low = np.min(np.floor(n * t0) / n, axis=0)
    high = np.max(np.ceil(n * t1) / n, axis=0)
    return Uncertain((t0 + t1) / 2.0, low, high, source=source)


def _floor_integral(y: FloatArray) -> FloatArray:
    """$\\int_0^y \\lfloor v \\rfloor dv$ for $y \\ge 0$."""
    k = np.floor(y)
    out: FloatArray = k * y - k * (k + 1.0) / 2.0
    return out


def _common_phase(
    t0: FloatArray, t1: FloatArray, counts: Sequence[int]
) -> Callable[[np.random.Generator, int, int], FloatArray]:
    """A Monte Carlo sampler of the harvested share with one harvest count and one harvest
    phase per draw, common to every record (the harvest calendar is regional, not drawn
    anew for each field)."""
    options = np.asarray(counts, dtype=np.float64)

    def sample(rng: np.random.Generator, n: int, ndim: int) -> FloatArray:
        shape = (1,) * (ndim - t0.ndim) + t0.shape
        a, b = t0.reshape(shape), t1.reshape(shape)
        u = rng.random((n, 2))  # one stream, so the draws do not depend on the chunk size
        pad = (n,) + (1,) * ndim
        k = options[np.minimum((u[:, 0] * options.size).astype(int), options.size - 1)]
        k, phase = k.reshape(pad), u[:, 1].reshape(pad)
        width = b - a
        point = np.floor(k * a + phase) / k
        with np.errstate(invalid="ignore", divide="ignore"):
            spread = (_floor_integral(k * b + phase) - _floor_integral(k * a + phase)) / (
                k * k * np.where(width > 0, width, 1.0)
            )
        out: FloatArray = np.where(width > 0, spread, point)
        return out

    return sample


def harvested_share_at(
    eradication_date: _dt.date | Sequence[_dt.date] | Any,
    adjustments: FactorSet | str = "pe-eradication-adjustments",
    *,
    period_start: _dt.date | Sequence[_dt.date] | Any = None,
) -> Uncertain:
    """Share of the calendar year's harvests already taken before eradication.

    Parameters
    ----------
    eradication_date : datetime.date, sequence of date, or numpy datetime64[D] array
        The day of eradication, or with ``period_start`` the last day of the period a record
        covers.
    adjustments : FactorSet or str
        A set with ``harvests_per_year`` [1/yr] and its range (default: 3 to 5, from
        ``pe-eradication-adjustments``).
    period_start : date(s), optional
        The first day of the period each record covers (eradication spread evenly over it);
        the period must lie within one calendar year.

    Returns
    -------
    Uncertain
        ``central`` is the fraction of the calendar year elapsed before the date (for a
        period, its mean over the period); ``low`` and ``high`` the shares possible with
        whole harvests, over every harvest count in the range [fraction].

    Notes
    -----
    With $n$ harvests spread over the year at an unknown phase, the harvests taken
    before the fraction $t$ of the year number $\\lfloor n t \\rfloor$ or
    $\\lceil n t \\rceil$, and their expected share is $t$. So, for an event

    $$
    h = t, \\quad h_{low} = \\min_n \\lfloor n t \\rfloor / n,
    \\quad h_{high} = \\max_n \\lceil n t \\rceil / n,
    \\quad n \\in \\{3, 4, 5\\},
    $$

    and for a period $[t_0, t_1]$: $h = (t_0 + t_1)/2$, $h_{low}$ at $t_0$ and
    $h_{high}$ at $t_1$. An annual record (1 January to 31 December) gives 0.5, 0 to 1.

    References
    ----------
    Harvests per year: 3-4 typical, up to 5 in the VRAEM (UNODC press; textbook figures).

    Examples
    --------
    >>> import datetime as dt
    >>> from narcometrics.estimate import harvested_share_at
    >>> share = harvested_share_at(dt.date(2017, 7, 2))
    >>> print(f"{share.central:.3f} ({share.low:.3f} to {share.high:.3f})")
    0.499 (0.250 to 0.667)
    >>> year = harvested_share_at(dt.date(2017, 12, 31), period_start=dt.date(2017, 1, 1))
    >>> print(f"{year.central:.3f} ({year.low:.3f} to {year.high:.3f})")
    0.500 (0.000 to 1.000)
    """
    factor_set = m.resolve(adjustments, _ADJUSTMENTS)
    counts, _ = _harvest_counts(factor_set)
    how = "from the eradication date" if period_start is None else "from each record's period"
    source = f"{how}; {factor_set.id}: harvests_per_year {counts[0]}-{counts[-1]}"
    t0, t1 = _period(eradication_date, period_start)
    return _harvested(t0, t1, counts, source)


#: Fraction of the year assumed elapsed at eradication when no date is given: eradication
#: spread evenly over the calendar year, so its mean timing is mid-year [fraction].
MID_YEAR = 0.5
