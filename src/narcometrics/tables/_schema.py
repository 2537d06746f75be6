"""What each table stores: one field spec per record field, in the record's field order."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, TypeAlias

import attrs

from narcometrics.records import EradicationMethod, Substance, Verification

Kind: TypeAlias = Literal["date", "country", "enum", "text", "float", "count", "floats", "texts"]
Rule: TypeAlias = Literal["positive", "fraction_open"]

#: Kinds stored as a Categorical.
CATEGORICAL_KINDS = ("country", "enum", "text")


@attrs.frozen(kw_only=True)
class FieldSpec:
    """How one record field is stored and checked in a table.

    Attributes
    ----------
    name : str
        The record field (and column) name.
    kind : str
        ``date`` (datetime64[D]), ``country``/``enum``/``text`` (Categorical), ``float``
        (float64, NaN when missing), ``count`` (int64, masked when missing), ``floats`` and
        ``texts`` (Ragged).
    optional : bool
        A row may have no value (the record field may be None).
    default : bool
        The column may be left out: rows then take the record's default (None, 0 or ()).
    rule : str or None
        For floats: ``positive`` (> 0) or ``fraction_open`` (in (0, 1]).
    minimum : int
        For counts: the smallest valid value.
    enum : type or None
        For enums: the StrEnum whose values are the labels.
    measure : bool
        Whether [`narcometrics.aggregate.total`][narcometrics.aggregate.total] may sum this field.
    """

    name: str
    kind: Kind
    optional: bool = False
    default: bool = False
    rule: Rule | None = None
    minimum: int = 0
    enum: type[StrEnum] | None = None
    measure: bool = False

    @property
    def categorical(self) -> bool:
        """Whether the field is stored as a Categorical."""
        return self.kind in CATEGORICAL_KINDS


def _date() -> FieldSpec:
    return FieldSpec(name="date", kind="date")


def _country() -> FieldSpec:
    return FieldSpec(name="country", kind="country")


def _text(name: str) -> FieldSpec:
    return FieldSpec(name=name, kind="text", optional=True, default=True)


def _count(name: str, *, optional: bool = False, measure: bool = True) -> FieldSpec:
    return FieldSpec(name=name, kind="count", optional=optional, default=True, measure=measure)


SEIZURE: tuple[FieldSpec, ...] = (
    _date(),
    _country(),
    FieldSpec(name="substance", kind="enum", enum=Substance),
    FieldSpec(name="mass_kg", kind="float", rule="positive", measure=True),
    FieldSpec(name="purity", kind="float", rule="fraction_open", optional=True, default=True),
    _text("region"),
    _text("agency"),
    _text("id"),
    _text("operation_id"),
)

ERADICATION: tuple[FieldSpec, ...] = (
    _date(),
    _country(),
    FieldSpec(name="area_ha", kind="float", rule="positive", measure=True),
    FieldSpec(name="method", kind="enum", enum=EradicationMethod),
    _text("region"),
    _text("zone"),
    _text("id"),
)

OPERATION: tuple[FieldSpec, ...] = (
    _date(),
    _country(),
    _text("agency"),
    _text("region"),
    _text("id"),
    _count("organisations_disbanded", optional=True),
    _count("airstrips_destroyed", optional=True),
    _count("laboratories_destroyed", optional=True),
    _count("arrests", optional=True),
)

TRAINING: tuple[FieldSpec, ...] = (
    _date(),
    FieldSpec(name="institution", kind="text"),
    FieldSpec(name="course", kind="text"),
    FieldSpec(name="participants", kind="count", minimum=1, measure=True),
    _count("completed", optional=True),
    FieldSpec(name="pre_scores", kind="floats", default=True),
    FieldSpec(name="post_scores", kind="floats", default=True),
    FieldSpec(name="max_score", kind="float", rule="positive", optional=True, default=True),
    _count("followed_up", optional=True),
    _count("applying", optional=True),
    FieldSpec(name="verification", kind="enum", enum=Verification, optional=True, default=True),
    _count("follow_up_days", optional=True, measure=False),
    FieldSpec(name="participant_ids", kind="texts", optional=True, default=True),
    _text("id"),
)
