"""Framework definitions (bundled or the user's own JSON file) and frameworks derived from
tables."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np

from narcometrics import _json
from narcometrics.errors import Problem, UnknownNameError, ValidationError
from narcometrics.factors import FactorSet
from narcometrics.indicators._derive import (
    PeriodUnit,
    airstrips_destroyed,
    hectares_eradicated,
    laboratories_destroyed,
    organisations_disbanded,
    period_keyword,
    seizures_by_substance,
)
from narcometrics.indicators._derive_avoided import (
    production_avoided_adjusted,
    production_avoided_up_to,
)
from narcometrics.indicators._derive_training import people_trained, share_verified_applying
from narcometrics.indicators._enums import CumulativeKind, VerificationStatus
from narcometrics.indicators._framework import IndicatorValues, ResultsFramework
from narcometrics.indicators._indicator import Indicator
from narcometrics.indicators._values import Actual
from narcometrics.tables import EradicationTable, OperationTable, SeizureTable, TrainingTable

__all__ = [
    "DERIVATIONS",
    "FrameworkDefinition",
    "derive_framework",
    "load_definition",
    "standard_indicators",
]

#: The derivations a framework definition can name, and the table each one reads.
DERIVATIONS: Final[Mapping[str, str]] = {
    "organisations_disbanded": "operations",
    "airstrips_destroyed": "operations",
    "laboratories_destroyed": "operations",
    "hectares_eradicated": "eradications",
    "avoided_production": "eradications",
    "seizures_by_substance": "seizures",
    "people_trained": "training",
    "share_verified_applying": "training",
}

_BUNDLED = "peru-programme.json"
_INDICATOR_FIELDS = frozenset(a.name for a in attrs.fields(Indicator))


@attrs.frozen(kw_only=True)
class FrameworkDefinition:
    """Which indicators a programme reports and which derivation feeds each one.

    Attributes
    ----------
    title : str
        The programme's title.
    source : str
        Where the indicators and their rules come from.
    indicators : tuple of Indicator
        In the order of the file.
    derive : tuple of str
        For each indicator, the name of its derivation (a key of `DERIVATIONS`).
    """

    title: str
    source: str
    indicators: tuple[Indicator, ...]
    derive: tuple[str, ...]

    def __repr__(self) -> str:
        codes = ", ".join(i.code for i in self.indicators)
        return f"FrameworkDefinition({self.title!r}, indicators=[{codes}])"


def _parse(text: str, where: str) -> Any:
    """The payload, through the library's one strict JSON parser: repeated keys, NaN and
    integers over `narcometrics._json.MAX_DIGITS` digits are errors naming their JSON path."""
    try:
        return _json.loads(text, path=where)
    except ValidationError as exc:
        raise ValidationError.from_problems(
            attrs.evolve(p, problem=f"not a framework definition: {p.problem}")
            for p in exc.problems
        ) from None


def _indicator(entry: object, path: str) -> tuple[Indicator, str]:
    if not isinstance(entry, dict):
        raise ValidationError(path, "must be an object", type(entry).__name__)
    fields = dict(entry)
    derive = fields.pop("derive", None)
    if not isinstance(derive, str):
        raise ValidationError(f"{path}.derive", "is required: the name of a derivation", derive)
    if derive not in DERIVATIONS:
        raise UnknownNameError(f"{path}.derive", derive, tuple(DERIVATIONS))
    unknown = sorted(set(fields) - _INDICATOR_FIELDS)
    if unknown:
        raise ValidationError.from_problems(
            Problem(field=f"{path}.{name}", problem="unknown field") for name in unknown
        )
    try:
        return Indicator(**fields), derive
    except ValidationError as exc:
        raise ValidationError.from_problems(
            attrs.evolve(p, field=f"{path}.{p.field.split('.', 1)[-1]}") for p in exc.problems
        ) from None


def _definition(payload: object, where: str) -> FrameworkDefinition:
    if not isinstance(payload, dict) or not isinstance(payload.get("indicators"), list):
        raise ValidationError(where, "must be an object with a list of 'indicators'")
    unknown = sorted(set(payload) - {"title", "source", "indicators"})
    if unknown:
        raise ValidationError(f"{where}: $.{unknown[0]}", "unknown field")
    built = [
        _indicator(entry, f"{where}: $.indicators[{i}]")
        for i, entry in enumerate(payload["indicators"])
    ]
    codes = [indicator.code for indicator, _ in built]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise ValidationError(f"{where}: $.indicators", "repeats the code", repeated[0])
    title, source = payload.get("title", ""), payload.get("source", "")
    for name, value in (("title", title), ("source", source)):
        if not isinstance(value, str):
            raise ValidationError(f"{where}: $.{name}", "must be text", value)
    return FrameworkDefinition(
        title=title,
        source=source,
        indicators=tuple(indicator for indicator, _ in built),
        derive=tuple(derive for _, derive in built),
    )


def load_definition(path: str | os.PathLike[str] | None = None) -> FrameworkDefinition:
    """Read a framework definition: the bundled one, or a JSON file of your own.

    The bundled definition (``data/frameworks/peru-programme.json`` in the package) holds the
    indicators of the EU-backed project against organised crime and drug trafficking in Peru
    that record tables feed. Copy it and change codes, titles and rules for your programme:
    each entry holds the fields of an [`Indicator`][narcometrics.indicators.Indicator] plus
    ``derive``, the name of the derivation that feeds it (a key of `DERIVATIONS`).

    Parameters
    ----------
    path : str or path-like, optional
        A JSON file; by default the bundled definition.

    Returns
    -------
    FrameworkDefinition

    Raises
    ------
    ValidationError
        A file that cannot be read, is not strict JSON (repeated keys, ``NaN``, integers over
        4,300 digits: each named by its JSON path), has an unknown field, an invalid indicator
        (named by its JSON path) or a repeated code.
    UnknownNameError
        A ``derive`` name that is not a known derivation.
    """
    if path is None:
        text = (
            resources.files("narcometrics")
            .joinpath("data", "frameworks", _BUNDLED)
            .read_text(encoding="utf-8")
        )
        return _definition(_parse(text, _BUNDLED), _BUNDLED)
    where = os.fsdecode(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(where, f"cannot be read: {exc}") from None
    return _definition(_parse(text, where), where)


def standard_indicators(
    definition: FrameworkDefinition | str | os.PathLike[str] | None = None,
) -> dict[str, Indicator]:
    """The indicators of a framework definition, by code (the bundled one by default).

    The bundled definition ([`load_definition`][narcometrics.indicators.load_definition])
    holds the indicators of the EU-backed project against organised crime and drug
    trafficking in Peru, plus seizures and people trained:

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

    Parameters
    ----------
    definition : FrameworkDefinition or path, optional
        A definition, or a JSON file of one; by default the bundled definition.

    Returns
    -------
    dict of str to Indicator
        In the order of the definition; a new dict each call (the indicators are immutable).
    """
    found = _resolve(definition)
    return {indicator.code: indicator for indicator in found.indicators}


def _resolve(
    definition: FrameworkDefinition | str | os.PathLike[str] | None,
) -> FrameworkDefinition:
    if isinstance(definition, FrameworkDefinition):
        return definition
    return load_definition(definition)


@period_keyword
def derive_framework(
    *,
    operations: OperationTable | None = None,
    eradications: EradicationTable | None = None,
    seizures: SeizureTable | None = None,
    training: TrainingTable | None = None,
    factors: FactorSet | str | None = None,
    adjusted: bool = False,
    period: PeriodUnit = "year",
    source: str | None = None,
    verification: VerificationStatus | str = VerificationStatus.UNVERIFIED,
    title: str = "Results derived from records",
    definition: FrameworkDefinition | str | os.PathLike[str] | None = None,
) -> ResultsFramework:
    """A results framework of a definition's indicators with actuals from records.

    Only the indicators that the given tables feed are included (an operation count that no
    record holds, a column the data do not have, is left out, never given 0; a count that
    some records hold and others lack is an error, as in
    [`total`][narcometrics.aggregate.total]); with the bundled definition
    ([`standard_indicators`][narcometrics.indicators.standard_indicators]) operations give
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
        [`production_avoided_up_to`][narcometrics.indicators.production_avoided_up_to] or
        [`production_avoided_adjusted`][narcometrics.indicators.production_avoided_adjusted]).
    period, source, verification
        As for [`organisations_disbanded`][narcometrics.indicators.organisations_disbanded].
    title : str
        The framework's title.
    definition : FrameworkDefinition or path, optional
        Which indicators to derive and how
        ([`load_definition`][narcometrics.indicators.load_definition]); by default the
        bundled definition.

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
    found = _resolve(definition)
    given = {
        "operations": operations,
        "eradications": eradications,
        "seizures": seizures,
        "training": training,
    }
    options: dict[str, Any] = {"period": period, "source": source, "verification": verification}
    derived: list[IndicatorValues] = []
    for indicator, name in zip(found.indicators, found.derive, strict=True):
        table = given[DERIVATIONS[name]]
        if table is not None and not _not_in_the_data(table, name):
            actuals = _DERIVE[name](table, indicator, factors, adjusted, options)
            derived.append(IndicatorValues(indicator=indicator, actuals=actuals))
    return ResultsFramework(title=title, indicators=derived)


