"""Avoided cocaine production from eradication: the government flat method and an adjusted
model that accounts for what the flat factor ignores.

References
----------
.. [1] FIIAPP, "Peru: successful cooperation", 1 February 2018: 22,165 ha eradicated in
   2017, "preventing the production of up to 204.8 tonnes of cocaine".
.. [2] PNP-DIRANDRO 2017 year-end balance (huachos.com): 22,885 ha and 211.5 t.
.. [3] Diario Correo (diariocorreo.pe), December 2018 and March 2019: the police ratio of
   258.6 kg sun-dried leaf per kg cocaine HCl used by MININTER and CORAH.
.. [4] UNODC/DEVIDA, Peru coca monitoring fact sheet 2016; UNODC press releases 2014-2015
   (yields by zone, harvests per year, licit use).
.. [5] Inforegión; Caretas (April 2025): replanting of eradicated coca (31.6 %, 45.63 %).
.. [6] UNODC press release, 15 July 2015: 42,900 ha, 100,840 t of leaf, the VRAEM above
   3,500 kg/ha with about two thirds of it (the other-zone yield is derived from these).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.estimate import _model as m
from narcometrics.estimate._record import recorded
from narcometrics.estimate.harvest import (
    DATE_KINDS,
    MID_YEAR,
    _common_phase,
    _harvest_counts,
    _harvested,
    _looks_like_period_bounds,
    _period,
)
from narcometrics.estimate.result import Distribution, Estimate, FloatArray, Uncertain
from narcometrics.factors import Citation, FactorSet, MethodFamily
from narcometrics.units import KG_PER_T

__all__ = ["HORIZONS", "avoided_production", "avoided_production_adjusted"]

_FLAT = MethodFamily.FLAT_PER_HECTARE.value
_ADJUSTMENTS = MethodFamily.ADJUSTMENTS.value
_QUANTITY = "cocaine hydrochloride (100 % pure)"
_LEAF_YIELD_UNIT = "kg leaf/ha/yr"


def _base_terms(factor_set: FactorSet, area: m.Term) -> tuple[list[m.Term], bool]:
    """The area and the per-hectare factor terms of a flat set; True if yield/ratio."""
    if factor_set.has("hcl_per_ha"):
        flat = m.need(factor_set, "hcl_per_ha")
        terms = [
            area,
            m.factor_term(
                "hcl_per_ha",
                flat,
                set_id=factor_set.id,
                domain=m.Domain.POSITIVE,
                increasing=True,
                unit="kg HCl/ha",
            ),
        ]
        return terms, False
    leaf_yield = m.need(factor_set, "leaf_yield")
    ratio = m.need(factor_set, "leaf_per_hcl")
    terms = [
        area,
        m.factor_term(
            "yield_kg_per_ha",
            leaf_yield,
            set_id=factor_set.id,
            domain=m.Domain.NON_NEGATIVE,
            increasing=True,
            unit=_LEAF_YIELD_UNIT,
        ),
        m.factor_term(
            "leaf_per_hcl",
            ratio,
            set_id=factor_set.id,
            domain=m.Domain.POSITIVE,
            increasing=False,
            unit="kg leaf/kg HCl",
        ),
    ]
    return terms, True


def _per_hectare(p: Mapping[str, FloatArray]) -> FloatArray:
    """Avoided cocaine per eradicated hectare [kg HCl/ha] from the flat terms."""
    if "hcl_per_ha" in p:
        return p["hcl_per_ha"]
    out: FloatArray = p["yield_kg_per_ha"] / p["leaf_per_hcl"]
    return out


@recorded
def avoided_production(
    area_ha: m.Quantity,
    factors: FactorSet | str,
    *,
    zone_axis: int | None = None,
    draws: int | None = None,
    seed: int | np.random.Generator | None = None,
    percentiles: Sequence[float] = m.DEFAULT_PERCENTILES,
) -> Estimate:
    """Cocaine "avoided" by eradication, by the government flat method: an upper bound.

    Parameters
    ----------
    area_ha : float or array_like [ha]
        Eradicated area; >= 0 and finite.
    factors : FactorSet or str
        A flat-per-hectare set (``"pe-gov-2017"``, ``"pe-gov-2022"``, ``"pe-gov-2024"`` or
        your own) with ``hcl_per_ha`` [kg HCl/ha], or ``leaf_yield`` [kg leaf/ha/yr] and
        ``leaf_per_hcl`` [kg leaf/kg HCl].
    zone_axis : int, optional
        Sum the result over this axis of the inputs (e.g. zones or regions).
    draws : int, optional
        Monte Carlo draws over the factor ranges (triangular, mode at the value).
    seed : int or numpy.random.Generator, optional
        Required with ``draws``; the same seed gives the same draws.
    percentiles : sequence of float [%]
        Percentiles of the Monte Carlo draws to return.

    Returns
    -------
    Estimate
        Tonnes of 100 % pure cocaine hydrochloride [t]. ``low``/``high`` come from the
        factor ranges (for ``pe-gov-2017`` only the rounding of its derivation).

    Notes
    -----
    $$
    C = E \\, f / 1000, \\qquad f = \\bar Y / r
    $$

    with $E$ the eradicated area [ha], $f$ the flat factor [kg HCl/ha], $\\bar Y$ the national
    sun-dried leaf yield [kg/ha/yr] and $r$ the police ratio [kg leaf/kg HCl]. It counts a full year
    of leaf from every eradicated hectare, all of it turned into cocaine: no harvests already taken,
    no replanting, no zone yields, no licit use. It is an upper bound ("up to"); see
    [`avoided_production_adjusted`][narcometrics.estimate.avoided_production_adjusted].

    References
    ----------
    FIIAPP (2018) and PNP-DIRANDRO (2017) for ``pe-gov-2017`` (9.24 kg/ha derived from
    22,165 ha -> 204.8 t and 22,885 ha -> 211.5 t); UNODC/DEVIDA (2016) and Diario Correo
    (2018, 2019) for ``pe-gov-2022`` (2,415 / 258.6); CORAH/DEVIDA (2023-25) for
    ``pe-gov-2024`` (2,369 / 258.6, the yield inferred).

    Examples
    --------
    >>> from narcometrics.estimate import avoided_production
    >>> round(avoided_production(22_165, "pe-gov-2017").central, 1)
    204.8
    """
    factor_set = m.resolve(factors, _FLAT)
    terms, _ = _base_terms(factor_set, m.amount("area_ha", area_ha, "ha"))

    def model(p: Mapping[str, FloatArray]) -> FloatArray:
        out: FloatArray = p["area_ha"] * (_per_hectare(p) / KG_PER_T)
        return out

    return m.run(
        method="narcometrics.estimate.avoided_production",
        quantity=_QUANTITY,
        unit="t",
        terms=terms,
        model=model,
        factor_set=factor_set,
        note="government flat method: an upper bound ('up to'); ignores harvests already "
        "taken, replanting, zone yields and licit use",
        draws=draws,
        seed=seed,
        percentiles=percentiles,
        zone_axis=zone_axis,
    )


#: The horizons of the adjusted model, by the name the ``horizon`` parameter takes.
HORIZONS = ("calendar_year", "twelve_months")


def _default_yield(
    factor_set: FactorSet, adjustments: FactorSet
) -> tuple[Uncertain, list[Citation]]:
    other = m.need(adjustments, "other_zones_yield")
    national = m.need(factor_set, "leaf_yield")
    low = min(other.value, national.value)
    source = (
        f"default: {adjustments.id}: other_zones_yield {other.value:g} ({other.status.value}; "
        f"where most eradication happens) up to {factor_set.id}: leaf_yield "
        f"{national.value:g} (national)"
    )
    return Uncertain(low, low, national.value, source=source), [
        *other.citations,
        *national.citations,
    ]


def _choice(name: str, value: object, options: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in options:
        raise UnknownNameError(name, value if isinstance(value, str) else repr(value), options)
    return value


@recorded
def avoided_production_adjusted(
    area_ha: m.Quantity,
    factors: FactorSet | str,
    *,
    horizon: str = "calendar_year",
    yield_kg_per_ha: m.Quantity | None = None,
    harvested_share: m.Quantity | None = None,
    eradication_date: m.Dates | None = None,
    period_start: m.Dates | None = None,
    date_kind: str = "auto",
    replanting_share: m.Quantity | None = None,
    licit_share: m.Quantity | None = None,
    adjustments: FactorSet | str = "pe-eradication-adjustments",
    zone_axis: int | None = None,
    draws: int | None = None,
    seed: int | np.random.Generator | None = None,
    percentiles: Sequence[float] = m.DEFAULT_PERCENTILES,
) -> Estimate:
    """Cocaine avoided by eradication, adjusted for what the flat factor ignores.

    Every adjustment is a parameter: leave it out for the default from the cited figures (with its
    range), give a number or array for an exact value, or an
    [`Uncertain`][narcometrics.estimate.Uncertain] for your own range. The result never exceeds
    [`avoided_production`][narcometrics.estimate.avoided_production] for the same area, yield and
    ratio.

    Parameters
    ----------
    area_ha : float or array_like [ha]
        Eradicated area; >= 0 and finite.
    factors : FactorSet or str
        A flat-per-hectare set, as for
        [`avoided_production`][narcometrics.estimate.avoided_production]. Zone yields need a set
        with ``leaf_yield`` and ``leaf_per_hcl`` (``pe-gov-2022``, ``pe-gov-2024``); with
        ``pe-gov-2017`` (a flat factor only) ``yield_kg_per_ha`` cannot be given.
    horizon : {"calendar_year", "twelve_months"}
        Over which time the avoided production is counted (see Notes).
        ``"calendar_year"`` (default): from eradication to 31 December; deducts the
        harvests already taken before eradication, not replanting (replanted coca yields
        almost nothing before 31 December). ``"twelve_months"``: the twelve months after
        eradication; no harvest is taken yet ($h = 0$), replanting is deducted.
    yield_kg_per_ha : float, array_like or Uncertain [kg leaf/ha/yr], optional
        Sun-dried leaf yield of the eradicated fields (zone yields, e.g. VRAEM 3,500-3,600).
        Default: from the other-zone yield 1,419 (derived from UNODC's 2014 figures) up to
        the set's national yield, the other-zone yield being central: eradication
        concentrates in lower-yield zones while the national mean is pulled up by the VRAEM.
    harvested_share : float, array_like or Uncertain [fraction], optional
        Calendar-year horizon only: share of the year's harvests already taken before
        eradication, in [0, 1]. An array of Uncertain values is drawn element by element.
    eradication_date : datetime.date or dates, optional
        Calendar-year horizon only, instead of ``harvested_share``: the day of eradication
        of each record ([`harvested_share_at`][narcometrics.estimate.harvested_share_at]),
        or with ``period_start`` the last day of the period it covers. With neither, the
        default is eradication spread over the year: 0.5 (1/3 to 2/3, the shares possible at
        mid-year with 3 to 5 harvests a year; UNODC press and textbook figures).
    period_start : date(s), optional
        The first day of the period each record covers, when records are period totals
        (monthly, quarterly, annual) dated at their end: the harvested share is then the mean
        over the period, with a range that spans it.
    date_kind : {"auto", "event"}
        ``"auto"`` (default) refuses dates that all fall on the first or last day of a month
        without ``period_start``: such dates are almost always period bounds, and taken as
        days of eradication they put the harvests at the wrong time (an annual record dated
        31 December would count almost nothing as avoided). ``"event"`` confirms that the
        dates are days of eradication.
    replanting_share : float, array_like or Uncertain [fraction], optional
        Twelve-month horizon only: share of the eradicated area replanted, in [0, 1].
        Default: 0.386, the midpoint of the published 31.6 % (Inforegión) and 45.63 %
        (Caretas, April 2025), drawn uniformly over that range in Monte Carlo.
    licit_share : float, array_like or Uncertain [fraction], optional
        Share of the eradicated fields' leaf that would have gone to licit use, in [0, 1].
        Default: 0, up to the pro-rata share 0.1028 = (10,728 + 163) t / 105,960 t in 2016
        (UNODC/DEVIDA fact sheet 2016): CORAH eradicates unregistered fields, and licit
        demand is not drawn from them in proportion.
    adjustments : FactorSet or str
        Where the defaults come from (``"pe-eradication-adjustments"``).
    zone_axis : int, optional
        Sum the result over this axis of the inputs (e.g. zones).
    draws : int, optional
        Monte Carlo draws: each parameter with a range is drawn from its distribution
        (triangular with the mode at the central value; uniform for the default replanting
        share), all draws and regions at once. The harvested share from dates (or the
        mid-year default) is drawn as one harvest count and one harvest phase per draw,
        common to every record.
    seed : int or numpy.random.Generator, optional
        Required with ``draws``.
    percentiles : sequence of float [%]
        Percentiles of the Monte Carlo draws to return.

    Returns
    -------
    Estimate
        Tonnes of 100 % pure cocaine hydrochloride [t]; the assumptions used are in
        ``provenance.assumptions`` (a per-record harvested share is marked ``per_record``,
        with its area-weighted mean and range).

    Raises
    ------
    ValidationError
        For a deduction that does not belong to the horizon, dates that look like period
        bounds (``date_kind="auto"``), a period that crosses 31 December, and the checks of
        every parameter. UnknownNameError for an unknown ``horizon`` or ``date_kind``.

    Notes
    -----
    $$
    C_{cal} = \\frac{E \\, Y \\, (1 - h) \\, (1 - s)}{r \\cdot 1000}, \\qquad
    C_{12} = \\frac{E \\, Y \\, (1 - \\rho) \\, (1 - s)}{r \\cdot 1000}
    $$

    (with $Y / r$ replaced by the flat factor $f$ for a set without yield and
    ratio), where $E$ is the eradicated area [ha], $Y$ the leaf yield of the
    eradicated fields [kg/ha/yr], $r$ the ratio [kg leaf/kg HCl], and

    - $h$: on the calendar year, the harvests already taken before eradication were not
      prevented by it (3 to 5 harvests a year);
    - $\\rho$: on twelve months, replanted area resumes production. Counting the whole
      replanted share as producing within the twelve months is generous to replanting
      (new plants take months to yield), so this deduction is an upper end;
    - $s$: the share of the eradicated leaf that would have gone to licit use.

    The derivation of each horizon is in the documentation page "How cocaine potential is
    estimated". Each factor lies in [0, 1] and $Y$ is at most the national yield by
    default, so $C \\le E \\, Y / (r \\cdot 1000)$, the flat figure: "up to" is an upper
    bound for the same yield and ratio only (VRAEM fields above 3,500 kg/ha, or UNODC's
    k = 375 instead of the police's 258.6, change it).

    References
    ----------
    UNODC press release 2015 (2014 area, leaf and VRAEM yield, from which the other-zone
    yield is derived); UNODC press and textbook figures (harvests); Inforegión and Caretas
    2025 (replanting); UNODC/DEVIDA Peru fact sheet 2016 and press 2007 (licit use). See the
    ``pe-eradication-adjustments`` factor set.

    Examples
    --------
    >>> from narcometrics.estimate import avoided_production, avoided_production_adjusted
    >>> flat = avoided_production(22_885, "pe-gov-2022")
    >>> adjusted = avoided_production_adjusted(22_885, "pe-gov-2022")
    >>> adjusted.high <= flat.central
    True
    >>> twelve = avoided_production_adjusted(22_885, "pe-gov-2022", horizon="twelve_months")
    >>> twelve.provenance.assumptions[-2].name
    'replanting_share'
    """
    horizon = _choice("horizon", horizon, HORIZONS)
    date_kind = _choice("date_kind", date_kind, DATE_KINDS)
    factor_set = m.resolve(factors, _FLAT)
    adjust = m.resolve(adjustments, _ADJUSTMENTS)
    area = m.amount("area_ha", area_ha, "ha")
    terms, has_yield = _base_terms(factor_set, area)
    if has_yield:
        cited: list[Citation] = []
        if yield_kg_per_ha is None:
            yield_kg_per_ha, cited = _default_yield(factor_set, adjust)
        terms[1] = m.term(
            "yield_kg_per_ha",
            yield_kg_per_ha,
            domain=m.Domain.NON_NEGATIVE,
            increasing=True,
            unit=_LEAF_YIELD_UNIT,
            citations=cited,
        )
    elif yield_kg_per_ha is not None:
        raise ValidationError(
            "yield_kg_per_ha",
            f"{factor_set.id} has a flat factor only (no leaf_yield and leaf_per_hcl): "
            "a zone yield cannot be applied",
            factor_set.id,
        )
    if horizon == "twelve_months":
        for name, value in (
            ("harvested_share", harvested_share),
            ("eradication_date", eradication_date),
            ("period_start", period_start),
        ):
            if value is not None:
                raise ValidationError(
                    name,
                    "does not apply on the twelve-month horizon: the twelve months after "
                    "eradication hold a full year of harvests (h = 0); use "
                    "horizon='calendar_year'",
                )
        terms.append(_replanting_term(replanting_share, adjust))
    else:
        if replanting_share is not None:
            raise ValidationError(
                "replanting_share",
                "does not apply on the calendar-year horizon: coca replanted after "
                "eradication yields almost nothing before 31 December; use "
                "horizon='twelve_months'",
            )
        terms.append(
            _harvest_term(adjust, harvested_share, eradication_date, period_start, date_kind)
        )
    terms.append(_licit_term(licit_share, adjust))
    deduction = "harvested_share" if horizon == "calendar_year" else "replanting_share"

    def model(p: Mapping[str, FloatArray]) -> FloatArray:
        kept = (1.0 - p[deduction]) * (1.0 - p["licit_share"])
        out: FloatArray = p["area_ha"] * (_per_hectare(p) * (kept / KG_PER_T))
        return out

    if horizon == "calendar_year":
        note = (
            "avoided production from eradication to 31 December (calendar-year horizon), net "
            "of harvests already taken and licit use, with the yield of the eradicated fields"
        )
    else:
        note = (
            "avoided production over the twelve months after eradication, net of replanting "
            "and licit use, with the yield of the eradicated fields"
        )
    return m.run(
        method="narcometrics.estimate.avoided_production_adjusted",
        quantity=_QUANTITY,
        unit="t",
        terms=terms,
        model=model,
        factor_set=factor_set,
        note=note,
        draws=draws,
        seed=seed,
        percentiles=percentiles,
        zone_axis=zone_axis,
    )


def _harvest_term(
    adjust: FactorSet,
    harvested_share: m.Quantity | None,
    eradication_date: m.Dates | None,
    period_start: m.Dates | None,
    date_kind: str,
) -> m.Term:
    if harvested_share is not None and eradication_date is not None:
        raise ValidationError(
            "harvested_share", "give harvested_share or eradication_date, not both"
        )
    if period_start is not None and eradication_date is None:
        raise ValidationError("period_start", "needs eradication_date (the periods' last days)")
    if harvested_share is not None:
        return _fraction_term("harvested_share", harvested_share)
    counts, citations = _harvest_counts(adjust)
    if eradication_date is None:
        t0 = t1 = np.asarray(MID_YEAR)
        how = "default: eradication spread evenly over the year (mid-year)"
    else:
        if period_start is None and date_kind == "auto":
            first = _looks_like_period_bounds(eradication_date)
            if first is not None:
                raise ValidationError(
                    "eradication_date",
                    "every date is the first or last day of a month: these look like the "
                    "bounds of reporting periods, not days of eradication, and would put the "
                    "harvests at the wrong time of year; give period_start (each record's "
                    "first day), or date_kind='event' if they are days of eradication",
                    first,
                )
        t0, t1 = _period(eradication_date, period_start)
        how = "from the eradication dates" if period_start is None else "from each period"
    source = (
        f"{how}; {adjust.id}: harvests_per_year {counts[0]}-{counts[-1]}, one harvest "
        "phase common to all records"
    )
    term = _fraction_term("harvested_share", _harvested(t0, t1, counts, source), citations)
    return attrs.evolve(term, sampler=_common_phase(t0, t1, counts))


def _replanting_term(replanting_share: m.Quantity | None, adjust: FactorSet) -> m.Term:
    if replanting_share is not None:
        return _fraction_term("replanting_share", replanting_share)
    return m.factor_term(
        "replanting_share",
        m.need(adjust, "replanting_share"),
        set_id=adjust.id,
        domain=m.Domain.FRACTION,
        increasing=False,
        unit="fraction",
        distribution=Distribution.UNIFORM,
    )


def _licit_term(licit_share: m.Quantity | None, adjust: FactorSet) -> m.Term:
    if licit_share is not None:
        return _fraction_term("licit_share", licit_share)
    factor = m.need(adjust, "licit_share")
    upper = factor.value if factor.high is None else factor.high
    source = (
        f"default: 0 (CORAH eradicates unregistered fields) up to the pro-rata share "
        f"{upper:g} ({adjust.id}: licit_share, {factor.status.value})"
    )
    return _fraction_term(
        "licit_share", Uncertain(0.0, 0.0, upper, source=source), factor.citations
    )


def _fraction_term(name: str, value: object, citations: Sequence[Citation] = ()) -> m.Term:
    return m.term(
        name,
        value,
        domain=m.Domain.FRACTION,
        increasing=False,
        unit="fraction",
        citations=citations,
    )
