"""Domain records: what cooperation programmes report, one event at a time.

Records are frozen, slotted, keyword-only `attrs` classes. Fields carry their unit in
the name (``mass_kg``, ``area_ha``), fractions are 0..1 (``purity``), dates are
`datetime.date`, places are ISO 3166-1 alpha-3 country codes plus free region and zone
text. Country codes are checked against the ISO 3166-1 list (``"XXX"`` is refused); ASCII
letters in any case are accepted and upper-cased (``"per"`` is ``"PER"``), other letters
are refused, and white space around a code is refused, not stripped. Enum fields accept
the member or its value in any ASCII case (``"COCAINE_HCL"`` is
``Substance.COCAINE_HCL``). Numbers must be real numbers (a bool is not a number), finite,
and counts integers within the int64 range. Every invalid value raises
[`ValidationError`][narcometrics.errors.ValidationError] naming the field and showing the value.

For many records at once use the columnar tables in [`narcometrics.tables`][narcometrics.tables].
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import attrs

from narcometrics._fields import (
    AtMost,
    NotMoreItems,
    Paired,
    RequiredWhen,
    Requires,
    RowRule,
    Scores,
    UniqueIds,
    check_rules,
    field,
)

__all__ = [
    "SUBSTANCE_GROUPS",
    "Eradication",
    "EradicationMethod",
    "Operation",
    "Seizure",
    "Substance",
    "SubstanceGroup",
    "TrainingOutcome",
    "Verification",
]


class Substance(StrEnum):
    """Seized substance, following the UNODC annual report questionnaire categories.

    UNODC reports bulk weight without purity adjustment; "cocaine" there lumps salts (HCl),
    base and paste, crack and unspecified forms. Keep the form here when it is known.

    Each member belongs to one [`SubstanceGroup`][narcometrics.records.SubstanceGroup]
    (``Substance.HEROIN.group``), so totals can be taken by drug group. The drugs follow the
    drug groups of the UNODC annual report questionnaire (ARQ) and the World Drug Report
    glossary; the chemical precursors are those of Tables I and II of the 1988 United Nations
    Convention and of Peru's control list (Decreto Legislativo 1126) that cocaine processing
    uses. The documentation page "Seized substances and their groups" cites each source.
    """

    COCA_LEAF = "coca_leaf"
    COCA_PASTE = "coca_paste"
    COCAINE_BASE = "cocaine_base"
    COCAINE_HCL = "cocaine_hcl"
    CRACK = "crack"
    CANNABIS = "cannabis"
    OTHER = "other"
    # Opioids (ARQ: opiates and synthetic opioids).
    HEROIN = "heroin"
    OPIUM = "opium"
    MORPHINE = "morphine"
    FENTANYL = "fentanyl"
    OTHER_SYNTHETIC_OPIOIDS = "other_synthetic_opioids"
    # Amphetamine-type stimulants.
    METHAMPHETAMINE = "methamphetamine"
    AMPHETAMINE = "amphetamine"
    MDMA = "mdma"
    # Cannabis-type (``cannabis`` above when the form is not known).
    CANNABIS_HERB = "cannabis_herb"
    CANNABIS_RESIN = "cannabis_resin"
    # New psychoactive substances.
    NPS = "nps"
    # Chemical precursors and solvents used in cocaine processing.
    KEROSENE = "kerosene"
    SULPHURIC_ACID = "sulphuric_acid"
    HYDROCHLORIC_ACID = "hydrochloric_acid"
    POTASSIUM_PERMANGANATE = "potassium_permanganate"
    CALCIUM_OXIDE = "calcium_oxide"
    ACETONE = "acetone"
    TOLUENE = "toluene"
    METHYL_ETHYL_KETONE = "methyl_ethyl_ketone"
    ETHYL_ACETATE = "ethyl_acetate"
    OTHER_PRECURSOR = "other_precursor"

    @property
    def group(self) -> SubstanceGroup:
        """The drug group this substance is counted in."""
        return SUBSTANCE_GROUPS[self]


class SubstanceGroup(StrEnum):
    """Drug group of a seized substance, for totals by group.

    ``cocaine_type`` (paste, base, hydrochloride, crack), ``coca_leaf`` (the plant material,
    kept apart so that tonnes of leaf are never added to kilograms of cocaine), ``opioids``,
    ``amphetamine_type_stimulants``, ``cannabis_type``, ``nps`` (new psychoactive
    substances), ``precursors`` (chemicals, not drugs) and ``other``.
    """

    COCAINE_TYPE = "cocaine_type"
    COCA_LEAF = "coca_leaf"
    OPIOIDS = "opioids"
    AMPHETAMINE_TYPE_STIMULANTS = "amphetamine_type_stimulants"
    CANNABIS_TYPE = "cannabis_type"
    NPS = "nps"
    PRECURSORS = "precursors"
    OTHER = "other"


def _groups() -> dict[Substance, SubstanceGroup]:
    s, g = Substance, SubstanceGroup
    members = {
        g.COCAINE_TYPE: (s.COCA_PASTE, s.COCAINE_BASE, s.COCAINE_HCL, s.CRACK),
        g.COCA_LEAF: (s.COCA_LEAF,),
        g.OPIOIDS: (s.HEROIN, s.OPIUM, s.MORPHINE, s.FENTANYL, s.OTHER_SYNTHETIC_OPIOIDS),
        g.AMPHETAMINE_TYPE_STIMULANTS: (s.METHAMPHETAMINE, s.AMPHETAMINE, s.MDMA),
        g.CANNABIS_TYPE: (s.CANNABIS, s.CANNABIS_HERB, s.CANNABIS_RESIN),
        g.NPS: (s.NPS,),
        g.PRECURSORS: (
            s.KEROSENE,
            s.SULPHURIC_ACID,
            s.HYDROCHLORIC_ACID,
            s.POTASSIUM_PERMANGANATE,
            s.CALCIUM_OXIDE,
            s.ACETONE,
            s.TOLUENE,
            s.METHYL_ETHYL_KETONE,
            s.ETHYL_ACETATE,
            s.OTHER_PRECURSOR,
        ),
        g.OTHER: (s.OTHER,),
    }
    return {substance: group for group, items in members.items() for substance in items}


#: The drug group of every [`Substance`][narcometrics.records.Substance].
SUBSTANCE_GROUPS: Mapping[Substance, SubstanceGroup] = MappingProxyType(_groups())


class EradicationMethod(StrEnum):
    """How coca was eradicated (UNODC annual report questionnaire categories)."""

    MANUAL = "manual"
    MECHANICAL = "mechanical"
    AERIAL = "aerial"


class Verification(StrEnum):
    """How application of training at follow-up was verified."""

    INDEPENDENT = "independent"
    SELF_REPORTED = "self_reported"


def _date() -> Any:
    return field("date")


def _country() -> Any:
    return field("country")


def _text(*, optional: bool = True) -> Any:
    if optional:
        return field("text", optional=True, default=None)
    return field("text")


def _optional_count(*, measure: bool = True) -> Any:
    return field("count", optional=True, default=None, measure=measure)


@attrs.frozen(kw_only=True)
class Seizure:
    """A seizure of a drug or precursor.

    Attributes
    ----------
    date : datetime.date
        Date of the seizure.
    country : str
        ISO 3166-1 alpha-3 code; lower case ASCII is normalised to upper case.
    substance : Substance or str
        What was seized (an enum member or its value in any case, e.g. ``"cocaine_hcl"``).
    mass_kg : float [kg]
        Bulk mass, no purity adjustment (UNODC convention); > 0 and finite. Seizures
        reported in litres convert at 1 kg/L (`narcometrics.units.KG_PER_LITRE_SEIZURE`).
    purity : float or None [fraction]
        Measured purity in (0, 1], when known.
    region, agency, id, operation_id : str or None
        Free text: sub-national region, seizing agency (e.g. DIRANDRO, SUNAT Aduanas), the
        record's own id and the id of the operation it belongs to.
    """

    date: _dt.date = _date()
    country: str = _country()
    substance: Substance = field("enum", enum=Substance)
    mass_kg: float = field("float", rule="positive", measure=True)
    purity: float | None = field("float", rule="fraction_open", optional=True, default=None)
    region: str | None = _text()
    agency: str | None = _text()
    id: str | None = _text()
    operation_id: str | None = _text()


@attrs.frozen(kw_only=True)
class Eradication:
    """An eradication of coca cultivation.

    Attributes
    ----------
    date : datetime.date
        Date of the eradication (or the end of the reporting period it covers).
    country : str
        ISO 3166-1 alpha-3 code.
    area_ha : float [ha]
        Area eradicated; > 0 and finite.
    method : EradicationMethod or str
        ``manual``, ``mechanical`` or ``aerial``.
    region, zone, id : str or None
        Free text: sub-national region, coca-growing zone (e.g. VRAEM) and the record id.
    """

    date: _dt.date = _date()
    country: str = _country()
    area_ha: float = field("float", rule="positive", measure=True)
    method: EradicationMethod = field("enum", enum=EradicationMethod)
    region: str | None = _text()
    zone: str | None = _text()
    id: str | None = _text()


@attrs.frozen(kw_only=True)
class Operation:
    """A law-enforcement operation and its countable results.

    Attributes
    ----------
    date : datetime.date
        Date of the operation.
    country : str
        ISO 3166-1 alpha-3 code.
    agency, region, id : str or None
        Free text: lead agency, sub-national region and the record id.
    organisations_disbanded : int or None [count]
        Criminal organisations disbanded; integer >= 0 (a bool is not a count), or None
        when not reported (the default): a count that is not reported is not 0.
    airstrips_destroyed : int or None [count]
        Illegal airstrips destroyed, or None when not reported.
    laboratories_destroyed : int or None [count]
        Drug laboratories destroyed, or None when not reported.
    arrests : int or None [count]
        People arrested, or None when not reported.
    """

    date: _dt.date = _date()
    country: str = _country()
    agency: str | None = _text()
    region: str | None = _text()
    id: str | None = _text()
    organisations_disbanded: int | None = _optional_count()
    airstrips_destroyed: int | None = _optional_count()
    laboratories_destroyed: int | None = _optional_count()
    arrests: int | None = _optional_count()


@attrs.frozen(kw_only=True)
class TrainingOutcome:
    """The outcome of one training course for one institution.

    Attributes
    ----------
    date : datetime.date
        Date the course ended.
    institution : str
        The trained institution (e.g. ``"SUNAT Aduanas"``, ``"DIRANDRO"``).
    course : str
        Course name or code.
    participants : int [people]
        People who started the course; >= 1.
    completed : int or None [people]
        People who completed it; <= participants.
    pre_scores, post_scores : tuple of float [score points]
        Paired test scores, one pair per tested participant, each within
        [0, ``max_score``]; equal lengths, no longer than ``participants``.
    max_score : float or None [score points]
        Maximum attainable score; required when scores are given.
    followed_up : int or None [people]
        People reached at follow-up; <= participants.
    applying : int or None [people]
        People verified applying the training at follow-up (Kirkpatrick level 3);
        <= followed_up, which it requires.
    verification : Verification or str or None
        ``independent`` or ``self_reported``; required when ``applying`` is given.
    follow_up_days : int or None [days]
        Days between the end of the course and the follow-up.
    participant_ids : tuple of str or None
        Ids of the participants (unique, one per participant), so people trained in
        several courses can be counted once.
    id : str or None
        The record id.
    """

    date: _dt.date = _date()
    institution: str = _text(optional=False)
    course: str = _text(optional=False)
    participants: int = field("count", minimum=1, measure=True)
    completed: int | None = _optional_count()
    pre_scores: tuple[float, ...] = field("floats", default=())
    post_scores: tuple[float, ...] = field("floats", default=())
    max_score: float | None = field("float", rule="positive", optional=True, default=None)
    followed_up: int | None = _optional_count()
    applying: int | None = _optional_count()
    verification: Verification | None = field(
        "enum", enum=Verification, optional=True, default=None
    )
    follow_up_days: int | None = _optional_count(measure=False)
    participant_ids: tuple[str, ...] | None = field("texts", optional=True, default=None)
    id: str | None = _text()

    def __attrs_post_init__(self) -> None:
        check_rules(TRAINING_RULES, f"{type(self).__name__}.", functools.partial(getattr, self))


#: The rules between the fields of a training outcome, checked in this order (the tables
#: check the same rules on whole columns).
TRAINING_RULES: tuple[RowRule, ...] = (
    Scores("pre_scores", "max_score"),
    Scores("post_scores", "max_score"),
    Paired("post_scores", "pre_scores", "scores"),
    NotMoreItems("pre_scores", "participants", "scores"),
    AtMost("completed", "participants"),
    AtMost("followed_up", "participants"),
    Requires("applying", "followed_up"),
    AtMost("applying", "followed_up"),
    RequiredWhen("verification", "applying", " or ".join(Verification)),
    UniqueIds("participant_ids", "participants"),
)


#: The record classes, in a stable order.
RECORD_TYPES: tuple[type[Any], ...] = (Seizure, Eradication, Operation, TrainingOutcome)
