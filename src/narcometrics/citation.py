"""Citations in the forms reference managers import: BibTeX, CSL-JSON and plain text.

[`cite`][narcometrics.citation.cite] gives the citation of the installed release, from the
metadata of its ``CITATION.cff`` (shipped inside the package, so it works from an installed
wheel). [`references`][narcometrics.citation.references] gathers, for one or more estimates, the
library release that computed them and every source behind the factors they used, each once;
[`format_references`][narcometrics.citation.format_references] writes them out.
[`Provenance.cite`][narcometrics.estimate.Provenance.cite] does both for one estimate.

References
----------
Citation File Format 1.2.0 (citation-file-format.github.io); CSL-JSON, the input data schema of the
Citation Style Language (citationstyles.org, ``csl-data.json``); the BibTeX format as documented
by Oren Patashnik, "BibTeXing" (1988).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, Literal, Protocol

import attrs

from narcometrics._data import data as bundled
from narcometrics._version import __version__
from narcometrics.errors import UnknownNameError, ValidationError, WrongTypeError

__all__ = [
    "FORMATS",
    "Author",
    "Format",
    "Reference",
    "cite",
    "format_references",
    "references",
    "release_reference",
]

#: A citation format: BibTeX, CSL-JSON (a JSON array of CSL items) or plain text.
Format = Literal["bibtex", "csl-json", "text"]
#: The formats [`cite`][narcometrics.citation.cite] and
#: [`format_references`][narcometrics.citation.format_references] write.
FORMATS: tuple[str, ...] = ("bibtex", "csl-json", "text")


@attrs.frozen(kw_only=True)
class Author:
    """A person (``family``, ``given``) or an organisation (``literal``)."""

    family: str | None = None
    given: str | None = None
    literal: str | None = None

    def text(self) -> str:
        """The name as written in a text citation."""
        if self.literal is not None:
            return self.literal
        return ", ".join(part for part in (self.family, self.given) if part)


@attrs.frozen(kw_only=True)
class Reference:
    """One work to cite: the library release or a source of factor values.

    Attributes
    ----------
    key : str
        Citation key (BibTeX key, CSL ``id``), unique within one list of references.
    kind : str
        CSL item type: ``"software"`` for the release, ``"document"`` for a source.
    authors : tuple of Author
        Authors; an organisation is one ``literal`` name.
    title : str
        Title; a description in square brackets when the work has no title of its own.
    year : int or None
        Year of publication (of the release, for software), when known.
    date : str or None
        Full ISO date (``YYYY-MM-DD``) of the release, when known.
    where : str or None
        Where it was published: a series, a website, a newspaper.
    version : str or None
        The release's version (software only).
    url, doi : str or None
        Where to find it, when the metadata give it.
    note : str or None
        Anything a reader needs to find or judge the work.
    """

    key: str
    kind: str
    authors: tuple[Author, ...]
    title: str
    year: int | None = None
    date: str | None = None
    where: str | None = None
    version: str | None = None
    url: str | None = None
    doi: str | None = None
    note: str | None = None

    def to_csl(self) -> dict[str, Any]:
        """A CSL-JSON item (the CSL input schema; ``id`` and ``type`` always present)."""
        item: dict[str, Any] = {"id": self.key, "type": self.kind, "title": self.title}
        item["author"] = [
            {"literal": a.literal}
            if a.literal is not None
            else {k: v for k, v in (("family", a.family), ("given", a.given)) if v}
            for a in self.authors
        ]
        if self.date is not None:
            item["issued"] = {"date-parts": [[int(part) for part in self.date.split("-")]]}
        elif self.year is not None:
            item["issued"] = {"date-parts": [[self.year]]}
        for name, value in (
            ("container-title", self.where),
            ("version", self.version),
            ("URL", self.url),
            ("DOI", self.doi),
            ("note", self.note),
        ):
            if value is not None:
                item[name] = value
        return item

    def to_bibtex(self) -> str:
        """A BibTeX ``@software`` (the release) or ``@misc`` (a source) entry."""
        names = " and ".join(
            "{" + _tex(a.literal) + "}" if a.literal is not None else _tex(a.text())
            for a in self.authors
        )
        fields = [("author", names), ("title", "{" + _tex(self.title) + "}")]
        if self.year is not None:
            fields.append(("year", str(self.year)))
        if self.date is not None:
            fields.append(("date", self.date))
        for name, value in (
            ("howpublished", self.where),
            ("version", self.version),
            ("url", self.url),
            ("doi", self.doi),
            ("note", self.note),
        ):
            if value is not None:
                fields.append((name, _tex(value) if name not in ("url", "doi") else value))
        entry = "software" if self.kind == "software" else "misc"
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@{entry}{{{self.key},\n{body}\n}}\n"

    def to_text(self) -> str:
        """One line: ``Authors (year). Title (version x). Where. Note.``"""
        authors = "; ".join(a.text() for a in self.authors)
        year = f" ({self.year})" if self.year is not None else " (n.d.)"
        title = self.title.rstrip(".")
        if self.version is not None:
            title += f" (version {self.version}) [computer software]"
        parts = [f"{authors}{year}. {title}."]
        parts.extend(
            f"{value.rstrip('.')}."
            for value in (self.where, self.note)
            if value is not None and value.strip()
        )
        parts.extend(
            value for value in (self.url, f"doi:{self.doi}" if self.doi else None) if value
        )
        return " ".join(parts)


# BibTeX/LaTeX special characters, escaped so that a parser reads the text back unchanged.
_TEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",  # not \{: BibTeX counts every brace, escaped or not
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_TEX_PATTERN = re.compile("|".join(re.escape(k) for k in _TEX))


def _tex(text: str) -> str:
    # One line, specials escaped: braces in the value always balance.
    flat = " ".join(text.split())
    return _TEX_PATTERN.sub(lambda m: _TEX[m.group(0)], flat)


def _check_format(format: object) -> Format:
    if not isinstance(format, str):
        raise TypeError(f"format must be a str, not {type(format).__name__}")
    if format not in FORMATS:
        raise UnknownNameError("format", format, FORMATS)
    return format  # type: ignore[return-value]


@cache
def _metadata() -> Mapping[str, Any]:
    """The package's copy of ``CITATION.cff`` (JSON; ``scripts/sync_citation.py`` writes it)."""
    text = bundled("citation.json").read_text("utf-8")
    metadata: Mapping[str, Any] = json.loads(text)
    return metadata


