"""The seed programme's indicators that records feed, and a framework derived from tables."""

from __future__ import annotations

from typing import Any

from narcometrics.errors import ValidationError
from narcometrics.factors import FactorSet
from narcometrics.indicators._derive import (
    By,
    airstrips_destroyed,
    avoided_production,
    hectares_eradicated,
    laboratories_destroyed,
    organisations_disbanded,
    seizures_by_substance,
)
from narcometrics.indicators._derive_training import people_trained, share_verified_applying
from narcometrics.indicators._enums import (
    CumulativeKind,
    Level,
    Measure,
    TimeRule,
    UnitRule,
    VerificationStatus,
)
from narcometrics.indicators._framework import IndicatorValues, ResultsFramework
from narcometrics.indicators._indicator import Indicator
from narcometrics.indicators._values import Actual
from narcometrics.tables import EradicationTable, OperationTable, SeizureTable, TrainingTable

__all__ = ["derive_framework", "standard_indicators"]


def _flow(code: str, title: str, unit: str, dimensions: tuple[str, ...], **rules: Any) -> Indicator:
    return Indicator(
        code=code,
        title=title,
        level=rules.pop("level", Level.OUTPUT),
        measure=Measure.UNIT,
        unit=unit,
        ascending=True,
        time_rule=rules.pop("time_rule", TimeRule.SUM),
        unit_rule=rules.pop("unit_rule", UnitRule.SUM),
        dimensions=dimensions,
        **rules,
    )


_OPERATION_FIELDS = ("agency", "region")
_ERADICATION_FIELDS = ("method", "region", "zone")


def standard_indicators() -> dict[str, Indicator]:
    """The indicators of the seed programme that record tables feed, by code.

    The codes and rules of the how-to "Build a results framework for a programme" (the
    EU-backed project against organised crime and drug trafficking in Peru), plus seizures
    and people trained:

    - ``OUT-1`` to ``OUT-3``: organisations disbanded, airstrips and laboratories destroyed
      (counts; sum over time and across units; breakdowns by agency and region);
    - ``OUT-4``: coca eradicated [ha] (breakdowns by method, region and zone);
    - ``OUT-5``: drugs seized [kg], bulk mass per substance; ``unit_rule="none"``, so the
      masses of different substances are never added up (and there is no headline);
    - ``OUT-6``: people trained to date (lifetime cumulative, ``time_rule="last"``: each
      person counted once however many periods they were trained in);
    - ``OC-1``: cocaine production avoided by eradication [t], an estimate;
    - ``OC-2``: trainees verified applying what they learned, a percentage pooled over
      periods and institutions (Kirkpatrick level 3).

    Returns
    -------
    dict of str to Indicator
        In the order above; a new dict each call (the indicators are immutable).
    """
    indicators = [
        _flow(
            "OUT-1",
            "Criminal organisations disbanded",
            "organisations",
            _OPERATION_FIELDS,
        ),
        _flow("OUT-2", "Illegal airstrips destroyed", "airstrips", _OPERATION_FIELDS),
        _flow("OUT-3", "Drug laboratories destroyed", "laboratories", _OPERATION_FIELDS),
        _flow("OUT-4", "Coca eradicated", "ha", _ERADICATION_FIELDS),
        _flow(
            "OUT-5",
            "Drugs seized, bulk mass by substance",
            "kg",
            ("substance",),
            unit_rule=UnitRule.NONE,
        ),
        _flow(
            "OUT-6",
            "People trained to date",
            "people",
            ("institution",),
            time_rule=TimeRule.LAST,
            cumulative=CumulativeKind.LIFETIME,
        ),
        _flow(
            "OC-1",
            "Cocaine production avoided by eradication (estimate)",
            "t",
            _ERADICATION_FIELDS,
            level=Level.OUTCOME,
        ),
        Indicator(
            code="OC-2",
            title="Trainees verified applying what they learned",
            level=Level.OUTCOME,
            measure=Measure.PERCENTAGE,
            ascending=True,
            time_rule=TimeRule.SUM,
            unit_rule=UnitRule.POOLED_RATIO,
            kirkpatrick_level=3,
            dimensions=("institution",),
        ),
    ]
    return {indicator.code: indicator for indicator in indicators}


def derive_framework(
    *,
    operations: OperationTable | None = None,
    eradications: EradicationTable | None = None,
    seizures: SeizureTable | None = None,
    training: TrainingTable | None = None,
    factors: FactorSet | str | None = None,
    adjusted: bool = False,
    by: By = "year",
    source: str | None = None,
    verification: VerificationStatus | str = VerificationStatus.UNVERIFIED,
    title: str = "Results derived from records",
) -> ResultsFramework:
    """A results framework of the
    [`standard_indicators`][narcometrics.indicators.standard_indicators] with actuals from records.

    Only the indicators that the given tables feed are included: operations give
    ``OUT-1`` to ``OUT-3``, eradications ``OUT-4`` and ``OC-1``, seizures ``OUT-5`` (one
    actual per substance), training ``OUT-6`` (people, running totals) and ``OC-2``. The
    actuals are headline values (no location, no breakdown) except seizures, which are
    always by substance.

    Parameters
    ----------
    operations, eradications, seizures, training : table, optional
        The record tables; at least one.
    factors : FactorSet or str, optional
        The factor set of the avoided production; required with ``eradications``.
    adjusted : bool
        The avoided production by the adjusted method (see
        [`avoided_production`][narcometrics.indicators.avoided_production]).
    by, source, verification
        As for [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded].
    title : str
        The framework's title.

    Returns
    -------
    ResultsFramework

    Raises
    ------
    ValidationError
        Without any table, for ``eradications`` without ``factors``, and as the functions
        that derive each indicator.

    Examples
    --------
    >>> from narcometrics.datasets import peru_2017_example
    >>> from narcometrics.indicators import derive_framework
    >>> example = peru_2017_example()
    >>> framework = derive_framework(operations=example.operations)
    >>> framework.codes, framework["OUT-3"].actual_total().value
    (('OUT-1', 'OUT-2', 'OUT-3'), 324.0)
    """
    tables = (operations, eradications, seizures, training)
    if all(table is None for table in tables):
        raise ValidationError(
            "tables", "give at least one of operations, eradications, seizures, training"
        )
    if eradications is not None and factors is None:
        raise ValidationError(
            "factors",
            "is required with eradications: name the factor set of the avoided production "
            "(e.g. 'pe-gov-2017')",
            None,
        )
    options: dict[str, Any] = {"by": by, "source": source, "verification": verification}
    derived: dict[str, list[Actual]] = {}
    if operations is not None:
        derived["OUT-1"] = organisations_disbanded(operations, **options)
        derived["OUT-2"] = airstrips_destroyed(operations, **options)
        derived["OUT-3"] = laboratories_destroyed(operations, **options)
    if eradications is not None:
        assert factors is not None
        derived["OUT-4"] = hectares_eradicated(eradications, **options)
        derived["OC-1"] = avoided_production(eradications, factors, adjusted=adjusted, **options)
    if seizures is not None:
        derived["OUT-5"] = seizures_by_substance(seizures, **options)
    if training is not None:
        derived["OUT-6"] = people_trained(training, cumulative=True, **options)
        derived["OC-2"] = share_verified_applying(training, **options)
    return ResultsFramework(
        title=title,
        indicators=[
            IndicatorValues(indicator=indicator, actuals=derived[code])
            for code, indicator in standard_indicators().items()
            if code in derived
        ],
    )
