"""Substance and country names as people type them, to the library's values.

Names are compared folded: Unicode-decomposed without accents, case-folded, every run of
characters other than letters and digits read as one space (``"Clorhidrato de Cocaína"``,
``"clorhidrato de cocaina"`` and ``"CLORHIDRATO  DE COCAÍNA"`` are one name). A name that is
not known is an [`UnknownNameError`][narcometrics.errors.UnknownNameError] suggesting the
nearest known names; nothing is guessed.
"""

from __future__ import annotations

import csv
import difflib
import functools
import gettext
import io
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from types import MappingProxyType
from typing import cast

import attrs

from narcometrics.errors import Problem, UnknownNameError
from narcometrics.records import Substance

__all__ = [
    "SubstanceSynonym",
    "country",
    "country_index",
    "fold",
    "substance",
    "substance_index",
    "substance_synonyms",
    "suggest",
    "unknown_error",
    "unknown_name",
]

#: How many near names an unknown name suggests.
SUGGESTIONS = 5


def fold(name: str) -> str:
    """The folded form names are compared in: no accents, case-folded, single spaces.

    Examples
    --------
    >>> fold("  Clorhidrato de COCAÍNA ")
    'clorhidrato de cocaina'
    >>> fold("Bolivia (Estado Plurinacional de)")
    'bolivia estado plurinacional de'
    """
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


@attrs.frozen(kw_only=True)
class SubstanceSynonym:
    """One row of the bundled synonym table.

    Attributes
    ----------
    name : str
        The name as written in the source.
    language : str
        ISO 639-1 code (``en``, ``es``; ``la`` for a botanical name).
    substance : Substance
        What the name means.
    source : str
        Where the name comes from (see the page "Messy names and units").
    """

    name: str
    language: str
    substance: Substance
    source: str


@functools.cache
def substance_synonyms() -> tuple[SubstanceSynonym, ...]:
    """The bundled synonym table (``data/synonyms/substances.csv``)."""
    text = (
        resources.files("narcometrics")
        .joinpath("data/synonyms/substances.csv")
        .read_text(encoding="utf-8")
    )
    return tuple(
        SubstanceSynonym(
            name=row["name"],
            language=row["language"],
            substance=Substance(row["substance"]),
            source=row["source"],
        )
        for row in csv.DictReader(io.StringIO(text))
    )


@functools.cache
def substance_index() -> Mapping[str, Substance]:
    """Folded name -> substance: every enum value (also with spaces) and every synonym."""
    index: dict[str, Substance] = {}
    for member in Substance:
        index[fold(member.value)] = member
    for synonym in substance_synonyms():
        key = fold(synonym.name)
        if index.get(key, synonym.substance) is not synonym.substance:
            raise RuntimeError(f"synonym {synonym.name!r} names two substances")
        index[key] = synonym.substance
    return MappingProxyType(index)


def _names_of(record: object) -> list[str]:
    names = []
    for attribute in ("name", "official_name", "common_name"):
        value = getattr(record, attribute, None)
        if isinstance(value, str):
            names.append(value)
    return names


def _variants(name: str) -> list[str]:
    """A name and, for ``"Korea, Republic of"``, its reading ``"Republic of Korea"``."""
    out = [name]
    if ", " in name:
        head, tail = name.split(", ", 1)
        out.append(f"{tail} {head}")
    return out


@functools.cache
def country_index() -> Mapping[str, str]:
    """Folded country name or code -> ISO 3166-1 alpha-3, from pycountry.

    Every English name (short, official, common) of every country and its Spanish
    translation from the iso-codes project that pycountry ships, plus the alpha-2 and
    alpha-3 codes. A folded name that two countries share is left out (it would be a guess).
    """
    import pycountry

    try:
        spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
        translate: Callable[[str], str] = spanish.gettext
    except OSError:  # pragma: no cover - pycountry always ships the Spanish catalogue

        def translate(name: str) -> str:
            return name

    seen: dict[str, set[str]] = {}
    for record in pycountry.countries:
        code = str(record.alpha_3)
        names = _names_of(record)
        keys = {str(record.alpha_2), code}
        for name in names + [translate(n) for n in names]:
            keys.update(_variants(name))
        for key in keys:
            seen.setdefault(fold(key), set()).add(code)
    return MappingProxyType({key: codes.pop() for key, codes in seen.items() if len(codes) == 1})


