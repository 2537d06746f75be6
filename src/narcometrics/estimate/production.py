"""Leaf and cocaine production chains: the UNODC/DEVIDA Peru survey chain (sun-dried leaf)
and the UNODC/SIMCI Colombia chain (fresh leaf).

Colombian fresh leaf and Peruvian sun-dried leaf are not comparable: the two chains use
different factor sets and units, and each function checks the units of the set it is given.

References
----------
.. [1] UNODC/DEVIDA, Peru coca monitoring fact sheets 2005, 2015 and 2016; UNODC press
   releases 2014 and 2015: national sun-dried leaf yields and licit use.
.. [2] UNODC/DEVIDA, Peru coca monitoring 2008 (as quoted 2015-2018): k = 375 kg sun-dried
   leaf per kg cocaine HCl, used through the 2008 survey.
.. [3] UNODC/SIMCI Colombia coca surveys (via the press), Radio Nacional de Colombia (2021)
   and UNODC/SIMCI 2018-2020: fresh-leaf yield, coca paste per tonne of fresh leaf, base to
   HCl, and the published (fresh leaf, HCl) pairs the underived steps come from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from narcometrics.errors import ValidationError
from narcometrics.estimate import _model as m
from narcometrics.estimate._record import recorded
from narcometrics.estimate.result import Estimate, FloatArray
from narcometrics.factors import FactorSet, MethodFamily
from narcometrics.units import KG_PER_T

__all__ = [
    "FRESH_LEAF_STEPS",
    "hcl_from_fresh_leaf",
    "leaf_production",
    "potential_production",
    "potential_production_fresh_leaf",
]

_HCL = "cocaine hydrochloride (100 % pure)"


@recorded
def leaf_production(
    area_ha: m.Quantity,
    yield_kg_per_ha: m.Quantity,
    *,
    zone_axis: int | None = None,
    draws: int | None = None,
    seed: int | np.random.Generator | None = None,
    percentiles: Sequence[float] = m.DEFAULT_PERCENTILES,
) -> Estimate:
    """Sun-dried coca leaf produced by an area in a year.

    Parameters
    ----------
    area_ha : float or array_like [ha]
        Net area in production (e.g. at 31 December, per zone); >= 0 and finite.
    yield_kg_per_ha : float, array_like, Uncertain or Factor [kg leaf/ha/yr]
        Sun-dried leaf yield (per zone); a [`Factor`][narcometrics.factors.Factor] such as
        ``factors.get("pe-unodc-2008").get("national_yield", year=2016)`` brings its range
        and citations.
    zone_axis : int, optional
        Sum over this axis: with zone arrays, the zone-weighted total
        $\\sum_z A_z Y_z$.
    draws, seed, percentiles
        The Monte Carlo path, as in
        [`avoided_production`][narcometrics.estimate.avoided_production].

    Returns
    -------
    Estimate
        Tonnes of sun-dried leaf [t].

    Notes
    -----
    $$
    L = \\sum_z A_z \\, Y_z / 1000
    $$

    References
    ----------
    UNODC/DEVIDA Peru coca monitoring (survey chain, step 1).

    Examples
    --------
    Zone-weighted total of two zones (VRAEM 3,600 and other zones 2,300 kg/ha/yr, UNODC
    press 2015):

    >>> from narcometrics.estimate import leaf_production
    >>> leaf_production([1000.0, 2000.0], [3600.0, 2300.0], zone_axis=0).central
    8200.0
    """
    yield_term = m.term(
        "yield_kg_per_ha",
        yield_kg_per_ha,
        domain=m.Domain.NON_NEGATIVE,
        increasing=True,
        unit="kg leaf/ha/yr",
    )
    area = m.amount("area_ha", area_ha, "ha")

    def model(p: Mapping[str, FloatArray]) -> FloatArray:
        out: FloatArray = p["area_ha"] * (p["yield_kg_per_ha"] / KG_PER_T)
        return out

    return m.run(
        method="narcometrics.estimate.leaf_production",
        quantity="sun-dried coca leaf",
        unit="t",
        terms=[area, yield_term],
        model=model,
        factor_set=None,
        note=None,
        draws=draws,
        seed=seed,
        percentiles=percentiles,
        zone_axis=zone_axis,
    )


@recorded
def potential_production(
    leaf_t: m.Quantity,
    factors: FactorSet | str,
    *,
    licit_leaf_t: m.Quantity = 0.0,
    licit_share: m.Quantity = 0.0,
    draws: int | None = None,
    seed: int | np.random.Generator | None = None,
    percentiles: Sequence[float] = m.DEFAULT_PERCENTILES,
) -> Estimate:
    """Potential cocaine from sun-dried leaf, by the UNODC/DEVIDA Peru survey chain.

    Parameters
    ----------
    leaf_t : float, array_like or Uncertain [t]
        Sun-dried leaf produced (e.g. from
        [`leaf_production`][narcometrics.estimate.leaf_production]); >= 0.
    factors : FactorSet or str
        A set with ``leaf_per_hcl`` [kg leaf/kg HCl]: ``"pe-unodc-2008"`` (k = 375) or a
        flat set's police ratio (258.6).
    licit_leaf_t : float, array_like, Uncertain or Factor [t leaf/yr], optional
        Leaf used licitly (traditional and industrial); at most ``leaf_t``.
    licit_share : float, array_like or Uncertain [fraction], optional
        Instead of ``licit_leaf_t``: the licit share of the leaf, in [0, 1].
    draws, seed, percentiles
        The Monte Carlo path, as in
        [`avoided_production`][narcometrics.estimate.avoided_production].

    Returns
    -------
    Estimate
        Tonnes of 100 % pure cocaine hydrochloride [t].

    Notes
    -----
    $$
    C = \\frac{L - L_{licit}}{k}, \\qquad L_{licit} = \\text{licit\\_leaf\\_t}
    \\ \\text{or}\\ s \\, L
    $$

    with $L$ in tonnes and $k$ in kg leaf per kg HCl, so $C$ is in
    tonnes. This is UNODC's potential production: all the leaf harvested in a year, net
    of licit use, converted into 100 % pure cocaine hydrochloride. UNODC used
    $k = 375$ through the 2008 survey; from 2009 the Peru reports publish cocaine
    as "n.d." (the conversion was never validated), so later years are an extrapolation.

    References
    ----------
    UNODC/DEVIDA Peru coca monitoring 2008 (k = 375); fact sheet 2016 (licit use 10,728 t
    traditional + 163 t industrial); UNODC World Drug Report (definition).

    Examples
    --------
    >>> from narcometrics.estimate import potential_production
    >>> potential_production(105_960, "pe-unodc-2008", licit_leaf_t=10_891).central
    253.5173333333333
    """
    factor_set = m.resolve(factors)
    k = m.need(factor_set, "leaf_per_hcl")
    leaf = m.term("leaf_t", leaf_t, domain=m.Domain.NON_NEGATIVE, increasing=True, unit="t")
    licit = m.term(
        "licit_leaf_t",
        licit_leaf_t,
        domain=m.Domain.NON_NEGATIVE,
        increasing=False,
        unit="t leaf/yr",
    )
    share = m.term(
        "licit_share", licit_share, domain=m.Domain.FRACTION, increasing=False, unit="fraction"
    )
    if np.any(licit.high > 0) and np.any(share.high > 0):
        raise ValidationError("licit_share", "give licit_leaf_t or licit_share, not both")
    try:
        too_much = np.greater(licit.high, leaf.low)
    except ValueError:
        raise ValidationError("licit_leaf_t", "must broadcast with leaf_t") from None
    if np.any(too_much):
        shown = float(np.broadcast_to(licit.high, too_much.shape)[too_much].flat[0])
        raise ValidationError("licit_leaf_t", "must not exceed leaf_t", shown)
    k_term = m.factor_term(
        "leaf_per_hcl",
        k,
        set_id=factor_set.id,
        domain=m.Domain.POSITIVE,
        increasing=False,
        unit="kg leaf/kg HCl",
    )

    def model(p: Mapping[str, FloatArray]) -> FloatArray:
        net = p["leaf_t"] * (1.0 - p["licit_share"]) - p["licit_leaf_t"]
        out: FloatArray = net / p["leaf_per_hcl"]
        return out

    return m.run(
        method="narcometrics.estimate.potential_production",
        quantity=_HCL,
        unit="t",
        terms=[leaf, licit, share, k_term],
        model=model,
        factor_set=factor_set,
        note="UNODC/DEVIDA survey chain: (leaf - licit leaf) / k",
        draws=draws,
        seed=seed,
        percentiles=percentiles,
    )


#: The conversion steps of the fresh-leaf chain, each (factor name, unit): fresh leaf to
#: coca paste, paste to cocaine base, base to pure cocaine hydrochloride.
FRESH_LEAF_STEPS = (
    ("paste_per_fresh_leaf", "kg paste/t fresh leaf"),
    ("base_per_paste", "t base/t paste"),
    ("hcl_per_base", "t HCl/t base"),
)
#: One factor for the whole conversion, where the steps are not published separately.
_ONE_STEP = ("hcl_per_fresh_leaf", "kg HCl/t fresh leaf")


def _has_year(factor_set: FactorSet, name: str, year: int | None) -> bool:
    return any(f.name == name and f.year in (year, None) for f in factor_set.values)


def _conversion_terms(factor_set: FactorSet, year: int | None) -> list[m.Term]:
    """The terms converting tonnes of fresh leaf into kg of pure HCl, for ``year``."""
    if factor_set.has("base_per_fresh_leaf"):
        raise ValidationError(
            "factors",
            f"{factor_set.id} has base_per_fresh_leaf: the published 1.87 and 2.14 kg per t "
            "of fresh leaf are coca paste, not base; name it paste_per_fresh_leaf "
            "[kg paste/t fresh leaf] and add base_per_paste [t base/t paste] (see co-simci-2020)",
            factor_set.id,
        )
    steps = (_ONE_STEP,) if _has_year(factor_set, _ONE_STEP[0], year) else FRESH_LEAF_STEPS
    terms = []
    for name, unit in steps:
        factor = m.need(factor_set, name, year)
        terms.append(
            m.factor_term(
                name,
                factor,
                set_id=factor_set.id,
                domain=m.Domain.POSITIVE,
                increasing=True,
                unit=unit,
            )
        )
    return terms


def _per_tonne_of_leaf(p: Mapping[str, FloatArray]) -> FloatArray:
    """kg of pure HCl per tonne of fresh leaf, from the conversion terms."""
    if _ONE_STEP[0] in p:
        return p[_ONE_STEP[0]]
    out: FloatArray = p["paste_per_fresh_leaf"] * p["base_per_paste"] * p["hcl_per_base"]
    return out


def _chain_year(factor_set: FactorSet, year: int | None) -> int | None:
    return factor_set.last_year if year is None else year


@recorded
def hcl_from_fresh_leaf(
    fresh_leaf_t: m.Quantity,
    factors: FactorSet | str,
    *,
    year: int | None = None,
    zone_axis: int | None = None,
    draws: int | None = None,
    seed: int | np.random.Generator | None = None,
    percentiles: Sequence[float] = m.DEFAULT_PERCENTILES,
) -> Estimate:
    r"""Potential pure cocaine from fresh coca leaf, by the UNODC/SIMCI Colombia chain.

    Parameters
    ----------
    fresh_leaf_t : float, array_like or Uncertain [t fresh leaf]
        Fresh coca leaf; >= 0 and finite.
    factors : FactorSet or str
        A fresh-leaf-chain set (``"co-simci-2018"``, ``"co-simci-2019"``,
        ``"co-simci-2020"``) with, for ``year``, either the three steps
        ``paste_per_fresh_leaf`` [kg paste/t fresh leaf], ``base_per_paste``
        [t base/t paste] and ``hcl_per_base`` [t HCl/t base], or one
        ``hcl_per_fresh_leaf`` [kg HCl/t fresh leaf] where the steps are not published.
    year : int, optional
        Which year's factors to use; default the set's last year.
    zone_axis, draws, seed, percentiles
        As in [`avoided_production`][narcometrics.estimate.avoided_production].

    Returns
    -------
    Estimate
        Tonnes of 100 % pure cocaine hydrochloride [t].

    Notes
    -----
    $$
    C = F \, p \, b \, c / 1000 \quad\text{or}\quad C = F \, q / 1000
    $$

    fresh leaf $F$ [t] -> coca paste $F p$ [kg] -> cocaine base $F p b$ [kg] -> pure HCl
    $F p b c$ [kg], with $p$ the paste per tonne of leaf, $b$ the base per tonne of paste
    (derived: not published) and $c$ the base-to-HCl ratio; or one derived factor
    $q$ [kg HCl/t leaf] where the steps are not published (2018, 2019). The derivations
    are in the documentation page "How cocaine potential is estimated".

    References
    ----------
    Radio Nacional de Colombia 2021 (2.14 kg paste per t of fresh leaf in 2020); UNODC/SIMCI
    2018, 2019 and 2020 (the published fresh leaf and HCl pairs; 0.80 t HCl per t base).

    Examples
    --------
    The published 2020 fresh leaf gives the published 1,228 t:

    >>> from narcometrics.estimate import hcl_from_fresh_leaf
    >>> round(hcl_from_fresh_leaf(997_300, "co-simci-2020").central)
    1228
    """
    factor_set = m.resolve(factors, MethodFamily.FRESH_LEAF_CHAIN.value)
    year = _chain_year(factor_set, year)
    leaf = m.term(
        "fresh_leaf_t",
        fresh_leaf_t,
        domain=m.Domain.NON_NEGATIVE,
        increasing=True,
        unit="t fresh leaf",
        record=False,
    )
    terms = [leaf, *_conversion_terms(factor_set, year)]

    def model(p: Mapping[str, FloatArray]) -> FloatArray:
        out: FloatArray = p["fresh_leaf_t"] * (_per_tonne_of_leaf(p) / KG_PER_T)
        return out

    return m.run(
        method="narcometrics.estimate.hcl_from_fresh_leaf",
        quantity=_HCL,
        unit="t",
        terms=terms,
        model=model,
        factor_set=factor_set,
        note=f"UNODC/SIMCI fresh-leaf chain, factors for {year}",
        draws=draws,
        seed=seed,
        percentiles=percentiles,
        zone_axis=zone_axis,
    )


@recorded
def potential_production_fresh_leaf(
    area_ha: m.Quantity,
    factors: FactorSet | str,
    *,
    year: int | None = None,
    zone_axis: int | None = None,
    draws: int | None = None,
    seed: int | np.random.Generator | None = None,
    percentiles: Sequence[float] = m.DEFAULT_PERCENTILES,
) -> Estimate:
    r"""Potential pure cocaine from an area, by the UNODC/SIMCI Colombia fresh-leaf chain.

    Parameters
    ----------
    area_ha : float or array_like [ha]
        Harvested (productive) coca area; >= 0 and finite.
    factors : FactorSet or str
        A fresh-leaf-chain set (``"co-simci-2018"``, ``"co-simci-2019"``,
        ``"co-simci-2020"``) with ``fresh_leaf_yield`` [t fresh leaf/ha/yr] and the
        conversion of [`hcl_from_fresh_leaf`][narcometrics.estimate.hcl_from_fresh_leaf]
        for ``year``.
    year : int, optional
        Which year's factors to use; default the set's last year.
    zone_axis, draws, seed, percentiles
        As in [`avoided_production`][narcometrics.estimate.avoided_production].

    Returns
    -------
    Estimate
        Tonnes of 100 % pure cocaine hydrochloride [t].

    Notes
    -----
    $$
    C = A \, Y_f \, p \, b \, c / 1000 \quad\text{or}\quad C = A \, Y_f \, q / 1000
    $$

    area $A$ [ha] -> fresh leaf $A Y_f$ [t] -> coca paste -> cocaine base -> pure cocaine
    HCl, as in [`hcl_from_fresh_leaf`][narcometrics.estimate.hcl_from_fresh_leaf]. Per
    harvested hectare: 6.53 (2018), 6.64 (2019) and 7.88 (2020) kg HCl, against the
    published 6.5, 6.7 and 7.9.

    References
    ----------
    UNODC/SIMCI Colombia coca surveys (fresh-leaf yields 5.7, 5.8 and 6.4 t/ha/yr in 2018,
    2019 and 2020, via the press); Radio Nacional de Colombia 2021 (2.14 kg coca paste per t
    of fresh leaf in 2020); UNODC/SIMCI 2018-2020 (published pairs; 0.80 t HCl per t base).

    Examples
    --------
    >>> from narcometrics.estimate import potential_production_fresh_leaf
    >>> round(potential_production_fresh_leaf(1.0, "co-simci-2020").central * 1000, 2)
    7.88
    """
    factor_set = m.resolve(factors, MethodFamily.FRESH_LEAF_CHAIN.value)
    year = _chain_year(factor_set, year)
    area = m.amount("area_ha", area_ha, "ha")
    yield_term = m.factor_term(
        "fresh_leaf_yield",
        m.need(factor_set, "fresh_leaf_yield", year),
        set_id=factor_set.id,
        domain=m.Domain.POSITIVE,
        increasing=True,
        unit="t fresh leaf/ha/yr",
    )
    terms = [area, yield_term, *_conversion_terms(factor_set, year)]

    def model(p: Mapping[str, FloatArray]) -> FloatArray:
        per_ha = p["fresh_leaf_yield"] * _per_tonne_of_leaf(p)
        out: FloatArray = p["area_ha"] * (per_ha / KG_PER_T)
        return out

    return m.run(
        method="narcometrics.estimate.potential_production_fresh_leaf",
        quantity=_HCL,
        unit="t",
        terms=terms,
        model=model,
        factor_set=factor_set,
        note=f"UNODC/SIMCI fresh-leaf chain, factors for {year}",
        draws=draws,
        seed=seed,
        percentiles=percentiles,
        zone_axis=zone_axis,
    )
