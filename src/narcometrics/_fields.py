"""One declaration per record field and per cross-field rule, read by records and tables.

A record field is declared with [`field`][narcometrics._fields.field]: it builds the attrs
field (the converter and the validator chosen from the field's kind and rule) and keeps its
[`FieldSpec`][narcometrics._fields.FieldSpec] in the attrs metadata. The tables derive their
columns from the record class with [`schema`][narcometrics._fields.schema] and look up the
same scalar check (`FieldSpec.check`) for the words of an error, so a record and a table
refuse the same values with the same words.

Rules between fields (``completed <= participants``, ...) are declared as a tuple of rule
objects: `check_rules` evaluates them on one record; the tables evaluate the same objects on
whole columns (``narcometrics.tables._rules``) and take each bad row's words from `check_rules`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any, Literal, TypeAlias

import attrs

from narcometrics import _checks as c
from narcometrics.errors import ValidationError, WrongTypeError

Kind: TypeAlias = Literal["date", "country", "enum", "text", "float", "count", "floats", "texts"]
Rule: TypeAlias = Literal["positive", "fraction_open"]
Check: TypeAlias = Callable[[str, object], Any]

#: Kinds stored as a Categorical.
CATEGORICAL_KINDS = ("country", "enum", "text")
#: The attrs metadata key under which a record field keeps its spec.
SPEC = "narcometrics.field"


def _fraction_open(name: str, value: object) -> float:
    return c.check_fraction(name, value, open_low=True)


#: The scalar check of each float rule (``None``: any finite real number).
FLOAT_CHECKS: Mapping[Rule | None, Check] = {
    None: c.check_real,
    "positive": c.check_positive,
    "fraction_open": _fraction_open,
}


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

    @property
    def check(self) -> Check:
        """The scalar check of one (converted, not None) value: ``check(name, value)``
        returns the value or raises the error naming ``name``."""
        return _SCALAR_CHECKS[self.kind](self)

    @property
    def converter(self) -> Callable[[Any], Any] | None:
        """The lossless normaliser of the record field (None when it has none)."""
        return _CONVERTERS[self.kind](self)

    def validate(self, name: str, value: object) -> Any:
        """``value`` converted and checked as the record does (None not allowed)."""
        convert = self.converter
        return self.check(name, value if convert is None else convert(value))


def _enum_check(spec: FieldSpec) -> Check:
    enum = spec.enum
    assert enum is not None
    return lambda name, value: c.check_enum(name, value, enum)


def _count_check(spec: FieldSpec) -> Check:
    minimum = spec.minimum
    return lambda name, value: c.check_count(name, value, minimum=minimum)


def _sequence(spec: FieldSpec) -> Check:  # items are checked by the record's cross-field rules
    raise TypeError(f"{spec.name}: a {spec.kind} field has no scalar check")


_SCALAR_CHECKS: Mapping[Kind, Callable[[FieldSpec], Check]] = {
    "date": lambda spec: c.check_date,
    "country": lambda spec: c.check_country,
    "enum": _enum_check,
    "text": lambda spec: c.check_text,
    "float": lambda spec: FLOAT_CHECKS[spec.rule],
    "count": _count_check,
    "floats": _sequence,
    "texts": _sequence,
}

_CONVERTERS: Mapping[Kind, Callable[[FieldSpec], Callable[[Any], Any] | None]] = {
    "date": lambda spec: None,
    "country": lambda spec: c.to_country,
    "enum": lambda spec: functools.partial(c.to_enum, spec.enum),  # type: ignore[arg-type]
    "text": lambda spec: None,
    "float": lambda spec: c.to_optional_float if spec.optional else c.to_float,
    "count": lambda spec: c.to_optional_int if spec.optional else c.to_int,
    "floats": lambda spec: c.to_float_tuple,
    "texts": lambda spec: c.to_optional_str_tuple,
}


def _validator(check: Check, *, optional: bool) -> Any:
    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if optional and value is None:
            return
        check(f"{type(instance).__name__}.{attribute.name}", value)

    return validate


def field(
    kind: Kind,
    *,
    optional: bool = False,
    default: object = attrs.NOTHING,
    rule: Rule | None = None,
    minimum: int = 0,
    enum: type[StrEnum] | None = None,
    measure: bool = False,
) -> Any:
    """A record field of ``kind``: its attrs converter and validator, and its spec in the
    metadata (a field with a ``default`` may be left out of a table's columns)."""
    spec = FieldSpec(
        name="",
        kind=kind,
        optional=optional,
        default=default is not attrs.NOTHING,
        rule=rule,
        minimum=minimum,
        enum=enum,
        measure=measure,
    )
    validator = None
    if kind not in ("floats", "texts"):
        validator = _validator(spec.check, optional=optional)
    return attrs.field(
        default=default,
        converter=spec.converter,
        validator=validator,
        metadata={SPEC: spec},
    )


def schema(record_type: type[Any]) -> tuple[FieldSpec, ...]:
    """The field specs of a record class declared with `field`, in the record's order."""
    return tuple(
        attrs.evolve(attribute.metadata[SPEC], name=attribute.name)
        for attribute in attrs.fields(record_type)
    )


# ----------------------------------------------------------------- cross-field rules

Get: TypeAlias = Callable[[str], Any]


@attrs.frozen
class AtMost:
    """``field <= limit`` where both are given."""

    field: str
    limit: str

    def check(self, prefix: str, get: Get) -> None:
        value, limit = get(self.field), get(self.limit)
        if value is not None and limit is not None and value > limit:
            raise ValidationError(prefix + self.field, f"must be <= {self.limit} ({limit})", value)


@attrs.frozen
class Requires:
    """``field`` given only when ``needs`` is given."""

    field: str
    needs: str

    def check(self, prefix: str, get: Get) -> None:
        value = get(self.field)
        if value is not None and get(self.needs) is None:
            raise ValidationError(prefix + self.field, f"requires {self.needs} to be given", value)


@attrs.frozen
class RequiredWhen:
    """``field`` must be given when ``when`` is given (``hint``: its accepted values)."""

    field: str
    when: str
    hint: str

    def check(self, prefix: str, get: Get) -> None:
        if get(self.when) is not None and get(self.field) is None:
            raise ValidationError(
                prefix + self.field, f"is required when {self.when} is given ({self.hint})", None
            )


@attrs.frozen
class Scores:
    """``field`` is a tuple of finite scores within [0, ``max_field``], which it needs."""

    field: str
    max_field: str

    def check(self, prefix: str, get: Get) -> None:
        name, scores, max_score = prefix + self.field, get(self.field), get(self.max_field)
        if not isinstance(scores, tuple):
            raise WrongTypeError(name, "must be a sequence of real numbers", scores)
        if scores and max_score is None:
            raise ValidationError(name, f"needs {self.max_field} to be given", scores)
        for index, score in enumerate(scores):
            value = c.check_real(f"{name}[{index}]", score)
            if max_score is not None and not 0 <= value <= max_score:
                raise ValidationError(
                    f"{name}[{index}]", f"must be within [0, {max_score:g}]", score
                )


@attrs.frozen
class Paired:
    """``field`` has as many items as ``other`` (``items``: what they are called)."""

    field: str
    other: str
    items: str

    def check(self, prefix: str, get: Get) -> None:
        value, other = get(self.field), get(self.other)
        if len(value) != len(other):
            mine, theirs = self.field.split("_")[0], self.other.split("_")[0]
            raise ValidationError(
                prefix + self.field,
                f"must pair with {self.other}: {len(value)} {mine} {self.items} for "
                f"{len(other)} {theirs} {self.items}",
                value,
            )


@attrs.frozen
class NotMoreItems:
    """``field`` has no more items than the count ``limit``."""

    field: str
    limit: str
    items: str

    def check(self, prefix: str, get: Get) -> None:
        value, limit = get(self.field), get(self.limit)
        if len(value) > limit:
            raise ValidationError(
                prefix + self.field,
                f"has {len(value)} {self.items} for {limit} {self.limit}",
                value,
            )


@attrs.frozen
class UniqueIds:
    """``field`` (when given) holds unique non-empty strings, exactly ``count`` of them."""

    field: str
    count: str

    def check(self, prefix: str, get: Get) -> None:
        ids, count, name = get(self.field), get(self.count), prefix + self.field
        if ids is None:
            return
        if not isinstance(ids, tuple):
            raise WrongTypeError(name, "must be a sequence of strings", ids)
        for index, item in enumerate(ids):
            c.check_text(f"{name}[{index}]", item)
        if len(ids) != count:
            raise ValidationError(name, f"has {len(ids)} ids for {count} {self.count}", ids)
        if len(set(ids)) != len(ids):
            raise ValidationError(name, "must not repeat an id", ids)


RowRule: TypeAlias = AtMost | Requires | RequiredWhen | Scores | Paired | NotMoreItems | UniqueIds


def check_rules(rules: Sequence[RowRule], prefix: str, get: Get) -> None:
    """Raise the error of the first rule ``get`` (field name -> value) breaks."""
    for rule in rules:
        rule.check(prefix, get)
