"""The IATI 2.03 activity schema, codelists and safe XML parsing (the ``iati`` extra: lxml).

The XSD files are vendored from the IATI-Schemas repository (branch ``version-2.03``) with
their licence in ``data/iati/LICENSE.txt``. An IATI file is untrusted input: it is parsed
without resolving entities, without loading a DTD and without network access.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from importlib import resources
from typing import IO, Any

from narcometrics.errors import MAX_PROBLEMS, Problem, ValidationError

_INSTALL = 'IATI files need lxml: pip install "narcometrics[iati]"'

#: The namespace of the narcometrics extension elements written inside IATI results
#: (IATI allows elements of other namespaces; see the page "IATI results in and out").
NAMESPACE = "https://narcometrics.readthedocs.io/iati/1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: IATI ResultType codes (codelist ResultType, IATI 2.03).
RESULT_TYPES = {"1": "output", "2": "outcome", "3": "impact", "9": "other"}
#: IATI IndicatorMeasure codes (codelist IndicatorMeasure, IATI 2.03).
MEASURES = {"1": "unit", "2": "percentage", "3": "nominal", "4": "ordinal", "5": "qualitative"}
_ATTRIBUTE = re.compile(r"attribute '([\w:-]+)'")

#: The booleans xsd:boolean allows.
BOOLEANS = {"1": True, "true": True, "0": False, "false": False}


def lxml() -> Any:
    """The lxml.etree module (ImportError with the extra to install otherwise)."""
    try:
        from lxml import etree
    except ImportError:
        raise ImportError(_INSTALL) from None
    return etree


def parser() -> Any:
    """An XML parser for untrusted input: no entities, no DTD, no network, no comments."""
    etree = lxml()
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


@functools.cache
def activity_schema() -> Any:
    """The IATI 2.03 activity schema as an lxml XMLSchema (loaded once, from the package)."""
    etree = lxml()
    folder = resources.files("narcometrics").joinpath("data/iati")
    with resources.as_file(folder.joinpath("iati-activities-schema.xsd")) as path:
        return etree.XMLSchema(etree.parse(str(path), parser()))


def parse(source: str | os.PathLike[str] | IO[bytes], name: str) -> Any:
    """Parse an IATI file; a missing or malformed file is a ValidationError."""
    etree = lxml()
    if isinstance(source, (str, os.PathLike)) and not os.path.exists(source):
        raise ValidationError("path", "file not found", os.fspath(source), path=name)
    try:
        if isinstance(source, (str, os.PathLike)):
            return etree.parse(os.fspath(source), parser())
        return etree.parse(source, parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else None
        raise ValidationError("file", f"malformed XML: {exc.msg}", path=name, row=line) from None


def element_path(raw: str | None) -> str:
    """lxml's XPath of an error as this library names elements: ``iati-activity[2]/result[1]``.

    lxml leaves out the index of an only child; every step gets one here (1-based).
    """
    if not raw:
        return "iati-activities"
    steps = [s for s in raw.split("/") if s]
    if steps and steps[0] == "iati-activities":
        steps = steps[1:]
    out = []
    for step in steps:
        name = step.split(":")[-1]
        out.append(name if name.endswith("]") or name.startswith("@") else f"{name}[1]")
    return "/".join(out) or "iati-activities"


def schema_problems(tree: Any, name: str) -> list[Problem]:
    """The IATI 2.03 schema's objections to a parsed file, each named by element path."""
    etree = lxml()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        return [
            Problem(
                field="file",
                problem="has a DOCTYPE: IATI files have none, and entities are never expanded",
                path=name,
            )
        ]
    schema = activity_schema()
    try:
        if schema.validate(tree):
            return []
    except etree.XMLSchemaValidateError as exc:
        return [Problem(field="file", problem=f"cannot be validated: {exc}", path=name)]
    problems = []
    for error in schema.error_log:
        path = element_path(error.path)
        attribute = _ATTRIBUTE.search(error.message or "")
        if attribute is not None:
            path = f"{path}/@{attribute.group(1)}"
        problems.append(
            Problem(
                field=path,
                problem=f"breaks the IATI 2.03 schema: {error.message}",
                path=name,
                row=error.line if error.line else None,
            )
        )
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def raise_problems(problems: Iterable[Problem]) -> None:
    """Raise one ValidationError for the problems, if any."""
    found = list(problems)
    if found:
        raise ValidationError.from_problems(
            found[:MAX_PROBLEMS], truncated=len(found) > MAX_PROBLEMS
        )
