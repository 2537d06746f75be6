"""Cited, dated factor sets for cocaine-potential estimation.

A [`FactorSet`][narcometrics.factors.FactorSet] is a frozen record: an id, a title, the method
family it belongs to, the years it applies to and its named values
([`Factor`][narcometrics.factors.Factor]), each with a unit, a range where one is known, a status
(published, derived or inferred) and the citations it comes from. Never present an inferred value as
published: the status says which is which.

The bundled sets are JSON files in the package's ``data/factors`` folder, read on demand
and validated (a broken file raises [`ValidationError`][narcometrics.errors.ValidationError] naming
the file and the field). Build your own set in Python, or read one from a JSON file of the
same shape with [`load`][narcometrics.factors.load].

Examples
--------
>>> from narcometrics import factors
>>> factors.available()[:3]
['co-simci-2018', 'co-simci-2019', 'co-simci-2020']
>>> flat = factors.get("pe-gov-2022").flat_factor()
>>> print(f"{flat.value:.4f} {flat.unit} ({flat.status.value})")
9.3387 kg HCl/ha (derived)
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
import re
import stat
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    import cattrs

from narcometrics import _checks as c
from narcometrics import _json
from narcometrics._data import data
from narcometrics.errors import MAX_PROBLEMS, UnknownNameError, ValidationError

__all__ = [
    "Citation",
    "Factor",
    "FactorSet",
    "MethodFamily",
    "Status",
    "available",
    "default_factor_set",
    "factor_set_country",
    "flat_sets",
    "get",
    "load",
]

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


# --------------------------------------------------------------------------- loading


def _passthrough(value: object, _: type) -> object:
    # The classes' own validators check types strictly; no coercion here.
    return value


@functools.cache
def _base() -> cattrs.Converter:
    """The converter of every factor set, built on first use (cattrs is imported then)."""
    import cattrs

    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    for scalar in (float, int, str, Status, MethodFamily):
        converter.register_structure_hook(scalar, _passthrough)
    return converter


def _structure_set(data: Mapping[str, Any]) -> FactorSet:
    if not isinstance(data, Mapping):
        raise ValidationError("", f"must be a JSON object, not {type(data).__name__}", data)
    payload = dict(data)
    if "citations" not in payload:
        raise ValidationError(".citations", "required field is missing")
    raw_citations = payload.pop("citations")
    if not isinstance(raw_citations, Mapping):
        raise ValidationError(
            ".citations", "must be a JSON object of key -> citation", raw_citations
        )
    import cattrs

    from narcometrics._cattrs import problems_from as _problems

    try:
        citations: dict[str, Citation] = _base().structure(raw_citations, dict[str, Citation])
    except (ValidationError, cattrs.BaseValidationError) as exc:
        raise ValidationError.from_problems(_problems(exc, ".citations")) from None

    def by_key(value: object, _: type) -> Citation:
        if not isinstance(value, str) or value not in citations:
            raise ValidationError("", f"must be a citation key: {', '.join(citations)}", value)
        return citations[value]

    converter = _base().copy()
    converter.register_structure_hook(Citation, by_key)
    for item in (Citation, Factor):
        converter.register_structure_hook_func(
            functools.partial(operator.eq, tuple[item, ...]),  # type: ignore[valid-type]
            _list_hook(converter, item),
        )
    structured: FactorSet = converter.structure(payload, FactorSet)
    return structured


def _list_hook(converter: Any, item: type) -> Any:
    import cattrs
    from cattrs.errors import IterableValidationNote

    def structure(value: object, _: type) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise ValidationError("", f"must be a JSON array, not {type(value).__name__}", value)
        out: list[Any] = []
        problems: list[Exception] = []
        for index, element in enumerate(value):
            try:
                out.append(converter.structure(element, item))
            except Exception as exc:  # collected with their index, re-raised below
                exc.add_note(IterableValidationNote(f"@ index {index}", index, item))
                problems.append(exc)
        if problems:
            raise cattrs.IterableValidationError("invalid items", problems, tuple)
        return tuple(out)

    return structure


def _parse(text: str | bytes, where: str) -> FactorSet:
    # Strict JSON: repeated keys, NaN, over-long integers and deep nesting are errors.
    import cattrs

    from narcometrics._cattrs import problems_from as _problems

    payload = _json.loads(text, path=where)
    try:
        return _structure_set(payload)
    except (ValidationError, cattrs.BaseValidationError, KeyError, TypeError, ValueError) as exc:
        problems = [attrs.evolve(p, path=where) for p in _problems(exc, "$")]
        raise ValidationError.from_problems(
            problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS
        ) from None


def load(path: str | Path) -> FactorSet:
    """Read and validate a factor set from a JSON file (the format of the bundled sets).

    The file holds ``id``, ``title``, ``method``, ``first_year``, ``last_year``, ``note``,
    ``citations`` (an object of key to citation) and ``values`` (an array of factors, each
    naming its sources by citation key under ``citations``).

    The file is UTF-8 text, with or without a byte-order mark, and is read strictly (a
    repeated key is an error).

    Raises
    ------
    ValidationError
        Naming the file and each bad field with its JSON path, e.g.
        ``pe-gov-2017.json: $.values[0].status: must be one of: ...``; also for a missing
        file, a folder, a FIFO or device, text that is not UTF-8 (with its line) and JSON
        nested too deeply.
    """
    file = Path(path)
    name = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in str(file))
    try:
        status = file.stat()
        if stat.S_ISDIR(status.st_mode):
            raise ValidationError("path", "is a directory, not a file", name, path=name)
        if not stat.S_ISREG(status.st_mode):
            raise ValidationError(
                "path",
                "is not a regular file (a FIFO, socket or device is refused)",
                name,
                path=name,
            )
        data = file.read_bytes()
    except FileNotFoundError:
        raise ValidationError("path", "file not found", name, path=name) from None
    except IsADirectoryError:
        raise ValidationError("path", "is a directory, not a file", name, path=name) from None
    except PermissionError:
        raise ValidationError("path", "permission denied", name, path=name) from None
    except OSError as exc:
        raise ValidationError("path", f"cannot be read ({exc.strerror})", name, path=name) from None
    return _parse(data, name)


def _folder() -> Any:
    return data("factors")


def available() -> list[str]:
    """The ids of the bundled factor sets, sorted."""
    return sorted(
        entry.name.removesuffix(".json")
        for entry in _folder().iterdir()
        if entry.name.endswith(".json")
    )


@functools.cache
def _bundled(id: str) -> FactorSet:
    name = f"{id}.json"
    factor_set = _parse(_folder().joinpath(name).read_text(encoding="utf-8"), name)
    if factor_set.id != id:
        raise ValidationError(
            "$.id", f"must equal the file name ({id!r})", factor_set.id, path=name
        )
    return factor_set


def get(id: str) -> FactorSet:
    """The bundled factor set ``id``, read (once) and validated.

    Raises
    ------
    TypeError
        If ``id`` is not a str.
    UnknownNameError
        If ``id`` is not bundled; the message lists [`available`][narcometrics.factors.available].
    """
    if not isinstance(id, str):
        raise TypeError(f"id must be a factor set id (str), not {type(id).__name__}")
    names = available()
    if id not in names:
        raise UnknownNameError("id", id, names)
    return _bundled(id)


# ----------------------------------------------------------- choosing a set by country and year

#: Country of a bundled set, from the ISO 3166-1 alpha-2 prefix of its id (``pe-gov-2017``).
_ID_COUNTRIES = {"pe": "PER", "co": "COL", "bo": "BOL"}


def factor_set_country(factor_set: FactorSet | str) -> str | None:
    """The ISO 3166-1 alpha-3 country a factor set is for, or None when it does not say.

    A set's ``country`` attribute when it has one; otherwise, for the bundled sets, the
    ISO 3166-1 alpha-2 prefix of the id (``pe-`` Peru, ``co-`` Colombia, ``bo-`` Bolivia).

    Raises
    ------
    TypeError
        If ``factor_set`` is neither a FactorSet nor a str.
    """
    if not isinstance(factor_set, (FactorSet, str)):
        raise TypeError(f"factor_set must be a FactorSet or an id, not {type(factor_set).__name__}")
    chosen = get(factor_set) if isinstance(factor_set, str) else factor_set
    country = getattr(chosen, "country", None)
    if isinstance(country, str):
        return country.upper()
    return _ID_COUNTRIES.get(chosen.id.split("-", 1)[0])


def _covers(factor_set: FactorSet, year: int) -> bool:
    first = factor_set.first_year if factor_set.first_year is not None else year
    last = factor_set.last_year if factor_set.last_year is not None else year
    return first <= year <= last


def flat_sets(country: str | None = None) -> list[str]:
    """The bundled flat-per-hectare sets (what an "up to" figure needs), for one country.

    Parameters
    ----------
    country : str, optional
        ISO 3166-1 alpha-3 code (any case); None for every country.

    Returns
    -------
    list of str
        Sorted ids.

    Raises
    ------
    TypeError
        If ``country`` is neither None nor a str.
    """
    if country is not None and not isinstance(country, str):
        raise TypeError(f"country must be a str or None, not {type(country).__name__}")
    wanted = None if country is None else country.upper()
    return [
        i
        for i in available()
        if str(get(i).method) == "flat_per_hectare"
        and (wanted is None or factor_set_country(i) == wanted)
    ]


def default_factor_set(year: int, country: str = "PER") -> str:
    """The bundled flat-per-hectare set for ``country`` whose years cover ``year``.

    When several cover the year, the one that starts latest.

    Parameters
    ----------
    year : int
        Calendar year of the eradication.
    country : str
        ISO 3166-1 alpha-3 code of the country eradicated in (any case); Peru by default.

    Returns
    -------
    str
        The factor set id.

    Raises
    ------
    TypeError
        If ``year`` is not an int or ``country`` not a str.
    ValidationError
        When no bundled flat set for the country covers the year; the message lists the
        flat sets of the country with their years, or says that it has none.

    Examples
    --------
    >>> from narcometrics.factors import default_factor_set
    >>> default_factor_set(2017, "PER")
    'pe-gov-2017'
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be an int, not {type(year).__name__}")
    if not isinstance(country, str):
        raise TypeError(f"country must be a str, not {type(country).__name__}")
    code = country.upper()
    candidates = flat_sets(code)
    covering = [(get(i).first_year or 0, i) for i in candidates if _covers(get(i), year)]
    if covering:
        return max(covering)[1]
    if not candidates:
        reason = f"no bundled flat (per-hectare) factor set is for {code}"
    else:
        listed = ", ".join(f"{i} ({_years(get(i))})" for i in candidates)
        reason = f"no bundled flat factor set for {code} covers {year} (for {code}: {listed})"
    raise ValidationError("factors", f"{reason}; choose one with --factors", year)


def _years(factor_set: FactorSet) -> str:
    first, last = factor_set.first_year, factor_set.last_year
    if first is None and last is None:
        return "any year"
    if first == last:
        return str(first)
    return f"{'...' if first is None else first}-{'...' if last is None else last}"
