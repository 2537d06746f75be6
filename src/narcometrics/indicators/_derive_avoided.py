"""Cocaine production avoided by eradication, per period: the records' counterpart of the
estimation models (see [`derive`][narcometrics.indicators.hectares_eradicated]).

Two functions, one per model, instead of one function with a flag that switches models:
[`production_avoided_up_to`][narcometrics.indicators.production_avoided_up_to] (the government
flat method, an upper bound) and
[`production_avoided_adjusted`][narcometrics.indicators.production_avoided_adjusted] (harvests
already taken, replanting, licit use). Their names follow the other derived indicators
(``hectares_eradicated``, ``laboratories_destroyed``) and do not repeat
[`narcometrics.estimate.avoided_production`][narcometrics.estimate.avoided_production], which
estimates from an area, not from records.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from narcometrics.aggregate import total
from narcometrics.estimate import Estimate
from narcometrics.estimate import avoided_production as _flat_estimate
from narcometrics.estimate import avoided_production_adjusted as _adjusted_estimate
from narcometrics.factors import FactorSet
from narcometrics.indicators._derive import (
    Fields,
    PeriodUnit,
    Spec,
    make_spec,
    ordered,
    period_keyword,
    row_groups,
)
from narcometrics.indicators._enums import VerificationStatus
from narcometrics.indicators._values import Actual
from narcometrics.tables import EradicationTable

__all__ = ["production_avoided_adjusted", "production_avoided_up_to"]


def _factor_label(estimate: Estimate) -> str:
    cited = estimate.provenance.cited()
    sources = f" ({cited})" if cited else ""
    return f"factor set {estimate.provenance.factor_set}{sources}"


def _estimated(estimate: Estimate) -> dict[str, Any]:
    return {"value": estimate.central, "unit": estimate.unit, "estimate": estimate}


def _spec(eradications: object, options: dict[str, Any]) -> Spec:
    return make_spec("eradications", eradications, EradicationTable, **options)


@period_keyword
def production_avoided_up_to(
    eradications: EradicationTable,
    factors: FactorSet | str,
    *,
    period: PeriodUnit = "year",
    location: str | None = None,
    dimensions: Fields = (),
    source: str | None = None,
    verification: VerificationStatus | str = VerificationStatus.UNVERIFIED,
) -> list[Actual]:
    """Cocaine production avoided by eradication, "up to" [t]: the flat method per period.

    The records' counterpart of
    [`narcometrics.estimate.avoided_production`][narcometrics.estimate.avoided_production]
    (the government flat method, an upper bound): each actual's ``value`` is the central value
    of an estimate made from the period's total eradicated area, and its ``estimate`` field
    keeps that [`Estimate`][narcometrics.estimate.Estimate] (range, method, factor set,
    citations, library version). Its source names the method and the factor set.

    Parameters
    ----------
    eradications : EradicationTable
        The records.
    factors : FactorSet or str
        A flat-per-hectare factor set (``"pe-gov-2017"``, ...). There is no default: the
        factor set is a choice to state.
    period, location, dimensions, source, verification
        As for [`hectares_eradicated`][narcometrics.indicators.hectares_eradicated].

    Returns
    -------
    list of Actual
        One per period and category that has records, in ``"t"`` (tonnes of 100 % pure
        cocaine hydrochloride), with ``estimate`` set; an empty table gives an empty list.

    Raises
    ------
    ValidationError
        As [`hectares_eradicated`][narcometrics.indicators.hectares_eradicated], and for a factor
        set that is not a flat-per-hectare set (even for an empty table).
    UnknownNameError
        For an unknown factor set.

    Notes
    -----
    $C = E f / 1000$ with $E$ the period's area [ha] and $f$ [kg/ha]; the method is linear
    in the area, so the estimates of the quarters add up to the estimate of the year (to
    rounding), ranges included.

    Examples
    --------
    >>> from narcometrics.datasets import peru_2017_example
    >>> from narcometrics.indicators import production_avoided_up_to
    >>> [actual] = production_avoided_up_to(peru_2017_example().eradications, "pe-gov-2017")
    >>> round(actual.value, 1), actual.unit, actual.estimate.provenance.factor_set
    (204.8, 't', 'pe-gov-2017')
    """
    spec = _spec(
        eradications,
        {
            "period": period,
            "location": location,
            "dimensions": dimensions,
            "source": source,
            "verification": verification,
        },
    )
    _flat_estimate(0.0, factors)  # checks the factor set, also without records
    totals = total(spec.table, "area_ha", by=spec.fields)
    actuals = []
    for key, area_ha, records in zip(
        totals.keys(), totals.values.tolist(), totals.counts.tolist(), strict=True
    ):
        estimate = _flat_estimate(area_ha, factors)
        what = (
            f"estimate narcometrics.estimate.avoided_production from {area_ha:,.6g} ha, "
            f"{_factor_label(estimate)}: an upper bound ('up to')"
        )
        actuals.append(spec.actual(key, records, what, **_estimated(estimate)))
    return ordered(actuals)


@period_keyword
def production_avoided_adjusted(
    eradications: EradicationTable,
    factors: FactorSet | str,
    *,
    date_kind: str = "auto",
    period: PeriodUnit = "year",
    location: str | None = None,
    dimensions: Fields = (),
    source: str | None = None,
    verification: VerificationStatus | str = VerificationStatus.UNVERIFIED,
) -> list[Actual]:
    """Cocaine production avoided by eradication, adjusted [t]: per record, summed per period.

    The records' counterpart of
    [`narcometrics.estimate.avoided_production_adjusted`][narcometrics.estimate.avoided_production_adjusted]
    with its default ranges, from each record's area and date (harvests already taken,
    replanting, licit use), summed over the period; call that function directly for other
    parameters. Each actual's ``estimate`` field keeps the period's
    [`Estimate`][narcometrics.estimate.Estimate].

    Parameters
    ----------
    eradications : EradicationTable
        The records.
    factors : FactorSet or str
        A flat-per-hectare factor set (``"pe-gov-2017"``, ...), as for
        [`production_avoided_up_to`][narcometrics.indicators.production_avoided_up_to].
    date_kind : {"auto", "event"}
        ``"event"`` confirms the record dates are days of eradication; ``"auto"`` (default)
        refuses a period whose dates all fall on the first or last day of a month (they look
        like reporting-period bounds), as
        [`narcometrics.estimate.avoided_production_adjusted`][narcometrics.estimate.avoided_production_adjusted].
    period, location, dimensions, source, verification
        As for [`hectares_eradicated`][narcometrics.indicators.hectares_eradicated].

    Returns
    -------
    list of Actual
        One per period and category that has records, in ``"t"``, with ``estimate`` set; an
        empty table gives an empty list.

    Raises
    ------
    ValidationError
        As [`production_avoided_up_to`][narcometrics.indicators.production_avoided_up_to],
        and for dates that look like reporting-period bounds (with ``date_kind="auto"``).
    UnknownNameError
        For an unknown factor set or ``date_kind``.

    Notes
    -----
    The model is linear in the area, so the estimates of the quarters add up to the
    estimate of the year (to rounding), ranges included.
    """
    spec = _spec(
        eradications,
        {
            "period": period,
            "location": location,
            "dimensions": dimensions,
            "source": source,
            "verification": verification,
        },
    )
    _adjusted_estimate(0.0, factors)  # checks the factor set, also without records
    table = spec.table
    assert isinstance(table, EradicationTable)
    group, keys = row_groups(spec)
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(len(keys) + 1))
    area, date = np.asarray(table.area_ha), np.asarray(table.date)
    actuals = []
    for index, key in enumerate(keys):
        rows = order[bounds[index] : bounds[index + 1]]
        estimate = _adjusted_estimate(
            area[rows], factors, eradication_date=date[rows], date_kind=date_kind, zone_axis=0
        )
        what = (
            "estimate narcometrics.estimate.avoided_production_adjusted from each "
            f"record's area_ha and date, {_factor_label(estimate)}, range "
            f"{estimate.low:,.4g} to {estimate.high:,.4g} t"
        )
        actuals.append(spec.actual(key, len(rows), what, **_estimated(estimate)))
    return ordered(actuals)
