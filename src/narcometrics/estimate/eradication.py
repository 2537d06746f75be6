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
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from narcometrics import _checks as c
from narcometrics.errors import ValidationError
from narcometrics.estimate import _model as m
from narcometrics.estimate._record import recorded
from narcometrics.estimate.result import Distribution, Estimate, FloatArray, Uncertain
from narcometrics.factors import Citation, FactorSet, MethodFamily
from narcometrics.units import KG_PER_T

__all__ = ["avoided_production", "avoided_production_adjusted", "harvested_share_at"]

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
                kind=m.Kind.POSITIVE,
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
            kind=m.Kind.NON_NEGATIVE,
            increasing=True,
            unit=_LEAF_YIELD_UNIT,
        ),
        m.factor_term(
            "leaf_per_hcl",
            ratio,
            set_id=factor_set.id,
            kind=m.Kind.POSITIVE,
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
    area_ha: Any,
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


def _year_fraction(eradication_date: object) -> FloatArray:
    """Fraction of the calendar year elapsed before each date [fraction]."""
    if isinstance(eradication_date, np.ndarray):
        if eradication_date.dtype != np.dtype("datetime64[D]"):
            raise ValidationError(
                "eradication_date",
                f"must be datetime64[D] dates, not {eradication_date.dtype}",
            )
        days = eradication_date
    elif isinstance(eradication_date, (list, tuple)):
        for i, item in enumerate(eradication_date):
            c.check_date(f"eradication_date[{i}]", item)
        days = np.asarray(eradication_date, dtype="datetime64[D]")
    else:
        days = np.asarray(c.check_date("eradication_date", eradication_date), "datetime64[D]")
    if np.any(np.isnat(days)):
        raise ValidationError("eradication_date", "must not be NaT")
    start = days.astype("datetime64[Y]")
    first = start.astype("datetime64[D]")
    length = (start + 1).astype("datetime64[D]") - first
    out: FloatArray = (days - first) / length
    return out


def _harvest_counts(adjustments: FactorSet) -> tuple[list[int], list[Citation]]:
    factor = m.need(adjustments, "harvests_per_year")
    low = factor.value if factor.low is None else factor.low
    high = factor.value if factor.high is None else factor.high
    if not (float(low).is_integer() and float(high).is_integer()):
        raise ValidationError(
            f"{adjustments.id}.harvests_per_year", "low and high must be whole numbers", low
        )
    return list(range(int(low), int(high) + 1)), list(factor.citations)


def _harvested(fraction: FloatArray, counts: Sequence[int], source: str) -> Uncertain:
    n = np.asarray(counts, dtype=np.float64).reshape((-1,) + (1,) * fraction.ndim)
    low = np.min(np.floor(n * fraction) / n, axis=0)
    high = np.max(np.ceil(n * fraction) / n, axis=0)
    return Uncertain(fraction, low, high, source=source)


def harvested_share_at(
    eradication_date: _dt.date | Sequence[_dt.date] | Any,
    adjustments: FactorSet | str = "pe-eradication-adjustments",
) -> Uncertain:
    """Share of the year's harvests already taken before an eradication date.

    Parameters
    ----------
    eradication_date : datetime.date, sequence of date, or numpy datetime64[D] array
        Date(s) of eradication.
    adjustments : FactorSet or str
        A set with ``harvests_per_year`` [1/yr] and its range (default: 3 to 5, from
        ``pe-eradication-adjustments``).

    Returns
    -------
    Uncertain
        ``central`` is the fraction of the calendar year elapsed before the date; ``low``
        and ``high`` the shares possible with whole harvests, over every harvest count in
        the range [fraction].

    Notes
    -----
    With $n$ harvests spread over the year at an unknown phase, the harvests taken
    before the fraction $t$ of the year number $\\lfloor n t \\rfloor$ or
    $\\lceil n t \\rceil$, and their expected share is $t$. So

    $$
    h = t, \\quad h_{low} = \\min_n \\lfloor n t \\rfloor / n,
    \\quad h_{high} = \\max_n \\lceil n t \\rceil / n,
    \\quad n \\in \\{3, 4, 5\\}.
    $$

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
    """
    factor_set = m.resolve(adjustments, _ADJUSTMENTS)
    counts, _ = _harvest_counts(factor_set)
    source = (
        f"from the eradication date; {factor_set.id}: harvests_per_year {counts[0]}-{counts[-1]}"
    )
    return _harvested(_year_fraction(eradication_date), counts, source)


#: Fraction of the year assumed elapsed at eradication when no date is given: eradication
#: spread evenly over the calendar year, so its mean timing is mid-year [fraction].
MID_YEAR = 0.5


def _default_yield(
    factor_set: FactorSet, adjustments: FactorSet
) -> tuple[Uncertain, list[Citation]]:
    other = m.need(adjustments, "other_zones_yield")
    national = m.need(factor_set, "leaf_yield")
    low = min(other.value, national.value)
    source = (
        f"default: {adjustments.id}: other_zones_yield {other.value:g} (where most eradication "
        f"happens) up to {factor_set.id}: leaf_yield {national.value:g} (national)"
    )
    return Uncertain(low, low, national.value, source=source), [
        *other.citations,
        *national.citations,
    ]


@recorded
def avoided_production_adjusted(
    area_ha: Any,
    factors: FactorSet | str,
    *,
    yield_kg_per_ha: Any = None,
    harvested_share: Any = None,
    eradication_date: Any = None,
    replanting_share: Any = None,
    licit_share: Any = None,
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
    yield_kg_per_ha : float, array_like or Uncertain [kg leaf/ha/yr], optional
        Sun-dried leaf yield of the eradicated fields (zone yields, e.g. VRAEM 3,500-3,600,
        other zones about 2,300). Default: from the other-zone yield 2,300 (UNODC press
        2015) up to the set's national yield, the other-zone yield being central:
        eradication concentrates in lower-yield zones while the national mean is pulled up
        by the VRAEM.
    harvested_share : float, array_like or Uncertain [fraction], optional
        Share of the year's harvests already taken before eradication, in [0, 1].
    eradication_date : datetime.date or dates, optional
        Instead of ``harvested_share``: the share follows from the date
        ([`harvested_share_at`][narcometrics.estimate.harvested_share_at]). With neither, the
        default is eradication spread over the year: 0.5 (1/3 to 2/3, the shares possible at
        mid-year with 3 to 5 harvests a year; UNODC press and textbook figures).
    replanting_share : float, array_like or Uncertain [fraction], optional
        Share of the eradicated area replanted, in [0, 1]. Default: 0.386, the midpoint of
        the published 31.6 % (Inforegión) and 45.63 % (Caretas, April 2025), drawn
        uniformly over that range in Monte Carlo.
    licit_share : float, array_like or Uncertain [fraction], optional
        Share of the leaf going to licit (traditional and industrial) use, in [0, 1].
        Default: 0.1028 = (10,728 + 163) t / 105,960 t in 2016 (UNODC/DEVIDA fact sheet
        2016), down to 8 % in 2006 (press 2007 quoting UNODC/INEI).
    adjustments : FactorSet or str
        Where the defaults come from (``"pe-eradication-adjustments"``).
    zone_axis : int, optional
        Sum the result over this axis of the inputs (e.g. zones).
    draws : int, optional
        Monte Carlo draws: each parameter with a range is drawn from its distribution
        (triangular with the mode at the central value; uniform for the default replanting
        share), all draws and regions at once.
    seed : int or numpy.random.Generator, optional
        Required with ``draws``.
    percentiles : sequence of float [%]
        Percentiles of the Monte Carlo draws to return.

    Returns
    -------
    Estimate
        Tonnes of 100 % pure cocaine hydrochloride [t]; the assumptions used are in
        ``provenance.assumptions``.

    Notes
    -----
    The avoided production over the calendar year of eradication:

    $$
    C = \\frac{E \\, Y \\, (1 - h) \\, (1 - \\rho) \\, (1 - s)}{r \\cdot 1000}
    $$

    (with $Y / r$ replaced by the flat factor $f$ for a set without yield and
    ratio), where $E$ is the eradicated area [ha], $Y$ the leaf yield of the
    eradicated fields [kg/ha/yr], $r$ the ratio [kg leaf/kg HCl], and

    - $h$: the harvests of the year already taken before eradication were not
      prevented by it (3 to 5 harvests a year);
    - $\\rho$: replanted area resumes production, so its harvests are not avoided.
      Counting the whole replanted share as producing is generous to replanting within the
      year (new plants take time to yield); set ``replanting_share=0`` to ignore it;
    - $s$: the share of the leaf that would have gone to licit use rather than to
      cocaine, as in the survey chain (licit use drawn from all fields in proportion). If
      licit demand were met first from the remaining fields, the marginal licit share of
      eradicated leaf would be 0: set ``licit_share=0``.

    Each factor lies in [0, 1] and $Y$ is at most the national yield by default, so
    $C \\le E \\, Y / (r \\cdot 1000)$, the flat figure.

    References
    ----------
    UNODC press release 2015 (zone yields); UNODC press and textbook figures (harvests);
    Inforegión and Caretas 2025 (replanting); UNODC/DEVIDA Peru fact sheet 2016 and press
    2007 (licit use). See the ``pe-eradication-adjustments`` factor set.

    Examples
    --------
    >>> from narcometrics.estimate import avoided_production, avoided_production_adjusted
    >>> flat = avoided_production(22_885, "pe-gov-2022")
    >>> adjusted = avoided_production_adjusted(22_885, "pe-gov-2022")
    >>> adjusted.high <= flat.central
    True
    """
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
            kind=m.Kind.NON_NEGATIVE,
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
    if harvested_share is not None and eradication_date is not None:
        raise ValidationError(
            "harvested_share", "give harvested_share or eradication_date, not both"
        )
    harvest_citations: list[Citation] = []
    if harvested_share is None:
        counts, harvest_citations = _harvest_counts(adjust)
        if eradication_date is None:
            fraction = np.asarray(MID_YEAR)
            how = "default: eradication spread evenly over the year (mid-year)"
        else:
            fraction, how = _year_fraction(eradication_date), "from the eradication date"
        source = f"{how}; {adjust.id}: harvests_per_year {counts[0]}-{counts[-1]}"
        harvested_share = _harvested(fraction, counts, source)
    terms.append(_fraction_term("harvested_share", harvested_share, harvest_citations))
    for name, value in (("replanting_share", replanting_share), ("licit_share", licit_share)):
        if value is None:
            factor = m.need(adjust, name)
            uniform = name == "replanting_share"
            terms.append(
                m.factor_term(
                    name,
                    factor,
                    set_id=adjust.id,
                    kind=m.Kind.FRACTION,
                    increasing=False,
                    unit="fraction",
                    distribution=Distribution.UNIFORM if uniform else Distribution.TRIANGULAR,
                )
            )
        else:
            terms.append(_fraction_term(name, value))

    def model(p: Mapping[str, FloatArray]) -> FloatArray:
        kept = (1.0 - p["harvested_share"]) * (1.0 - p["replanting_share"])
        per_ha = _per_hectare(p) * ((1.0 - p["licit_share"]) * kept / KG_PER_T)
        out: FloatArray = p["area_ha"] * per_ha
        return out

    return m.run(
        method="narcometrics.estimate.avoided_production_adjusted",
        quantity=_QUANTITY,
        unit="t",
        terms=terms,
        model=model,
        factor_set=factor_set,
        note="avoided production over the calendar year of eradication, net of harvests "
        "already taken, replanting and licit use, with the yield of the eradicated fields",
        draws=draws,
        seed=seed,
        percentiles=percentiles,
        zone_axis=zone_axis,
    )


def _fraction_term(name: str, value: object, citations: Sequence[Citation] = ()) -> m.Term:
    return m.term(
        name,
        value,
        kind=m.Kind.FRACTION,
        increasing=False,
        unit="fraction",
        citations=citations,
    )
