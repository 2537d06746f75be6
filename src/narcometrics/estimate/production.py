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
   and UNODC/SIMCI 2020: fresh-leaf yield, base per tonne of fresh leaf, base to HCl.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from narcometrics.errors import ValidationError
from narcometrics.estimate import _model as m
from narcometrics.estimate._record import recorded
from narcometrics.estimate.result import Estimate, FloatArray
from narcometrics.factors import FactorSet, MethodFamily
from narcometrics.units import KG_PER_T

__all__ = ["leaf_production", "potential_production", "potential_production_fresh_leaf"]

_HCL = "cocaine hydrochloride (100 % pure)"


@recorded
def leaf_production(
    area_ha: Any,
    yield_kg_per_ha: Any,
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
        kind=m.Kind.NON_NEGATIVE,
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
    leaf_t: Any,
    factors: FactorSet | str,
    *,
    licit_leaf_t: Any = 0.0,
    licit_share: Any = 0.0,
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
    leaf = m.term("leaf_t", leaf_t, kind=m.Kind.NON_NEGATIVE, increasing=True, unit="t")
    licit = m.term(
        "licit_leaf_t", licit_leaf_t, kind=m.Kind.NON_NEGATIVE, increasing=False, unit="t leaf/yr"
    )
    share = m.term(
        "licit_share", licit_share, kind=m.Kind.FRACTION, increasing=False, unit="fraction"
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
        kind=m.Kind.POSITIVE,
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


@recorded
def potential_production_fresh_leaf(
    area_ha: Any,
    factors: FactorSet | str,
    *,
    year: int | None = None,
    zone_axis: int | None = None,
    draws: int | None = None,
    seed: int | np.random.Generator | None = None,
    percentiles: Sequence[float] = m.DEFAULT_PERCENTILES,
) -> Estimate:
    """Potential pure cocaine from an area, by the UNODC/SIMCI Colombia fresh-leaf chain.

    Parameters
    ----------
    area_ha : float or array_like [ha]
        Productive coca area; >= 0 and finite.
    factors : FactorSet or str
        A fresh-leaf-chain set (``"co-simci-2020"``) with ``fresh_leaf_yield``
        [t fresh leaf/ha/yr], ``base_per_fresh_leaf`` [kg base/t fresh leaf] and
        ``hcl_per_base`` [t HCl/t base] for ``year``.
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
    C = A \\, Y_f \\, b \\, c / 1000
    $$

    area $A$ [ha] -> fresh leaf $A Y_f$ [t] -> cocaine base
    $A Y_f b$ [kg] -> pure cocaine HCl $A Y_f b c$ [kg], with $c$ the
    base-to-HCl transformation ratio [t/t].

    References
    ----------
    UNODC/SIMCI Colombia coca surveys (fresh-leaf yield 6.4 t/ha/yr in 2020, via the
    press); Radio Nacional de Colombia 2021 (2.14 kg base per t of fresh leaf in 2020);
    UNODC/SIMCI 2020 (0.80 t HCl per t base, derived).

    Examples
    --------
    >>> from narcometrics.estimate import potential_production_fresh_leaf
    >>> round(potential_production_fresh_leaf(1000.0, "co-simci-2020").central, 4)
    10.9568
    """
    factor_set = m.resolve(factors, MethodFamily.FRESH_LEAF_CHAIN.value)
    year = factor_set.last_year if year is None else year
    area = m.amount("area_ha", area_ha, "ha")
    terms = [area]
    for name, unit in (
        ("fresh_leaf_yield", "t fresh leaf/ha/yr"),
        ("base_per_fresh_leaf", "kg base/t fresh leaf"),
        ("hcl_per_base", "t HCl/t base"),
    ):
        factor = m.need(factor_set, name, year)
        terms.append(
            m.factor_term(
                name,
                factor,
                set_id=factor_set.id,
                kind=m.Kind.POSITIVE,
                increasing=True,
                unit=unit,
            )
        )

    def model(p: Mapping[str, FloatArray]) -> FloatArray:
        per_ha = p["fresh_leaf_yield"] * p["base_per_fresh_leaf"] * p["hcl_per_base"]
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