def _not_in_the_data(table: Any, name: str) -> bool:
    """Whether the derivation reads a count that no record holds (a column the data do not
    have): its indicator is left out of the framework, never given 0."""
    if name not in _COUNTS:
        return False
    return bool(len(table)) and bool(np.ma.getmaskarray(table.column(name)).all())


_COUNTS = frozenset({"organisations_disbanded", "airstrips_destroyed", "laboratories_destroyed"})

_Derive = Callable[[Any, Indicator, Any, bool, dict[str, Any]], list[Actual]]


def _plain(function: Callable[..., list[Actual]]) -> _Derive:
    def derive(
        table: Any, indicator: Indicator, factors: Any, adjusted: bool, options: dict[str, Any]
    ) -> list[Actual]:
        return function(table, **options)

    return derive


def _avoided(
    table: Any, indicator: Indicator, factors: Any, adjusted: bool, options: dict[str, Any]
) -> list[Actual]:
    if adjusted:
        return production_avoided_adjusted(table, factors, **options)
    options.pop("date_kind", None)
    return production_avoided_up_to(table, factors, **options)


def _people(
    table: Any, indicator: Indicator, factors: Any, adjusted: bool, options: dict[str, Any]
) -> list[Actual]:
    cumulative = indicator.cumulative is not CumulativeKind.NONE
    return people_trained(table, cumulative=cumulative, **options)


_DERIVE: Final[Mapping[str, _Derive]] = {
    "organisations_disbanded": _plain(organisations_disbanded),
    "airstrips_destroyed": _plain(airstrips_destroyed),
    "laboratories_destroyed": _plain(laboratories_destroyed),
    "hectares_eradicated": _plain(hectares_eradicated),
    "avoided_production": _avoided,
    "seizures_by_substance": _plain(seizures_by_substance),
    "people_trained": _people,
    "share_verified_applying": _plain(share_verified_applying),
}
