"""The factor-set records: [`Status`][narcometrics.factors.Status],
[`MethodFamily`][narcometrics.factors.MethodFamily], [`Citation`][narcometrics.factors.Citation],
[`Factor`][narcometrics.factors.Factor] and [`FactorSet`][narcometrics.factors.FactorSet]."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import attrs

from narcometrics import _checks as c
from narcometrics.errors import UnknownNameError, ValidationError

__all__ = ["Citation", "Factor", "FactorSet", "MethodFamily", "Status"]

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NAME = re.compile(r"[a-z][a-z0-9_]*")


class Status(StrEnum):
    """How a factor value is known.

    ``published``: stated in the cited source. ``derived``: arithmetic on published inputs
    (the note shows it). ``inferred``: not found published, but implied by several
    published results.
    """

    PUBLISHED = "published"
    DERIVED = "derived"
    INFERRED = "inferred"


class MethodFamily(StrEnum):
    """The estimation method a factor set serves.

    The first four are the published method families (see the explanation page "How
    cocaine potential is estimated"); ``adjustments`` holds the parameters of this
    library's adjusted avoided-production model, which is not a published method.
    """

    #: Government "avoided production": eradicated hectares times a flat factor (Peru).
    FLAT_PER_HECTARE = "flat_per_hectare"
    #: UNODC/DEVIDA Peru survey chain: sun-dried leaf, minus licit use, divided by k.
    SUN_DRIED_CHAIN = "sun_dried_chain"
    #: UNODC/SIMCI Colombia chain: fresh leaf, coca paste, cocaine base, pure cocaine HCl.
    FRESH_LEAF_CHAIN = "fresh_leaf_chain"
    #: US ONDCP/CNC potential pure production: reproducible only as published pairs.
    PUBLISHED_PAIRS = "published_pairs"
    #: Parameters of `narcometrics.estimate.avoided_production_adjusted`.
    ADJUSTMENTS = "adjustments"


def _v_optional_year() -> Any:
    return attrs.field(
        default=None, converter=c.to_optional_int, validator=c.v_count(minimum=1, optional=True)
    )


def _to_status(value: Status | str) -> Status:
    return c.to_enum(Status, value)  # type: ignore[return-value]


def _to_method(value: MethodFamily | str) -> MethodFamily:
    return c.to_enum(MethodFamily, value)  # type: ignore[return-value]


def _to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list) else value  # type: ignore[return-value]


@attrs.frozen(kw_only=True)
class Citation:
    """A source a factor value comes from.

    Attributes
    ----------
    publisher : str
        Who published it (an agency, a newspaper, a news agency).
    title : str
        The document's title; a description in square brackets when the source has no
        title of its own (a press statement, a news report).
    year : int or None
        Year of the document, when known.
    where : str
        Where it was published: a series, a website, a report.
    note : str or None
        Anything a reader needs to find or judge it (e.g. "as quoted by ...").
    """

    publisher: str = attrs.field(validator=c.v_text())
    title: str = attrs.field(validator=c.v_text())
    year: int | None = _v_optional_year()
    where: str = attrs.field(validator=c.v_text())
    note: str | None = attrs.field(default=None, validator=c.v_text(optional=True))


def _check_citations(instance: Factor, attribute: attrs.Attribute[Any], value: object) -> None:
    name = f"Factor.{attribute.name}"
    if not isinstance(value, tuple) or not value:
        raise ValidationError(name, "must be a non-empty tuple of Citation", value)
    for item in value:
        if not isinstance(item, Citation):
            raise ValidationError(name, f"must hold Citation, not {type(item).__name__}", item)


def _check_name(pattern: re.Pattern[str], what: str) -> Any:
    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        field = f"{type(instance).__name__}.{attribute.name}"
        c.check_text(field, value)
        if pattern.fullmatch(str(value)) is None:
            raise ValidationError(field, f"must be {what}", value)

    return validate


@attrs.frozen(kw_only=True)
class Factor:
    """One named, cited factor value.

    Attributes
    ----------
    name : str
        Snake-case name, e.g. ``"leaf_per_hcl"``; several entries of a set may share a name
        with different years (a series).
    value : float
        The central value; > 0 and finite, in ``unit``.
    unit : str
        Unit of ``value``, ``low`` and ``high``, e.g. ``"kg leaf/kg HCl"``.
    status : Status or str
        ``published``, ``derived`` or ``inferred``.
    citations : tuple of Citation
        At least one source.
    low, high : float or None
        The range, where known: both or neither, ``0 <= low <= value <= high``.
    year : int or None
        The year the value refers to; None when it applies to every year of the set.
    note : str or None
        How it was derived or what to keep in mind.
    """

    name: str = attrs.field(validator=_check_name(_NAME, "snake_case (a-z, 0-9, _)"))
    value: float = attrs.field(converter=c.to_float, validator=c.v_positive())
    unit: str = attrs.field(validator=c.v_text())
    status: Status = attrs.field(converter=_to_status, validator=c.v_enum(Status))
    citations: tuple[Citation, ...] = attrs.field(converter=_to_tuple, validator=_check_citations)
    low: float | None = attrs.field(default=None, converter=c.to_optional_float)
    high: float | None = attrs.field(default=None, converter=c.to_optional_float)
    year: int | None = _v_optional_year()
    note: str | None = attrs.field(default=None, validator=c.v_text(optional=True))

    def __attrs_post_init__(self) -> None:
        if (self.low is None) != (self.high is None):
            raise ValidationError("Factor.low", "give both low and high, or neither", self.low)
        if self.low is not None and self.high is not None:
            low = c.check_non_negative("Factor.low", self.low)
            high = c.check_real("Factor.high", self.high)
            if not low <= self.value:
                raise ValidationError("Factor.low", f"must be <= value ({self.value!r})", low)
            if not self.value <= high:
                raise ValidationError("Factor.high", f"must be >= value ({self.value!r})", high)

    @property
    def has_range(self) -> bool:
        """Whether a range (low, high) is known."""
        return self.low is not None


def _check_values(instance: FactorSet, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise ValidationError("FactorSet.values", "must be a non-empty tuple of Factor", value)
    seen: set[tuple[str, int | None]] = set()
    for item in value:
        if not isinstance(item, Factor):
            raise ValidationError(
                "FactorSet.values", f"must hold Factor, not {type(item).__name__}", item
            )
        key = (item.name, item.year)
        if key in seen:
            raise ValidationError("FactorSet.values", "duplicate name and year", key)
        seen.add(key)


@attrs.frozen(kw_only=True)
class FactorSet:
    """A cited, dated set of factor values for one estimation method.

    Attributes
    ----------
    id : str
        Lower-case id with hyphens, e.g. ``"pe-gov-2017"``.
    title : str
        What the set is.
    method : MethodFamily or str
        The method family the set serves.
    values : tuple of Factor
        The named values; (name, year) pairs are unique.
    first_year, last_year : int or None
        The years the set applies to (inclusive); None when the source does not say.
    note : str or None
        What the set is for and what it leaves out.

    Examples
    --------
    Build your own set; every value needs a unit, a status and a citation:

    >>> from narcometrics.factors import Citation, Factor, FactorSet
    >>> source = Citation(publisher="My agency", title="Field survey 2024", year=2024,
    ...                   where="internal report")
    >>> mine = FactorSet(id="my-survey-2024", title="My survey", method="sun_dried_chain",
    ...     values=(Factor(name="leaf_per_hcl", value=300.0, unit="kg leaf/kg HCl",
    ...                    status="published", citations=(source,)),))
    >>> mine.get("leaf_per_hcl").value
    300.0
    """

    id: str = attrs.field(validator=_check_name(_ID, "lower-case words joined by '-'"))
    title: str = attrs.field(validator=c.v_text())
    method: MethodFamily = attrs.field(converter=_to_method, validator=c.v_enum(MethodFamily))
    values: tuple[Factor, ...] = attrs.field(converter=_to_tuple, validator=_check_values)
    first_year: int | None = _v_optional_year()
    last_year: int | None = _v_optional_year()
    note: str | None = attrs.field(default=None, validator=c.v_text(optional=True))

    def digest(self) -> str:
        """SHA-256 of the set's content (every value, unit, range, status and citation).

        Two sets with the same id but different content (a user's edited copy of a bundled
        set) have different digests, so an estimate's provenance tells them apart.
        """
        payload = json.dumps(attrs.asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def __attrs_post_init__(self) -> None:
        if (
            self.first_year is not None
            and self.last_year is not None
            and self.first_year > self.last_year
        ):
            raise ValidationError(
                "FactorSet.last_year", f"must be >= first_year ({self.first_year})", self.last_year
            )

    @property
    def names(self) -> tuple[str, ...]:
        """The distinct value names, in the order they first appear."""
        return tuple(dict.fromkeys(f.name for f in self.values))

    @property
    def citations(self) -> tuple[Citation, ...]:
        """Every distinct citation of the set's values, in the order they first appear."""
        return tuple(dict.fromkeys(cit for f in self.values for cit in f.citations))

    def has(self, name: str) -> bool:
        """Whether the set has a value called ``name`` (for any year)."""
        return any(f.name == name for f in self.values)

    def series(self, name: str) -> dict[int, Factor]:
        """The values called ``name`` that carry a year, by year (ascending)."""
        self._entries(name)
        return {f.year: f for f in sorted(self._entries(name), key=_year) if f.year is not None}

    def get(self, name: str, year: int | None = None) -> Factor:
        """The value called ``name``: for ``year`` if given, else the only one.

        A value without a year applies to every year. When ``year`` is None and the name
        has several yearly values, give the year.

        Raises
        ------
        UnknownNameError
            If the set has no value called ``name`` (the message lists the names).
        ValidationError
            If no value matches ``year``, or ``year`` is needed (the message lists years).
        """
        entries = self._entries(name)
        if year is not None:
            c.check_count("year", year, minimum=1)
            for wanted in (year, None):
                for entry in entries:
                    if entry.year == wanted:
                        return entry
        elif len(entries) == 1:
            return entries[0]
        else:
            for entry in entries:
                if entry.year is None:
                    return entry
        years = ", ".join(str(f.year) for f in sorted(entries, key=_year))
        problem = f"{self.id} has {name} for: {years}" + ("" if year else " (give a year)")
        raise ValidationError("year", problem, year)

    def flat_factor(self) -> Factor:
        """The avoided cocaine per eradicated hectare [kg HCl/ha] of a flat-method set.

        The stored ``hcl_per_ha`` if the set has one; otherwise computed as
        ``leaf_yield / leaf_per_hcl`` (status ``derived``, or ``inferred`` if an input is).

        Raises
        ------
        ValidationError
            If the set has neither ``hcl_per_ha`` nor both ``leaf_yield`` and
            ``leaf_per_hcl``.
        """
        if self.has("hcl_per_ha"):
            return self.get("hcl_per_ha")
        if not (self.has("leaf_yield") and self.has("leaf_per_hcl")):
            raise ValidationError(
                "factors",
                f"{self.id} has no hcl_per_ha and no leaf_yield with leaf_per_hcl",
                self.id,
            )
        yield_, ratio = self.get("leaf_yield"), self.get("leaf_per_hcl")
        inferred = Status.INFERRED in (yield_.status, ratio.status)
        low = high = None
        if yield_.has_range or ratio.has_range:
            low = _bound(yield_.low, yield_.value) / _bound(ratio.high, ratio.value)
            high = _bound(yield_.high, yield_.value) / _bound(ratio.low, ratio.value)
        return Factor(
            name="hcl_per_ha",
            value=yield_.value / ratio.value,
            unit="kg HCl/ha",
            status=Status.INFERRED if inferred else Status.DERIVED,
            citations=tuple(dict.fromkeys(yield_.citations + ratio.citations)),
            low=low,
            high=high,
            note=f"computed: leaf_yield {yield_.value:g} / leaf_per_hcl {ratio.value:g}",
        )

    def _entries(self, name: str) -> list[Factor]:
        entries = [f for f in self.values if f.name == name]
        if not entries:
            raise UnknownNameError(f"{self.id}.values", name, self.names)
        return entries

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.factor_set(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.factor_set(self).html()


def _year(factor: Factor) -> int:
    return -1 if factor.year is None else factor.year


def _bound(value: float | None, default: float) -> float:
    return default if value is None else value