def _author(entry: Mapping[str, Any]) -> Author:
    if "name" in entry:
        return Author(literal=str(entry["name"]))
    family = " ".join(
        str(entry[k]) for k in ("name-particle", "family-names", "name-suffix") if k in entry
    )
    return Author(family=family or None, given=entry.get("given-names"))


def release_reference(version: str | None = None) -> Reference:
    """The reference of a narcometrics release, from the installed release's citation metadata.

    Parameters
    ----------
    version : str, optional
        The release to cite (default: the installed one). For another release the title and
        authors are the installed release's and the release date is left out (unknown here).

    Returns
    -------
    Reference
        Kind ``"software"``, keyed ``narcometrics-<version>``.
    """
    meta = _metadata()
    version = str(meta["version"]) if version is None else version
    if not isinstance(version, str):
        raise WrongTypeError("version", f"must be a str, not {type(version).__name__}", version)
    if not version.strip():
        raise ValidationError("version", "must be a non-empty str", version)
    same = version == str(meta["version"])
    date = str(meta["date-released"]) if same and "date-released" in meta else None
    identifiers = meta.get("identifiers", ())
    doi = meta.get("doi") or next(
        (str(i["value"]) for i in identifiers if i.get("type") == "doi"), None
    )
    return Reference(
        key=f"narcometrics-{version}",
        kind="software",
        authors=tuple(_author(a) for a in meta["authors"]),
        title=str(meta["title"]),
        year=None if date is None else int(date[:4]),
        date=date,
        version=version,
        url=meta.get("url") or meta.get("repository-code"),
        doi=doi,
    )


