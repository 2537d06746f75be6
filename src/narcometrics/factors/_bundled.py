"""The bundled factor sets: [`available`][narcometrics.factors.available],
[`get`][narcometrics.factors.get], and choosing one by country and year."""

from __future__ import annotations

import functools
from typing import Any

from narcometrics._data import data
from narcometrics._renamed import renamed_keyword
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.factors._load import parse
from narcometrics.factors._model import FactorSet

__all__ = ["available", "default_factor_set", "factor_set_country", "flat_sets", "get"]


def _folder() -> Any:
    return data("factors")


def available() -> list[str]:
    """The ids of the bundled factor sets, sorted."""
    return list(_ids())


@functools.cache
def _ids() -> tuple[str, ...]:
    # The bundled folder is part of the installed package: listed once per process.
    return tuple(
        sorted(
            entry.name.removesuffix(".json")
            for entry in _folder().iterdir()
            if entry.name.endswith(".json")
        )
    )


@functools.cache
def _bundled(id: str) -> FactorSet:
    name = f"{id}.json"
    factor_set = parse(_folder().joinpath(name).read_text(encoding="utf-8"), name)
    if factor_set.id != id:
        raise ValidationError(
            "$.id", f"must equal the file name ({id!r})", factor_set.id, path=name
        )
    return factor_set


@renamed_keyword("id", "set_id", "id is the name of a builtin")
def get(set_id: str) -> FactorSet:
    """The bundled factor set ``set_id``, read (once) and validated.

    Parameters
    ----------
    set_id : str
        A bundled set's id, e.g. ``"pe-gov-2017"`` (see
        [`available`][narcometrics.factors.available]). Version 0.1 called this argument
        ``id`` (the name of a builtin); ``get(id=...)`` still works until 0.3, with a
        DeprecationWarning.

    Raises
    ------
    TypeError
        If ``set_id`` is not a str.
    UnknownNameError
        If ``set_id`` is not bundled; the message lists
        [`available`][narcometrics.factors.available].
    """
    if not isinstance(set_id, str):
        raise TypeError(f"set_id must be a factor set id (str), not {type(set_id).__name__}")
    names = _ids()
    if set_id not in names:
        raise UnknownNameError("set_id", set_id, list(names))
    return _bundled(set_id)


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