def suggest(name: str, known: Iterable[str], n: int = SUGGESTIONS) -> list[str]:
    """The known names nearest to ``name`` (difflib ratio on folded names), best first."""
    by_fold: dict[str, str] = {}
    for item in known:
        by_fold.setdefault(fold(item), item)
    near = difflib.get_close_matches(fold(name), list(by_fold), n=n, cutoff=0.5)
    return [by_fold[key] for key in near]


def _display_substance_names() -> list[str]:
    return [m.value for m in Substance] + [s.name for s in substance_synonyms()]


def unknown_name(field: str, value: str, near: list[str], **where: object) -> Problem:
    """The problem of an unknown name, with the nearest known names."""
    hint = f"; nearest known names: {', '.join(near)}" if near else "; no known name is near"
    return Problem(field=field, problem=f"unknown name{hint}", value=value, **where)  # type: ignore[arg-type]


def unknown_error(
    problems: Sequence[Problem], valid: Sequence[str] = (), *, truncated: bool = False
) -> UnknownNameError:
    """An [`UnknownNameError`][narcometrics.errors.UnknownNameError] for these problems."""
    error = cast(UnknownNameError, UnknownNameError.from_problems(problems, truncated=truncated))
    error.valid = tuple(valid)
    return error


def _raise_unknown(field: str, value: str, near: list[str]) -> UnknownNameError:
    return unknown_error([unknown_name(field, value, near)], near)


def substance(name: str | Substance) -> Substance:
    """The substance a name means, in English or Spanish, case- and accent-insensitive.

    Parameters
    ----------
    name : str or Substance
        An enum value (``"coca_paste"``), or a name of the bundled synonym table
        (``"PBC"``, ``"pasta básica de cocaína"``, ``"clorhidrato de cocaína"``,
        ``"marihuana"``...).

    Raises
    ------
    TypeError
        For a value that is not a string.
    UnknownNameError
        For a name not in the table, suggesting the nearest known names. ``"cocaína"``
        alone is unknown on purpose: it does not say which form (paste, base, hydrochloride).

    Examples
    --------
    >>> from narcometrics import normalise
    >>> normalise.substance("Clorhidrato de Cocaína")
    <Substance.COCAINE_HCL: 'cocaine_hcl'>
    >>> normalise.substance("PBC")
    <Substance.COCA_PASTE: 'coca_paste'>
    """
    if isinstance(name, Substance):
        return name
    if not isinstance(name, str):
        raise TypeError(f"a substance name must be a string, not {type(name).__name__}")
    found = substance_index().get(fold(name))
    if found is None:
        raise _raise_unknown("substance", name, suggest(name, _display_substance_names()))
    return found


def country(name: str) -> str:
    """The ISO 3166-1 alpha-3 code of a country name or code, in English or Spanish.

    Parameters
    ----------
    name : str
        A code (``"PER"``, ``"pe"``) or a name (``"Perú"``, ``"Peru"``,
        ``"Bolivia (Estado Plurinacional de)"``, ``"Estados Unidos"``), case- and
        accent-insensitive.

    Raises
    ------
    TypeError
        For a value that is not a string.
    UnknownNameError
        For a name pycountry does not know (or that two countries share), suggesting the
        nearest known names.

    Examples
    --------
    >>> from narcometrics import normalise
    >>> normalise.country("Perú"), normalise.country("Bolivia (Estado Plurinacional de)")
    ('PER', 'BOL')
    """
    if not isinstance(name, str):
        raise TypeError(f"a country name must be a string, not {type(name).__name__}")
    code = country_index().get(fold(name))
    if code is None:
        import pycountry

        names = [n for c in pycountry.countries for n in _names_of(c)]
        raise _raise_unknown("country", name, suggest(name, names))
    return code