def format_references(references: Iterable[Reference], format: Format = "text") -> str:
    """Write references as BibTeX, CSL-JSON (an array of items) or plain text (one a line).

    Raises
    ------
    UnknownNameError
        For a format that is not one of ``bibtex``, ``csl-json`` and ``text``.
    """
    fmt = _check_format(format)
    items = list(references)
    if fmt == "bibtex":
        return "\n".join(r.to_bibtex() for r in items)
    if fmt == "csl-json":
        return json.dumps([r.to_csl() for r in items], indent=2, ensure_ascii=False) + "\n"
    return "".join(r.to_text() + "\n" for r in items)


def cite(format: Format = "text") -> str:
    """The citation of the installed narcometrics release.

    Parameters
    ----------
    format : {"text", "bibtex", "csl-json"}
        Plain text (one line), a BibTeX entry, or a CSL-JSON array of one item.

    Returns
    -------
    str
        Ends with a newline.

    Examples
    --------
    >>> import narcometrics
    >>> print(narcometrics.cite("bibtex").splitlines()[0])
    @software{narcometrics-0.1.0,
    """
    return format_references([release_reference()], format)


class _Source(Protocol):
    # A factor's citation (narcometrics.factors.Citation).
    @property
    def publisher(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def year(self) -> int | None: ...
    @property
    def where(self) -> str: ...
    @property
    def note(self) -> str | None: ...


class _Cited(Protocol):
    # A provenance (narcometrics.estimate.Provenance).
    @property
    def library_version(self) -> str: ...
    @property
    def citations(self) -> tuple[Any, ...]: ...


def _slug(text: str) -> str:
    ascii_only = text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_only.lower())[:16] or "source"


def _source_reference(key: tuple[str, str, int | None, str], notes: list[str]) -> Reference:
    publisher, title, year, where = key
    digest = hashlib.sha256(json.dumps(key, ensure_ascii=False).encode()).hexdigest()[:6]
    return Reference(
        key=f"{_slug(publisher)}{year or ''}-{digest}",
        kind="document",
        authors=(Author(literal=publisher),),
        title=title,
        year=year,
        where=where,
        note="; ".join(notes) if notes else None,
    )


def references(*cited: Any, release: bool = True) -> tuple[Reference, ...]:
    """The works behind one or more estimates, each once: the release(s), then the sources.

    Parameters
    ----------
    *cited : Estimate or Provenance
        Estimates (or their provenances); ``None`` is skipped, so optional results can be
        passed as they are.
    release : bool
        Include the narcometrics release that computed each estimate (its recorded
        ``library_version``).

    Returns
    -------
    tuple of Reference
        Releases in the order first met, then every factor source. Sources are the same
        work when publisher, title, year and place agree; their notes are kept, each once.

    Examples
    --------
    >>> from narcometrics.citation import references
    >>> from narcometrics.estimate import avoided_production
    >>> refs = references(avoided_production(22_165, "pe-gov-2017"))
    >>> [r.kind for r in refs]
    ['software', 'document', 'document']
    """
    provenances: list[_Cited] = []
    for item in cited:
        if item is None:
            continue
        provenance = getattr(item, "provenance", item)
        if not hasattr(provenance, "citations") or not hasattr(provenance, "library_version"):
            raise TypeError(f"references takes estimates or provenances, not {type(item).__name__}")
        provenances.append(provenance)
    out: list[Reference] = []
    if release:
        versions = dict.fromkeys(p.library_version for p in provenances) or {__version__: None}
        out.extend(release_reference(v) for v in versions)
    sources: dict[tuple[str, str, int | None, str], list[str]] = {}
    for p in provenances:
        for source in p.citations:
            notes = sources.setdefault(
                (source.publisher, source.title, source.year, source.where), []
            )
            if source.note and source.note not in notes:
                notes.append(source.note)
    out.extend(_source_reference(key, notes) for key, notes in sources.items())
    return tuple(out)
